"""Float64 central-difference checks of the NLP sweep's differentiable additions, without torch.

CTC's gradient for ``log_probs`` is torch's, which assumes they come from ``log_softmax`` (it adds
``exp(lp)``, which log_softmax's backward cancels), so the loss is checked through log_softmax."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck


def r(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


TG = gt.tensor([[1, 2, 2], [3, 1, 0], [2, 2, 2]])
CTC = [
    ("ctc_none", dict(reduction="none"), [6, 5, 6], [3, 2, 1]),
    ("ctc_mean", dict(reduction="mean"), [6, 4, 3], [3, 2, 0]),
    ("ctc_sum_blank", dict(reduction="sum", blank=3), [6, 6, 2], [2, 1, 1]),
    ("ctc_zero_inf", dict(reduction="sum", zero_infinity=True), [6, 6, 3], [3, 2, 3]),   # entry 2 infeasible
]


@pytest.mark.parametrize("name,kw,il,tl", CTC, ids=[c[0] for c in CTC])
def test_ctc_loss(name, kw, il, tl):
    x = gt.tensor(r(6, 3, 4), requires_grad=True)
    tg = TG if kw.get("blank", 0) == 0 else gt.tensor([[1, 2, 2], [0, 1, 0], [2, 2, 2]])
    f = lambda x: gt.nn.functional.ctc_loss(x.log_softmax(2), tg, il, tl, **kw)
    assert gradcheck(f, (x,))


def test_adaptive_log_softmax():
    gt.manual_seed(0)
    asm = gt.nn.AdaptiveLogSoftmaxWithLoss(6, 10, [3, 6], div_value=2.0).double()
    x = gt.tensor(r(5, 6), requires_grad=True)
    t = gt.tensor([0, 4, 9, 2, 7])
    assert gradcheck(lambda x: asm(x, t).loss, (x,))
    assert gradcheck(lambda x: asm.log_prob(x), (x,))
