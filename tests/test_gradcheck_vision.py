"""Float64 central-difference checks (without torch) of the ops added by the vision sweep:
hardshrink, softshrink, rrelu (eval slope and training noise), and the in-place activations."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck

F = gt.nn.functional


def away_from(kinks, n=8, seed=0):
    """Values in [-4, 4] at least 0.05 from every kink, where a numerical derivative is meaningful."""
    x = np.random.default_rng(seed).uniform(-4, 4, 4 * n)
    keep = np.all(np.abs(x[:, None] - np.asarray(kinks)[None, :]) > 0.05, axis=1)
    return x[keep][:n]


def _rrelu_train(x):
    gen = gt.Generator().manual_seed(1)          # the same noise on every call
    return gt.rrelu(x, 0.1, 0.3, True, generator=gen)


CASES = [
    ("hardshrink", lambda x: F.hardshrink(x, 0.5), [-0.5, 0.5]),
    ("softshrink", lambda x: F.softshrink(x, 0.3), [-0.3, 0.3]),
    ("rrelu_eval", lambda x: F.rrelu(x, 0.1, 0.3), [0.0]),
    ("rrelu_train", _rrelu_train, [0.0]),
    ("hardswish_", lambda x: F.hardswish(x * 1, inplace=True), [-3.0, 3.0]),
    ("hardsigmoid_", lambda x: F.hardsigmoid(x * 1, inplace=True), [-3.0, 3.0]),
    ("silu_", lambda x: F.silu(x * 1, inplace=True), []),
    ("mish_", lambda x: F.mish(x * 1, inplace=True), []),
    ("hardtanh_", lambda x: F.hardtanh_(x * 1, -2.0, 1.5), [-2.0, 1.5]),
    ("elu_", lambda x: F.elu_(x * 1, 0.7), [0.0]),
    ("selu_", lambda x: gt.selu_(x * 1), [0.0]),
    ("celu_", lambda x: F.celu_(x * 1, 1.3), [0.0]),
    ("leaky_relu_", lambda x: F.leaky_relu_(x * 1, 0.2), [0.0]),
    ("threshold_", lambda x: F.threshold_(x * 1, 0.5, -2.0), [0.5]),
    ("rrelu_", lambda x: F.rrelu_(x * 1, 0.1, 0.3), [0.0]),
]


@pytest.mark.parametrize("name,fn,kinks", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, kinks):
    x = gt.tensor(away_from(kinks), dtype=gt.float64, requires_grad=True)
    assert gradcheck(fn, (x,), eps=1e-6, atol=1e-5, rtol=1e-4), name


THETA3 = np.array([[[0.9, 0.1, 0.0, 0.05], [-0.1, 1.0, 0.1, 0.0], [0.0, 0.2, 1.1, -0.1]]])


def _grid3(seed):
    return np.random.default_rng(seed).uniform(-1.2, 1.2, (1, 2, 2, 3, 3))


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_gradcheck_grid_sample_3d(padding_mode, align_corners):
    vol = gt.tensor(np.random.default_rng(0).standard_normal((1, 2, 3, 4, 3)), requires_grad=True)
    grid = gt.tensor(_grid3(1), requires_grad=True)
    fn = lambda v, g: F.grid_sample(v, g, padding_mode=padding_mode, align_corners=align_corners)  # noqa: E731
    assert gradcheck(fn, (vol, grid), eps=1e-6, atol=1e-5, rtol=1e-4)


def test_gradcheck_affine_grid_3d_and_rot90():
    th = gt.tensor(THETA3, requires_grad=True)
    assert gradcheck(lambda t: F.affine_grid(t, (1, 1, 2, 3, 4), align_corners=False), (th,), eps=1e-6, atol=1e-5)
    x = gt.tensor(np.random.default_rng(2).standard_normal((2, 3, 4)), requires_grad=True)
    for k in (-1, 0, 1, 2, 3):
        assert gradcheck(lambda a: gt.rot90(a, k, (2, 0)), (x,), eps=1e-6, atol=1e-5), k
