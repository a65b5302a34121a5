"""The differentiable gradients of ``SliceBackward0`` / ``SelectBackward0`` (under ``create_graph``).

torch computes them with the ops ``slice_backward`` / ``select_backward`` (zeros of the input's shape
with g written into the slice), which have derivatives of their own: the gradient hangs from
``SliceBackwardBackward0`` / ``SelectBackwardBackward0``, whose backward cuts the same slice out again
(gg -> gg[index], itself a SliceBackward0 / SelectBackward0 under a further create_graph).

The same holds for the other gradients torch computes with ops of their own; each is recorded here
as one node with torch's name, its value computed on the arrays, its backward the adjoint map:

    DiagonalBackwardBackward0        zeros with g on a diagonal        ->  dg = gy.diagonal(...)
    UnfoldBackwardBackward0          each window's g added back        ->  dg = gy.unfold(d, size, step)
    IndexPutImplBackward0, PutBackward0, MaskedScatterBackward0
                                     zeros with g added at positions   ->  dg = gy.flatten()[sel]
    IndexPutBackward0, IndexFillBackward0, MaskedFillBackward0, <Select|Slice|Diagonal>ScatterBackward0
                                     g with a region zeroed            ->  dg = gy with it zeroed
    MaskedScatterBackwardBackward0   g[mask], then zeros               ->  dg = zeros.masked_scatter(mask, gy)
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1


class SliceBackwardBackward0(Node):
    """y = slice_backward(g, shape, index) (zeros with g at index)   ->   dg = gy[index]"""
    __slots__ = ("index",)

    def backward(self, gy):
        return (gy[self.index],)


class SelectBackwardBackward0(SliceBackwardBackward0):
    """y = select_backward(g, shape, dim, i)   ->   dg = gy.select(dim, i)"""
    __slots__ = ()


def slice_backward_graph(g, shape, index, node_cls):
    """Zeros of ``shape`` with the tensor ``g`` written at ``index``, recorded as one ``node_cls`` node."""
    out = np.zeros(shape, g._data.dtype)
    out[index] = g._data
    r = _wrap(out)
    if GRAD.enabled and g.requires_grad:
        node = node_cls()
        node.index = index
        record1(node, r, g)
    return r


class DiagonalBackwardBackward0(Node):
    """y = diagonal_backward(g, shape, offset, d1, d2) (zeros with g on that diagonal)   ->
    dg = gy.diagonal(offset, d1, d2)"""
    __slots__ = ("offset", "d1", "d2")

    def backward(self, gy):
        if isinstance(gy, (np.ndarray, np.generic)):
            return (np.diagonal(gy, self.offset, self.d1, self.d2).copy(),)
        return (gy.diagonal(self.offset, self.d1, self.d2),)


def diagonal_backward_graph(g, shape, offset, d1, d2, diag_view):
    """torch's diagonal_backward of the tensor ``g``, recorded as one DiagonalBackwardBackward0 node
    (``diag_view``: a writable view of an array's diagonal)."""
    out = np.zeros(shape, g._data.dtype)
    diag_view(out, offset, d1, d2)[...] = g._data
    r = _wrap(out)
    if GRAD.enabled and g.requires_grad:
        node = DiagonalBackwardBackward0()
        node.offset, node.d1, node.d2 = offset, d1, d2
        record1(node, r, g)
    return r


class UnfoldBackwardBackward0(Node):
    """y = unfold_backward(g, sizes, dim, size, step) (each window's g added back)   ->
    dg = gy.unfold(dim, size, step)"""
    __slots__ = ("dim", "size", "step")

    def backward(self, gy):
        if isinstance(gy, (np.ndarray, np.generic)):
            win = np.lib.stride_tricks.sliding_window_view(gy, self.size, axis=self.dim)
            index = (slice(None),) * self.dim + (slice(None, None, self.step),)
            return (np.ascontiguousarray(win[index]),)
        return (gy.unfold(self.dim, self.size, self.step),)


class _ScatterAddBackward(Node):
    """y = zeros with g added at the flat positions sel (repeats add up)   ->   dg = gy.flatten()[sel]"""
    __slots__ = ("sel",)

    def backward(self, gy):
        if isinstance(gy, (np.ndarray, np.generic)):
            return (np.reshape(gy, -1)[self.sel],)
        from .. import tensor
        return (gy.reshape(-1)[tensor(self.sel)],)


_SCATTER = {}


def scatter_add_graph(g, shape, sel, name):
    """The gradient of an index / take / masked_select under create_graph: torch computes it with an op
    of its own (index_put_ / put_ / masked_scatter_ into zeros), so it hangs from that op's node
    ``name`` (IndexPutImplBackward0, PutBackward0, MaskedScatterBackward0)."""
    from .kernel_double import hang
    out = np.zeros(int(np.prod(shape)), g._data.dtype)
    np.add.at(out, sel.reshape(-1), g._data.reshape(-1))
    cls = _SCATTER.get(name)
    if cls is None:
        cls = _SCATTER[name] = type(name, (_ScatterAddBackward,), {"__slots__": (),
                                                                   "__doc__": _ScatterAddBackward.__doc__})
    return hang(cls, out.reshape(shape), (g,), sel=sel)


class _ZeroRegionBackward(Node):
    """y = g with a region zeroed (a view's, or flat positions)   ->   dg = gy with it zeroed again"""
    __slots__ = ("zero",)

    def backward(self, gy):
        if isinstance(gy, (np.ndarray, np.generic)):
            return (self.zero(np.asarray(gy)),)
        return (zero_region_graph(gy, self.zero, type(self).__name__),)


_ZERO = {}


def zero_region_graph(g, zero, name):
    """The input's gradient of a write (index_put, put, index_copy, masked_scatter, *_scatter) under
    create_graph: torch computes it with an op of its own on g (grad.index_put(indices, zeros),
    grad.index_fill(dim, index, 0), grad.masked_fill(mask, 0), grad.select_scatter(zeros, ...)), so it
    hangs from that op's node ``name``.  ``zero(array)``: a copy of the array with the region zeroed."""
    from .kernel_double import hang
    cls = _ZERO.get(name)
    if cls is None:
        cls = _ZERO[name] = type(name, (_ZeroRegionBackward,), {"__slots__": (),
                                                               "__doc__": _ZeroRegionBackward.__doc__})
    return hang(cls, zero(g._data), (g,), zero=zero)


def zero_at(sel):
    """``zero`` for flat positions ``sel``."""
    def zero(a):
        out = np.array(a, order="C")        # (reshape(-1) of another layout would be a copy)
        out.reshape(-1)[np.asarray(sel).reshape(-1)] = 0
        return out
    return zero


class MaskedScatterBackwardBackward0(Node):
    """y = masked_scatter_backward(g, mask, sizes) (g[mask], then zeros, in the source's shape)   ->
    dg = zeros_like(g).masked_scatter(mask, gy)"""
    __slots__ = ("sel", "gshape")

    def backward(self, gy):
        sel = self.sel.reshape(-1)
        if isinstance(gy, (np.ndarray, np.generic)):
            out = np.zeros(self.gshape, gy.dtype)
            out.reshape(-1)[sel] = np.reshape(gy, -1)[:sel.size]
            return (out,)
        from .. import tensor, zeros
        mask = np.zeros(int(np.prod(self.gshape)), bool)
        mask[sel] = True
        return (zeros(self.gshape, dtype=gy.dtype).masked_scatter(tensor(mask.reshape(self.gshape)), gy),)
