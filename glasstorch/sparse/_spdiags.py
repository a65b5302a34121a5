"""``torch.sparse.spdiags(diagonals, offsets, shape, layout=None)``: a sparse matrix with row ``i`` of
``diagonals`` laid along diagonal ``offsets[i]`` (0 the main one, > 0 above, < 0 below).

As scipy's spdiags, the position along a row of ``diagonals`` is the output's column: diagonal k > 0
takes ``(j, j + k) = diagonals[i, j + k]`` for j = 0 .. n-1 with n = min(cols, diag_len) - k, and k < 0
takes ``(j - k, j) = diagonals[i, j]`` with n = min(rows + k, diag_len) (k = 0 too).  These are
torch's counts, which do not clip a diagonal at the matrix's other edge: its indices can then fall
outside the matrix, as torch's do.  The entries come diagonal by
diagonal in the order of ``offsets`` (so the COO result is not flagged coalesced); the CSR / CSC
layouts are that tensor converted.  For an offset past the matrix torch's count goes negative and
its result holds garbage; glasstorch stores nothing for such a diagonal.

Autograd: torch has no derivative for it; a ``diagonals`` that requires grad gives the result a
``NotImplemented`` node whose backward raises "derivative for aten::_spdiags is not implemented".
"""
import numpy as np


def spdiags(diagonals, offsets, shape, layout=None):
    from ._coo import make
    d = diagonals._data
    if d.ndim == 1:
        d = d[None]
    if d.ndim != 2:
        raise RuntimeError("Diagonals must be vector or matrix")
    if len(shape) != 2:
        raise RuntimeError("Output shape must be 2d")
    off = offsets._data
    if off.ndim == 0:
        off = off[None]
    if off.ndim != 1:
        raise RuntimeError("Offsets must be scalar or vector")
    if d.shape[0] != off.shape[0]:
        raise RuntimeError(f"Number of diagonals ({d.shape[0]}) does not match the number of offsets ({off.shape[0]})")
    name = None if layout is None else layout.name
    if name not in (None, "sparse_coo", "sparse_csr", "sparse_csc"):
        shown = {"strided": "Strided"}.get(name, name)
        raise RuntimeError(f"Only output layouts (Sparse, SparseCsc, SparseCsr) are supported, got {shown}")
    if off.dtype != np.int64:
        from .._dtype import _SCALAR_TYPES
        raise RuntimeError(f"Offset Tensor must have dtype Long but got {_SCALAR_TYPES[off.dtype.name]}")
    if np.unique(off).shape[0] != off.shape[0]:
        raise RuntimeError("Offset tensor contains duplicate values")
    rows_n, cols_n = int(shape[0]), int(shape[1])
    rows, cols, vals = [], [], []
    for i, k in enumerate(off.tolist()):
        if k > 0:
            j = np.arange(max(min(cols_n, d.shape[1]) - k, 0))
            rows.append(j)
            cols.append(j + k)
            vals.append(d[i, j + k])
        else:
            j = np.arange(max(min(rows_n + k, d.shape[1]), 0))
            rows.append(j - k)
            cols.append(j)
            vals.append(d[i, j])
    idx = np.array([np.concatenate(rows) if rows else np.empty(0, np.int64),
                    np.concatenate(cols) if cols else np.empty(0, np.int64)], np.int64).reshape(2, -1)
    v = np.concatenate(vals).astype(d.dtype) if vals else np.empty(0, d.dtype)
    out = make(idx, v, (rows_n, cols_n), False)
    if diagonals.requires_grad:
        from ..ops._no_derivative import record_not_implemented
        record_not_implemented("_spdiags", out, diagonals)
    if name == "sparse_csr":
        return out.to_sparse_csr()
    if name == "sparse_csc":
        return out.to_sparse_csc()
    return out

