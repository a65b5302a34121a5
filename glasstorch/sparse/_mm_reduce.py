"""``torch.sparse.mm(csr, dense, reduce)``: each output entry reduces the products ``a[i, k] * b[k, j]`` of
row i's stored entries only: ``sum``, ``mean`` (over the row's stored count), ``amax``/``max``, ``amin``/``min``.
A row with no stored entry gives 0.  The gradient (``SparseMmReduceImplBackward0``) flows to the dense
operand: ``a[i, k] * g[i, j]`` to every ``b[k, j]`` for sum (``a[i, k] / count_i`` for mean), and only to the
product that won for amax/amin (the first, in the row's order)."""
import numpy as np

from ..autograd.graph import Node

_NAMES = {"sum": "sum", "mean": "mean", "amax": "amax", "max": "amax", "amin": "amin", "min": "amin",
          "prod": "prod"}


class SparseMmReduceImplBackward0(Node):
    """d b[k, j] = sum over the stored (i, k) that reached out[i, j] of a[i, k] * g[i, j] (/ count: mean)."""
    __slots__ = ("rows", "cols", "vals", "nrow", "kind", "arg", "bshape")

    def backward(self, g):
        g = np.asarray(g)
        rows, cols, vals = self.rows, self.cols, self.vals
        gb = np.zeros(self.bshape, g.dtype)
        if self.kind in ("sum", "mean"):
            from ._mm import _accumulate
            if self.kind == "mean":     # torch divides each stored value by its row's count first
                vals = vals / np.bincount(rows, minlength=self.nrow)[rows].astype(vals.dtype)
            # a.t() @ g with fused multiply-adds, a's entries taken column by column as torch's kernel does
            order = np.argsort(cols, kind="stable")
            gb = _accumulate(cols[order], rows[order], vals[order], self.bshape[0], g)
        else:           # arg[i, j]: the stored entry that won, -1 for an empty row
            i, j = np.nonzero(self.arg >= 0)
            e = self.arg[i, j]
            np.add.at(gb, (cols[e], j), vals[e] * g[i, j])
        return None, gb


def mm_reduce(mat1, mat2, reduce):
    """``torch.sparse.mm`` with ``reduce``: CSR mat1, dense mat2 (a matrix)."""
    from .._tensor import _wrap
    from ..autograd.grad_mode import GRAD
    from ..ops._common import record
    from ..ops.inplace import type_name
    kind = _NAMES.get(reduce)
    if kind is None:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if kind == "prod":
        raise RuntimeError("sparse_mm_reduce: reduce type of prod has not been enabled.")
    if not getattr(mat1, "is_sparse_csr", False):
        raise NotImplementedError(f"Could not run 'aten::_sparse_mm_reduce_impl' with arguments from the "
                                  f"'{'SparseCPU' if mat1.layout.name == 'sparse_coo' else 'CPU'}' backend.")
    if mat1._rg:
        raise NotImplementedError("glasstorch: the gradient of torch.sparse.mm(reduce=) for the sparse "
                                  "operand is not implemented")
    d = mat2._data
    if d.dtype != mat1._vals.dtype:
        from .._dtype import _SCALAR_TYPES
        legacy = _SCALAR_TYPES[d.dtype.name].capitalize() if d.dtype.name != "float64" else "Double"
        raise RuntimeError(f"Expected tensor for argument #1 'other' to have scalar type "
                           f"{type_name(mat1._vals.dtype).capitalize()}; but got torch.{legacy}Tensor instead "
                           f"(while checking arguments for sparse_mm_reduce)")
    nrow = mat1._size[0]
    rows, cols, vals = mat1._idx[0], mat1._idx[1], mat1._vals
    arg = None
    if kind in ("sum", "mean"):
        from ._mm import _accumulate
        out = _accumulate(rows, cols, vals, nrow, d)     # fused multiply-adds in each row's order, as torch
        if kind == "mean":
            count = np.bincount(rows, minlength=nrow)
            out[count > 0] /= count[count > 0, None].astype(d.dtype)
    else:
        prods = vals[:, None] * d[cols]                 # (nnz, n): one product per stored entry and column
        out = np.zeros((nrow, d.shape[1]), d.dtype)
        arg = np.full(out.shape, -1, np.int64)
        starts = np.searchsorted(rows, np.arange(nrow))
        ends = np.searchsorted(rows, np.arange(nrow), side="right")
        for i in range(nrow):
            if ends[i] > starts[i]:
                block = prods[starts[i]:ends[i]]
                k = (np.argmax if kind == "amax" else np.argmin)(block, axis=0)
                arg[i] = starts[i] + k
                out[i] = block[k, np.arange(block.shape[1])]
    res = _wrap(out)
    if GRAD.enabled and mat2._rg:
        node = SparseMmReduceImplBackward0()
        node.rows, node.cols, node.vals, node.nrow, node.kind, node.arg = rows, cols, vals, nrow, kind, arg
        node.bshape = d.shape
        record(node, res, mat1, mat2)
    return res
