"""Shape ops the engine itself needs: expand, unsqueeze, sum_to_size, view/reshape.

(The full view family lives with the rest of the op surface; these are the few that double
backward and broadcasting use.)
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1
from .._tensor import _wrap_dim


class ExpandBackward0(Node):
    """y = x.expand(shape)   ->   dx = g summed back to x's shape (the engine does the summing)"""
    __slots__ = ()

    def backward(self, g):
        return (g,)


def expand(input, *sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    x = input._data
    if len(sizes) < x.ndim:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(x.shape)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({x.ndim})")
    lead = len(sizes) - x.ndim
    target = []
    for i, s in enumerate(sizes):
        cur = x.shape[i - lead] if i >= lead else None
        if s == -1:
            if cur is None:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            s = cur
        elif cur is not None and cur != 1 and cur != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(x.shape)}")
        target.append(s)
    r = _wrap(np.broadcast_to(x, tuple(target)))
    r._vc = input._vc
    r._base = input if input._base is None else input._base
    if GRAD.enabled and input._rg:
        record1(ExpandBackward0(), r, input)
    return r


class UnsqueezeBackward0(Node):
    """y = x.unsqueeze(d)   ->   dx = g.squeeze(d)"""
    __slots__ = ("dim",)

    def backward(self, g):
        if isinstance(g, np.ndarray) or isinstance(g, np.generic):
            return (np.squeeze(g, self.dim),)
        return (g.squeeze(self.dim),)


def unsqueeze(input, dim):
    x = input._data
    d = _wrap_dim(dim, x.ndim + 1)
    r = _wrap(np.expand_dims(x, d))
    r._vc = input._vc
    r._base = input if input._base is None else input._base
    if GRAD.enabled and input._rg:
        node = UnsqueezeBackward0()
        node.dim = d
        record1(node, r, input)
    return r


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (used by the engine when it builds a graph of the backward)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = input._data.shape
    lead = len(shape) - len(size)
    out = input
    if lead:
        out = out.sum(tuple(range(lead)))
    axes = tuple(i for i, s in enumerate(size) if s == 1 and out._data.shape[i] != 1)
    if axes:
        out = out.sum(axes, keepdim=True)
    return out
