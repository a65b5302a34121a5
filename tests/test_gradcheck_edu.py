"""Float64 central-difference checks of the ops added or changed by the course-assignment sweep, without torch."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck


def r(*shape, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


CASES = [
    ("var_mean", lambda x: gt.var_mean(x, 1), [r(3, 5)]),
    ("var_mean_all", lambda x: gt.var_mean(x, correction=0), [r(3, 5)]),
    ("std_mean", lambda x: gt.std_mean(x, 0, keepdim=True), [r(4, 3)]),
    ("std_mean_weighted", lambda x: (lambda s, m: s * 2 + m ** 2)(*gt.std_mean(x, (0, 1))), [r(2, 3, 2)]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = [gt.tensor(a, dtype=gt.float64, requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name


@pytest.mark.parametrize("name,fn,arrays", CASES[:3], ids=[c[0] for c in CASES[:3]])
def test_gradgradcheck(name, fn, arrays):
    inputs = [gt.tensor(a, dtype=gt.float64, requires_grad=True) for a in arrays]
    assert gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name


F = gt.nn.functional
W4 = lambda: gt.linspace(0.5, 1.5, 4, dtype=gt.float64)
# backward passes that must themselves be differentiable (create_graph: Newton, MAML, hessians)
SECOND_ORDER = [
    ("layer_norm_affine", lambda x, w, b: F.layer_norm(x, (4,), w, b), [r(3, 4), r(4, seed=1), r(4, seed=2)]),
    ("batch_norm_train", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
     [r(5, 4), r(4, seed=1), r(4, seed=2)]),
    ("batch_norm_eval", lambda x, w, b: F.batch_norm(x, gt.zeros(4, dtype=gt.float64) + 0.1, W4(), w, b),
     [r(5, 4), r(4, seed=1), r(4, seed=2)]),
    ("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), [r(2, 4, 3), r(4, seed=1), r(4, seed=2)]),
    ("bce", lambda x: F.binary_cross_entropy(gt.sigmoid(x), gt.full((3, 4), 0.3, dtype=gt.float64),
                                             weight=W4()), [r(3, 4)]),
    ("bce_logits_weights", lambda x: F.binary_cross_entropy_with_logits(
        x, gt.full((3, 4), 0.3, dtype=gt.float64), weight=W4(), pos_weight=W4() * 2, reduction="sum"), [r(3, 4)]),
    ("bce_logits_target", lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=W4()),
     [r(3, 4), r(3, 4, seed=1, lo=0.1, hi=0.9)]),
    ("smooth_l1", lambda x: F.smooth_l1_loss(x, gt.zeros(3, 4, dtype=gt.float64), beta=0.5), [r(3, 4) * 2]),
    ("huber", lambda x: F.huber_loss(x, gt.zeros(3, 4, dtype=gt.float64), delta=0.5, reduction="sum"), [r(3, 4) * 2]),
    ("mish", lambda x: F.mish(x), [r(3, 4, lo=-3, hi=3)]), ("softplus", lambda x: F.softplus(x, beta=2.0), [r(6)]),
    ("elu", lambda x: F.elu(x, 0.7), [r(6, lo=-3, hi=3)]), ("celu", lambda x: F.celu(x, 1.3), [r(6, lo=-3, hi=3)]),
    ("selu", lambda x: F.selu(x), [r(6, lo=-3, hi=3)]),
    ("conv2d", lambda x, w: F.conv2d(x, w, stride=2, padding=1, dilation=(1, 2)), [r(1, 2, 5, 5), r(3, 2, 2, 2)]),
    ("conv2d_groups", lambda x, w: F.conv2d(x, w, groups=2, padding="same"), [r(1, 4, 3, 4), r(2, 2, 2, 3)]),
    ("conv1d", lambda x, w: F.conv1d(x, w, stride=2), [r(2, 2, 7), r(2, 2, 3)]),
    ("conv_transpose2d", lambda x, w: F.conv_transpose2d(x, w, stride=2, output_padding=1, groups=2),
     [r(1, 2, 3, 2), r(2, 2, 2, 3)]),
]


@pytest.mark.parametrize("name,fn,arrays", SECOND_ORDER, ids=[c[0] for c in SECOND_ORDER])
def test_gradgradcheck_second_order(name, fn, arrays):
    inputs = [gt.tensor(a, dtype=gt.float64, requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
    assert gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
