"""Double backward of the piecewise-linear activations: relu, threshold, leaky_relu, hardtanh (and
relu6), hardshrink, softshrink, rrelu.

Their gradient is dx = m(x) g with a multiplier m that is constant between kinks (0 or 1, or the
slope).  torch computes it with a backward kernel (threshold_backward, leaky_relu_backward, ...)
that also takes the input (or relu's result), so under ``create_graph`` the gradient hangs from
``<Op>BackwardBackward0`` with edges to g and to that input, and it requires grad even when g does
not: a relu payoff's pathwise gamma is a tensor of zeros, not an error.

    z = m(x) g   ->   dg = m(x) gg        (the first backward again, on gg)
                      dx = 0              (m is piecewise constant)
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record

_CLASSES = {}
_RENAME = {"Relu": "Threshold"}          # relu's backward kernel is threshold_backward


class _MaskBackwardBackward(Node):
    """z = m(x) g   ->   dg = m(x) gg,  dx = 0"""
    __slots__ = ("first",)

    def backward(self, gg):
        dg, = self.first.backward(gg)
        x, = self.first.saved()
        zeros = np.zeros(np.shape(x), np.asarray(dg).dtype if self.m is np else dg._data.dtype)
        return dg, (zeros if self.m is np else _wrap(zeros))


def _node_class(first):
    name = type(first).__name__.rstrip("0123456789")
    name = name[:-len("Backward")] if name.endswith("Backward") else name
    name = _RENAME.get(name, name) + "BackwardBackward0"
    cls = _CLASSES.get(name)
    if cls is None:
        cls = _CLASSES[name] = type(name, (_MaskBackwardBackward,),
                                    {"__slots__": (), "__doc__": _MaskBackwardBackward.__doc__})
    return cls


def mask_double(first, gx, g, x):
    """``gx`` = m(x) g, computed with Tensors while a graph of the backward is recorded: returned as
    a fresh result hanging from ``<Op>BackwardBackward0`` with edges to ``g`` and ``x``."""
    if not GRAD.enabled or not (getattr(x, "_rg", False) or getattr(g, "_rg", False)):
        return gx
    r = _wrap(gx._data)
    node = _node_class(first)()
    node.first = first
    return record(node, r, g, x)
