"""``torch.sparse.mm``: sparse COO @ dense -> dense, with torch's ``SparseAddmmBackward0`` node.

torch computes it as ``_sparse_addmm(zeros, mat1, mat2, beta=0, alpha=1)``: each stored entry
``(i, k, v)`` of ``mat1`` adds ``v * mat2[k]`` to row ``i`` of the result with an axpy (fused
multiply-adds), the entries stably sorted by row (duplicates of an uncoalesced ``mat1`` one by one);
bit-identical to torch.  The node has three edges, as torch's (the zeros ``self`` gets none).
Its gradients: ``mat1.t() @ g`` for the dense ``mat2``, in the same way; for a ``mat1`` that
requires grad, ``g @ mat2.t()`` read at ``mat1``'s coalesced indices, a sparse gradient that torch
leaves flagged uncoalesced.  ``torch.mm`` (and ``@``) of a sparse matrix runs the same kernel under
torch's ``MmBackward0``, whose ``mat1`` gradient is dense.
"""
import numpy as np

from ..autograd.graph import Node
from ._coo import SparseTensor, coalesce_arrays


def _accumulate(rows, cols, vals, nrow, dense, fused=True):
    """``r[row] += val * dense[col]`` for each entry, in the order given (sorted by row), each an
    axpy of fused multiply-adds as torch's COO worker does (``fused=False``: each product rounded
    before its add, as its CSR kernel does); the k-th entries of all rows at once."""
    from ._arith import fma
    r = np.zeros((nrow,) + dense.shape[1:], dense.dtype)
    if not rows.shape[0]:
        return r
    k = np.arange(rows.shape[0]) - np.searchsorted(rows, rows, side="left")
    for kk in range(int(k.max()) + 1):
        m = k == kk
        rr = rows[m]
        v, d = vals[m][:, None], dense[cols[m]]
        r[rr] = fma(v, d, r[rr]) if fused else r[rr] + v * d
    return r


class _SparseDenseProduct(Node):
    """Keeps mat1's arrays; ``mat2`` is saved (version-checked, freed after backward) as torch saves it."""
    __slots__ = ("idx", "vals", "size", "coal", "want1", "want2")

    def _mat2(self):
        (m2,) = self.saved()          # raises torch's error once freed (no double backward through it)
        return getattr(m2, "_data", m2)

    def _mat2_grad(self, g):
        idx, vals = self.idx, self.vals
        order = np.argsort(idx[1], kind="stable")    # mat1.t()'s entries, sorted by row as torch sorts
        return _accumulate(idx[1][order], idx[0][order], vals[order], self.size[1], g)


class MmBackward0(_SparseDenseProduct):
    """torch.mm(sparse, dense): a dense gradient ``g @ mat2.t()`` for mat1, ``mat1.t() @ g`` for mat2."""
    __slots__ = ()

    def backward(self, g):
        g = np.asarray(g)
        m2 = self._mat2()
        return (g @ m2.T if self.want1 else None), (self._mat2_grad(g) if self.want2 else None)


class SparseAddmmBackward0(_SparseDenseProduct):
    __slots__ = ()

    def backward(self, g):
        g = np.asarray(g)
        idx, vals = self.idx, self.vals
        m2 = self._mat2()
        d1 = d2 = None
        if self.want1:
            from ._grad import SparseGrad
            cidx = idx if self.coal else coalesce_arrays(idx, vals, self.size)[0]
            gv = (g @ m2.T)[cidx[0], cidx[1]]               # torch: grad.mm(mat2.t()) at mat1's indices
            d1 = SparseGrad(cidx.copy(), gv, self.size, False)
        if self.want2:
            d2 = self._mat2_grad(g)
        return None, d1, d2


def check_sparse_dense(mat1, mat2):
    """torch's checks (and messages) for sparse ``mat1`` @ dense ``mat2`` (torch.sparse.mm, torch.mm)."""
    d = mat2._data
    if d.ndim < 2:                       # torch reads mat2.size(1) first
        from .._tensor import _wrap_dim
        _wrap_dim(1, d.ndim)
    if mat1.ndim != 2 or d.ndim != 2:
        raise RuntimeError(f"addmm: matrices expected, got {mat1.ndim if mat1.ndim != 2 else d.ndim}D tensor")
    if mat1._vals.dtype != d.dtype:
        from ..ops.inplace import type_name
        raise RuntimeError(f"expected scalar type {type_name(mat1._vals.dtype)} but found {type_name(d.dtype)}")
    if d.shape[0] != mat1._size[1]:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {mat1._size[1]}, got {d.shape[0]}")


def _sparse_dense(mat1, mat2, node_cls=SparseAddmmBackward0):
    """sparse ``mat1`` @ dense ``mat2`` as torch's sparse addmm computes it (``torch.sparse.mm`` and,
    with ``node_cls=MmBackward0``, ``torch.mm``)."""
    from .._tensor import _wrap
    from ..autograd.grad_mode import GRAD
    from ..ops._common import record
    check_sparse_dense(mat1, mat2)
    d = mat2._data
    idx, vals = mat1._idx, mat1._vals
    if mat1._coal:
        out = _wrap(_accumulate(idx[0], idx[1], vals, mat1._size[0], d))
    else:       # torch sorts the entries by row (stably) and adds duplicates one by one
        order = np.argsort(idx[0], kind="stable")
        out = _wrap(_accumulate(idx[0][order], idx[1][order], vals[order], mat1._size[0], d))
    if GRAD.enabled and (mat1._rg or mat2._rg):
        node = node_cls()
        node.idx, node.vals, node.size, node.coal = idx, vals, mat1._size, mat1._coal
        node.want1, node.want2 = mat1._rg, mat2._rg
        node.save(mat2 if mat1._rg else None)
        if node_cls is MmBackward0:
            record(node, out, mat1, mat2)
        else:
            record(node, out, None, mat1, mat2)
    return out


def sparse_mm(mat1, mat2):
    """``torch.mm`` with a sparse ``mat1``."""
    if getattr(mat1, "is_sparse_csr", False):
        from ._csr import csr_matmul
        return csr_matmul(mat1, mat2)
    return _sparse_dense(mat1, mat2, MmBackward0)


def mm(mat1, mat2, reduce=None):
    """``torch.sparse.mm``: sparse @ dense through torch's sparse addmm; two dense matrices as torch
    computes them, ``addmm(zeros.t(), mat2.t(), mat1.t(), beta=0).t()``."""
    if reduce is not None:
        raise NotImplementedError("glasstorch: torch.sparse.mm with reduce= is not implemented")
    if isinstance(mat1, SparseTensor):
        if isinstance(mat2, SparseTensor):
            raise NotImplementedError("glasstorch: torch.sparse.mm with a sparse second operand")
        if getattr(mat1, "is_sparse_csr", False):
            from ._csr import csr_matmul
            return csr_matmul(mat1, mat2)
        return _sparse_dense(mat1, mat2)
    from .. import _creation
    from ..ops.matmul import addmm
    t = _creation.zeros(mat1.size(-2), mat2.size(-1), dtype=mat1.dtype)
    return addmm(t.transpose(-2, -1), mat2.transpose(-2, -1), mat1.transpose(-2, -1), beta=0).transpose(-2, -1)
