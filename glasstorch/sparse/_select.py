"""``select``, ``unsqueeze`` and basic indexing (``s[i]``, ``s[:, i]``, ``s[None]``, ``s[..., i]``) of sparse
COO tensors, which stay sparse as in torch.

* ``select(dim, i)`` along a sparse dimension keeps the entries whose index there is ``i`` (duplicates
  and their order too) and drops that row of the indices; when no sparse dimension is left, the result
  is the dense sum of those entries' values.  Along a dense dimension the values are selected.
* ``unsqueeze(dim)`` adds a row of zeros to the indices (a new sparse dimension) up to ``sparse_dim``,
  and a dimension of the values beyond it.
* ``narrow_copy(dim, start, length)`` keeps the entries inside the range.
* Results are flagged coalesced when they hold fewer than two entries (a narrowed copy: when its
  input was), as torch flags them.

Gradients are recorded with torch's nodes; their backward fails as torch's does (no sparse kernels).
"""
import numpy as np

from ..ops._common import GRAD
from ._coo import failing_node

SelectBackward0 = failing_node("SelectBackward0", "aten::select_backward")
UnsqueezeBackward0 = failing_node("UnsqueezeBackward0", "aten::as_strided")
NarrowCopyBackward0 = failing_node("NarrowCopyBackward0", "aten::as_strided")


def _out(t, idx, vals, size, node, coalesced=None):
    from ._coo import make
    out = make(idx, vals, size, vals.shape[0] < 2 if coalesced is None else coalesced)
    if GRAD.enabled and t._rg:
        from ._autograd import _record_sparse
        _record_sparse(node(), out, t)
    return out


def select(t, dim, index, *, indexing=False):
    """``t.select(dim, index)``; ``indexing``: called for ``t[..., index]`` (torch's message differs)."""
    from .._tensor import _wrap, _wrap_dim
    nd = len(t._size)
    dim = _wrap_dim(dim, nd)
    size = t._size[dim]
    index = int(index)
    if not -size <= index < size:
        if indexing:
            raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(t._size)} at "
                         f"dimension {dim}")
    index %= size
    new_size = t._size[:dim] + t._size[dim + 1:]
    sdim = t._idx.shape[0]
    if dim >= sdim:
        return _out(t, t._idx, np.take(t._vals, index, axis=dim - sdim + 1), new_size, SelectBackward0)
    keep = t._idx[dim] == index
    vals = t._vals[keep]
    if sdim == 1:                           # no sparse dimension left: the dense sum of the entries
        r = _wrap(vals.sum(0, dtype=vals.dtype) if vals.shape[0] else np.zeros(vals.shape[1:], vals.dtype))
        if GRAD.enabled and t._rg:
            from ..ops._common import record1
            record1(SelectBackward0(), r, t)
        return r
    return _out(t, np.delete(t._idx, dim, axis=0)[:, keep], vals, new_size, SelectBackward0)


def unsqueeze(t, dim):
    from .._tensor import _wrap_dim
    nd = len(t._size)
    dim = _wrap_dim(dim, nd + 1)
    sdim = t._idx.shape[0]
    new_size = t._size[:dim] + (1,) + t._size[dim:]
    if dim <= sdim:
        idx = np.insert(t._idx, dim, 0, axis=0)
        return _out(t, idx, t._vals, new_size, UnsqueezeBackward0)
    return _out(t, t._idx, np.expand_dims(t._vals, dim - sdim + 1), new_size, UnsqueezeBackward0)


def narrow_copy(t, dim, start, length):
    """``t.narrow_copy(dim, start, length)``: the entries inside the range, their index shifted to start at
    0 (a coalesced tensor stays coalesced); torch takes no negative ``dim`` or ``start`` here."""
    if not 0 <= dim < len(t._size):                      # (no negative dims here either)
        raise RuntimeError(f"Dimension {dim} out of range. Expecting 0 <= dim < {len(t._size)}.")
    size = t._size[dim]
    if start < 0 or length < 0 or start + length > size:
        raise RuntimeError(f"Invalid range to narrow. range(start, start+length) must be a subset of range(0, {size}).")
    new_size = t._size[:dim] + (length,) + t._size[dim + 1:]
    sdim = t._idx.shape[0]
    if dim >= sdim:
        vals = np.take(t._vals, np.arange(start, start + length), axis=dim - sdim + 1)
        return _out(t, t._idx.copy(), vals, new_size, NarrowCopyBackward0, t._coal)
    keep = (t._idx[dim] >= start) & (t._idx[dim] < start + length)
    idx = t._idx[:, keep]
    idx[dim] -= start
    return _out(t, idx, t._vals[keep], new_size, NarrowCopyBackward0, t._coal)


def getitem(t, key):
    """``t[key]`` for ints, ``None``, ``...`` and full slices; other indices fail as in torch."""
    from ._coo import not_on_sparse
    from .._tensor import Tensor
    items = list(key) if isinstance(key, tuple) else [key]
    if any(isinstance(k, bool) for k in items):
        raise not_on_sparse("aten::fill_.Scalar")
    if any(isinstance(k, (Tensor, list, np.ndarray)) for k in items):
        raise not_on_sparse("aten::index.Tensor")
    real = [k for k in items if k is not None and k is not Ellipsis]
    if len(real) > len(t._size):
        raise IndexError(f"too many indices for tensor of dimension {len(t._size)}")
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items[at:at + 1] = [slice(None)] * (len(t._size) - len(real))
    out, dim = t, 0
    for n, k in enumerate(items):
        if not out.is_sparse:               # every sparse dimension selected: the rest indexes a dense tensor
            return out[(slice(None),) * dim + tuple(items[n:])]
        if k is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif isinstance(k, slice):
            if k != slice(None):
                raise not_on_sparse("aten::as_strided")
            dim += 1
        else:
            out = select(out, dim, k.__index__(), indexing=True)
    return out


def _install():
    from ._coo import SparseTensor
    SparseTensor.select = select
    SparseTensor.unsqueeze = unsqueeze
    SparseTensor.__getitem__ = getitem
    SparseTensor.narrow_copy = narrow_copy


_install()
