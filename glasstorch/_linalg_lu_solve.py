"""Solving with an LU factor: ``linalg.lu_solve`` (and the old ``torch.lu_solve``), ``linalg.solve_ex``,
``linalg.inv_ex``, ``linalg.tensorinv`` and ``linalg.tensorsolve``.

``_getrs`` is LAPACK's ``getrs``: the pivots' row swaps, then the unit-lower and the upper
triangular solves, column by column.  A zero pivot divides by zero there, so the ``_ex`` variants
give the same infs and nans that torch gives for a singular matrix, with ``info`` saying where.
"""
import warnings

import numpy as np

from .autograd.graph import Node
from .ops._common import _wrap, needs_grad, record, record1
from .ops.shape import is_array
from ._linalg_errors import LinAlgError
from ._linalg_chol_checks import lapack_layout, solve_layout
from ._linalg_lu import _getrf, _permutation, _TYPE_NAMES
from ._return_types import return_type
from ._typed_args import check, check_all

__all__ = ["lu_solve", "torch_lu_solve", "solve_ex", "inv_ex", "tensorinv", "tensorsolve"]

_SolveEx = return_type("linalg_solve_ex", ["result", "info"])
_InvEx = return_type("linalg_inv_ex", ["inverse", "info"])


def _swap_rows(b, piv, order):
    rows = np.arange(b.shape[0])
    for i in order:
        j = piv[:, i]
        b[rows, i], b[rows, j] = b[rows, j], b[rows, i].copy()


def _getrs(lu, piv, b, adjoint=False):
    """A^-1 b (A^-T b when ``adjoint``) for A = P L U packed in ``lu``; batch dimensions broadcast."""
    n = lu.shape[-1]
    batch = np.broadcast_shapes(lu.shape[:-2], b.shape[:-2])
    lu = np.broadcast_to(lu, batch + (n, n)).reshape(-1, n, n)
    piv = np.broadcast_to(piv, batch + (n,)).reshape(-1, n).astype(np.intp) - 1
    x = np.array(np.broadcast_to(b, batch + b.shape[-2:]), lu.dtype).reshape((-1,) + b.shape[-2:])
    with np.errstate(divide="ignore", invalid="ignore"):
        if not adjoint:                       # L U x = P^T b
            _swap_rows(x, piv, range(n))
            for j in range(n):
                x[:, j + 1:] -= lu[:, j + 1:, j, None] * x[:, j, None]
            for j in reversed(range(n)):
                x[:, j] /= lu[:, j, j, None]
                x[:, :j] -= lu[:, :j, j, None] * x[:, j, None]
        else:                                 # U^T L^T P^T x = b
            for j in range(n):
                x[:, j] /= lu[:, j, j, None]
                x[:, j + 1:] -= lu[:, j, j + 1:, None] * x[:, j, None]
            for j in reversed(range(n)):
                x[:, :j] -= lu[:, j, :j, None] * x[:, j, None]
            _swap_rows(x, piv, reversed(range(n)))
    return x.reshape(batch + b.shape[-2:])


def _lu_solve_array(lu, piv, b, left, adjoint):
    if left:
        return _getrs(lu, piv, b, adjoint)
    # X A = B  <=>  A^T X^T = B^T
    return np.swapaxes(_getrs(lu, piv, np.swapaxes(b, -1, -2), not adjoint), -1, -2)


class LinalgLuSolveBackward0(Node):
    """X = A^-1 B, A = P L U   ->   dB = A^-T g,  dA = -dB X^T,  dLU = tril(P^T dA U^T, -1) + triu(L^T P^T dA)
    (adjoint / right-hand forms move the transposes)"""
    __slots__ = ("left", "adjoint")

    def backward(self, g):
        LU, piv, X = self.saved()
        plain = is_array(g)
        if plain:
            LU, piv, X, g = _wrap(LU), _wrap(piv), _wrap(X), _wrap(g)
        left, adj = self.left, self.adjoint
        gB = lu_solve(LU, piv, g, left=left, adjoint=not adj)
        gA = (-gB @ X.mT if not adj else -X @ gB.mT) if left else (-X.mT @ gB if not adj else -gB.mT @ X)
        P = _wrap(_permutation(piv._data, LU.shape[-2], LU._data.dtype))
        L = LU.tril(-1) + _wrap(np.eye(LU.shape[-1], dtype=LU._data.dtype))
        U = LU.triu()
        PgA = P.mT @ gA
        gLU = (PgA @ U.mT).tril(-1) + (L.mT @ PgA).triu()
        return (gLU._data, None, gB._data) if plain else (gLU, None, gB)


def _check_lu_solve(lu, piv, b, left):
    if lu.ndim < 2 or lu.shape[-1] != lu.shape[-2]:
        raise RuntimeError("torch.linalg.lu_solve: A must be batches of square matrices, but they are "
                           f"{lu.shape[-2]} by {lu.shape[-1]} matrices" if lu.ndim >= 2 else
                           "linalg.lu_solve: The input tensor LU must have at least 2 dimensions.")
    if b.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    n = lu.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
                           f"{b.shape[-2]}x{b.shape[-1]})")
    if lu.dtype != b.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{_name(lu)} and B of type {_name(b)} instead")
    if piv.dtype != np.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    if piv.shape[-1:] != (n,):
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix")


def _name(a):
    return {"float32": "Float", "float64": "Double"}.get(a.dtype.name, _TYPE_NAMES.get(a.dtype.name, a.dtype.name))


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """X with A X = B (X A = B when not ``left``; A^T in place of A when ``adjoint``), A = P L U from lu_factor."""
    check_all("linalg_lu_solve", ("left", left), ("adjoint", adjoint))
    lu, piv, b = LU._data, pivots._data, B._data
    _check_lu_solve(lu, piv, b, left)
    r = _wrap(solve_layout(_lu_solve_array(lu, piv, b, left, adjoint), False, left))   # torch's strides
    if needs_grad(LU, B):
        node = LinalgLuSolveBackward0()
        node.left, node.adjoint = left, adjoint
        node.save(LU, pivots, r, result_at=2)
        record(node, r, LU, pivots, B)
    return r


def torch_lu_solve(b, LU_data, LU_pivots, *, out=None):
    """``torch.lu_solve``: deprecated, ``linalg.lu_solve`` with the arguments reversed."""
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a future "
                  "PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\nX = "
                  "torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B) "
                  "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2230.)",
                  UserWarning, stacklevel=2)
    return lu_solve(LU_data, LU_pivots, b)


def _square(a, who):
    if a.ndim < 2:
        raise RuntimeError(f"{who}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{who}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")


def _first_failure(info, message):
    flat = info.reshape(-1)
    i = int(np.flatnonzero(flat)[0])
    where = f"(Batch element {i}): " if info.ndim else ""
    return LinAlgError(message(where, int(flat[i])))


def check_solve_dtypes(a, b):
    """torch's first checks in linalg.solve(_ex): A floating or complex, then B of A's dtype."""
    from .ops.inplace import type_name
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.solve: Expected a floating point or complex tensor as input. Got "
                           f"{type_name(a.dtype)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{type_name(a.dtype)} and B of type {type_name(b.dtype)} instead")


def check_solve_shapes(a, b, vec, left):
    n = a.shape[-1]
    bm = b.shape[-2:] if not vec else (b.shape[-1], 1)
    if (bm[0] if left else bm[1]) != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {'AX' if left else 'XA'} "
                           f"= B ({n}x{n} and {bm[0]}x{bm[1]})")


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """``(result, info)``: ``linalg.solve`` that reports a singular matrix in ``info`` (the first zero
    pivot, 1-based) instead of raising; its result then holds LAPACK's infs and nans."""
    from . import linalg
    check_all("linalg_solve_ex", ("left", left), ("check_errors", check_errors))
    a, b = A._data, B._data
    check_solve_dtypes(a, b)
    _square(a, "linalg.solve")
    # torch's vector case does not depend on ``left`` (a vector B with left=False is a shape error)
    vec = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    check_solve_shapes(a, b, vec, left)
    try:
        return _SolveEx(linalg.solve(A, B, left=left), _wrap(np.zeros(a.shape[:-2], np.int32)))
    except LinAlgError:
        pass
    lu, piv, info = _getrf(a)
    if check_errors:
        raise _first_failure(info, lambda where, k: f"torch.linalg.solve_ex: {where}The solver failed because the "
                                                    "input matrix is singular.")
    x = _lu_solve_array(lu, piv, b[..., None] if vec else b, left, False)
    r = _wrap(solve_layout(x[..., 0] if vec else x, vec, left))
    if needs_grad(A, B):
        node = linalg.LinalgSolveExBackward0()
        node.vec, node.left = vec, left
        node.save(A, r, result_at=1)
        record(node, r, A, B)
    return _SolveEx(r, _wrap(info))


def inv_ex(A, *, check_errors=False, out=None):
    """``(inverse, info)``: ``linalg.inv`` that reports a singular matrix in ``info`` instead of raising."""
    from . import linalg
    check("linalg_inv_ex", "check_errors", check_errors)
    a = A._data
    _square(a, "linalg.inv")
    try:
        return _InvEx(linalg.inv(A), _wrap(np.zeros(a.shape[:-2], np.int32)))
    except LinAlgError:
        pass
    lu, piv, info = _getrf(a)
    if check_errors:
        raise _first_failure(info, lambda where, k: f"linalg.inv_ex: {where}The diagonal element {k} is zero, the "
                                                    "inversion could not be completed because the input matrix is "
                                                    "singular.")
    r = _wrap(lapack_layout(_getrs(lu, piv, np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape))))
    if needs_grad(A):
        node = linalg.LinalgInvExBackward0()
        node.save(r, result_at=0)
        record1(node, r, A)
    return _InvEx(r, _wrap(info))


def _prod(shape):
    p = 1
    for s in shape:
        p *= s
    return p


def tensorinv(A, ind=2, *, out=None):
    """The inverse of A read as a (prod(shape[:ind]) x prod(shape[ind:])) matrix, shaped shape[ind:] + shape[:ind]."""
    from . import linalg
    from .ops.shape import ReshapeAliasBackward0, _record_view, as_view
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = tuple(A.shape)
    rows, cols = _prod(shape[:ind]), _prod(shape[ind:])
    if rows != cols:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    inv = linalg.inv(A.reshape(rows, cols))
    # torch's inverse comes back column-major, so its reshape goes through _reshape_alias
    r = as_view(inv, inv._data.reshape(shape[ind:] + shape[:ind]))
    return _record_view(ReshapeAliasBackward0, inv, r)


def tensorsolve(A, B, dims=None, *, out=None):
    """X with tensordot(A, X, X.ndim) = B: A read as a square matrix once ``dims`` are moved to its end."""
    from . import linalg
    if dims is not None:
        nd = A.dim()
        dims = [d % nd for d in dims]
        A = A.movedim(dims, list(range(nd - len(dims), nd)))
    shape = tuple(A.shape)
    k = B.dim()
    rows, cols = _prod(shape[:k]), _prod(shape[k:])
    if rows != cols:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {cols} != {rows}")
    return linalg.solve(A.reshape(rows, cols), B.reshape(rows)).reshape(shape[k:])
