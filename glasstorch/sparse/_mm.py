"""``torch.sparse.mm``: sparse COO @ dense -> dense, with torch's ``SparseAddmmBackward0`` node
(also ``torch.sparse.addmm``, which adds ``beta * input``; and sparse @ sparse -> sparse, at the end).

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


def _accumulate(rows, cols, vals, nrow, dense, fused=True, init=None):
    """``r[row] += val * dense[col]`` for each entry, in the order given (sorted by row), each an
    axpy of fused multiply-adds as torch's COO worker does (``fused=False``: each product rounded
    before its add, as its CSR kernel does); the k-th entries of all rows at once.  ``init``: the
    array the products are added to (addmm's ``beta * input``), else zeros."""
    from ._arith import fma
    r = np.zeros((nrow,) + dense.shape[1:], dense.dtype) if init is None else init
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
    """y = beta * input + alpha * (mat1 @ mat2)  ->  d_input = beta * g, d_mat1 = alpha * (g @ mat2.t())
    at mat1's indices, d_mat2 = alpha * (mat1.t() @ g); ``torch.sparse.mm`` is alpha = 1, beta = 0."""
    __slots__ = ("alpha", "beta")

    def backward(self, g):
        g = np.asarray(g)
        idx, vals = self.idx, self.vals
        m2 = self._mat2()
        alpha, beta = getattr(self, "alpha", 1), getattr(self, "beta", 0)
        d0 = d1 = d2 = None
        if self.next_functions[0][0] is not None:       # (beta = 0 too: torch's gradient is g * 0)
            d0 = g if beta == 1 else g * g.dtype.type(beta)
        if self.want1:
            from ._grad import SparseGrad
            cidx = idx if self.coal else coalesce_arrays(idx, vals, self.size)[0]
            gv = (g @ m2.T)[cidx[0], cidx[1]]               # torch: grad.mm(mat2.t()) at mat1's indices
            d1 = SparseGrad(cidx.copy(), gv if alpha == 1 else gv * gv.dtype.type(alpha), self.size, False)
        if self.want2:
            d2 = self._mat2_grad(g)
            d2 = d2 if alpha == 1 else d2 * d2.dtype.type(alpha)
        return d0, d1, d2


def check_sparse_dense(mat1, mat2):
    """torch's checks (and messages) for sparse ``mat1`` @ dense ``mat2`` (torch.sparse.mm, torch.mm)."""
    d = mat2._data
    if d.ndim < 2:                       # torch reads mat2.size(1) first
        from .._tensor import _wrap_dim
        _wrap_dim(1, d.ndim)
    if mat1.ndim != 2:
        # torch's _sparse_mm builds its zero result as (mat1.size(-2), mat2.size(-1)) and expands it to
        # (mat1.size(0), mat2.size(1)) before addmm looks at the ranks: a batched sparse input fails there
        t, target = (mat1._size[-2], d.shape[-1]), (mat1._size[0], d.shape[1])
        for i in (1, 0):
            if t[i] != target[i] and t[i] != 1:
                raise RuntimeError(f"The expanded size of the tensor ({target[i]}) must match the existing size "
                                   f"({t[i]}) at non-singleton dimension {i}.  Target sizes: {list(target)}.  "
                                   f"Tensor sizes: {list(t)}")
    if mat1.ndim != 2 or d.ndim != 2:
        raise RuntimeError(f"addmm: matrices expected, got {mat1.ndim if mat1.ndim != 2 else d.ndim}D tensor")
    if mat1._vals.dtype != d.dtype:
        from ..ops.inplace import type_name
        raise RuntimeError(f"expected scalar type {type_name(mat1._vals.dtype)} but found {type_name(d.dtype)}")
    if d.shape[0] != mat1._size[1]:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {mat1._size[1]}, got {d.shape[0]}")


def check_dense_sparse(x, mat2):
    """torch's checks for dense ``x`` @ sparse ``mat2``, which it runs as ``(mat2.t() @ x.t()).t()``."""
    from ..ops.inplace import type_name
    if x.shape[1] != mat2._size[0]:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {mat2._size[0]}, got {x.shape[1]}")
    if mat2._vals.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {type_name(mat2._vals.dtype)} but found {type_name(x.dtype)}")


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
    if isinstance(mat2, SparseTensor) and "sparse_coo" != mat2.layout.name or mat1.layout.name == "sparse_csc" \
            and isinstance(mat2, SparseTensor):
        from ._csr_ops import compressed_mm
        return compressed_mm(mat1, mat2)
    if mat1.layout.name == "sparse_csc":       # torch's kernel multiplies its CSR form
        mat1 = mat1.to_sparse_csr()
    if isinstance(mat2, SparseTensor) and not getattr(mat1, "is_sparse_csr", False) \
            and not getattr(mat2, "is_sparse_csr", False):
        return sparse_sparse(mat1, mat2, "mm")
    if getattr(mat1, "is_sparse_csr", False):
        from ._csr import csr_matmul
        return csr_matmul(mat1, mat2)
    return _sparse_dense(mat1, mat2, MmBackward0)


def mm(mat1, mat2, reduce=None):
    """``torch.sparse.mm``: sparse @ dense through torch's sparse addmm; two dense matrices as torch
    computes them, ``addmm(zeros.t(), mat2.t(), mat1.t(), beta=0).t()``."""
    if reduce is not None:
        from ._mm_reduce import mm_reduce
        return mm_reduce(mat1, mat2, reduce)
    if isinstance(mat1, SparseTensor):
        if isinstance(mat2, SparseTensor) and {mat1.layout.name, mat2.layout.name} != {"sparse_coo"}:
            from ._csr_ops import LAYOUT_NAMES, compressed_mm
            return compressed_mm(mat1, mat2, LAYOUT_NAMES[mat2.layout.name])
        if mat1.layout.name == "sparse_csc":
            mat1 = mat1.to_sparse_csr()
        if isinstance(mat2, SparseTensor):
            return sparse_sparse(mat1, mat2)
        if getattr(mat1, "is_sparse_csr", False):
            from ._csr import csr_matmul
            if hasattr(mat2, "_data") and mat2._data.dtype != mat1._vals.dtype:     # (sparse.mm's order)
                from ..ops.inplace import type_name
                raise RuntimeError(f"expected scalar type {type_name(mat2._data.dtype)} but found "
                                   f"{type_name(mat1._vals.dtype)}")
            return csr_matmul(mat1, mat2)
        return _sparse_dense(mat1, mat2)
    from .. import _creation
    from ..ops.matmul import addmm
    if isinstance(mat2, SparseTensor) and mat2.layout.name == "sparse_coo" and mat1.ndim == 2 == mat2.ndim:
        check_dense_sparse(mat1._data, mat2)
    t = _creation.zeros(mat1.size(-2), mat2.size(-1), dtype=mat1.dtype)
    return addmm(t.transpose(-2, -1), mat2.transpose(-2, -1), mat1.transpose(-2, -1), beta=0).transpose(-2, -1)


def addmm(input, mat1, mat2, *, beta=1.0, alpha=1.0):
    """``torch.sparse.addmm``: beta * input + alpha * (sparse mat1 @ dense mat2), ``input`` broadcast to
    the result's shape; as torch's kernel: the result starts as ``beta * input`` (a copy for beta = 1,
    zeros for beta = 0), then each entry adds ``(alpha * v) * mat2[k]`` to its row with fused axpys."""
    from .._tensor import _wrap
    from ..autograd.grad_mode import GRAD
    from ..ops._common import record
    check_sparse_dense(mat1, mat2)
    d = mat2._data
    shape = (mat1._size[0], d.shape[1])
    t = np.broadcast_to(input._data, shape)
    init = np.zeros(shape, d.dtype) if beta == 0 else (t.astype(d.dtype, copy=True) if beta == 1 else
                                                        (t * d.dtype.type(beta)).astype(d.dtype))
    idx, vals = mat1._idx, mat1._vals
    order = np.arange(idx.shape[1]) if mat1._coal else np.argsort(idx[0], kind="stable")
    v = vals[order] if alpha == 1 else vals[order] * vals.dtype.type(alpha)
    out = _wrap(_accumulate(idx[0][order], idx[1][order], v, shape[0], d, init=init))
    if GRAD.enabled and (input._rg or mat1._rg or mat2._rg):
        node = SparseAddmmBackward0()
        node.idx, node.vals, node.size, node.coal = idx, vals, mat1._size, mat1._coal
        node.want1, node.want2, node.alpha, node.beta = mat1._rg, mat2._rg, alpha, beta
        node.save(mat2 if mat1._rg else None)
        record(node, out, input, mat1, mat2)
    return out


def sparse_sparse(mat1, mat2, name="sparse.mm"):
    """sparse @ sparse -> sparse, coalesced (``torch.sparse.mm``), as torch's CPU kernel: both
    coalesced, then for each row i of mat1 and each of its entries (i, k, a) in column order, every
    entry (k, j, b) of mat2 adds ``a * b`` (rounded, then added) to the row's sum at column j; each
    row's columns come out sorted.  Gradients: ``_mm_sparse_grad.py`` (``name``: "mm" for torch.mm's node)."""
    from ..autograd.grad_mode import no_grad
    if mat1.ndim != 2 or mat2.ndim != 2 or mat1._vals.ndim != 1 or mat2._vals.ndim != 1:
        raise NotImplementedError("glasstorch: torch.sparse.mm of sparse matrices needs 2-D, scalar-valued ones")
    if mat1._size[1] != mat2._size[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1._size[0]}x{mat1._size[1]} and "
                           f"{mat2._size[0]}x{mat2._size[1]})")
    if mat1._vals.dtype != mat2._vals.dtype:
        from ..ops.inplace import type_name
        raise RuntimeError(f"mat1 dtype {type_name(mat1._vals.dtype)} does not match mat2 dtype "
                           f"{type_name(mat2._vals.dtype)}")
    with no_grad():
        a, b = mat1.coalesce(), mat2.coalesce()
    dt = a._vals.dtype
    ai, av, bi, bv = a._idx, a._vals.astype(dt), b._idx, b._vals.astype(dt)
    b_start = np.searchsorted(bi[0], np.arange(b._size[0] + 1))
    rows, cols, vals = [], [], []
    for i in np.unique(ai[0]):
        acc = {}
        for e in np.flatnonzero(ai[0] == i):
            k, x = ai[1, e], av[e]
            for f in range(b_start[k], b_start[k + 1]):
                j = bi[1, f]
                acc[j] = acc[j] + x * bv[f] if j in acc else x * bv[f]
        for j in sorted(acc):
            rows.append(i)
            cols.append(j)
            vals.append(acc[j])
    idx = np.array([rows, cols], np.int64).reshape(2, -1)
    from ._coo import make
    from ._mm_sparse_grad import record
    out = make(idx, np.array(vals, dt).reshape(-1), (a._size[0], b._size[1]), True)
    return record(out, mat1, mat2, a, b, dt, name)
