"""``x * c``, ``x / c``, ``x + c``, ``x - c`` through the ``.Scalar`` overloads, as torch's C++ composites record them
(``MulBackward1``, ``DivBackward1``, ``AddBackward1``, ``SubBackward1``; a Python ``x * c`` goes through ``.Tensor`` and records
``MulBackward0``).  The number is cast to the tensor's dtype first, as the kernels do."""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1


class MulBackward1(Node):
    """y = x * c (a number)   ->   dx = g * c"""
    __slots__ = ("c",)

    def backward(self, g):
        # under create_graph torch's formula is grad * other with a Scalar: mul.Scalar again
        return (g * self.c if isinstance(g, (np.ndarray, np.generic)) else mul_scalar(g, self.c),)


class DivBackward1(Node):
    """y = x / c (a number)   ->   dx = g / c"""
    __slots__ = ("c",)

    def backward(self, g):
        return (g / self.c if isinstance(g, (np.ndarray, np.generic)) else div_scalar(g, self.c),)


class AddBackward1(Node):
    """y = x + c (a number)   ->   dx = g"""
    __slots__ = ("c",)

    def backward(self, g):
        return (g,)


class SubBackward1(Node):
    """y = x - c (a number)   ->   dx = g"""
    __slots__ = ("c",)

    def backward(self, g):
        return (g,)


def _scalar_op(node_cls, ufunc, input, c):
    x = input._data
    if x.dtype.kind != "f":
        import glasstorch
        return {np.multiply: glasstorch.mul, np.divide: glasstorch.div, np.add: glasstorch.add,
                np.subtract: glasstorch.sub}[ufunc](input, c)
    cc = x.dtype.type(c)
    if x.dtype == np.float16 and ufunc in (np.multiply, np.divide):
        # mul / div read the number unrounded, in float32 (ops/_half_scalar.py); add / sub take it as float16
        r = _wrap(np.asarray(ufunc(x.astype(np.float32), np.float32(c))).astype(np.float16))
    else:
        r = _wrap(np.asarray(ufunc(x, cc), dtype=x.dtype))
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.c = cc
        record1(node, r, input)
    return r


def mul_scalar(input, c):
    return _scalar_op(MulBackward1, np.multiply, input, c)


def div_scalar(input, c):
    return _scalar_op(DivBackward1, np.divide, input, c)


def add_scalar(input, c):
    return _scalar_op(AddBackward1, np.add, input, c)


def sub_scalar(input, c):
    return _scalar_op(SubBackward1, np.subtract, input, c)


__all__ = ["mul_scalar", "div_scalar", "add_scalar", "sub_scalar"]
