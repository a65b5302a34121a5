"""``torch.sparse.sum(input, dim)`` and ``SparseTensor.sum(dim)`` over some dims of a COO tensor.

On the input as stored (not coalesced first, as torch): reduced dense dims sum each value block
(torch's dense sum); then reducing every sparse dim sums the values over the nnz axis and gives a
dense tensor; reducing only some sparse dims drops those rows of ``indices`` and coalesces, so
entries that now share an index add up in coalesce's order (a sum that cancels to zero stays
stored, as in torch).  ``keepdim`` unsqueezes the result at each reduced dim, as torch does.

Gradient (``torch.sparse.sum`` only: ``SparseSumBackward0``): each stored entry of the input gets the
output gradient at its remaining index, broadcast over the reduced dense dims -- a sparse gradient
at the input's coalesced indices, flagged uncoalesced (as torch's).  ``s.sum(dim)`` records torch's
``SumBackward1``, whose backward fails as torch's does (it would expand a sparse gradient).
``s.sum()`` of every entry records ``SumBackward0``: a dense gradient ``g`` expanded to ``s``'s shape.
"""
import numpy as np

from .._tensor import _wrap_dim
from ..autograd.graph import FREED, Node
from ._coo import SparseTensor, _T_wrap, coalesce_arrays, make


def _dims(dim, ndim):
    dims = [dim] if isinstance(dim, int) else list(dim)
    out = sorted({_wrap_dim(d, ndim) for d in dims})
    if len(out) != len(dims):
        dup = next(d for d in out if [_wrap_dim(x, ndim) for x in dims].count(d) > 1)
        raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
    return out


def sparse_sum(t, dim, dtype=None, keepdim=False, method=False):
    """torch.sparse.sum over ``dim`` (an int or a sequence of ints); ``method``: as ``s.sum(dim)``."""
    from ..autograd.grad_mode import GRAD
    dims = _dims(dim, len(t._size))
    if method and dtype is None and t._vals.dtype.kind in "biu":
        from .. import _dtype as _dt
        dtype = _dt.int64           # torch's sum_sparse_coo sums integers (and bools) in int64
    out = _forward(t, dims, dtype, keepdim)
    if GRAD.enabled and t._rg:
        node = SumBackward1() if method else SparseSumBackward0()
        c = t.coalesce()                        # (torch's gradient sits at the coalesced indices)
        node.save(c._idx, c._vals.shape, t._vals.dtype, tuple(t._size), dims, keepdim)
        if isinstance(out, SparseTensor):
            from ._autograd import _record_sparse
            _record_sparse(node, out, t)
        else:                                   # every sparse dim reduced: a dense result
            from ..ops._common import record
            record(node, out, t)
    return out


class SparseSumBackward0(Node):
    """y = sum of s over dims   ->   ds = g at each stored entry's index with the reduced dims dropped"""
    __slots__ = ()

    def backward(self, g):
        from ._autograd import _dense
        from ._grad import SparseGrad
        if self._saved is None:
            raise RuntimeError(FREED)
        idx, vshape, vdtype, size, dims, keepdim = self._saved
        sd = idx.shape[0]
        gd = _dense(g).reshape([n for i, n in enumerate(size) if i not in dims])   # (keepdim's 1s dropped)
        keep = [d for d in range(sd) if d not in dims]
        picked = gd[tuple(idx[keep])] if keep else np.broadcast_to(gd, (idx.shape[1],) + gd.shape)
        for a in [d - sd + 1 for d in dims if d >= sd]:       # reduced dense dims: broadcast back
            picked = np.expand_dims(picked, a)
        vals = np.broadcast_to(picked, vshape).astype(vdtype, copy=True)
        return (SparseGrad(idx.copy(), vals, size, False),)


class SumBackward0(Node):
    """y = sum of every entry of s   ->   ds = g expanded to s's shape (dense, as torch's)"""
    __slots__ = ()

    def backward(self, g):
        from ._autograd import _dense
        if self._saved is None:
            raise RuntimeError(FREED)
        size, dtype = self._saved
        return (np.broadcast_to(_dense(g), size).astype(dtype, copy=True),)


class SumBackward1(Node):
    """``s.sum(dim)`` of a sparse tensor: torch records this node and fails in its backward."""
    __slots__ = ()

    def backward(self, g):
        raise RuntimeError("expand is unsupported for Sparse tensors")


def _forward(t, dims, dtype, keepdim):
    idx, vals = t._idx, t._vals
    if dtype is not None:
        vals = vals.astype(dtype.np)
    sd = idx.shape[0]
    sparse_dims = [d for d in dims if d < sd]
    dense_axes = [d - sd + 1 for d in dims if d >= sd]      # axes of ``vals`` (axis 0 is nnz)
    if dense_axes:
        vals = _T_wrap(vals).sum(dim=dense_axes)._data
    if len(sparse_dims) == sd:                               # every sparse dim: a dense result
        out = _T_wrap(np.ascontiguousarray(vals)).sum(dim=0)
    else:
        keep = [d for d in range(sd) if d not in sparse_dims]
        size = [s for i, s in enumerate(t._size) if i not in dims]
        new_idx, vals = coalesce_arrays(np.ascontiguousarray(idx[keep]), np.ascontiguousarray(vals), size)
        out = make(new_idx, vals, size, True)
    if keepdim:                     # torch unsqueezes the result at each reduced dim, in order
        for d in dims:
            out = _unsqueeze(out, d)
    return out


def _unsqueeze(t, d):
    """A size-1 dim at ``d``: a sparse dim (a row of zero indices) up to ``sparse_dim``, else a dense
    dim of the values; the result is flagged uncoalesced unless it has under 2 entries, as torch's."""
    if not t.is_sparse:
        return t.unsqueeze(d)
    idx, vals = t._idx, t._vals
    size = list(t._size)
    size.insert(d, 1)
    sd = idx.shape[0]
    if d <= sd:
        idx = np.insert(idx, d, 0, axis=0)
    else:
        vals = np.expand_dims(vals, d - sd + 1)
    return make(np.ascontiguousarray(idx), vals, size, vals.shape[0] < 2)
