"""LU with partial pivoting: ``linalg.lu_factor(_ex)``, ``linalg.lu``, ``lu_unpack`` and the old ``torch.lu``.

NumPy has no LU, so ``_getrf`` factors as LAPACK's ``getrf`` does: for each column, the row with
the largest |entry| on or below the diagonal is swapped up (the first one on ties), the entries
below the pivot are divided by it, and the trailing block gets the rank-one update.  All matrices
of a batch take each column step together.  Pivots are LAPACK's: 1-based int32, row ``i`` was
swapped with row ``pivots[i]``; ``info`` is the first zero pivot (1-based), 0 when there is none.
"""
import numpy as np

from .autograd.graph import Node
from .ops._common import _wrap, needs_grad, record1
from .ops.shape import is_array
from ._return_types import return_type
from ._linalg_chol_checks import lapack_layout

__all__ = ["lu_factor", "lu_factor_ex", "lu", "lu_unpack", "torch_lu"]

_LuFactor = return_type("linalg_lu_factor", ["LU", "pivots"])
_LuFactorEx = return_type("linalg_lu_factor_ex", ["LU", "pivots", "info"])
_Lu = return_type("linalg_lu", ["P", "L", "U"])
_LuUnpack = return_type("lu_unpack", ["P", "L", "U"])
_LuWithInfo = return_type("_lu_with_info", ["LU", "pivots", "info"])

_TYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "float16": "Half"}


def _getrf(a):
    """(LU, pivots, info) of the float array ``a`` (..., m, n), one column step at a time."""
    m, n = a.shape[-2:]
    k = min(m, n)
    lu = np.array(a, copy=True).reshape((-1, m, n))
    piv = np.empty((lu.shape[0], k), np.int32)
    info = np.zeros(lu.shape[0], np.int32)
    rows = np.arange(lu.shape[0])
    for j in range(k):
        p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1) if lu.shape[0] else np.zeros(0, np.intp)
        piv[:, j] = p + 1
        pivot = lu[rows, p, j]
        zero = pivot == 0
        info[(info == 0) & zero] = j + 1
        top = lu[rows, j].copy()                # swap whole rows, the finished L columns too (LAPACK's laswp)
        lu[rows, j] = lu[rows, p]
        lu[rows, p] = top
        if j + 1 < m:
            # LAPACK scales by the reciprocal (the same roundings as torch); a zero pivot means the column
            # below it is zero too: LAPACK skips it, scaling by 1 keeps it
            safe = np.where(zero, 1, pivot)[:, None]
            # MKL's small square kernels (n <= 4) divide the last column's one entry by the pivot
            # instead (checked against torch's LU, both dtypes, 2 x 2 to 6 x 6 and rectangular)
            mult = lu[:, j + 1:, j] / safe if m == n <= 4 and j == m - 2 else lu[:, j + 1:, j] * (1 / safe)
            lu[:, j + 1:, j] = mult
            lu[:, j + 1:, j + 1:] -= mult[:, :, None] * lu[:, j, None, j + 1:]
    return lu.reshape(a.shape), piv.reshape(a.shape[:-2] + (k,)), info.reshape(a.shape[:-2])


def _permutation(piv, m, dtype):
    """P with A = P L U: the pivots' row swaps applied in order to the identity's row order."""
    perm = np.broadcast_to(np.arange(m), piv.shape[:-1] + (m,)).copy()
    flat, fp = perm.reshape(-1, m), piv.reshape(-1, piv.shape[-1]).astype(np.intp) - 1
    rows = np.arange(flat.shape[0])
    for i in range(fp.shape[1]):
        j = fp[:, i]
        flat[rows, i], flat[rows, j] = flat[rows, j], flat[rows, i].copy()
    P = np.zeros(perm.shape + (m,), dtype)
    np.put_along_axis(P, perm[..., :, None], 1, axis=-1)     # row perm[i] of P^T ... P[perm[i], i] = 1
    return np.swapaxes(P, -1, -2).copy()


def _unpack_lu(lu):
    """L (unit lower, m x k) and U (upper, k x n) out of the packed factor."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = np.tril(lu[..., :, :k], -1)
    idx = np.arange(k)
    L[..., idx, idx] = 1
    return L, np.triu(lu[..., :k, :])


def _check_input(A, who, short):
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"{short}: Expected tensor with 2 or more dimensions. Got size: {list(a.shape)} instead")
    if a.dtype.kind != "f" or a.dtype == np.float16:
        raise NotImplementedError(f'"lu_cpu" not implemented for \'{_TYPE_NAMES.get(a.dtype.name, a.dtype.name)}\'')
    return a


def _check_zero_pivot(info, who):
    if not info.any():
        return
    flat = info.reshape(-1)
    i = int(np.flatnonzero(flat)[0])
    where = f"(Batch element {i}): " if info.ndim else ""
    k = int(flat[i])
    raise RuntimeError(f"{who}: {where}U[{k},{k}] is zero and using it on lu_solve would result in a division by "
                       "zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or "
                       "linalg.lu_factor_ex(A, pivot)")


def _lu_backward(gL, gU, P, L, U):
    """torch's linalg_lu_backward on glasstorch tensors (A = P L U, L unit lower m x k, U upper k x n):
    square: dA = P L^-T [tril(L^T gL, -1) + triu(gU U^T)] U^-T; wide and tall matrices split U or L
    into its square part and the rest."""
    from ._linalg_more import solve_triangular as st
    from .ops.join import cat
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m == n:
        gA = (L.mT @ gL).tril(-1) + (gU @ U.mT).triu()
        gA = st(U.mT, gA, upper=False, left=False)
        gA = st(L.mT, gA, upper=True, unitriangular=True)
    elif m < n:                                      # wide: U = [U1 U2], U1 square
        gA = st(U[..., :k].mT, (L.mT @ gL - gU.triu() @ U.mT).tril(-1), upper=False, left=False)
        gA = cat([gA + gU[..., :k].triu(), gU[..., k:]], -1)
        gA = st(L.mT, gA, upper=True, unitriangular=True)
    else:                                            # tall: L = [L1; L2], L1 square
        gA = st(L[..., :k, :].mT, (gU @ U.mT - L.mT @ gL.tril(-1)).triu(), upper=True, unitriangular=True)
        gA = cat([gA + gL[..., :k, :].tril(-1), gL[..., k:, :]], -2)
        gA = st(U.mT, gA, upper=False, left=False)
    return P @ gA


def _as_tensors(*xs):
    return [_wrap(x) if is_array(x) else x for x in xs]


class LinalgLuFactorExBackward0(Node):
    """LU = L + U - I, A = P L U   ->   dA from linalg_lu_backward with gL = tril(g, -1), gU = triu(g)"""
    __slots__ = ()

    def backward(self, g):
        lu, P = self.saved()
        plain = is_array(g)
        if plain:
            L, U = _as_tensors(*_unpack_lu(lu))
        else:           # create_graph: L and U taken from LU by recorded ops, so dA depends on LU
            k = min(lu.shape[-2:])
            L = lu[..., :, :k].tril(-1) + _wrap(np.eye(lu.shape[-2], k, dtype=lu._data.dtype))
            U = lu[..., :k, :].triu()
        g, P = _as_tensors(g, P)
        k = min(lu.shape[-2:])
        gA = _lu_backward(g[..., :, :k].tril(-1), g[..., :k, :].triu(), P, L, U)
        return (gA._data if plain else gA,)


def _factor(A, who, short, check_errors):
    a = _check_input(A, who, short)
    lu_, piv, info = _getrf(a)
    if check_errors:
        _check_zero_pivot(info, who)
    r = _wrap(lapack_layout(lu_))         # LAPACK's column-major factor, as torch's
    if needs_grad(A):
        node = LinalgLuFactorExBackward0()
        node.save(r, _permutation(piv, a.shape[-2], a.dtype), result_at=0)
        record1(node, r, A)
    return r, _wrap(piv), _wrap(info)


def _pivot_only(pivot, who):
    if not pivot:
        raise RuntimeError(f"{who}: LU without pivoting is not implemented on the CPU")


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """``(LU, pivots, info)``: ``info`` is the first zero pivot's position (1-based), 0 when there is none."""
    from ._typed_args import check_all
    check_all("linalg_lu_factor_ex", ("pivot", pivot), ("check_errors", check_errors))
    _pivot_only(pivot, "linalg.lu_factor")
    return _LuFactorEx(*_factor(A, "torch.linalg.lu_factor_ex", "torch.lu_factor", check_errors))


def lu_factor(A, *, pivot=True, out=None):
    from ._typed_args import check
    check("linalg_lu_factor", "pivot", pivot)
    _pivot_only(pivot, "linalg.lu_factor")
    return _LuFactor(*_factor(A, "torch.linalg.lu_factor", "torch.lu_factor", True)[:2])


def torch_lu(A, pivot=True, get_infos=False, out=None):
    """``torch.lu``: deprecated, the factor as ``lu_factor`` (and its infos with ``get_infos``)."""
    from ._user_warning import warn_once
    warn_once("lu", _LU_DEPRECATED)                       # torch warns once per process
    _pivot_only(pivot, "linalg.lu_factor")
    r = _factor(A, "torch.linalg.lu_factor_ex", "torch.lu_factor", not get_infos)
    return _LuWithInfo(*r) if get_infos else r[:2]


_LU_DEPRECATED = (
    "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be removed in a "
    "future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\nLU, pivots = "
    "torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)\n"
    "should be replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots) (Triggered internally "
    "at /__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2073.)")


class _PLUBackward(Node):
    """Two outputs, L and U (P is a constant); dA = linalg_lu_backward(gL, gU)."""
    __slots__ = ()
    _nout = 2

    def backward(self, gs):
        P, L, U = self.saved()
        gL, gU = gs
        plain = is_array(gL) or is_array(gU)
        gL = (np.zeros_like(L) if plain else L.new_zeros(L.shape)) if gL is None else gL
        gU = (np.zeros_like(U) if plain else U.new_zeros(U.shape)) if gU is None else gU
        gA = _lu_backward(*_as_tensors(gL, gU, P, L, U))
        return (gA._data if plain else gA,)


class LinalgLuBackward0(_PLUBackward):
    """A = P L U   ->   dA = P L^-T [tril(L^T gL, -1) + triu(gU U^T)] U^-T (square; wide/tall split)"""
    __slots__ = ()


class LuUnpackBackward0(_PLUBackward):
    """L = tril(LU, -1) + I, U = triu(LU)   ->   dLU = tril(gL, -1) + triu(gU), each in its block"""
    __slots__ = ("_in_shape",)

    def backward(self, gs):
        gL, gU = gs
        ref = gL if gL is not None else gU
        m, n = self._in_shape
        k = min(m, n)
        if is_array(ref):
            g = np.zeros(ref.shape[:-2] + (m, n), ref.dtype)
            if gL is not None and gL.size:
                g[..., :, :k] += np.tril(gL, -1)
            if gU is not None and gU.size:
                g[..., :k, :] += np.triu(gU)
            return (g,)
        g = ref.new_zeros(ref.shape[:-2] + (m, n))
        if gL is not None and gL.numel():
            g = g + _pad(gL.tril(-1), m, n)
        if gU is not None and gU.numel():
            g = g + _pad(gU.triu(), m, n)
        return (g,)


def _pad(x, m, n):
    from .nn.functional import pad
    return pad(x, (0, n - x.shape[-1], 0, m - x.shape[-2]))


def _record_two(node, outs, A):
    from ._linalg_decomp_grad import attach          # one node, several outputs, one input
    attach(node, outs, A)


def lu(A, *, pivot=True, out=None):
    """``(P, L, U)`` with A = P L U: P a permutation, L unit lower (m x k), U upper (k x n), k = min(m, n)."""
    from ._typed_args import check
    check("linalg_lu", "pivot", pivot)
    a = _check_input(A, "linalg.lu", "linalg.lu")
    _pivot_only(pivot, "linalg.lu_factor")       # after the input checks; torch names lu_factor here
    lu_, piv, _ = _getrf(a)
    P = _permutation(piv, a.shape[-2], a.dtype)
    L, U = (_wrap(x) for x in _unpack_lu(lu_))
    if needs_grad(A):
        node = LinalgLuBackward0()
        node.save(_wrap(P), L, U)
        node._own_outputs = {1: (node, 0), 2: (node, 1)}      # L, U: P is no differentiable output
        _record_two(node, (L, U), A)
    return _Lu(_wrap(P), L, U)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` from ``lu_factor``'s packed factor and pivots; parts not asked for come back empty."""
    lu_, piv = LU_data._data, LU_pivots._data
    if piv.dtype != np.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
                           "Note: this function is intended to be used with the output produced by "
                           "torch.linalg.lu_factor")
    m = lu_.shape[-2]
    if piv.size and (piv.min() < 1 or piv.max() > m):
        raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you properly "
                           "pass the result of lu_factor?")
    P = _wrap(_permutation(piv, m, lu_.dtype) if unpack_pivots else np.zeros(0, lu_.dtype))
    L, U = (_wrap(x) for x in _unpack_lu(lu_)) if unpack_data else (_wrap(np.zeros(0, lu_.dtype)) for _ in "LU")
    if needs_grad(LU_data):
        node = LuUnpackBackward0()
        node._in_shape = lu_.shape[-2:]
        _record_two(node, (L, U), LU_data)
    return _LuUnpack(P, L, U)
