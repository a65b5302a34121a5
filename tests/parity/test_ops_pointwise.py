"""Parity of pointwise math (unary and binary, with gradients), clamp family, softmax, logic and
bitwise ops, and in-place variants."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

from ._helpers import same_on_both, same_error

TOL = dict(rtol=2e-6, atol=1e-6)


def arr(shape, seed=0, dtype=np.float32, lo=-2.0, hi=2.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape).astype(dtype)


UNARY = {  # name: (domain low, high)
    "log2": (0.1, 3), "log10": (0.1, 3), "log1p": (-0.9, 3), "expm1": (-2, 2), "exp2": (-2, 2),
    "rsqrt": (0.1, 3), "square": (-2, 2), "tan": (-1.2, 1.2), "asin": (-0.9, 0.9), "acos": (-0.9, 0.9),
    "atan": (-3, 3), "sinh": (-2, 2), "cosh": (-2, 2), "asinh": (-3, 3), "acosh": (1.1, 3), "atanh": (-0.9, 0.9),
    "erf": (-2, 2), "erfc": (-2, 2), "erfinv": (-0.9, 0.9), "floor": (-3, 3), "ceil": (-3, 3), "trunc": (-3, 3),
    "round": (-3, 3), "frac": (-3, 3), "deg2rad": (-3, 3), "sign": (-2, 2), "sgn": (-2, 2),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary(name, dtype):
    lo, hi = UNARY[name]
    a = arr((3, 4), 0, dtype, lo, hi)
    tol = dict(rtol=2e-6, atol=2e-7) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    grad = name != "sgn"          # torch's sgn gradient is a ZeroTensor that cannot become NumPy
    same_on_both(lambda t, x: getattr(t, name)(x), [a], grad=grad, **tol)
    same_on_both(lambda t, x: getattr(x, name)(), [a.T], grad=grad, **tol)       # non-contiguous


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "sign", "square"])
def test_unary_integers(name):
    same_on_both(lambda t, x: getattr(t, name)(x), [np.array([-3, 0, 5])], grad=False)


def test_round_decimals():
    same_on_both(lambda t, x: x.round(decimals=2), [arr((5,), 3, np.float64)], rtol=1e-15)


@settings(max_examples=20)
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
def test_binary_broadcast(shapes):
    a, b = arr(shapes.input_shapes[0], 0), arr(shapes.input_shapes[1], 1, hi=3.0, lo=0.5)
    for f in (lambda t, x, y: t.maximum(x, y), lambda t, x, y: t.minimum(x, y), lambda t, x, y: t.atan2(x, y),
              lambda t, x, y: t.fmod(x, y), lambda t, x, y: t.remainder(x, y), lambda t, x, y: x % y,
              lambda t, x, y: t.lerp(x, y, 0.3), lambda t, x, y: t.clamp(x, min=y),
              lambda t, x, y: t.hypot(x, y), lambda t, x, y: t.xlogy(x, y), lambda t, x, y: t.logaddexp(x, y),
              lambda t, x, y: t.addcmul(x, x, y, value=0.5), lambda t, x, y: t.addcdiv(x, x, y, value=2)):
        same_on_both(f, [a, b], **TOL)


def test_clamp_family():
    a = arr((3, 4))
    a[0, 0] = 0.5                         # exactly on a bound: the gradient passes
    same_on_both(lambda t, x: x.clamp(-0.5, 0.5), [a])
    same_on_both(lambda t, x: x.clamp(min=0), [a])
    same_on_both(lambda t, x: x.clamp(max=0.5), [a])
    same_on_both(lambda t, x: x.clip(-1, 1), [a])
    same_on_both(lambda t, x: x.clamp_min(0.5), [a])
    same_on_both(lambda t, x: x.clamp_max(0.5), [a])
    same_on_both(lambda t, x, lo: x.clamp(min=lo), [a, arr((4,), 1)])
    same_on_both(lambda t, x, lo: x.clamp(lo, lo + 1), [a, arr((4,), 1)])
    same_on_both(lambda t, x, lo: x.clamp_min(lo), [a, arr((4,), 1)])
    same_on_both(lambda t, x: t.clamp(x, 0.5), [np.array([1, 2, 3])], grad=False)
    same_on_both(lambda t, x: t.maximum(x, x.clone()), [a])          # ties: half each
    same_on_both(lambda t, x, w: t.lerp(x, x * 2, w), [a, arr((3, 4), 1)], **TOL)
    same_error(lambda t: t.ones(2).clamp())


def test_remainder_integers():
    same_on_both(lambda t, x: t.remainder(x, 3), [np.array([5, -5, 0, 7])], grad=False)
    same_on_both(lambda t, x: t.fmod(x, 3), [np.array([5, -5, 0, 7])], grad=False)
    same_on_both(lambda t, x: x % -3, [np.array([5, -5, 0, 7])], grad=False)
    same_on_both(lambda t, x: t.remainder(x, 1.5), [np.array([-0.0, 2.0, -2.5], np.float32)])
    same_error(lambda t: t.remainder(t.tensor([5, 1]), 0))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax(dim):
    a = arr((3, 4)) * 5
    same_on_both(lambda t, x: x.softmax(dim), [a], **TOL)
    same_on_both(lambda t, x: x.log_softmax(dim), [a], **TOL)
    same_on_both(lambda t, x: t.softmax(x, dim), [a.astype(np.float64)], rtol=1e-12, atol=1e-14)
    same_on_both(lambda t, x: t.log_softmax(x, dim, dtype=t.float64), [a], rtol=1e-12, atol=1e-14)
    same_error(lambda t: t.tensor([1, 2]).softmax(0))
    # nn.functional's forms run the same kernels: the same values and errors
    same_on_both(lambda t, x: t.nn.functional.softmax(x, dim), [a], **TOL)
    same_on_both(lambda t, x: t.nn.functional.log_softmax(x, dim), [a], **TOL)
    same_on_both(lambda t, x: t.nn.functional.softmax(x, dim, dtype=t.float64), [a], rtol=1e-12, atol=1e-14)
    same_error(lambda t: t.nn.functional.softmax(t.tensor([1, 2]), 0))
    same_error(lambda t: t.nn.functional.log_softmax(t.tensor([[1, 2]]), 1))
    same_error(lambda t: t.nn.functional.softmax(t.ones(2, 3), 2))


def test_logic():
    x = np.array([1.0, np.nan, np.inf, -np.inf, -0.0], np.float32)
    for f in ("isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit"):
        same_on_both(lambda t, x: getattr(t, f)(x), [x], grad=False)
    same_on_both(lambda t, x: t.nan_to_num(x), [x])
    same_on_both(lambda t, x: t.nan_to_num(x, 0.0, 1.0, -1.0), [x])
    i, j = np.array([12, 10, 3]), np.array([10, 6, 1])
    for f in (lambda t, a, b: a & b, lambda t, a, b: a | b, lambda t, a, b: a ^ b, lambda t, a, b: ~a,
              lambda t, a, b: a << 1, lambda t, a, b: a >> 1, lambda t, a, b: (a > 5) & (b > 5),
              lambda t, a, b: ~(a > 5), lambda t, a, b: t.logical_and(a, b), lambda t, a, b: t.logical_xor(a, b),
              lambda t, a, b: t.logical_not(a), lambda t, a, b: t.logical_or(a > 11, b)):
        same_on_both(f, [i, j], grad=False)
    same_error(lambda t: t.ones(2) & t.ones(2))
    a, b = arr((4,), 0, np.float64), arr((4,), 0, np.float64) + 1e-9
    same_on_both(lambda t, x, y: t.isclose(x, y), [a, b], grad=False)
    same_on_both(lambda t, x, y: t.tensor(t.allclose(x, y)), [a, b], grad=False)
    same_on_both(lambda t, x, y: t.tensor(x.allclose(y + 1)), [a, b], grad=False)


def test_inplace_variants():
    def f(t, x, y):
        z = x * 1
        z.clamp_(-1, 1)
        z.clamp_min_(-0.5)
        z.log1p_()
        z.lerp_(y, 0.5)
        z.addcmul_(y, y)
        z.fmod_(0.7)
        return z
    same_on_both(f, [arr((3, 4)), arr((3, 4), 1)], **TOL)
    same_error(lambda t: t.ones(2, requires_grad=True).clamp_(0, 1))

    def saved_modified(t):
        y = t.ones(2, requires_grad=True).sigmoid()
        y.clamp_(0, 0.6)
        y.sum().backward()
    same_error(saved_modified)


def test_special_functions():
    """lgamma, digamma, polygamma, logit, sinc (values, grad_fn names, gradients), heaviside, torch.special."""
    x = np.array([0.3, 1.0, 2.5, 7.0, 40.0, -1.5], np.float32)
    T = dict(rtol=1e-5, atol=1e-6)
    same_on_both(lambda t, a: t.lgamma(a), [x], **T)
    same_on_both(lambda t, a: a.digamma(), [x], **T)
    same_on_both(lambda t, a: t.polygamma(1, a), [x], rtol=1e-4, atol=1e-5)
    same_on_both(lambda t, a: a.polygamma(2), [x[:5]], rtol=1e-4, atol=1e-5)
    same_on_both(lambda t, a: t.sinc(a), [x], **T)
    same_on_both(lambda t, a: t.sinc(a), [np.array([0.0, 1.0, 0.5, -2.0], np.float32)], grad=False)
    p = np.array([0.05, 0.3, 0.5, 0.97], np.float32)
    same_on_both(lambda t, a: t.logit(a), [p], **T)
    same_on_both(lambda t, a: a.logit(eps=0.1), [p], **T)
    same_on_both(lambda t, a: t.special.logit(a), [p], **T)
    same_on_both(lambda t, a: t.special.gammaln(a), [x], **T)
    same_on_both(lambda t, a: t.special.expit(a), [x], **T)
    same_on_both(lambda t, a: t.special.psi(a), [x], **T)
    same_on_both(lambda t, a: t.special.ndtr(a), [x], grad=False, **T)
    same_on_both(lambda t, a: t.special.entr(a), [np.array([0.0, 0.5, -1.0, 2.0], np.float32)], grad=False, **T)
    same_on_both(lambda t, a: t.special.multigammaln(a, 3), [x[2:5]], grad=False, **T)
    same_on_both(lambda t, a: t.heaviside(a, t.tensor([0.5])), [np.array([-1.0, 0.0, 2.0], np.float32)], grad=False)
    same_on_both(lambda t, a: t.lgamma(a), [np.array([0.0, -2.0, np.inf, -np.inf], np.float32)], grad=False)
    same_on_both(lambda t, a: t.digamma(a), [np.array([0.0, -0.0, -2.0, np.inf], np.float32)], grad=False)
    same_error(lambda t: t.heaviside(t.ones(2), t.tensor(1)))
