"""The ``*_scatter`` ops: a copy of ``input`` with ``src`` written where a view would look
(``select_scatter``, ``slice_scatter``, ``diagonal_scatter``, ``as_strided_scatter``); and
``unsafe_split`` / ``unsafe_chunk``, ``split`` whose pieces are not views.

Each scatter's backward is the pair (g with the view's region zeroed, g read through the view).
"""
import numpy as np

from ..autograd.graph import Node
from ._common import _wrap, edge, needs_grad, record
from .shape import is_array
from .views import _diag_view, _wrap_dim, _MultiView, split
from ._layout import clone

__all__ = ["select_scatter", "slice_scatter", "diagonal_scatter", "as_strided_scatter", "unsafe_split",
           "unsafe_chunk", "unsafe_split_with_sizes"]


def _check_src(region, src):
    if region.shape != src.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(region.shape)}")


class _ScatterNode(Node):
    """out = input with src at ``where``   ->   d_input = g with ``where`` zeroed,   d_src = g at ``where``"""
    __slots__ = ("where",)

    def backward(self, g):
        if is_array(g):
            gi = g.copy()
            self.where(gi)[...] = 0
            return gi, self.where(g).copy()
        if type(self).__name__ != "AsStridedScatterBackward0":
            # torch: grad.select_scatter(zeros_like(src), ...) (slice_scatter, diagonal_scatter): that node
            from .slice_double import zero_region_graph
            return zero_region_graph(g, self._zeroed, type(self).__name__), self.where_t(g)    # (grad.select(...))
        gi = g.clone()
        self.where_t(gi).zero_()
        return gi, self.where_t(g).clone()

    def _zeroed(self, a):
        out = np.array(a)
        self.where(out)[...] = 0
        return out


def _scatter(node_cls, input, src, where, where_t):
    """Copy ``input``, write ``src`` into ``where(copy)`` (a NumPy view), record ``node_cls``."""
    x = clone(input._data)          # torch's input.clone(): x.t() keeps its column-major layout
    region = where(x)
    _check_src(region, src._data)
    region[...] = src._data
    r = _wrap(x)
    if needs_grad(input, src):
        node = node_cls()
        node.where, node.where_t = where, where_t
        record(node, r, input, src)
    return r


class SelectScatterBackward0(_ScatterNode):
    """y = input with y.select(d, i) = src   ->   d_input = g with that slice zeroed,   d_src = g.select(d, i)"""
    __slots__ = ("where_t",)


def select_scatter(input, src, dim, index):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    if not -x.shape[d] <= index < x.shape[d]:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(x.shape)} at dimension {dim}")
    key = (slice(None),) * d + (index,)
    return _scatter(SelectScatterBackward0, input, src, lambda a: a[key], lambda t: t.select(d, index))


class SliceScatterBackward0(_ScatterNode):
    """y = input with y[..., start:end:step, ...] = src   ->   d_input = g with the slice zeroed,   d_src = g sliced"""
    __slots__ = ("where_t",)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = _wrap_dim(dim, input._data.ndim)
    key = (slice(None),) * d + (slice(start, end, step),)
    return _scatter(SliceScatterBackward0, input, src, lambda a: a[key], lambda t: t[key])


class DiagonalScatterBackward0(_ScatterNode):
    """y = input with y.diagonal(o, d1, d2) = src   ->   d_input = g with that diagonal zeroed,   d_src = g.diagonal"""
    __slots__ = ("where_t",)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    x = input._data
    d1, d2 = _wrap_dim(dim1, x.ndim), _wrap_dim(dim2, x.ndim)
    return _scatter(DiagonalScatterBackward0, input, src, lambda a: _diag_view(a, offset, d1, d2),
                    lambda t: t.diagonal(offset, d1, d2))


class AsStridedScatterBackward0(_ScatterNode):
    """y = input with y.as_strided(size, stride, off) = src   ->   d_input = g with those elements zeroed,
    d_src = g.as_strided(size, stride, off)"""
    __slots__ = ("where_t",)


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """The geometry is read on torch's ``input.clone()`` (input's layout kept), from its first element in memory."""
    from .as_strided import _positions
    if input._rg and not input.is_contiguous():
        # torch's check in the kernel itself: it holds under no_grad too
        raise RuntimeError('!self.requires_grad() || self.is_contiguous() INTERNAL ASSERT FAILED at '
                           '"/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp":4754, please report a bug '
                           'to PyTorch. as_strided_scatter is currently only supported for contiguous inputs')
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    pos = _positions(size, stride, 0 if storage_offset is None else int(storage_offset))
    n = input._data.size
    if pos.size and pos.max() >= n:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                           f"{storage_offset or 0}, and itemsize {input._data.itemsize} requiring a storage size of "
                           f"{(int(pos.max()) + 1) * input._data.itemsize} are out of bounds for storage of size "
                           f"{n * input._data.itemsize}")

    def where(a):
        return _Positions(a, pos)

    def where_t(t):
        return _TensorPositions(t, pos)
    return _scatter(AsStridedScatterBackward0, input, src, where, where_t)


class _Positions:
    """Elements of a dense array at positions ``pos`` of its memory, readable and writable like a view."""
    __slots__ = ("a", "pos")

    def __init__(self, a, pos):
        # a clone of a transposed input is dense but not row-major: its memory, not its C order, is the storage
        flat = a.reshape(-1) if a.flags.c_contiguous else np.lib.stride_tricks.as_strided(a, (a.size,), (a.itemsize,))
        self.a, self.pos = flat, pos

    @property
    def shape(self):
        return self.pos.shape

    def __setitem__(self, key, value):
        self.a[self.pos] = value

    def copy(self):
        return self.a[self.pos]


class _TensorPositions:
    """The same for a glasstorch tensor (while a graph of the backward is recorded)."""
    __slots__ = ("t", "pos")

    def __init__(self, t, pos):
        self.t, self.pos = t, pos

    def zero_(self):
        # a mask over t itself (an index put into t.view(-1) would not record the zeroing under create_graph)
        mask = np.zeros(self.t.numel(), bool)
        mask[self.pos.reshape(-1)] = True
        self.t.masked_fill_(_wrap(mask.reshape(tuple(self.t.shape))), 0)

    def clone(self):
        return self.t.reshape(-1)[_wrap(self.pos)]


# ---- unsafe_split / unsafe_chunk: split whose pieces are copies, not views -----------------------------
class UnsafeSplitBackward0(_MultiView):
    """ys = x.unsafe_split(n, d)   ->   dx = cat(gs, d)"""
    __slots__ = ()


class UnsafeSplitWithSizesBackward0(_MultiView):
    """ys = x.unsafe_split_with_sizes([n0, n1, ...], d)   ->   dx = cat(gs, d)"""
    __slots__ = ()


def unsafe_split(input, split_size, dim=0):
    return _copies(input, split(_detached(input), split_size, dim), UnsafeSplitBackward0, dim)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    return _copies(input, split(_detached(input), list(split_sizes), dim), UnsafeSplitWithSizesBackward0, dim)


def unsafe_chunk(input, chunks, dim=0):
    from .views import chunk
    pieces = chunk(_detached(input), chunks, dim)
    return _copies(input, pieces, UnsafeSplitBackward0, dim)


def _detached(t):
    return _wrap(t._data)


def _copies(input, pieces, node_cls, dim):
    """Tensors over the pieces' memory; one node with an output per piece, as split's."""
    from ..autograd.grad_mode import GRAD
    # the pieces share the input's memory (writing to one writes to it) but are not views to autograd
    outs = tuple(_wrap(p._data) for p in pieces)
    if GRAD.enabled and input._rg:
        d = _wrap_dim(dim, input._data.ndim)
        node = node_cls()
        node.shape = input._data.shape
        start, idx = 0, []
        for o in outs:
            idx.append((slice(None),) * d + (slice(start, start + o._data.shape[d]),))
            start += o._data.shape[d]
        node.indices = idx
        node._nout = len(outs)
        node.next_functions = (edge(input),)
        node._shape = [o._data.shape for o in outs]
        node._dtype = [o._data.dtype for o in outs]
        if len(outs) == 1:
            node._shape, node._dtype = node._shape[0], node._dtype[0]
        for i, o in enumerate(outs):
            o.grad_fn, o._rg, o._out_nr = node, True, i
    return outs
