"""The decompositions of ``torch.linalg`` with a gradient: ``qr``, ``svd``/``svdvals`` and
``eigh``/``eigvalsh`` (their checks and forward here; their backward formulas in
``_linalg_decomp_grad.py``)."""
import numpy as np

from ._linalg_chol_checks import lapack_layout
from ._linalg_complex import real_dtype
from ._linalg_errors import _float_or_complex, _square
from ._return_types import return_type
from ._typed_args import check
from .ops._common import _wrap
from . import _linalg_decomp_grad as _dg


def _forward_only(arrays, dtype, lapack=False):
    """The arrays as tensors of ``dtype``; with ``lapack``, in LAPACK's column-major layout (torch's
    layout of its factors: Q, R, U, Vh, eigenvectors); else row-major (values, vectors)."""
    if lapack:
        return tuple(_wrap(lapack_layout(np.asarray(x).astype(dtype, copy=False))) for x in arrays)
    return tuple(_wrap(np.ascontiguousarray(np.asarray(x).astype(dtype, copy=False))) for x in arrays)


def qr(A, mode="reduced", *, out=None):
    mode = check("linalg_qr", "mode", mode, "str", 2)
    if A._data.ndim < 2:
        raise RuntimeError("linalg.qr: The input tensor A must have at least 2 dimensions.")
    _float_or_complex(A._data, "qr")
    if mode not in ("reduced", "r", "complete"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           f"or 'complete'")
    from ._linalg_half import no_half_kernel
    no_half_kernel(A._data, "geqrf_cpu")
    q, r = np.linalg.qr(A._data, mode=mode if mode != "r" else "r") if mode != "r" else \
        (np.zeros(0, A._data.dtype), np.linalg.qr(A._data, mode="r"))
    outs = _forward_only((q, r), A._data.dtype, lapack=True)
    if _dg.wants_grad(A):
        node = _dg.LinalgQrBackward0()
        node.mode = mode
        _dg.record(node, outs, A)
    return _QR(*outs)



# singular values and Hermitian eigenvalues are real, also for complex A (as torch's results)
def _svd_checks(A, driver):
    if A.dim() < 2:
        raise RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.")
    _float_or_complex(A._data, "svd")
    if A._data.dtype == np.float16:
        raise NotImplementedError('"linalg_svd_cpu" not implemented for \'Half\'')
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    svd_nan_check(A._data)


def svd_nan_check(x):
    """LAPACK's gesdd (3.10+) returns info = -4 for a matrix whose norm is NaN, which torch reports as a
    LinAlgError (a RuntimeError: kornia catches it) naming the first such batch element; an infinity
    alone does not count. (NumPy's own error would be a ValueError, and its gesdd can loop on some.)"""
    if x.size and np.isnan(x.min() if x.dtype.kind == "f" else x.real.min() + x.imag.min()):
        from ._linalg_errors import LinAlgError
        bad = np.isnan(x).reshape(-1, x.shape[-2] * x.shape[-1]).any(axis=1)
        where = f"(Batch element {int(np.argmax(bad))}): " if x.ndim > 2 else ""
        raise LinAlgError(f"linalg.svd: {where}The algorithm failed to converge because the input matrix "
                          "contained non-finite values.")


def svd(A, full_matrices=True, *, driver=None, out=None):
    check("linalg_svd", "full_matrices", full_matrices, position=2)
    _svd_checks(A, driver)
    dt = A._data.dtype
    u, s, vh = np.linalg.svd(A._data, full_matrices=full_matrices)
    outs = _forward_only((u,), dt, True) + _forward_only((s,), real_dtype(dt)) + _forward_only((vh,), dt, True)
    if _dg.wants_grad(A):
        node = _dg.LinalgSvdBackward0()
        node.full = full_matrices
        _dg.record(node, outs, A)
    return _SVD(*outs)


def svdvals(A, *, driver=None, out=None):
    """As torch: with a gradient to compute, the full (reduced) SVD, of which S is returned."""
    _svd_checks(A, driver)
    if _dg.wants_grad(A):
        return svd(A, full_matrices=False).S
    s = _forward_only((np.linalg.svd(A._data, compute_uv=False),), real_dtype(A._data.dtype))[0]
    return s


def _eigh_checks(A, UPLO):
    """torch's order: square, then UPLO ('l' / 'u' too), then a float or complex dtype."""
    a = _square(A, "eigh")
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    if a.dtype.kind not in "fc" or a.dtype == np.float16:
        from .ops.inplace import type_name
        raise NotImplementedError(f'"linalg_eigh_cpu" not implemented for \'{type_name(a.dtype)}\'')
    return a


def eigh(A, UPLO="L", *, out=None):
    UPLO = check("linalg_eigh", "UPLO", UPLO, "str", 2)
    dt = A._data.dtype
    w, v = np.linalg.eigh(_eigh_checks(A, UPLO), UPLO=UPLO.upper())
    outs = _forward_only((w,), real_dtype(dt)) + _forward_only((v,), dt, lapack=True)
    if _dg.wants_grad(A):
        node = _dg.LinalgEighBackward0()
        _dg.record(node, outs, A)
    return _Eigh(*outs)


def eigvalsh(A, UPLO="L", *, out=None):
    """As torch: with a gradient to compute, the full eigh, of which the eigenvalues are returned."""
    UPLO = check("linalg_eigvalsh", "UPLO", UPLO, "str", 2)
    if _dg.wants_grad(A):
        return eigh(A, UPLO).eigenvalues
    w = _forward_only((np.linalg.eigvalsh(_eigh_checks(A, UPLO), UPLO=UPLO.upper()),), real_dtype(A._data.dtype))[0]
    return w


_QR = return_type("linalg_qr", ["Q", "R"])
_SVD = return_type("linalg_svd", ["U", "S", "Vh"])
_Eigh = return_type("linalg_eigh", ["eigenvalues", "eigenvectors"])
