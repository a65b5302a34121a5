"""Autograd through ``sparse * other``, ``sparse / other``, ``-sparse`` (a number or a dense tensor as
``other``) and ``sparse + alpha * sparse`` for sparse inputs whose values carry a gradient, with
torch's nodes.  ``AddBackward0`` hands ``g`` to the first operand and ``alpha * g`` to the second.

The result keeps the input's indices, so the gradient w.r.t. the input is the output's gradient
scaled as the values were: ``g * other``, ``g / other``, ``-g`` -- sparse where ``g`` is (``other``
picked at ``g``'s indices), dense where ``g`` is dense (``other`` broadcast).  A gradient for a
dense ``other`` is not implemented in glasstorch (the op raises before computing).
"""
import numpy as np

from ..autograd.graph import FREED, Node


def _saved(node):
    if node._saved is None:
        raise RuntimeError(FREED)
    return node._saved


def _scaled(g, other, op, dtype):
    from ._grad import SparseGrad
    if g.__class__ is SparseGrad:
        o = other if np.ndim(other) == 0 else np.broadcast_to(other, g.shape)[tuple(g.idx)]
        return SparseGrad(g.idx.copy(), op(g.vals, o).astype(dtype, copy=False), g.shape, g.coalesced)
    return op(np.asarray(g), other).astype(dtype, copy=False)


class MulBackward0(Node):
    """y = s * c   ->   ds = g * c"""
    __slots__ = ()

    def backward(self, g):
        other, dtype = _saved(self)
        return (_scaled(g, other, np.multiply, dtype),)


class DivBackward0(Node):
    """y = s / c   ->   ds = g / c"""
    __slots__ = ()

    def backward(self, g):
        other, dtype = _saved(self)
        return (_scaled(g, other, np.true_divide, dtype),)


class NegBackward0(MulBackward0):
    """y = -s   ->   ds = -g   (saved as a product with -1)"""
    __slots__ = ()


class AddBackward0(Node):
    """y = a + alpha * b   ->   da = g, db = alpha * g"""
    __slots__ = ()

    def backward(self, g):
        alpha, da, db = _saved(self)
        return _scaled(g, 1, np.multiply, da), _scaled(g, alpha, np.multiply, db)


class SubBackward0(AddBackward0):
    """y = a - alpha * b (added with -alpha)   ->   da = g, db = -alpha * g"""
    __slots__ = ()


def record_add(out, t, other, alpha, sub=False):
    """Record ``AddBackward0`` (``SubBackward0``) from sparse ``t`` and ``other`` to ``out``, when either needs it."""
    from ..autograd.grad_mode import GRAD
    if not (GRAD.enabled and (t._rg or other._rg)):
        return out
    from ._autograd import _record_sparse
    node = SubBackward0() if sub else AddBackward0()
    node.save(alpha, t._vals.dtype, other._vals.dtype)
    return _record_sparse(node, out, t, other)


def record(kind, out, t, other):
    """Record ``kind`` ("mul", "div", "neg") from sparse ``t`` to sparse ``out``, when ``t`` needs it."""
    from ..autograd.grad_mode import GRAD
    if not (GRAD.enabled and t._rg):
        return out
    from .._tensor import Tensor
    from ._autograd import _record_sparse
    node = {"mul": MulBackward0, "div": DivBackward0, "neg": NegBackward0}[kind]()
    o = other._data if isinstance(other, Tensor) else other
    node.save(o, t._vals.dtype)
    return _record_sparse(node, out, t)
