"""Choosing values: ``where`` and ``sign`` (the pieces relu's and abs's derivatives use)."""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, as_array, record, record1, needs_grad, binary_operands


class WhereBackward0(Node):
    """z = where(c, a, b)   ->   da = where(c, g, 0),   db = where(c, 0, g)"""
    __slots__ = ()

    def backward(self, g):
        c, = self.saved()
        w = self.m.where
        return w(c, g, 0.0), w(c, 0.0, g)


def where(condition, input=None, other=None, *, out=None):
    c = condition._data
    if input is None and other is None:
        return tuple(_wrap(i) for i in np.nonzero(c))
    if c.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{condition.dtype.name.capitalize()}")
    x, y, dt = binary_operands(input, other)
    r = _wrap(as_array(np.where(c, x, y)).astype(dt.np, copy=False))
    if needs_grad(input, other):
        node = WhereBackward0()
        node.save(condition)
        record(node, r, input, other)
    return r


class SignBackward0(Node):
    """y = sign(x)   ->   dx = 0"""
    __slots__ = ()

    def backward(self, g):
        return (self.m.zeros_like(g),)


def sign(input, *, out=None):
    x = input._data
    r = _wrap(as_array(np.sign(x)) if x.dtype.kind != "b" else x.copy())
    if GRAD.enabled and input._rg:
        record1(SignBackward0(), r, input)
    return r


__all__ = ["where", "sign", "Tensor"]
