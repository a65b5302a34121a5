"""``torch.linalg.ldl_factor``, ``ldl_factor_ex`` and ``ldl_solve``: the Bunch-Kaufman factorization
A = P L D L^T P^T of a symmetric matrix, as LAPACK's sytrf / sytrs (uplo = 'L') compute and use it.

``LD`` holds L (unit lower triangular, its diagonal not stored) below the diagonal and the block
diagonal D (1x1 and symmetric 2x2 blocks) on the diagonal and first subdiagonal; its upper triangle
is zero, as torch returns it.  ``pivots`` are LAPACK's 1-based ipiv: k for a 1x1 block whose row was
swapped with row k, and -k on both rows of a 2x2 block whose second row was swapped with row k.

The factorization here is LAPACK's unblocked dsytf2 step for step (the same pivot choices, with
alpha = (1 + sqrt 17) / 8, and the same update order, no fused multiply-adds): measured bit for bit
against torch's (MKL's) sytrf on float64 and float32 matrices up to 8 x 8; for n above LAPACK's block
size (64) sytrf switches to the blocked dlasyf, whose updates round in another order.  Real dtypes
only: complex input is not implemented yet.
torch records no derivative (backward raises "derivative for aten::... is not implemented").
"""
import math

import numpy as np

from ._return_types import return_type
from .ops._common import _wrap
from .ops._no_derivative import record_not_implemented
from .ops._out import write_out as _write_out

_LDL = return_type("linalg_ldl_factor", ["LD", "pivots"])
_LDL_EX = return_type("linalg_ldl_factor_ex", ["LD", "pivots", "info"])
_ALPHA = (1.0 + math.sqrt(17.0)) / 8.0
_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
          "float32": "Float", "float64": "Double", "float16": "Half", "complex64": "ComplexFloat",
          "complex128": "ComplexDouble"}


def _idamax(v):
    """BLAS idamax: the first largest |v_i| (a nan never wins, except a nan first entry, which stays)."""
    v = np.abs(v)
    if v.size == 0 or v[0] != v[0]:
        return 0
    return int(np.argmax(np.where(np.isnan(v), -1.0, v)))


def _swap(a, i, j):
    a[[i, j]] = a[[j, i]]


def _sytf2_lower(a):
    """Factor the lower triangle of ``a`` (n x n, overwritten); returns (ipiv, info) as dsytf2 does."""
    n = a.shape[0]
    ipiv = np.zeros(n, np.int32)
    info, k = 0, 0
    while k < n:
        kstep = 1
        absakk = abs(a[k, k])
        if k < n - 1:
            imax = k + 1 + _idamax(a[k + 1:, k])
            colmax = abs(a[imax, k])
        else:
            imax, colmax = k, 0.0
        if np.fmax(absakk, colmax) == 0:               # Fortran's MAX skips a nan; no separate nan test
            info = info or k + 1                       # a zero pivot column: the matrix is singular
            kp = k
        else:
            if absakk >= _ALPHA * colmax:
                kp = k                                 # the diagonal entry is large enough
            else:
                jmax = k + _idamax(a[imax, k:imax])
                rowmax = abs(a[imax, jmax])
                if imax < n - 1:
                    jmax = imax + 1 + _idamax(a[imax + 1:, imax])
                    rowmax = max(rowmax, abs(a[jmax, imax]))
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif abs(a[imax, imax]) >= _ALPHA * rowmax:
                    kp = imax                          # a 1x1 pivot from row imax
                else:
                    kp, kstep = imax, 2                # a 2x2 pivot of rows k and imax
            kk = k + kstep - 1
            if kp != kk:                               # swap rows and columns kk and kp of A[k:, k:]
                if kp < n - 1:
                    a[kp + 1:, [kk, kp]] = a[kp + 1:, [kp, kk]]
                seg = a[kk + 1:kp, kk].copy()
                a[kk + 1:kp, kk] = a[kp, kk + 1:kp]
                a[kp, kk + 1:kp] = seg
                a[kk, kk], a[kp, kp] = a[kp, kp], a[kk, kk]
                if kstep == 2:
                    a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]
            if kstep == 1:
                if k < n - 1:                          # A[k+1:, k+1:] -= x x^T / d,  L = x / d
                    d11 = 1.0 / a[k, k]
                    x = a[k + 1:, k].copy()
                    low = np.tril(np.ones((n - k - 1, n - k - 1), bool))
                    upd = a[k + 1:, k + 1:] + np.outer(x, -d11 * x)          # dsyr: a_ij + x_i (-x_j / d)
                    a[k + 1:, k + 1:] = np.where(low, upd, a[k + 1:, k + 1:])
                    a[k + 1:, k] = d11 * x
            elif k < n - 2:                            # the rank-2 update with D's 2x2 block inverted
                d21 = a[k + 1, k]
                d11 = a[k + 1, k + 1] / d21
                d22 = a[k, k] / d21
                t = 1.0 / (d11 * d22 - 1.0)
                d21 = t / d21
                ck, ck1 = a[k + 2:, k].copy(), a[k + 2:, k + 1].copy()
                wk = d21 * (d11 * ck - ck1)
                wkp1 = d21 * (d22 * ck1 - ck)
                low = np.tril(np.ones((n - k - 2, n - k - 2), bool))
                upd = a[k + 2:, k + 2:] - np.outer(ck, wk) - np.outer(ck1, wkp1)
                a[k + 2:, k + 2:] = np.where(low, upd, a[k + 2:, k + 2:])
                a[k + 2:, k], a[k + 2:, k + 1] = wk, wkp1
        if kstep == 1:
            ipiv[k] = kp + 1
        else:
            ipiv[k] = ipiv[k + 1] = -(kp + 1)
        k += kstep
    return ipiv, info


def _check_factor_input(A):
    from ._linalg_errors import square_float_input
    x = A._data
    square_float_input(x, "torch.linalg.ldl_factor_ex: ")
    if x.dtype.kind == "c":
        raise NotImplementedError("glasstorch: torch.linalg.ldl_factor of complex input is not implemented yet")
    return x


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """A = P L D L^T P^T (Bunch-Kaufman); ``info`` > 0 names the first zero pivot column (1-based)."""
    from ._typed_args import check_all
    check_all("linalg_ldl_factor_ex", ("hermitian", hermitian), ("check_errors", check_errors))
    x = _check_factor_input(A)
    n = x.shape[-1]
    batch = x.shape[:-2]
    if n == 0:
        r = _LDL_EX(record_not_implemented("linalg_ldl_factor_ex", _wrap(x.copy()), A),
                    _wrap(np.zeros(batch + (0,), np.int32)), _wrap(np.zeros(batch, np.int32)))
        return r if out is None else _write_out("linalg_ldl_factor_ex", r, out)
    ld = np.tril(x).reshape((-1, n, n)).copy()
    piv = np.zeros((ld.shape[0], n), np.int32)
    info = np.zeros(ld.shape[0], np.int32)
    with np.errstate(all="ignore"):
        for b in range(ld.shape[0]):
            piv[b], info[b] = _sytf2_lower(ld[b])
    ld = np.tril(ld)
    if check_errors and info.any():
        raise RuntimeError("false INTERNAL ASSERT FAILED at \"/__w/pytorch/pytorch/aten/src/ATen/native/"
                           "BatchLinearAlgebra.cpp\":1642, please report a bug to PyTorch. "
                           f"torch.linalg.ldl_factor_ex: Unknown error code: {int(info[info != 0][0])}.")
    from ._linalg_chol_checks import lapack_layout       # LAPACK's column-major factor, as torch's
    LD = record_not_implemented("linalg_ldl_factor_ex", _wrap(lapack_layout(ld.reshape(x.shape))), A)
    r = _LDL_EX(LD, _wrap(piv.reshape(batch + (n,))), _wrap(info.reshape(batch)))
    return r if out is None else _write_out("linalg_ldl_factor_ex", r, out)


def ldl_factor(A, *, hermitian=False, out=None):
    """ldl_factor_ex, raising where a pivot is exactly zero (torch's message, an internal assert)."""
    from ._typed_args import check
    check("linalg_ldl_factor", "hermitian", hermitian)
    r = ldl_factor_ex(A, hermitian=hermitian)
    info = r.info._data
    if info.any():
        raise RuntimeError("false INTERNAL ASSERT FAILED at \"/__w/pytorch/pytorch/aten/src/ATen/native/"
                           "BatchLinearAlgebra.cpp\":1642, please report a bug to PyTorch. "
                           f"torch.linalg.ldl_factor: Unknown error code: {int(info[info != 0].flat[0])}.")
    r = _LDL(r.LD, r.pivots)
    return r if out is None else _write_out("linalg_ldl_factor", r, out)


def _sytrs_lower(a, ipiv, b):
    """Solve A X = B with dsytf2's factor ``a`` and ``ipiv`` (dsytrs, uplo = 'L'); ``b`` is overwritten."""
    n = a.shape[0]
    k = 0
    while k < n:                                       # L D Y = P^T B
        if ipiv[k] > 0:
            _swap(b, k, ipiv[k] - 1)
            b[k + 1:] -= np.outer(a[k + 1:, k], b[k])
            b[k] *= 1.0 / a[k, k]                      # dscal by the reciprocal, as dsytrs does
            k += 1
        else:
            _swap(b, k + 1, -ipiv[k] - 1)
            if k < n - 2:
                b[k + 2:] -= np.outer(a[k + 2:, k], b[k])
                b[k + 2:] -= np.outer(a[k + 2:, k + 1], b[k + 1])
            akm1k = a[k + 1, k]
            akm1, ak = a[k, k] / akm1k, a[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1.0
            bkm1, bk = b[k] / akm1k, b[k + 1] / akm1k
            b[k], b[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:                                      # L^T P^T X = Y
        if ipiv[k] > 0:
            if k < n - 1:
                b[k] -= a[k + 1:, k] @ b[k + 1:]
            _swap(b, k, ipiv[k] - 1)
            k -= 1
        else:
            if k < n - 1:
                b[k] -= a[k + 1:, k] @ b[k + 1:]
                b[k - 1] -= a[k + 1:, k - 1] @ b[k + 1:]
            _swap(b, k, -ipiv[k] - 1)
            k -= 2
    return b


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """X with A X = B, from ldl_factor's LD and pivots."""
    ld, piv, b = LD._data, pivots._data, B._data
    if ld.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: The input tensor A must have at least 2 dimensions.")
    if b.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got -2)")
    if piv.shape != ld.shape[:-1]:
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected LD.shape[:-1] and pivots.shape to be the same, but "
                           f"got pivots with shape {list(piv.shape)} instead")
    if piv.dtype.kind not in "iu":
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected pivots to be integers. Got "
                           f"{_NAMES.get(piv.dtype.name, piv.dtype.name)}")
    if b.dtype != ld.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{_NAMES.get(b.dtype.name)} and A of type {_NAMES.get(ld.dtype.name)} instead.")
    n = ld.shape[-1]
    if b.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for torch.linalg.ldl_solve: each A matrix is {n} by {n} "
                           f"but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    batch = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
    lds = np.ascontiguousarray(np.broadcast_to(ld, batch + ld.shape[-2:]).reshape((-1, n, n)))   # row-major dots
    pvs = np.broadcast_to(piv, batch + piv.shape[-1:]).reshape((-1, n))
    xs = np.broadcast_to(b, batch + b.shape[-2:]).reshape((-1,) + b.shape[-2:]).copy()
    with np.errstate(all="ignore"):
        for i in range(xs.shape[0]):
            _sytrs_lower(lds[i], pvs[i], xs[i])
    from ._linalg_chol_checks import lapack_layout       # LAPACK's sytrs writes column-major
    r = record_not_implemented("linalg_ldl_solve", _wrap(lapack_layout(xs.reshape(batch + b.shape[-2:]))), LD, B)
    return r if out is None else _write_out("linalg_ldl_solve", r, out)
