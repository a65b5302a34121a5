"""``torch.cat`` of sparse COO tensors (torch's cat_sparse), which stays sparse.

* Along a sparse dimension ``d``: the indices are joined in input order, each input's row ``d``
  shifted by the sizes of the inputs before it; the values are joined unchanged.
* Along a dense dimension: the indices are joined unchanged, and each input's values are placed,
  zero-padded, at its offset along that dimension of the values.
* The result is never flagged coalesced (unless it holds fewer than two entries), even when every
  input was: the joined indices are not sorted in general.
* The values take the inputs' promoted dtype.

``torch.stack`` of sparse tensors is ``cat`` of each unsqueezed at ``dim`` (a new sparse dimension, or
a new dense one beyond ``sparse_dim``), as torch computes it.

Gradients: ``StackBackward0`` hands each input its slice ``g.select(dim, i)`` of the gradient;
``CatBackward0`` is recorded but its backward fails as torch's does (torch has no sparse kernel for
the slicing it needs).
"""
import numpy as np

from .._dtype import result_type
from .._tensor import _wrap_dim
from ..autograd.graph import Node
from ._autograd import _record_sparse
from ._coo import failing_node

CatBackward0 = failing_node("CatBackward0", "aten::as_strided")


class StackBackward0(Node):
    """y = stack(s_1, ..., s_n; d)   ->   ds_i = g.select(d, i) (sparse where g is)"""
    __slots__ = ("dim", "n")

    def backward(self, g):
        from ..autograd.grad_mode import no_grad
        from ._grad import SparseGrad, from_tensor
        if g.__class__ is not SparseGrad:
            return tuple(np.take(g, i, axis=self.dim) for i in range(self.n))
        with no_grad():
            t = g.tensor()
            return tuple(from_tensor(t.select(self.dim, i)) for i in range(self.n))


def _dense_first():
    return NotImplementedError(
        "Could not run 'aten::_values' with arguments from the 'CPU' backend. This could be because the operator "
        "doesn't exist for this backend, or was omitted during the selective/custom build process (if using custom "
        "build). If you are a Facebook employee using PyTorch on mobile, please visit https://fburl.com/ptmfixes for "
        "possible resolutions. 'aten::_values' is only available for these backends: [Meta, SparseCPU, SparseMeta, "
        "...].")


def _checks(tensors, dim):
    first = tensors[0]
    if not first.is_sparse:
        raise _dense_first()
    shape, sd, dd = first._size, first._idx.shape[0], first._vals.ndim - 1
    d = _wrap_dim(dim, len(shape))
    for i, t in enumerate(tensors):
        if not t.is_sparse:
            raise RuntimeError(f"Concatenating sparse tensors, but a dense tensor was found at position {i}.")
        s = t._size
        if len(s) != len(shape) or any(a != b for k, (a, b) in enumerate(zip(s, shape)) if k != d):
            raise RuntimeError(f"All tensors must have the same shape: {list(shape)} (except in the concatenating "
                               f"dimension), but found shape: {list(s)} at position {i}.")
        if t._idx.shape[0] != sd or t._vals.ndim - 1 != dd:
            raise RuntimeError(f"All tensors must have the same sparse_dim and dense_dim: {sd}, {dd}, but tensor at "
                               f"position {i} has {t._idx.shape[0]}, {t._vals.ndim - 1}.")
    return d, sd


def stack(tensors, dim):
    """y = stack(s_1, ..., s_n; d) = cat(s_1.unsqueeze(d), ..., s_n.unsqueeze(d); d)"""
    from ..autograd.grad_mode import GRAD, no_grad
    s0 = tuple(tensors[0].shape)
    for i, t in enumerate(tensors):
        if tuple(t.shape) != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 and "
                               f"{list(t.shape)} at entry {i}")
    d = _wrap_dim(dim, len(s0) + 1)
    with no_grad():
        out = cat([t.unsqueeze(d) for t in tensors], d)
    if GRAD.enabled and any(t._rg for t in tensors):
        node = StackBackward0()
        node.dim, node.n = d, len(tensors)
        _record_sparse(node, out, *tensors)
    return out


def cat(tensors, dim):
    """y = cat(s_1, ..., s_n; d): the entries of each s_i, moved by the sizes of s_1..s_(i-1) along d"""
    from ..autograd.grad_mode import GRAD
    from ._coo import make
    d, sd = _checks(tensors, dim)
    dt = (result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype).np
    sizes = [t._size[d] for t in tensors]
    offsets = np.cumsum([0] + sizes[:-1])
    size = list(tensors[0]._size)
    size[d] = int(sum(sizes))
    if d < sd:                                   # a sparse dimension: shift the indices
        parts = []
        for t, off in zip(tensors, offsets):
            idx = t._idx.copy()
            idx[d] += off
            parts.append(idx)
        idx = np.concatenate(parts, axis=1)
        vals = np.concatenate([t._vals.astype(dt, copy=False) for t in tensors], axis=0)
    else:                                        # a dense dimension: pad the values
        vd = d - sd + 1
        idx = np.concatenate([t._idx for t in tensors], axis=1)
        blocks = []
        for t, off in zip(tensors, offsets):
            shape = list(t._vals.shape)
            shape[vd] = size[d]
            block = np.zeros(shape, dt)
            where = (slice(None),) * vd + (slice(off, off + t._size[d]),)
            block[where] = t._vals
            blocks.append(block)
        vals = np.concatenate(blocks, axis=0)
    out = make(idx, vals, size, vals.shape[0] < 2)
    if GRAD.enabled and any(t._rg for t in tensors):
        _record_sparse(CatBackward0(), out, *tensors)
    return out
