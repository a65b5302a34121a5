"""LAPACK's failure reports, as torch.linalg gives them: ``LinAlgError`` and the ``info`` codes.

LAPACK's ``potrf`` (Cholesky) stops at the first leading minor that is not positive definite and
reports its order as ``info``; ``getrf`` (LU) reports the first zero pivot.  NumPy only says that
the factorisation failed, so on failure the matrix is factored again here, column by column, to
find what LAPACK would report (and, for ``cholesky_ex``, the partial factor it leaves behind).
"""
import numpy as np


class LinAlgError(RuntimeError):
    """Error raised by torch.linalg function when the cause of error is a numerical inconsistency in the data."""


# torch defines it in C++ as torch._C._LinAlgError; tracebacks and type(e).__name__ show that name
LinAlgError.__name__ = LinAlgError.__qualname__ = "_LinAlgError"
LinAlgError.__module__ = "torch._C"


def _potf2(a):
    """Left-looking unblocked Cholesky (LAPACK ``potf2``, lower): (factor, info).  On failure at column j
    the diagonal keeps the non-positive pivot, columns after j keep A's lower triangle."""
    n = a.shape[-1]
    L = np.tril(a)
    for j in range(n):
        row = L[j, :j].conj()                 # conj: a no-op for real A, A = L L^H for complex
        ajj = (a[j, j] - L[j, :j] @ row).real
        if not ajj > 0:                       # also catches nan
            L[j, j] = ajj
            return L, j + 1
        ajj = np.sqrt(ajj)
        L[j, j] = ajj
        L[j + 1:, j] = (a[j + 1:, j] - L[j + 1:, :j] @ row) / ajj
    return L, 0


def cholesky_factor(a, who):
    """(L, info) for a float array of (batches of) square matrices; info is int32 of the batch shape."""
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"{who}: Expected a floating point or complex tensor as input. Got "
                           f"{_DTYPE_NAMES.get(a.dtype.name, a.dtype.name)}")
    try:
        L = np.linalg.cholesky(a)
        # NumPy lets a nan pivot through; LAPACK's potrf stops there
        if not np.isnan(np.diagonal(L, 0, -2, -1)).any():
            return L, np.zeros(a.shape[:-2], np.int32)
    except np.linalg.LinAlgError:
        pass
    n = a.shape[-1]
    flat = a.reshape(-1, n, n)
    Ls = np.empty_like(flat)
    info = np.zeros(len(flat), np.int32)
    for i, m in enumerate(flat):
        try:
            Ls[i] = np.linalg.cholesky(m)
            if not np.isnan(np.diagonal(Ls[i])).any():
                continue
        except np.linalg.LinAlgError:
            pass
        Ls[i], info[i] = _potf2(m)
    return Ls.reshape(a.shape), info.reshape(a.shape[:-2])


def check_cholesky(info, who):
    """Raise torch's error for the first batch element whose factorisation failed."""
    if not info.any():
        return
    flat = info.reshape(-1)
    i = int(np.flatnonzero(flat)[0])
    where = f"(Batch element {i}): " if info.ndim else ""
    raise LinAlgError(f"{who}: {where}The factorization could not be completed because the input is not "
                      f"positive-definite (the leading minor of order {int(flat[i])} is not positive-definite).")


def first_zero_pivot(a):
    """1-based index of the first zero pivot LU with partial pivoting meets (``getrf``'s info), or 0."""
    u = np.array(a, dtype=a.dtype if a.dtype.kind in "fc" else np.float64)
    n = u.shape[-1]
    first = 0
    for k in range(n):
        p = k + int(np.argmax(np.abs(u[k:, k])))
        if u[p, k] == 0:
            first = first or k + 1
            continue
        u[[k, p]] = u[[p, k]]
        u[k + 1:, k:] -= np.outer(u[k + 1:, k] / u[k, k], u[k, k:])
    return first


def singular_inverse(a):
    """torch's LinAlgError for ``linalg.inv`` of a singular (batch of) matrix."""
    n = a.shape[-1]
    flat = a.reshape(-1, n, n)
    for i, m in enumerate(flat):
        k = first_zero_pivot(m)
        if k:
            where = f"(Batch element {i}): " if a.ndim > 2 else ""
            return LinAlgError(f"linalg.inv: {where}The diagonal element {k} is zero, the inversion could not be "
                               "completed because the input matrix is singular.")
    return LinAlgError("linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because "
                       "the input matrix is singular.")


_DTYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def singular_solve(a):
    """torch's LinAlgError for ``linalg.solve`` with a singular (batch of) matrix."""
    n = a.shape[-1]
    flat = a.reshape(-1, n, n)
    i = next((i for i, m in enumerate(flat) if first_zero_pivot(m)), 0)
    where = f"(Batch element {i}): " if a.ndim > 2 else ""
    return LinAlgError(f"torch.linalg.solve: {where}The solver failed because the input matrix is singular.")


def _float_or_complex(a, name):
    if a.dtype.kind not in "fc":
        from .ops.inplace import type_name
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as input. Got "
                           f"{type_name(a.dtype)}")


def square_float_input(a, prefix):
    """torch's first checks of a (batch of) square float or complex matrix, its messages starting with
    ``prefix`` ("logdet: ", "torch.linalg.ldl_factor_ex: ")."""
    if a.ndim < 2:
        raise RuntimeError(f"{prefix}The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{prefix}A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")
    if a.dtype.kind not in "fc":
        from .ops.inplace import type_name
        raise RuntimeError(f"{prefix}Expected a floating point or complex tensor as input. Got {type_name(a.dtype)}")


def _square(A, name):
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")
    return a
