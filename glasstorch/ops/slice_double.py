"""The differentiable gradients of ``SliceBackward0`` / ``SelectBackward0`` (under ``create_graph``).

torch computes them with the ops ``slice_backward`` / ``select_backward`` (zeros of the input's shape
with g written into the slice), which have derivatives of their own: the gradient hangs from
``SliceBackwardBackward0`` / ``SelectBackwardBackward0``, whose backward cuts the same slice out again
(gg -> gg[index], itself a SliceBackward0 / SelectBackward0 under a further create_graph)."""
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
