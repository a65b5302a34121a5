"""Choosing values: ``where`` and ``sign`` (the pieces relu's and abs's derivatives use)."""
import numpy as np
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, as_array, record, record1, needs_grad, binary_operands, check_broadcast


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
    if c.dtype == np.uint8:
        # still taken as a mask, with torch's deprecation warning
        from .._user_warning import warn_at_caller
        warn_at_caller("where received a uint8 condition tensor. This behavior is deprecated and will be removed "
                       "in a future version of PyTorch. Use a boolean condition instead. (Triggered internally at "
                       "/__w/pytorch/pytorch/aten/src/ATen/native/TensorCompare.cpp:621.)")
        c = c.astype(np.bool_)
        condition = _wrap(c)
    elif c.dtype != np.bool_:
        from .inplace import type_name
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{type_name(c.dtype)}")
    x, y, dt = binary_operands(input, other)
    try:
        r = _wrap(_ti(as_array(np.where(c, x, y)).astype(dt.np, copy=False), c, x, y))
    except ValueError:                 # shapes that do not broadcast: torch's message
        check_broadcast(c.shape, np.shape(x), np.shape(y))
        raise
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


def real_sign(x):
    """torch's sign kernel, (0 < x) - (x < 0): 0 for NaN (NumPy's sign gives NaN) and +0 for -0."""
    if x.dtype.kind != "f":
        return as_array(np.sign(x))
    return as_array((x > 0).astype(x.dtype) - (x < 0).astype(x.dtype))


def sign(input, *, out=None):
    x = input._data
    k = x.dtype.kind
    if k == "c":       # NumPy's complex sign is torch's sgn
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
                                  "torch.sgn instead.")
    r = _wrap(_ti(real_sign(x) if k != "b" else x.copy(), x))
    if GRAD.enabled and input._rg:
        record1(SignBackward0(), r, input)
    return r


__all__ = ["where", "sign", "Tensor"]
