"""Writes at indexed positions: index_put (tensor indices, optionally accumulating), put (flat
indices), index_copy (slices along a dim), masked_scatter (the source's values, in order, where a
mask is true) -- each with its in-place form.

All four reduce to "write v at flat positions sel" (``sel`` an int array), which fixes their
gradients: the input's gradient is g zeroed at sel (or g itself when accumulating), the value's is
g read back at sel."""
import numpy as np

from ..autograd.graph import Node
from ._common import Tensor, _wrap, record, needs_grad
from .index import positions, check_put_dtype, refuse_byte_fill, warn_byte_index
from .index_layout import adv_result
from .inplace import commit
from .shape import is_array
from .._tensor import _wrap_dim
from ._index_dtype import checked_index
from . import index_checks
from .._vmap_dynamic import note


class _WriteBackward(Node):
    __slots__ = ("sel", "vshape", "accumulate")

    def backward(self, g):
        if not is_array(g):      # create_graph: the same picks in Tensor ops, recorded
            from .slice_double import zero_at, zero_region_graph
            sel = _wrap(np.ascontiguousarray(self.sel.reshape(-1), np.int64))
            flat = g.reshape(-1)
            # torch's own op on g (grad.index_put(indices, zeros), grad.index_fill(d, i, 0), ...): its node
            gx = g if self.accumulate else zero_region_graph(g, zero_at(self.sel), _ZEROED_BY[type(self).__name__])
            gv = flat[sel].reshape(self.sel.shape)
            if self.vshape is not None and tuple(gv.shape) != tuple(self.vshape):
                n = int(np.prod(self.vshape))
                gv = gv.reshape(tuple(self.vshape)) if gv.numel() == n else gv.sum_to_size(tuple(self.vshape))
            return gx, gv
        arr = g
        flat = arr.reshape(-1)
        gx = arr.copy()
        if not self.accumulate:
            gx.reshape(-1)[self.sel.reshape(-1)] = 0
        gv = flat[self.sel]
        if self.vshape is not None:
            gv = _sum_to(gv, self.vshape)
        return gx, gv


def _sum_to(gv, shape):
    """Reduce the gradient of a value that was broadcast over the written positions to its shape."""
    if gv.shape == tuple(shape):
        return gv
    if gv.size == int(np.prod(shape)):
        return gv.reshape(shape)
    from ..autograd._sum_to import sum_to       # torch's engine sums it (sum_to), in torch's order
    return sum_to(gv, tuple(shape))


_ZEROED_BY = {"IndexPutBackward0": "IndexPutBackward0", "PutBackward0": "PutBackward0",
              "IndexCopyBackward0": "IndexFillBackward0", "MaskedScatterBackward0": "MaskedFillBackward0"}


class IndexPutBackward0(_WriteBackward):
    """y = x.index_put(indices, v)   ->   dx = g zeroed at the indexed positions (g if accumulate),
    dv = g[indices]"""
    __slots__ = ()


class PutBackward0(_WriteBackward):
    """y = x.put(i, v)   ->   dx = g zeroed at flat positions i (g if accumulate),   dv = g.take(i)"""
    __slots__ = ()


class IndexCopyBackward0(_WriteBackward):
    """y = x.index_copy(d, i, v)   ->   dx = g.index_fill(d, i, 0),   dv = g.index_select(d, i)"""
    __slots__ = ()


class MaskedScatterBackward0(_WriteBackward):
    """y = x.masked_scatter(m, v)   ->   dx = g.masked_fill(m, 0),   dv[:k] = g[m], zero beyond"""
    __slots__ = ("full",)

    def backward(self, g):
        gx, gv = _WriteBackward.backward(self, g)
        if not is_array(g):      # create_graph: torch's masked_scatter_backward op, with its own node
            from .kernel_double import hang
            from .slice_double import MaskedScatterBackwardBackward0
            full = np.zeros(int(np.prod(self.full)), g._data.dtype)
            picked = g._data.reshape(-1)[self.sel.reshape(-1)]
            full[:picked.size] = picked
            return gx, hang(MaskedScatterBackwardBackward0, full.reshape(self.full), (g,), sel=self.sel,
                            gshape=tuple(g.shape))
        arr = gv
        full = np.zeros(int(np.prod(self.full)), arr.dtype)
        full[:arr.size] = arr.reshape(-1)
        full = full.reshape(self.full)
        return gx, (full if is_array(g) else _wrap(full))


def _write(node_cls, input, value, sel, vals, accumulate, vshape):
    x = input._data
    out = x.copy()
    flat = out.reshape(-1)
    vals = np.broadcast_to(np.asarray(vals, x.dtype), sel.shape)
    if accumulate:
        np.add.at(flat, sel.reshape(-1), vals.reshape(-1))
    else:
        flat[sel.reshape(-1)] = vals.reshape(-1)
    if (node_cls is IndexPutBackward0 or node_cls is PutBackward0) and not (x.flags.c_contiguous and x.size):
        from ._layout import preserve          # torch's index_put: x.clone() (x's layout), then index_put_
        out = preserve(out, x)
    r = _wrap(out)
    is_t = isinstance(value, Tensor)
    if needs_grad(input, value if is_t else input):
        node = node_cls()
        node.sel, node.vshape, node.accumulate = sel, (value._data.shape if is_t else None), accumulate
        record(node, r, input, value if is_t else None)
        return r, node
    return r, None


def _index_arrays(x, indices, byte_masks):
    if len(indices) > x.ndim:           # (torch checks the count first)
        raise IndexError(f"too many indices for tensor of dimension {x.ndim} (got {len(indices)})")
    idx = []
    pos = 0                 # the first dim of x the next index applies to
    for i in indices:
        a = i._data if isinstance(i, Tensor) else (np.asarray(i) if i is not None else None)
        if isinstance(i, Tensor) and a.dtype.kind == "b":
            note("mask_index", i)
        pos += 1 if a is None or a.dtype.kind not in "bu" else a.ndim
        if a is None:
            idx.append(slice(None))
        elif a.dtype == np.bool_:
            _check_mask_shape(a, x.shape, pos - a.ndim)
            idx.append(a)
        elif a.dtype == np.uint8:               # a deprecated mask (see index.BYTE_INDEX)
            _check_mask_shape(a, x.shape, pos - a.ndim)
            byte_masks.append(a)
            idx.append(a.astype(np.bool_))
        elif a.dtype not in (np.int64, np.int32):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        elif a.dtype.kind in "iu":
            idx.append(a.astype(np.int64))
        else:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if pos > x.ndim:                    # masks covering more dims than there are
        raise IndexError(f"Dimension out of range (expected to be in range of [{-x.ndim}, {x.ndim - 1}], but got "
                         f"{x.ndim})")
    return tuple(idx)


def _check_mask_shape(mask, shape, at):
    """torch's message for a boolean index whose shape is not that of the dims it covers."""
    for j, n in enumerate(mask.shape):
        if at + j >= len(shape):        # (torch reads self.size(dim) past the last dim)
            raise IndexError(f"Dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], "
                             f"but got {at + j})")
        if n != shape[at + j]:
            raise IndexError(f"The shape of the mask {list(mask.shape)} at index {j} does not match the shape of the "
                             f"indexed tensor {list(shape)} at index {at + j}")


def index_put(input, indices, values, accumulate=False):
    x = input._data
    byte_masks = []
    try:
        idx = _index_arrays(x, indices, byte_masks)
        from .index_parse import _check_broadcast       # torch's message for index tensors that do not broadcast
        _check_broadcast({i: a for i, a in enumerate(idx) if not isinstance(a, slice)})
        # in the layout of torch's index result (the value's gradient is grad.index(indices), summed in its order)
        sel = adv_result(positions(x.shape), idx)
    except IndexError as e:       # NumPy says "axis" where torch says "dimension"
        raise IndexError(str(e).replace(" for axis ", " for dimension ")) from None
    v = values._data if isinstance(values, Tensor) else values
    if byte_masks:
        if not accumulate:
            refuse_byte_fill(idx, np.size(v) == 1)
        for _ in byte_masks:
            warn_byte_index()
    try:
        np.broadcast_to(v, sel.shape)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast to "
                           f"indexing result of shape {list(sel.shape)}") from None
    check_put_dtype(x, values, [None] if accumulate else idx)   # accumulating never fills like a mask
    used = [a for a in idx if not isinstance(a, slice)]
    if not accumulate and isinstance(values, Tensor) and values._data.size == 1 and len(used) == 1 \
            and used[0].dtype == np.bool_ and used[0].ndim:
        # torch's masked_fill_(mask, value.item()): the value's range is checked as a Python number's
        from ._scalar_cast import checked_scalar
        checked_scalar(values._data.reshape(()).item(), x.dtype)
    return _write(IndexPutBackward0, input, values, sel, v, accumulate, None)[0]


def index_put_(input, indices, values, accumulate=False):
    def write(td, rd):          # an expanded input: the values land in index order (expanded_writes.py)
        from .expanded_writes import index_put_writer, warn_expanded
        idx = _index_arrays(td, indices, [])
        used = [a for a in idx if not isinstance(a, slice)]
        if not accumulate and np.size(values._data if isinstance(values, Tensor) else values) == 1 \
                and len(used) == 1 and used[0].dtype == np.bool_:
            warn_expanded("masked_fill")        # torch hands one value under one mask to masked_fill_
        sel = positions(td.shape)[idx]
        index_put_writer(sel, values._data if isinstance(values, Tensor) else values, accumulate)(td, rd)
    return commit(input, lambda: index_put(input, indices, values, accumulate), "index_put", write,
                  grad_inputs=(values,))


def _name(a):
    from ._out import _NAMES
    from .inplace import type_name
    return _NAMES.get(a.dtype.name) or type_name(a.dtype)


def put(input, index, source, accumulate=False):
    x = input._data
    i = checked_index(index._data, "put").reshape(-1)
    if source._data.dtype != x.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_name(x)} and source.dtype = {_name(source._data)}")
    n = x.size
    if i.size != source._data.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {source._data.size}, index.numel() = {i.size}")
    if i.size and (i.max() >= n or i.min() < -n):
        bad = int(i.max()) if i.max() >= n else int(i.min())
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    sel = np.where(i < 0, i + n, i)
    return _write(PutBackward0, input, source, sel, source._data.reshape(-1), accumulate, None)[0]


def put_(input, index, source, accumulate=False):
    return commit(input, lambda: put(input, index, source, accumulate), "put")


def index_copy(input, dim, index, source):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    s = source._data
    i = index_checks.index_copy(x, d, index, s)
    sel = np.take(positions(x.shape), i, axis=d) if x.ndim else positions(x.shape)
    return _write(IndexCopyBackward0, input, source, sel, s.reshape(sel.shape), False, None)[0]


def index_copy_(input, dim, index, source):
    return commit(input, lambda: index_copy(input, dim, index, source), "index_copy")


def masked_scatter(input, mask, source):
    x = input._data
    m = mask._data
    try:                # torch first expands self and mask to their common shape (mask is tensor a)
        shape = np.broadcast_shapes(x.shape, m.shape)
    except ValueError:
        from ._common import broadcast_error
        raise broadcast_error(m.shape, x.shape) from None
    if source._data.dtype != x.dtype:       # then the dtypes; its message lacks the space after "got"
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{_name(x)} and {_name(source._data)}")
    if m.dtype == np.uint8:
        # torch warns that uint8 is deprecated, then refuses it all the same
        from .._user_warning import warn_at_caller
        warn_at_caller("masked_scatter_ received a mask with dtype torch.uint8, this behavior is now deprecated,"
                       "please use a mask with dtype torch.bool instead. (Triggered internally at "
                       "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:3130.)")
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype {_name(m)}")
    if shape != x.shape:
        x_b = np.broadcast_to(x, shape)
        input = _wrap(x_b.copy(), input._rg) if not input._rg else input.expand(shape).contiguous()
    sel = positions(shape)[np.broadcast_to(m, shape)]
    s = source._data.reshape(-1)
    if s.size < sel.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    r, node = _write(MaskedScatterBackward0, input, source, sel, s[:sel.size], False, None)
    if node is not None:
        node.vshape, node.full = (sel.size,), source._data.shape
    return r


def masked_scatter_(input, mask, source):
    if mask._data.shape != input._data.shape:      # torch expands the mask to self's shape (its errors)
        from .shape import expand
        expand(mask, input._data.shape)
    return commit(input, lambda: masked_scatter(input, mask, source), "masked_scatter")


__all__ = ["index_put", "index_put_", "put", "put_", "index_copy", "index_copy_", "masked_scatter",
           "masked_scatter_"]
