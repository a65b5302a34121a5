"""Parity fixes found by the sweep24a programs (numerical linear algebra by hand):

- linalg.solve_triangular (and what is built on it: cholesky_solve, triangular_solve, the backward
  of solve_triangular) solves by substitution, row by row, as LAPACK's trsm: the structural zeros
  of a triangular inverse stay exact zeros with torch's signs (0 / a_ii is -0.0 where a_ii < 0),
  where np.linalg.solve (an LU with pivoting) left rounding noise below the diagonal; a zero on
  the diagonal gives torch's inf / nan instead of an error.  MKL's trsm fuses multiply-adds, so
  the non-zero entries can differ in the last bit: those are compared with rtol 1e-12 (float64)
  and 1e-5 (float32).
- linalg.multi_dot refuses mixed dtypes with torch's message ("all tensors must have be the same
  dtype ..."), checked in torch's order (factor i's dtype, then the shapes of factors i - 1, i).
- linalg.slogdet refuses integer and bool matrices; torch.logdet's checks name "logdet" (not
  "linalg.slogdet") in torch's order: rank, squareness, dtype, low precision.
- linalg.lu(pivot=False) raises after the input checks, naming linalg.lu_factor as torch does.
- torch's strides: linalg.lu_solve (column-major; row-major when left=False), ldl_factor's LD and
  householder_product (column-major), triangular_solve's cloned_coefficient (column-major copy).
- cholesky_inverse of a factor with a zero on its diagonal raises torch's LinAlgError (with the batch
  element), where it returned infs.
- linalg.householder_product checks its arguments as torch (tau's rank, batch dims, dtype, then the
  orgqr kernel's dtype refusal), where mismatches went through or failed inside the product.
- linalg.qr of a 1-D tensor: torch's message.  matrix_power (torch., Tensor., linalg.) refuses a
  non-int exponent with the argument parser's TypeError (a 0-d integer tensor is accepted); n = -1 is
  the inverse itself (LinalgInvExBackward0, no clone), n = 0 is I copied into a clone (CopyBackwards).
- cholesky_solve and cholesky_inverse of complex factors: (L L^H)^-1, not (L L^T)^-1, and their gradients
  in torch's complex convention (S + S^H, g + g^H: complex-ready nodes).
- linalg.vecdot of two vectors is torch's vdot: BLAS's summation order (bit-equal to torch), VdotBackward0,
  and dot's size message.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import MODS, make, same_error, same_on_both, to_np


def _tri(n, upper, seed, dtype=np.float64, batch=()):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(batch + (n, n)) + np.sign(rng.standard_normal(batch + (n, n))) * 2 * np.eye(n)
    return (np.triu(a) if upper else np.tril(a)).astype(dtype)


def _same_zeros_close(fn, arrays):
    """Values within a last-bit tolerance; every zero of torch's result is a zero with the same sign."""
    out = {m: to_np(fn(m, *[make(m, a) for a in arrays])) for m in MODS}
    t, g = out[torch], out[glasstorch]
    assert t.shape == g.shape and t.dtype == g.dtype and t.strides == g.strides
    tol = 1e-12 if t.dtype == np.float64 else 1e-5
    np.testing.assert_allclose(g, t, rtol=tol, atol=tol, equal_nan=True)
    zero = t == 0
    assert np.array_equal(g[zero], t[zero]) and np.array_equal(np.signbit(g[zero]), np.signbit(t[zero]))
    assert np.array_equal(g == 0, zero), "a structural zero became rounding noise"


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 6), upper=st.booleans(), left=st.booleans(), unit=st.booleans(), seed=st.integers(0, 999),
       f32=st.booleans())
def test_triangular_inverse_keeps_exact_zeros(n, upper, left, unit, seed, f32):
    a = _tri(n, upper, seed, np.float32 if f32 else np.float64)
    eye = np.eye(n, dtype=a.dtype)
    _same_zeros_close(lambda m, A, B: m.linalg.solve_triangular(A, B, upper=upper, left=left, unitriangular=unit),
                      [a, eye])


def test_triangular_inverse_of_an_lu_factor():
    # the U of a homework LU: torch's inverse has -0.0 at (0, 2) and (3, 2) and exact zeros below the diagonal
    u = np.array([[8.0, 7.0, 9.0, 5.0], [0.0, 1.75, 2.25, 4.25], [0.0, 0.0, -6 / 7, -2 / 7], [0.0, 0.0, 0.0, 2 / 3]])
    for left in (True, False):
        _same_zeros_close(lambda m, U, B: m.linalg.solve_triangular(U, B, upper=True, left=left), [u, np.eye(4)])
    for m in MODS:
        x = m.linalg.solve_triangular(m.from_numpy(u), m.eye(4, dtype=m.float64), upper=True, left=False)
        assert m.equal(x, m.triu(x))


def test_batched_and_broadcast_triangular_solves():
    a = _tri(4, False, 3, batch=(3,))
    b = np.random.default_rng(1).standard_normal((2, 1, 4, 2))
    _same_zeros_close(lambda m, A, B: m.linalg.solve_triangular(A, B, upper=False), [a, b])
    _same_zeros_close(lambda m, A, B: m.linalg.solve_triangular(A, B.mT, upper=False, left=False), [a, b])
    s = np.triu(np.random.default_rng(2).standard_normal((4, 4))) + 4 * np.eye(4)
    _same_zeros_close(lambda m, S, B: m.cholesky_solve(B, S, upper=True), [s, b[0, 0]])
    _same_zeros_close(lambda m, S, B: m.triangular_solve(B, S, transpose=True).solution, [s, b[0, 0]])


def test_singular_triangular_gives_inf_and_nan():
    a = np.triu(np.ones((3, 3)))
    a[1, 1] = 0.0
    same_on_both(lambda m, A, B: m.linalg.solve_triangular(A, B, upper=True), [a, np.ones((3, 1))], grad=False)


@pytest.mark.parametrize("upper,left,unit", [(True, True, False), (False, False, False), (True, False, True),
                                             (False, True, True)])
def test_solve_triangular_gradcheck(upper, left, unit):
    a = glasstorch.from_numpy(_tri(4, upper, 5)).requires_grad_(True)
    b = glasstorch.from_numpy(np.random.default_rng(6).standard_normal((4, 4) if left else (3, 4)))
    b.requires_grad_(True)
    assert gradcheck(lambda A, B: glasstorch.linalg.solve_triangular(A, B, upper=upper, left=left,
                                                                     unitriangular=unit), (a, b))


def test_solve_triangular_gradients_match_torch():
    same_on_both(lambda m, A, B: m.linalg.solve_triangular(A, B, upper=False, left=False),
                 [_tri(4, False, 8), np.random.default_rng(9).standard_normal((2, 4))], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dts", [("float32", "float64", "float64"), ("int64", "float32"), ("float64", "float64", "int32"),
                                 ("float64", "float16"), ("complex64", "float32"), ("int8", "int16", "int8")])
def test_multi_dot_mixed_dtypes(dts):
    same_error(lambda m: m.linalg.multi_dot([m.ones(2, 2, dtype=getattr(m, d)) for d in dts]))


def test_multi_dot_checks_dtype_and_shape_in_torchs_order():
    same_error(lambda m: m.linalg.multi_dot([m.ones(2, 3), m.ones(2, 2, dtype=m.float64), m.ones(3, 3)]))
    same_error(lambda m: m.linalg.multi_dot([m.ones(2, 2), m.ones(3, 2), m.ones(3, 3, dtype=m.float64)]))
    same_error(lambda m: m.linalg.multi_dot([m.ones(3), m.ones(3, 3, dtype=m.float64), m.ones(3)]))
    same_on_both(lambda m, v, A: m.linalg.multi_dot([v, A, v]), [np.arange(3.0), np.eye(3) * 2])


@pytest.mark.parametrize("expr", [
    lambda m: m.linalg.slogdet(m.ones(2, 2, dtype=m.int64)), lambda m: m.linalg.slogdet(m.ones(2, 2, dtype=m.bool)),
    lambda m: m.linalg.slogdet(m.ones(2, 3, dtype=m.int32)), lambda m: m.slogdet(m.ones(2, 2, dtype=m.int64)),
    lambda m: m.logdet(m.ones(2, 2, dtype=m.int64)), lambda m: m.logdet(m.ones(2, 3, dtype=m.int64)),
    lambda m: m.logdet(m.ones(2, 3, dtype=m.float16)), lambda m: m.logdet(m.ones(2, 2, dtype=m.float16)),
    lambda m: m.logdet(m.ones(3)), lambda m: m.ones(2, 2, dtype=m.int64).logdet(),
])
def test_determinant_input_checks(expr):
    same_error(expr)


def test_logdet_values_still_match():
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    same_on_both(lambda m, A: (m.logdet(A), m.logdet(-A), m.logdet(A * 0)), [a], grad=False)


@pytest.mark.parametrize("expr", [
    lambda m: m.linalg.lu(m.ones(3, 3), pivot=False), lambda m: m.linalg.lu(m.ones(3), pivot=False),
    lambda m: m.linalg.lu_factor(m.ones(3, 3), pivot=False),
])
def test_lu_without_pivoting(expr):
    same_error(expr)


def _strides_same(fn):
    out = {m: fn(m) for m in MODS}
    assert out[torch].stride() == out[glasstorch].stride()
    np.testing.assert_allclose(to_np(out[glasstorch]), to_np(out[torch]), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("left,adjoint,bshape,ashape", [(True, False, (4, 2), (4, 4)), (True, True, (4, 2), (4, 4)),
                                                        (False, False, (2, 4), (4, 4)), (True, False, (4, 2), (3, 4, 4)),
                                                        (False, True, (3, 2, 4), (3, 4, 4)), (True, False, (3, 4, 2), (4, 4))])
def test_lu_solve_strides(left, adjoint, bshape, ashape):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(ashape) + 4 * np.eye(4)
    b = rng.standard_normal(bshape)

    def fn(m):
        LU, piv = m.linalg.lu_factor(m.from_numpy(a))
        return m.linalg.lu_solve(LU, piv, m.from_numpy(b), left=left, adjoint=adjoint)
    _strides_same(fn)


def test_factor_strides():
    rng = np.random.default_rng(1)
    s = rng.standard_normal((3, 4, 4))
    s = s + s.transpose(0, 2, 1)
    t = rng.standard_normal((2, 5, 3))
    _strides_same(lambda m: m.linalg.ldl_factor(m.from_numpy(s)).LD)
    _strides_same(lambda m: m.linalg.ldl_factor(m.from_numpy(s[0])).LD)
    _strides_same(lambda m: m.linalg.householder_product(*m.geqrf(m.from_numpy(t))))
    _strides_same(lambda m: m.linalg.householder_product(m.from_numpy(t[0]), m.ones(2, dtype=m.float64)))
    _strides_same(lambda m: m.triangular_solve(m.ones(4, 1, dtype=m.float64), m.from_numpy(s[0])).cloned_coefficient)
    _strides_same(lambda m: m.triangular_solve(m.ones(4, 1, dtype=m.float64), m.from_numpy(s)).cloned_coefficient)


def test_householder_product_gradcheck_unchanged():
    a = glasstorch.from_numpy(np.random.default_rng(2).standard_normal((5, 3))).requires_grad_(True)
    tau = glasstorch.from_numpy(np.array([1.2, 0.7, 1.5])).requires_grad_(True)
    assert gradcheck(lambda A, T: glasstorch.linalg.householder_product(A, T), (a, tau))


@pytest.mark.parametrize("expr", [
    lambda m: m.cholesky_inverse(m.zeros(2, 2)), lambda m: m.cholesky_inverse(m.zeros(3, 2, 2)),
    lambda m: m.cholesky_inverse(m.tensor([[[1.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]]])),
    lambda m: m.cholesky_inverse(m.tensor([[0.0, 0.0], [1.0, 1.0]], dtype=m.float64), upper=True),
    lambda m: m.linalg.householder_product(m.ones(3, 2), m.ones(3, 2)),
    lambda m: m.linalg.householder_product(m.ones(2, 3, 2), m.ones(3, 2)),
    lambda m: m.linalg.householder_product(m.ones(2, 3, 2), m.ones(2)),
    lambda m: m.linalg.householder_product(m.ones(3, 2), m.ones(3)),
    lambda m: m.linalg.householder_product(m.ones(3), m.ones(1)),
    lambda m: m.linalg.householder_product(m.ones(2, 3), m.ones(3, dtype=m.float64)),
    lambda m: m.linalg.householder_product(m.ones(3, 2), m.ones(2, dtype=m.float64)),
    lambda m: m.linalg.householder_product(m.ones(3, 2, dtype=m.int64), m.ones(1, dtype=m.int64)),
    lambda m: m.linalg.householder_product(m.ones(3, 2, dtype=m.float16), m.ones(2, dtype=m.float16)),
    lambda m: m.linalg.qr(m.ones(3)), lambda m: m.linalg.qr(m.ones(3, dtype=m.int64)),
    lambda m: m.matrix_power(m.eye(2), 2.0), lambda m: m.eye(2).matrix_power(2.0),
    lambda m: m.linalg.matrix_power(m.eye(2), True), lambda m: m.linalg.matrix_power(m.ones(2, 3), 2.5),
    lambda m: m.linalg.matrix_power(m.eye(2), None), lambda m: m.linalg.matrix_power(m.eye(2), m.tensor(2.0)),
    lambda m: m.eye(2).matrix_power(m.tensor([2])), lambda m: m.matrix_power(m.eye(2), m.tensor(True)),
    lambda m: m.linalg.vecdot(m.ones(3), m.ones(4)),
    lambda m: m.linalg.vecdot(m.ones(3, dtype=m.complex64), m.ones(4, dtype=m.complex64)),
])
def test_more_input_checks(expr):
    same_error(expr)


def test_cholesky_inverse_nan_is_not_singular():
    same_on_both(lambda m, L: m.cholesky_inverse(L), [np.array([[1.0, 0.0], [0.0, np.nan]])], grad=False)


def test_matrix_power_integral_exponents():
    a = np.array([[2.0, 1.0], [0.5, 3.0]])
    same_on_both(lambda m, A: (m.linalg.matrix_power(A, m.tensor(3)), m.linalg.matrix_power(A, np.int64(-2)),
                               A.matrix_power(m.tensor(2, dtype=m.uint8)), m.matrix_power(A, -1)), [a], rtol=1e-14,
                 atol=1e-14)


@pytest.mark.parametrize("n", [-1, 0, 1, -2, 4])
def test_matrix_power_graph(n):
    a = np.array([[2.0, 1.0], [0.5, 3.0]])
    same_on_both(lambda m, A: m.linalg.matrix_power(A, n), [a], rtol=1e-14, atol=1e-14)
    same_on_both(lambda m, A: m.linalg.matrix_power(A.expand(2, 2, 2).mT, n), [a], rtol=1e-14, atol=1e-14)


def test_householder_product_batched_values():
    t = np.random.default_rng(3).standard_normal((2, 5, 3))
    same_on_both(lambda m, A: m.linalg.householder_product(*m.geqrf(A)), [t], grad=False, rtol=1e-12, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(0, 300), f32=st.booleans(), seed=st.integers(0, 99))
def test_vecdot_of_vectors_is_vdot(n, f32, seed):
    rng = np.random.default_rng(seed)
    x, y = (rng.standard_normal(n).astype(np.float32 if f32 else np.float64) for _ in range(2))
    same_on_both(lambda m, a, b: m.linalg.vecdot(a, b), [x, y])
    same_on_both(lambda m, a, b: m.linalg.vecdot(a, b, dim=0), [x, y])


def test_vecdot_of_complex_vectors_and_batches():
    rng = np.random.default_rng(4)
    z = (rng.standard_normal(5) + 1j * rng.standard_normal(5)).astype(np.complex128)
    # complex: MKL's zdotc rounds the imaginary part's noise differently (here +-2.8e-17)
    same_on_both(lambda m, a, b: m.linalg.vecdot(a, b), [z, z[::-1].copy()], grad=False, rtol=1e-15, atol=1e-15)
    x = rng.standard_normal((3, 4))
    same_on_both(lambda m, a, b: m.linalg.vecdot(a, b, dim=0), [x, x[::-1].copy()])


def test_vecdot_gradcheck():
    x = glasstorch.from_numpy(np.random.default_rng(5).standard_normal(6)).requires_grad_(True)
    y = glasstorch.from_numpy(np.random.default_rng(6).standard_normal(6)).requires_grad_(True)
    assert gradcheck(lambda a, b: glasstorch.linalg.vecdot(a, b), (x, y))


def _complex_factor(n, seed):
    rng = np.random.default_rng(seed)
    a = np.triu(rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) + 3 * np.eye(n)
    return np.linalg.cholesky(a.conj().T @ a)


@pytest.mark.parametrize("upper", [False, True])
def test_complex_cholesky_solve_and_inverse(upper):
    L = _complex_factor(3, 0)
    F = L.conj().T.copy() if upper else L
    b = np.random.default_rng(1).standard_normal((3, 2)) + 1j * np.random.default_rng(2).standard_normal((3, 2))
    same_on_both(lambda m, B, F: m.cholesky_solve(B, F, upper=upper), [b, F], rtol=1e-12, atol=1e-12)
    same_on_both(lambda m, F: m.cholesky_inverse(F, upper=upper), [F], rtol=1e-12, atol=1e-12)
    # a real loss through abs: the gradients in torch's convention
    same_on_both(lambda m, B, F: m.cholesky_solve(B, F, upper=upper).abs(), [b, F], rtol=1e-12, atol=1e-12)


def test_cholesky_solve_and_inverse_gradcheck():
    # float64 central differences of the changed (mH) nodes; only the factor's triangle is read, so the
    # checked functions take a free matrix X and use tril(X) / triu(X).  (The complex gradients are
    # compared with torch's above: glasstorch's gradcheck perturbs real parts only.)
    rng = np.random.default_rng(3)
    L = glasstorch.from_numpy(np.tril(rng.standard_normal((3, 3))) + 3 * np.eye(3)).requires_grad_(True)
    b = glasstorch.from_numpy(rng.standard_normal((3, 2))).requires_grad_(True)
    assert gradcheck(lambda B, X: glasstorch.cholesky_solve(B, X.tril()), (b, L))
    assert gradcheck(lambda B, X: glasstorch.cholesky_solve(B, X.mT.triu(), upper=True), (b, L))
    assert gradcheck(lambda X: glasstorch.cholesky_inverse(X.tril()), (L,))
    assert gradcheck(lambda X: glasstorch.cholesky_inverse(X.mT.triu(), upper=True), (L,))
