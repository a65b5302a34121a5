"""Double backward of the ops whose gradient is linear in g: pooling, padding and resampling.

Each of these ops is (locally) a linear map y = A x: a window average, a pick of each window's
maximum, an index map, a resampling matrix.  Its backward is the adjoint, dx = A^T g, and under
``create_graph`` that gradient must itself be differentiable (MAML on a CNN, gradient penalties
through pooling, Hessian-vector products).  torch records it as ``<Op>BackwardBackward0``:

    z = A^T g   ->   dg = A gg                  (the forward map again, on gg)
                     dx = 0                      (when torch's backward kernel also reads the input)

``A gg`` is computed by the op's own forward arithmetic (so its values are the forward's), and is
recorded with a copy of the forward's node, so it can be differentiated once more.
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1, record

_CLASSES = {}


def _clone(first):
    """A fresh node of ``first``'s class carrying the same op data (its subclass slots)."""
    new = type(first)()
    for cls in type(first).__mro__:
        if cls is Node:
            break
        for name in cls.__dict__.get("__slots__", ()):
            if hasattr(first, name):
                setattr(new, name, getattr(first, name))
    return new


def _again(first, forward, gg):
    """A gg: the forward map on ``gg``; recorded (with a copy of the forward's node) when gg has a graph."""
    if isinstance(gg, (np.ndarray, np.generic)):
        return np.asarray(forward(gg)).reshape(first._shape)
    r = _wrap(np.ascontiguousarray(np.asarray(forward(gg._data)).reshape(first._shape)))
    if GRAD.enabled and gg._rg:
        record1(_clone(first), r, gg)
    return r


class _LinearBackwardBackward(Node):
    """z = A^T g   ->   dg = A gg,  dx = 0 (where the backward kernel takes the input)"""
    __slots__ = ("first", "forward", "xmeta")

    def backward(self, gg):
        dg = _again(self.first, self.forward, gg)
        if self.xmeta is None:
            return (dg,)
        zeros = np.zeros(*self.xmeta)
        return dg, (zeros if isinstance(gg, (np.ndarray, np.generic)) else _wrap(zeros))


def _node_class(first):
    name = type(first).__name__
    name = name[:-len("Backward0")] + "BackwardBackward0" if name.endswith("Backward0") else name + "Backward"
    cls = _CLASSES.get(name)
    if cls is None:
        cls = _CLASSES[name] = type(name, (_LinearBackwardBackward,),
                                    {"__slots__": (), "__doc__": _LinearBackwardBackward.__doc__})
    return cls


def linear_double(first, g, forward, takes_input=True):
    """``first.backward`` on a Tensor ``g`` (create_graph): A^T g from the NumPy formula, recorded as
    ``<Op>BackwardBackward0`` with edges to g and (``takes_input``) to the forward's input."""
    gx = first.backward(g._data)[0]
    if gx.ndim == len(first._shape) + 1 and gx.shape[0] == 1:
        gx = gx[0]                     # an unbatched input, pooled as a batch of one
    r = _wrap(np.ascontiguousarray(gx))
    if not GRAD.enabled or not (g._rg or takes_input):
        return r
    node = _node_class(first)()
    node.first, node.forward = first, forward
    node.xmeta = (gx.shape, gx.dtype) if takes_input else None
    record(node, r, g)
    if takes_input:
        node.next_functions = node.next_functions + (first.next_functions[0],)
    return r
