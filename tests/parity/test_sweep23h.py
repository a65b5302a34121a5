"""Differences found by the sweep23h ML-theory programs (OLS via lstsq / pinv / normal equations, ridge
paths, kernel ridge, random features and double descent, the NTK of a two-layer net, implicit
regularisation of gradient descent, PCA).

* ``torch.linalg.pinv(A, rcond, hermitian=False)``: the old positional / keyword ``rcond`` overload
  (rtol = rcond, atol = 0) was refused with a TypeError; now taken, and mixing it with atol / rtol raises
  torch's "invalid combination of arguments" message.  ``hermitian=True`` on a non-square matrix raised
  NumPy's LinAlgError instead of torch's ``linalg.eigh: A must be batches of square matrices``.
* ``torch.linalg.matrix_rank``: a 1-d input raised NumPy's LinAlgError instead of torch's "must have at
  least 2 dimensions"; ``hermitian=True`` on a non-square matrix raised NumPy's error instead of
  torch's ``linalg.eigh: A must be batches of square matrices``.
* ``torch.linalg.cond``:
  - an empty matrix (0 x 0, 2 x 0, batches of them) has condition number 0 (float / real dtype) for
    every order, as torch; glasstorch raised from narrow / amax.  A named order ("fro", "nuc") checks
    squareness before the empty case, a numeric one does not (as torch).
  - ``p="nuc"`` is sum(s) * sum(1/s) from ``svdvals`` (torch does not take the nuclear norm of the
    inverse): inf, not nan, for a singular non-zero matrix.
  - for p in {"fro", 1, -1, inf, -inf} torch fills the inverse's singular entries in place
    (``masked_fill_`` on inv_ex's saved result), so a backward through those orders raises torch's
    "modified by an inplace operation ... output 0 of LinalgInvEx" error; glasstorch used an
    out-of-place fill and returned a gradient.

Not matched (kept out of the programs): SVD singular vectors (``linalg.svd``, ``pca_lowrank``,
``svd_lowrank``) come from MKL's gesdd in torch and NumPy's LAPACK here: they agree up to the sign of a
column pair, so the programs print only sign-free quantities (singular values, |V|, subspace angles).
Values of ill-conditioned or singular problems (cond of a singular matrix, Cholesky of a singular PSD
matrix) depend on LAPACK's rounding and are not compared.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_error, same_on_both, same_outcome

RNG = np.random.default_rng(23)
A = RNG.standard_normal((6, 4))
SQ = RNG.standard_normal((4, 4)) + 3 * np.eye(4)


# ---- pinv's rcond overload --------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda m, a: m.linalg.pinv(a, 0.3),
    lambda m, a: m.linalg.pinv(a, rcond=0.3),
    lambda m, a: m.linalg.pinv(a, 1e-15, False),
    lambda m, a: m.linalg.pinv(a @ a.mT, 0.2, True),
    lambda m, a: m.linalg.pinv(a, rcond=0.3, hermitian=False),
], ids=["positional", "keyword", "with_hermitian", "hermitian", "keywords"])
def test_pinv_rcond_overload(call):
    same_on_both(call, [A], rtol=1e-10, atol=1e-12)


@given(st.floats(1e-3, 0.9))
@settings(max_examples=15, deadline=None)
def test_pinv_rcond_is_rtol(rcond):
    same_on_both(lambda m, a: m.linalg.pinv(a, rcond), [A], grad=False, rtol=1e-10, atol=1e-12)


def test_pinv_rcond_with_atol_or_rtol_is_refused():
    same_error(lambda m: m.linalg.pinv(m.from_numpy(A), 0.1, rtol=0.2))
    same_error(lambda m: m.linalg.pinv(m.from_numpy(A), 0.1, atol=0.2))


@pytest.mark.parametrize("call", [
    lambda m, a: m.linalg.pinv(a, hermitian=True),
    lambda m, a: m.linalg.pinv(a.unsqueeze(0), 0.1, True),
], ids=["keyword", "rcond_overload"])
def test_pinv_hermitian_non_square_error(call):
    same_error(lambda m: call(m, m.from_numpy(A)))


def test_pinv_rcond_gradcheck():
    x = glasstorch.tensor(A, requires_grad=True)
    assert gradcheck(lambda a: glasstorch.linalg.pinv(a, 0.05), [x], eps=1e-6, atol=1e-5, rtol=1e-4)


# ---- matrix_rank errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda m: m.linalg.matrix_rank(m.ones(3)),
    lambda m: m.linalg.matrix_rank(m.ones(3, dtype=m.int64)),
    lambda m: m.linalg.matrix_rank(m.ones(3), hermitian=True),
    lambda m: m.linalg.matrix_rank(m.from_numpy(A), hermitian=True),
    lambda m: m.linalg.matrix_rank(m.from_numpy(A).unsqueeze(0), hermitian=True),
    lambda m: m.linalg.matrix_rank(m.ones(2, 3, dtype=m.int64), hermitian=True),
], ids=["1d", "1d_int", "1d_hermitian", "hermitian_non_square", "hermitian_batch", "int_before_square"])
def test_matrix_rank_errors(call):
    same_error(call)


def test_matrix_rank_hermitian_square_still_works():
    same_on_both(lambda m, a: m.linalg.matrix_rank(a @ a.mT, hermitian=True), [A], grad=False)


# ---- cond ---------------------------------------------------------------------------------------------------------
ORDS = [None, 2, -2, "nuc", "fro", 1, -1, math.inf, -math.inf]


@pytest.mark.parametrize("shape", [(0, 0), (2, 0), (0, 3), (3, 0, 0), (2, 2, 0)])
@pytest.mark.parametrize("p", ORDS, ids=[str(p) for p in ORDS])
def test_cond_empty(shape, p):
    same_outcome(lambda m: m.linalg.cond(m.zeros(shape), p))
    same_outcome(lambda m: m.linalg.cond(m.zeros(shape, dtype=m.complex128), p))


def test_cond_nuc_from_singular_values():
    same_on_both(lambda m, a: m.linalg.cond(a, "nuc"), [SQ], rtol=1e-12)
    same_on_both(lambda m, a: m.linalg.cond(a.expand(3, 4, 4) * m.tensor([1.0, 2.0, 3.0], dtype=a.dtype).view(3, 1, 1),
                                            "nuc"), [SQ], rtol=1e-12)
    # a singular, non-zero matrix: inf (the nuclear norm of an all-inf inverse would be nan)
    same_outcome(lambda m: m.linalg.cond(m.tensor([[1.0, 0.0], [0.0, 0.0]]), "nuc"))
    same_outcome(lambda m: m.linalg.cond(m.zeros(2, 2), "nuc"))


def test_cond_nuc_gradcheck():
    x = glasstorch.tensor(SQ, requires_grad=True)
    assert gradcheck(lambda a: glasstorch.linalg.cond(a, "nuc"), [x], eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("p", ["fro", 1, -1, math.inf, -math.inf], ids=str)
def test_cond_inverse_orders_refuse_backward(p):
    def fn(m):
        a = m.from_numpy(SQ.copy()).requires_grad_()
        c = m.linalg.cond(a, p)
        assert type(c.grad_fn).__name__ == "NanToNumBackward0"
        c.backward()
    same_error(fn)


@pytest.mark.parametrize("p", ORDS, ids=[str(p) for p in ORDS])
def test_cond_values(p):
    same_on_both(lambda m, a: m.linalg.cond(a, p), [SQ], grad=False, rtol=1e-12)
    same_outcome(lambda m: m.linalg.cond(m.zeros(3, 3), p) if p != "nuc" else m.zeros(1))


@pytest.mark.parametrize("p", [1, "fro", "nuc", math.inf], ids=str)
def test_cond_non_square_error(p):
    same_error(lambda m: m.linalg.cond(m.from_numpy(A), p))


def test_cond_2_gradcheck():
    x = glasstorch.tensor(A, requires_grad=True)
    assert gradcheck(lambda a: glasstorch.linalg.cond(a), [x], eps=1e-6, atol=1e-5, rtol=1e-4)
