"""Float64 central-difference checks of every foundation op's gradient, without torch.

On failure the message names the op, the input, the element and both numbers."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def leaf(shape, lo=-2.0, hi=2.0, away_from_zero=False):
    a = RNG.uniform(lo, hi, shape)
    if away_from_zero:
        a = np.where(np.abs(a) < 0.3, 0.5, a)
    return gt.tensor(a, dtype=gt.float64, requires_grad=True)


CASES = {
    "add": (lambda x, y: x + y, [(3, 4), (4,)]),
    "add_alpha": (lambda x, y: gt.add(x, y, alpha=-1.5), [(3, 1), (1, 4)]),
    "sub": (lambda x, y: x - y, [(2, 3), (3,)]),
    "rsub_scalar": (lambda x: 2 - x, [(3,)]),
    "rsub_tensor": (lambda x, y: gt.rsub(x, y), [(3,), (2, 3)]),
    "mul": (lambda x, y: x * y, [(2, 3), (2, 1)]),
    "div": (lambda x, y: x / y, [(3,), (3,)]),
    "rdiv": (lambda x: 3 / x, [(4,)]),
    "neg": (lambda x: -x, [(5,)]),
    "pow_scalar": (lambda x: x ** 3, [(4,)]),
    "pow_half": (lambda x: x.abs() ** 0.5, [(4,)]),
    "pow_tensor": (lambda x, y: x.abs() ** y, [(3,), (3,)]),
    "rpow": (lambda x: 2 ** x, [(3,)]),
    "abs": (lambda x: x.abs(), [(5,)]),
    "exp": (lambda x: x.exp(), [(2, 3)]),
    "log": (lambda x: x.abs().log(), [(4,)]),
    "sqrt": (lambda x: (x.abs() + 0.1).sqrt(), [(4,)]),
    "sin": (lambda x: x.sin(), [(4,)]),
    "cos": (lambda x: x.cos(), [(4,)]),
    "tanh": (lambda x: x.tanh(), [(4,)]),
    "sigmoid": (lambda x: x.sigmoid(), [(4,)]),
    "relu": (lambda x: x.relu(), [(6,)]),
    "reciprocal": (lambda x: x.reciprocal(), [(4,)]),
    "sum": (lambda x: x.sum(), [(3, 4)]),
    "sum_dim": (lambda x: x.sum(1), [(3, 4)]),
    "sum_keepdim": (lambda x: x.sum((0, 2), keepdim=True), [(2, 3, 2)]),
    "mean": (lambda x: x.mean(), [(3, 4)]),
    "mean_dim": (lambda x: x.mean(-1, keepdim=True), [(3, 4)]),
    "to_float32_and_back": (lambda x: x.float().double() * 2, [(3,)]),
    "clone": (lambda x: x.clone() * x, [(3,)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, shapes = CASES[name]
    inputs = [leaf(s, away_from_zero=name in ("div", "rdiv", "log", "reciprocal", "abs", "relu", "pow_half"))
              for s in shapes]
    # float32 round trip loses precision on purpose: compare with a loose tolerance there
    tol = dict(eps=1e-3, atol=5e-2, rtol=5e-2) if name == "to_float32_and_back" else {}
    assert gradcheck(fn, inputs, **tol)


@pytest.mark.parametrize("name", ["mul", "div", "exp", "sin", "tanh", "sigmoid", "pow_scalar", "log", "sum_dim"])
def test_gradgradcheck(name):
    fn, shapes = CASES[name]
    inputs = [leaf(s, away_from_zero=True) for s in shapes]
    assert gradgradcheck(fn, inputs)


def test_gradcheck_catches_a_wrong_gradient():
    """The checker itself can fail: a deliberately wrong backward is reported."""
    class Wrong(gt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, g):
            return g * 3
    x = leaf((3,))
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        gradcheck(Wrong.apply, [x])
