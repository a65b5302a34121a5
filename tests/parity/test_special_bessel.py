"""torch.special's Bessel / Airy functions and orthogonal polynomials: values bit for bit (float64 and
float32, the kernels' own Cephes arithmetic with fused multiply-adds), dtypes, shapes, broadcasting,
refusals, out=, and torch's autograd answer (no derivative: the result never requires grad)."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import same_error, same_on_both, same_outcome

UNARY = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
         "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
         "spherical_bessel_j0"]
POLY = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
        "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
        "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
        "legendre_polynomial_p"]
# torch's recurrence returns an uninitialised variable where x is nan and n >= 2 (all but Hermite's)
NAN_UNDEFINED = {p for p in POLY if not p.startswith("hermite")}

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 5.0, -5.0, 8.0, -8.0, 2.09, -2.09, 1e-6, 103.9, 1e30, -1e30,
           np.inf, -np.inf, np.nan]
reals = st.one_of(st.floats(-12, 12), st.floats(-300, 300), st.floats(allow_nan=True, allow_infinity=True),
                  st.sampled_from(SPECIAL))


def _arr(values, dtype):
    with np.errstate(over="ignore"):
        return np.array(values, dtype=np.float64).astype(dtype)


def test_all_listed_by_torch():
    for name in UNARY + POLY:
        assert name in torch.special.__all__ and hasattr(glasstorch.special, name)
        assert hasattr(torch.Tensor, name) is hasattr(glasstorch.Tensor, name) is False


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(UNARY), st.lists(reals, min_size=1, max_size=40), st.sampled_from([np.float64, np.float32]))
def test_unary_values_exact(name, values, dtype):
    same_on_both(lambda m, x: getattr(m.special, name)(x), [_arr(values, dtype)], grad=False)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_unary_dense_sweep_exact(name, dtype):
    """Every branch of every kernel (the Chebyshev / rational cut points 2, 5, 8, 2.09, 8.32 ...)."""
    rng = np.random.default_rng(len(name))
    x = np.concatenate([rng.standard_normal(2000) * 4, rng.uniform(-120, 120, 2000), rng.uniform(-1e-4, 1e-4, 100),
                        SPECIAL]).astype(dtype)
    same_on_both(lambda m, x: getattr(m.special, name)(x), [x], grad=False)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_unary_integer_inputs_promote(name, dtype):
    x = np.array([[0, 1, 2], [3, 7, 9]]).astype(dtype)
    same_on_both(lambda m, x: getattr(m.special, name)(x), [x], grad=False)
    same_outcome(lambda m: getattr(m.special, name)(m.tensor([1, 2]).to(m.float64)))


@pytest.mark.parametrize("name", UNARY)
def test_unary_shapes_and_no_grad(name):
    for shape in [(), (0,), (3, 1, 2)]:
        x = np.linspace(-3, 3, int(np.prod(shape))).reshape(shape)
        outs = same_on_both(lambda m, x: getattr(m.special, name)(x), [x])   # requires_grad input
        assert outs[glasstorch][0].grad_fn is None and not outs[glasstorch][0].requires_grad


@pytest.mark.parametrize("name", UNARY)
def test_unary_backward_error(name):
    def fn(m):
        y = getattr(m.special, name)(m.tensor([1.5, 2.5], requires_grad=True))
        y.sum().backward()
    same_error(fn)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("make", [lambda m: m.tensor([1 + 1j]), lambda m: m.tensor([1.0]).half(),
                                  lambda m: 2.0])
def test_unary_refusals(name, make):
    same_error(lambda m: getattr(m.special, name)(make(m)))


@pytest.mark.parametrize("name", UNARY[:3] + POLY[:2])
def test_out(name):
    def fn(m):
        out = m.empty(3, dtype=m.float64)
        args = (m.tensor([0.5, 1.5, 3.0], dtype=m.float64),) + ((m.tensor(3),) if name in POLY else ())
        r = getattr(m.special, name)(*args, out=out)
        return r, out
    same_outcome(fn)


# ---- the polynomials -------------------------------------------------------------------------------------
degrees = st.one_of(st.integers(-3, 14), st.integers(15, 80), st.floats(-3, 40), st.sampled_from(
    [np.nan, np.inf, -np.inf, 1e30, 600.0, 129.0, 513.0]))
poly_x = st.one_of(st.floats(-1.1, 1.1), st.floats(-0.05, 1.05), st.floats(-40, 40),
                   st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, np.inf, -np.inf, 1e30]))


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(POLY), st.lists(st.tuples(poly_x, degrees), min_size=1, max_size=30),
       st.sampled_from([np.float64, np.float32]))
def test_poly_values_exact(name, pairs, dtype):
    x, n = _arr([p[0] for p in pairs], dtype), _arr([p[1] for p in pairs], dtype)
    same_on_both(lambda m, x, n: getattr(m.special, name)(x, n), [x, n], grad=False)


@pytest.mark.parametrize("name", POLY)
def test_poly_nan_x(name):
    """nan x: nan for n < 2 (and for every n in Hermite's, whose loop has no early exit)."""
    n = np.array([-1.0, 0.0, 1.0] + ([] if name in NAN_UNDEFINED else [2.0, 5.0, 40.0]))
    x = np.full(n.shape, np.nan)
    same_on_both(lambda m, x, n: getattr(m.special, name)(x, n), [x, n], grad=False)


@pytest.mark.parametrize("name", POLY)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_poly_dense_sweep_exact(name, dtype):
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-1.2, 1.2, 1500), rng.standard_normal(1500) * 6, rng.uniform(-0.1, 1.1, 1500)])
    n = rng.integers(-2, 60, x.size).astype(np.float64)
    n[::5] += 0.7
    same_on_both(lambda m, x, n: getattr(m.special, name)(x, n), [x.astype(dtype), n.astype(dtype)], grad=False)


@pytest.mark.parametrize("name", POLY)
@pytest.mark.parametrize("case", [
    lambda m, f: f(m.tensor([[0.3], [0.9]]), m.tensor([0, 3, 7])),                     # broadcast
    lambda m, f: f(m.tensor([0.3, 2.0]), 4),                                          # Number n
    lambda m, f: f(m.tensor([0.3, 2.0]), 4.7),
    lambda m, f: f(0.25, m.tensor([1, 2, 9])),                                        # Number x, int n
    lambda m, f: f(m.tensor([1, 2, 3]), m.tensor([2, 3, 4])),                         # ints -> float32
    lambda m, f: f(m.tensor([1, 2, 3]), 3),
    lambda m, f: f(m.tensor([0.5, 0.7]), m.tensor(3.0, dtype=m.float64)),             # 0-dim does not promote
    lambda m, f: f(m.tensor([0.5, 0.7]), m.tensor([3.0], dtype=m.float64)),
    lambda m, f: f(m.tensor([0.5], dtype=m.float64), m.tensor([3], dtype=m.int8)),
    lambda m, f: f(m.tensor(0.5), m.tensor(3)),
    lambda m, f: f(m.tensor([True, False]), 2),
    lambda m, f: f(m.tensor([0.5, 0.2]), m.tensor([1.0, 2.0, 3.0])),                  # size mismatch
    lambda m, f: f(0.5, 3),                                                           # two numbers
    lambda m, f: f(m.tensor([0.5]), "a"),
    lambda m, f: f(m.tensor([1 + 1j]), 2),
    lambda m, f: f(m.tensor([0.5]), m.tensor([1j])),
    lambda m, f: f(m.tensor([0.5]).half(), 2),
])
def test_poly_arguments(name, case):
    same_outcome(lambda m: case(m, getattr(m.special, name)))


@pytest.mark.parametrize("name", POLY)
def test_poly_no_grad(name):
    outs = same_on_both(lambda m, x, n: getattr(m.special, name)(x, n), [np.array([0.3, 0.6]), np.array([2.0, 3.0])])
    assert not outs[glasstorch][0].requires_grad

    def fn(m):
        getattr(m.special, name)(m.tensor([0.3], requires_grad=True), 3).sum().backward()
    same_error(fn)
