"""Parity of the later linear algebra: matrix_exp (and its gradient), cond, solve_triangular,
cholesky_solve / cholesky_inverse, geqrf and householder_product, linalg.vander and linalg.diagonal;
eig / eigvals (complex results) are refused with a clear error."""
import numpy as np
import pytest

import glasstorch

from ._helpers import same_on_both

# LAPACK and NumPy's QR/solvers may round differently from torch's in the last bits; the
# scaling-and-squaring of matrix_exp likewise
TOL = dict(rtol=1e-5, atol=1e-6)
TOL64 = dict(rtol=1e-11, atol=1e-12)
# torch's own float32 matrix_exp is only good to about 1e-5 relative once it scales and squares
TOL_EXPM32 = dict(rtol=1e-4, atol=1e-5)


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def spd(n, seed=0, dtype=np.float64):
    a = np.random.default_rng(seed).standard_normal((n, n))
    return (a @ a.T + n * np.eye(n)).astype(dtype)


def lower(n, seed=0, dtype=np.float64):
    return (np.tril(np.random.default_rng(seed).standard_normal((n, n))) + 3 * np.eye(n)).astype(dtype)


EXPM = [
    lambda t, a: t.matrix_exp(a), lambda t, a: t.linalg.matrix_exp(a * 0.01), lambda t, a: (a * 3).matrix_exp(),
    lambda t, a: t.linalg.matrix_exp(a - a.mT), lambda t, a: t.matrix_exp(a.expand(2, 3, 3) * t.tensor(0.2)),
]


@pytest.mark.parametrize("k", range(len(EXPM)))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matrix_exp(k, dtype):
    same_on_both(EXPM[k], [arr((3, 3), 1, dtype)], **(TOL_EXPM32 if dtype == np.float32 else TOL64))


def test_matrix_exp_values_and_errors():
    same_on_both(lambda t, a: t.matrix_exp(a), [np.zeros((2, 2), np.float32)], **TOL)   # (torch's gradient
    # here is 1 ulp off the exact g)
    same_on_both(lambda t, a: t.matrix_exp(a), [np.diag([1.0, -2.0]).astype(np.float64)], **TOL64)
    from ._helpers import same_error
    same_error(lambda t: t.matrix_exp(t.ones(2, 3)))
    same_error(lambda t: t.matrix_exp(t.ones(3)))


TRIANGULAR = [
    lambda t, L, b: t.linalg.solve_triangular(L, b, upper=False),
    lambda t, L, b: t.linalg.solve_triangular(L.mT, b, upper=True),
    lambda t, L, b: t.linalg.solve_triangular(L, b, upper=False, unitriangular=True),
    lambda t, L, b: t.linalg.solve_triangular(L, b.mT, upper=False, left=False),
    lambda t, L, b: t.cholesky_solve(b, L), lambda t, L, b: t.cholesky_solve(b, L.mT, upper=True),
    lambda t, L, b: t.cholesky_inverse(L), lambda t, L, b: L.cholesky_inverse(upper=False),
]


@pytest.mark.parametrize("k", range(len(TRIANGULAR)))
def test_triangular_solves(k):
    same_on_both(TRIANGULAR[k], [lower(4, 2), arr((4, 2), 3, np.float64)], **TOL64)


def test_cholesky_gradient():
    same_on_both(lambda t, a: t.linalg.cholesky(a @ a.mT + t.eye(4, dtype=a.dtype)), [arr((4, 4), 15, np.float64)],
                 **TOL64)
    same_on_both(lambda t, a: t.linalg.cholesky(a @ a.mT + t.eye(3, dtype=a.dtype), upper=True),
                 [arr((2, 3, 3), 16, np.float64)], **TOL64)
    same_on_both(lambda t, a: t.cholesky(a @ a.mT + t.eye(3, dtype=a.dtype)), [arr((3, 3), 17, np.float64)], **TOL64)


def test_matrix_norm_one_and_inf():
    for ord_ in (1, -1, float("inf"), float("-inf")):
        same_on_both(lambda t, a: t.linalg.matrix_norm(a, ord_), [arr((2, 3, 4), 12)])
        same_on_both(lambda t, a: t.linalg.matrix_norm(a, ord_, dim=(0, 2), keepdim=True), [arr((2, 3, 4), 13)])
        same_on_both(lambda t, a: t.linalg.norm(a, ord_), [arr((3, 3), 14)])


def test_cond_diagonal_vander():
    same_on_both(lambda t, a: t.linalg.cond(a), [spd(4, 5)], grad=False, **TOL64)
    same_on_both(lambda t, a: t.linalg.cond(a, "fro"), [spd(3, 6)], grad=False, **TOL64)
    same_on_both(lambda t, a: t.linalg.cond(a, 1), [spd(3, 7)], grad=False, **TOL64)
    same_on_both(lambda t, a: t.linalg.diagonal(a, offset=1), [arr((2, 3, 3))])
    same_on_both(lambda t, a: t.linalg.vander(a), [arr(4, 8)])
    same_on_both(lambda t, a: t.linalg.vander(a, N=2), [arr((2, 3), 9)])


def test_geqrf_and_householder_product():
    # the compact QR itself is LAPACK's on both sides; Q rebuilt from it must agree
    for shape in [(4, 4), (5, 3)]:
        a = arr(shape, 10, np.float64)
        same_on_both(lambda t, x: t.linalg.householder_product(*t.geqrf(x)), [a], grad=False, **TOL64)
        same_on_both(lambda t, x: t.geqrf(x).a.triu(), [a], grad=False, **TOL64)
    v = np.tril(arr((4, 3), 11, np.float64), -1)
    tau = np.array([1.2, 0.4, 1.7])
    same_on_both(lambda t, x, tt: t.linalg.householder_product(x, tt), [v, tau], **TOL64)
    same_on_both(lambda t, x, tt: t.orgqr(x, tt), [v, tau], **TOL64)


def test_eig_of_a_real_matrix_is_complex():
    # full parity (values, eigenvectors, errors) is in test_complex_linalg.py
    a = glasstorch.randn(3, 3)
    w, v = glasstorch.linalg.eig(a)
    assert w.dtype == v.dtype == glasstorch.linalg.eigvals(a).dtype == glasstorch.complex64
