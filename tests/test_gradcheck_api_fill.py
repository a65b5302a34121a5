"""Float64 central-difference checks of the ops added with the API fill-in (as_strided, addr,
addbmm, multilabel_margin_loss, triplet_margin_with_distance_loss, feature_alpha_dropout, the
split and in-place forms), without torch.  Inputs sit away from kinks and hinge edges."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck


def r(*shape, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def _dropped(x):
    gt.manual_seed(0)
    return gt.nn.functional.feature_alpha_dropout(x, 0.4, True)


F = gt.nn.functional
LABELS = gt.tensor([[3, 0, -1, 1], [1, 2, 3, -1]])
CASES = [
    ("as_strided", lambda x: x.as_strided((2, 3), (1, 2), 1), [r(8)]),
    ("as_strided_overlap", lambda x: x[1:].as_strided((3, 3), (1, 1)), [r(8)]),
    ("as_strided_expanded", lambda x: x.expand(2, 3).as_strided((2, 2), (0, 1), 1), [r(3)]),
    ("as_strided_", lambda x: (x * 1).as_strided_((2, 2), (2, 1), 1), [r(6)]),
    ("addr", lambda c, u, v: gt.addr(c, u, v, beta=0.5, alpha=2), [r(2, 3), r(2, seed=1), r(3, seed=2)]),
    ("addbmm", lambda c, a, b: gt.addbmm(c, a, b, beta=2, alpha=0.5), [r(2, 2), r(3, 2, 4, seed=1),
                                                                       r(3, 4, 2, seed=2)]),
    ("nn.functional.multilabel_margin_loss", lambda x: F.multilabel_margin_loss(x, LABELS), [r(2, 4, lo=-0.2, hi=0.2)]),
    ("nn.functional.multilabel_margin_loss_none",
     lambda x: F.multilabel_margin_loss(x, LABELS, reduction="none"), [r(2, 4, lo=-0.2, hi=0.2)]),
    ("nn.functional.triplet_margin_with_distance_loss",
     lambda a, p, n: F.triplet_margin_with_distance_loss(a, p, n, swap=True, margin=3.0),
     [r(4, 3), r(4, 3, seed=1), r(4, 3, seed=2)]),
    ("nn.functional.feature_alpha_dropout", _dropped, [r(3, 4, 2)]),
    ("hsplit", lambda x: gt.hsplit(x, [1]), [r(2, 3)]), ("vsplit", lambda x: gt.vsplit(x, 2), [r(2, 3)]),
    ("dsplit", lambda x: gt.dsplit(x, [1]), [r(1, 2, 3)]), ("diagflat", lambda x: gt.diagflat(x, 1), [r(2, 2)]),
    ("combinations", lambda x: gt.combinations(x, 2), [r(4)]),
    ("fill_diagonal_", lambda x: (x * 1).fill_diagonal_(2.0, wrap=True), [r(5, 2)]),
    ("cumsum_", lambda x: (x * 1).cumsum_(1), [r(2, 3)]),
    ("xlogy_", lambda x, y: (x * 1).xlogy_(y), [r(2, 3), r(2, 3, seed=1, lo=0.5, hi=2)]),
    ("logit_", lambda x: (x * 1).logit_(), [r(2, 3, lo=0.2, hi=0.8)]),
    ("lt_", lambda x: (x * 1).lt_(0.0), [r(2, 3)]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = [gt.tensor(np.array(a, np.float64), requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
