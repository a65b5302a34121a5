"""The ``*_copy`` forms of the view ops (``torch.t_copy``, ``torch.split_copy`` ...): the same values as
the view, in a new contiguous tensor that shares no memory with the input.

Their backward is the view's backward, and torch names the node after it: ``TBackward0_copy``.  So each
runs the view op, copies the values out, and hands the view's node to the copy under that name (a
subclass that only renames; see ``_renamed``).  ``narrow_copy`` has its own node in torch
(``NarrowCopyBackward0``), and ``detach_copy`` has one that refuses to run backward.
"""
import numpy as np

from ._tensor import _wrap
from .autograd.graph import Node
from .autograd.grad_mode import GRAD
from .ops._common import record1
from .ops.shape import is_array

_SUBCLASSES = {}


def _renamed(node_class, name):
    """``node_class`` under torch's name for the copy's node; same slots, so a node can switch to it."""
    sub = _SUBCLASSES.get((node_class, name))
    if sub is None:
        sub = _SUBCLASSES[(node_class, name)] = type(name, (node_class,), {"__slots__": (),
                                                                           "__module__": node_class.__module__})
    return sub


def _copy(view, name=None):
    """A contiguous copy of ``view`` whose grad_fn is the view's node, renamed ``<name>_copy``."""
    out = _wrap(np.array(view._data, order="C", copy=True))
    node = view.grad_fn
    if node is not None:
        base = type(node).__name__ if name is None else name
        if not type(node).__name__.endswith("_copy"):       # the node of a multi-output op: renamed once
            node.__class__ = _renamed(type(node), base + "_copy")
        out.grad_fn, out._rg, out._out_nr = node, True, view._out_nr
    return out


def _copies(views, name=None):
    return [_copy(v, name) for v in views]


def slice_copy(input, dim=0, start=None, end=None, step=1):
    index = (slice(None),) * (dim % max(input.dim(), 1)) + (slice(start, end, step),)
    return _copy(input[index])


def select_copy(input, dim, index):
    return _copy(input.select(dim, index))


def view_copy(input, size):
    """``size`` is a shape, or a dtype to reinterpret the bytes as."""
    return _copy(input.view(size))


def t_copy(input):
    return _copy(input.t())


def transpose_copy(input, dim0, dim1):
    return _copy(input.transpose(dim0, dim1))


def unsqueeze_copy(input, dim):
    return _copy(input.unsqueeze(dim))


def squeeze_copy(input, dim=None):
    return _copy(input.squeeze() if dim is None else input.squeeze(dim))


def permute_copy(input, dims):
    return _copy(input.permute(*dims))


def expand_copy(input, size, *, implicit=False):
    return _copy(input.expand(*size))


def diagonal_copy(input, offset=0, dim1=0, dim2=1):
    return _copy(input.diagonal(offset, dim1, dim2))


def alias_copy(input):
    # glasstorch has no alias op: a view of the whole tensor has the same (identity) backward
    return _copy(input.view(input.shape), "AliasBackward0")


def unbind_copy(input, dim=0):
    return tuple(_copies(input.unbind(dim)))


def split_copy(input, split_size, dim=0):
    return tuple(_copies(input.split(split_size, dim)))


def split_with_sizes_copy(input, split_sizes, dim=0):
    return tuple(_copies(input.split_with_sizes(split_sizes, dim)))


def unfold_copy(input, dimension, size, step):
    return _copy(input.unfold(dimension, size, step))


def as_strided_copy(input, size, stride, storage_offset=None):
    return _copy(input.as_strided(size, stride, storage_offset))


class NarrowCopyBackward0(Node):
    """y = x.narrow(dim, start, length)   ->   dx = g in that band, zeros elsewhere"""
    __slots__ = ("dim", "start", "shape")

    def backward(self, g):
        end = self.start + g.shape[self.dim]
        if is_array(g):
            gx = np.zeros(self.shape, g.dtype)
            gx[(slice(None),) * self.dim + (slice(self.start, end),)] = g
            return (gx,)
        # create_graph: torch's slice_backward op, with its own node (SliceBackwardBackward0)
        from .ops.slice_double import SliceBackwardBackward0, slice_backward_graph
        index = (slice(None),) * self.dim + (slice(self.start, end),)
        return (slice_backward_graph(g, self.shape, index, SliceBackwardBackward0),)


def narrow_copy(input, dim, start, length):
    if getattr(input, "is_sparse", False):
        return input.narrow_copy(dim, start, length)        # stays sparse (sparse/_select.py)
    view = input.detach().narrow(dim, start, length)     # checks the arguments as narrow does
    out = _wrap(np.array(view._data, order="C", copy=True))
    if GRAD.enabled and input._rg:
        node = NarrowCopyBackward0()
        node.dim = dim % input.dim()
        node.start = start + input.shape[dim] if start < 0 else start
        node.shape = tuple(input.shape)
        record1(node, out, input)
    return out


def detach_copy(input):
    # it needs grad, but torch has no derivative for it: a NotImplemented node
    from .ops._no_derivative import record_not_implemented
    return record_not_implemented("detach_copy", _wrap(input._data.copy()), input)
