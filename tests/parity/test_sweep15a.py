"""Parity tests for the gaps the sweep15a programs (tests/programs/sweep15a_*.py: FFT, STFT, windows,
eigen/SVD/QR/least squares) found."""
import re

import numpy as np
import pytest
import torch

import glasstorch
from glasstorch._kwarg_order import torch_kwarg_order

from ._helpers import same_error, same_expression, same_on_both

R = np.random.default_rng(15)
TOL = dict(rtol=1e-9, atol=1e-10)     # LAPACK (MKL vs NumPy's) rounds differently in the last bits


# ---- the keyword order of torch's "invalid combination of arguments" message ----------------------
@pytest.mark.parametrize("call", [
    "t.hamming_window(6, alpha=0.5, beta=0.5)",
    "t.hamming_window(6, alpha=0.5, beta=0.5, dtype=t.float64)",
    "t.hamming_window(6, True, beta=0.5, dtype=t.float64)",
    "t.kaiser_window(6, beta=0.5, dtype=t.float64)",
    "t.linspace(0, 1, 2.0, dtype=t.float64, requires_grad=True)",
    "t.linspace(0, 1, 2.0, dtype=t.float64, device='cpu')",
])
def test_invalid_combination_keyword_order(call):
    same_error(lambda t: eval(call, {"t": t}))


def test_kwarg_order_replays_the_hash_table():
    """Many keyword sets (enough to collide in a bucket and to rehash): the order torch prints."""
    rng = np.random.default_rng(1)
    words = ["alpha", "beta", "dtype", "device", "layout", "requires_grad", "pin_memory", "out", "periodic", "x",
             "weight", "bias", "dim", "keepdim", "a1", "a2", "zz", "generator", "memory_format", "names"]
    checked = 0
    for _ in range(80):
        names = [str(n) for n in rng.choice(words, size=rng.integers(1, 18), replace=False)]
        with pytest.raises(TypeError) as e:
            torch.hamming_window(6, **{n: 1.5 for n in names})
        shown = re.search(r"got \(int, (.*?)\), but", str(e.value))
        if shown is None:       # a message of another kind (one keyword of a wrong type)
            continue
        checked += 1
        assert [p.split("=")[0] for p in shown.group(1).split(", ")] == torch_kwarg_order(names)
    assert checked > 60


# ---- gradients of the decompositions --------------------------------------------------------------
def _weights(shape, k=0):
    return np.cos(np.arange(int(np.prod(shape))).reshape(shape) + k)


def _sym(n, batch=()):
    a = R.standard_normal(batch + (n, n))
    return a + np.swapaxes(a, -1, -2)


@pytest.mark.parametrize("uplo", ["L", "U"])
@pytest.mark.parametrize("used", [(0,), (1,), (0, 1)])
def test_eigh_backward(uplo, used):
    a = _sym(4, (2,))

    def fn(t, A):
        L, V = t.linalg.eigh(A, UPLO=uplo)
        loss = 0
        if 0 in used:
            loss = loss + (L * t.from_numpy(_weights(L.shape))).sum()
        if 1 in used:     # squared: an eigenvector's sign is LAPACK's choice, differing between builds
            loss = loss + (V * V * t.from_numpy(_weights(V.shape, 1))).sum()
        return loss, L
    same_on_both(fn, [a], **TOL)


def test_eigvalsh_backward_and_grad_fn():
    same_on_both(lambda t, A: t.linalg.eigvalsh(A), [_sym(3)], **TOL)
    same_on_both(lambda t, A: t.linalg.eigvalsh(A, UPLO="u"), [_sym(3, (2,))], **TOL)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("used", [(1,), (0,), (2,), (0, 1, 2)])
def test_svd_backward(shape, full, used):
    a = R.standard_normal(shape)

    def fn(t, A):
        U, S, Vh = t.linalg.svd(A, full_matrices=full)
        k = S.shape[-1]
        outs = U[..., :k], S, Vh[..., :k, :]     # full_matrices' extra columns are LAPACK's arbitrary choice
        loss = 0
        for i in used:
            w = t.from_numpy(_weights(tuple(outs[i].shape), i))
            loss = loss + ((outs[i] * w).sum() if i == 1 else (outs[i] ** 2 * w).sum())
        return loss, S
    same_on_both(fn, [a], **TOL)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
def test_svdvals_norms_and_cond_backward(shape):
    a = R.standard_normal(shape)
    same_on_both(lambda t, A: t.linalg.svdvals(A), [a], **TOL)
    same_on_both(lambda t, A: t.svd(A, compute_uv=False).S, [a], **TOL)
    same_on_both(lambda t, A: t.linalg.matrix_norm(A, "nuc"), [a], **TOL)
    same_on_both(lambda t, A: t.linalg.matrix_norm(A, 2, keepdim=True), [a], **TOL)
    same_on_both(lambda t, A: t.linalg.matrix_norm(A, -2), [a], **TOL)
    same_on_both(lambda t, A: t.linalg.cond(A), [a], **TOL)
    same_on_both(lambda t, A: t.linalg.cond(A, -2), [a], **TOL)


def test_matrix_norm_spectral_other_dims():
    a = R.standard_normal((2, 3, 4))
    same_on_both(lambda t, A: t.linalg.matrix_norm(A, -2, dim=(0, 2), keepdim=True), [a], **TOL)
    same_on_both(lambda t, A: t.linalg.norm(A[0], "nuc"), [a], **TOL)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("used", [(0,), (1,), (0, 1)])
def test_qr_backward(shape, used):
    a = R.standard_normal(shape)

    def fn(t, A):
        Q, Rm = t.linalg.qr(A)
        loss = 0
        if 0 in used:
            loss = loss + (Q * t.from_numpy(_weights(tuple(Q.shape)))).sum()
        if 1 in used:
            loss = loss + (Rm * t.from_numpy(_weights(tuple(Rm.shape), 1))).sum()
        return loss
    same_on_both(fn, [a], **TOL)


def test_qr_backward_errors():
    def mode_r(t):
        t.linalg.qr(t.ones(3, 2, requires_grad=True), mode="r").R.sum().backward()

    def complete_tall(t):
        t.linalg.qr(t.randn(4, 2, requires_grad=True), mode="complete").Q.sum().backward()
    same_error(mode_r)
    same_error(complete_tall)
    same_on_both(lambda t, A: t.linalg.qr(A, mode="complete").R, [R.standard_normal((3, 5))], **TOL)


# ---- argument checks ----------------------------------------------------------------------------
@pytest.mark.parametrize("expr", [
    "t.linalg.eigh(t.eye(2), UPLO='X')", "t.linalg.eigh(t.eye(2), UPLO='')", "t.linalg.eigvalsh(t.eye(2), UPLO='LU')",
    "t.linalg.eigh(t.ones(2, 3), UPLO='X')", "t.linalg.eigh(t.ones(2, 2, dtype=t.int64))",
    "t.linalg.eigvalsh(t.ones(2, 2, dtype=t.bool))", "t.linalg.eigh(t.eye(2), UPLO='u').eigenvalues",
    "t.linalg.pinv(t.ones(3))", "t.linalg.pinv(t.ones(2, 3, dtype=t.int32))",
    "t.linalg.pinv(t.ones(2, 2, 3, dtype=t.bool))", "t.pinverse(t.ones(3))",
])
def test_linalg_argument_errors(expr):
    same_expression(expr)


# ---- det through the LU factor ------------------------------------------------------------------
@pytest.mark.parametrize("a", [
    np.array([[1.0, 2.0], [2.0, 4.0]]),                                   # singular: torch gives -0.
    np.array([[4.0, -2.0, 1.0], [3.0, 6.0, -4.0], [2.0, 1.0, 8.0]]),      # integer entries, integer det
    np.array([[[4.0, -2.0, 1.0], [3.0, 6.0, -4.0], [2.0, 1.0, 8.0]]] * 2) * np.array([1.0, 2.0])[:, None, None],
    np.zeros((0, 0)), np.zeros((2, 0, 0)), np.array([[3.0]], np.float32),
])
def test_det_matches_lu_product(a):
    same_on_both(lambda t, A: t.linalg.det(A), [a], grad=False)


def _cplx(*shape):
    return R.standard_normal(shape) + 1j * R.standard_normal(shape)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_eig_and_eigvals_backward(dtype):
    a = R.standard_normal((2, 4, 4)) if dtype == np.float64 else _cplx(2, 4, 4)
    w = np.cos(np.arange(32.0)).reshape(2, 4, 4)
    same_on_both(lambda t, A: t.linalg.eigvals(A).real.sum() + (t.linalg.eigvals(A).imag ** 2).sum(), [a], **TOL)
    same_on_both(lambda t, A: (t.linalg.eig(A).eigenvectors.abs() ** 2 * t.from_numpy(w)).sum()
                 + t.linalg.eig(A).eigenvalues.abs().sum(), [a], **TOL)

    def phase_dependent(t):
        t.linalg.eig(t.from_numpy(a).requires_grad_(True)).eigenvectors.real.sum().backward()
    same_error(phase_dependent)


def test_complex_eigh_svd_qr_backward():
    h = _cplx(4, 4)
    h = h + h.conj().T
    same_on_both(lambda t, A: (t.linalg.eigvalsh(A) ** 2).sum(), [h], **TOL)
    same_on_both(lambda t, A: (t.linalg.eigh(A).eigenvectors.abs() ** 2 * t.arange(16.0).view(4, 4)).sum(), [h], **TOL)
    for shape in [(4, 4), (5, 3), (3, 5)]:
        x = _cplx(*shape)
        same_on_both(lambda t, A: t.linalg.matrix_norm(A, "nuc"), [x], **TOL)
        same_on_both(lambda t, A: (t.linalg.svd(A, full_matrices=False).U.abs() * t.linalg.svd(A, full_matrices=False).S)
                     .sum() + t.linalg.svd(A, full_matrices=False).Vh.abs().sum(), [x], **TOL)
        same_on_both(lambda t, A: (t.linalg.qr(A).R * t.linalg.qr(A).R.abs()).real.sum()
                     + t.linalg.qr(A).Q.imag.sum(), [x], **TOL)

    c = _cplx(3, 3)

    def phase_dependent(t):
        t.linalg.svd(t.from_numpy(c).requires_grad_(True)).U.real.sum().backward()
    same_error(phase_dependent)


def test_decomposition_double_backward():
    a = _sym(3)
    b = R.standard_normal((4, 3))

    def fn(t, A, B):
        g1, = t.autograd.grad((t.linalg.eigvalsh(A) ** 3).sum(), A, create_graph=True)
        g2, = t.autograd.grad(t.linalg.svdvals(B).pow(3).sum() + t.linalg.qr(B).R.sum(), B, create_graph=True)
        return g1.pow(2).sum() + g2.pow(2).sum()
    same_on_both(fn, [a, b], rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transposed", [False, True])
def test_det_factors_the_transpose_of_a_contiguous_matrix(dtype, transposed):
    """torch's det LU-factors A^T when A is contiguous (LAPACK's column-major view, no copy), A itself
    otherwise: the roundings differ, so the values only agree bit for bit when glasstorch does the same."""
    a = np.array([[1.0, 2.0], [3.0, 4.0]], dtype)          # det -2: exactly via A^T, -1.9999999 via A
    same_on_both(lambda t, A: t.linalg.det(A.mT if transposed else A), [a], grad=False)
    b = np.random.default_rng(4).standard_normal((6, 3, 3)).astype(dtype)
    same_on_both(lambda t, B: t.linalg.det(B.mT if transposed else B)[:1], [b], grad=False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lu_factor_of_2x2_divides_by_the_pivot(dtype):
    a = np.random.default_rng(6).standard_normal((40, 2, 2)).astype(dtype)
    same_on_both(lambda t, A: tuple(t.linalg.lu_factor(A)), [a], grad=False)
    same_on_both(lambda t, A: t.linalg.det(A), [a], grad=False)


# ---- norms, cond, vecdot, svd and fft argument checks -------------------------------------------
@pytest.mark.parametrize("expr", [
    "t.linalg.matrix_norm(t.ones(2, 2, dtype=t.float64), 2, dtype=t.float32)",
    "t.linalg.matrix_norm(t.ones(2, 2, dtype=t.float64), 'fro', dtype=t.float32)",
    "t.linalg.matrix_norm(t.ones(2, 2), 'nuc', dtype=t.int64)",
    "t.linalg.matrix_norm(t.ones(2, 2), 'nuc', dtype=t.complex64)",
    "t.linalg.matrix_norm(t.ones(2, 2, dtype=t.int64), 'fro')",
    "t.linalg.matrix_norm(t.ones(2, 2, dtype=t.int64), 2)",
    "t.linalg.matrix_norm(t.ones(2, 2, dtype=t.float16), 2)",
    "t.linalg.matrix_norm(t.ones(2, 2), dim=(0, 0))", "t.linalg.matrix_norm(t.ones(2, 2), dim=(1, -1))",
    "t.linalg.matrix_norm(t.ones(2, 2, 2), dim=(0, 1, 2))", "t.linalg.matrix_norm(t.ones(2, 2), 'fro', dtype=t.float64)",
    "t.linalg.vector_norm(t.ones(3), dtype=t.int64)", "t.linalg.vector_norm(t.ones(3, dtype=t.float64), dtype=t.float32)",
    "t.linalg.vector_norm(t.ones(3, dtype=t.complex64), dtype=t.float32)",
    "t.linalg.cond(t.ones(2, 3), 1)", "t.linalg.cond(t.ones(2, 3), 1.0)", "t.linalg.cond(t.ones(2, 3), float('-inf'))",
    "t.linalg.cond(t.ones(2, 3), 'fro')", "t.linalg.cond(t.ones(2, 2), 3.5)", "t.linalg.cond(t.ones(3), 1)",
    "t.linalg.cond(t.ones(2, 2, dtype=t.int64), 1)", "t.linalg.cond(t.zeros(2, 2), 1)",
    "t.linalg.cond(t.tensor([[4., 1.], [2., 3.]], requires_grad=True), 'nuc')", "t.linalg.cond(t.zeros(2, 2), 'nuc')",
    "t.linalg.cond(t.tensor([[4., 1.], [2., 3.]], requires_grad=True), -1)", "t.linalg.cond(t.zeros(2, 2), 'fro')",
    "t.linalg.vecdot(t.tensor([1 + 2j, 3j]), t.tensor([1j, 2 - 1j]))", "t.linalg.vecdot(t.ones(2), t.ones(2, dtype=t.int64))",
    "t.linalg.vecdot(t.ones(2, dtype=t.int64), t.ones(2, dtype=t.int64))",
    "t.linalg.svd(t.ones(2, 2, dtype=t.int64))", "t.linalg.svdvals(t.ones(2, 2, dtype=t.float16))",
    "t.svd(t.ones(2, 2, dtype=t.int64))",
    "t.fft.fft(t.ones(4, dtype=t.float16))", "t.fft.rfft2(t.ones(2, 2, dtype=t.float16))",
])
def test_norm_cond_vecdot_svd_fft_checks(expr):
    same_expression(expr)
