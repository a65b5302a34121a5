"""Choosing values: ``where`` and ``sign`` (the pieces relu's and abs's derivatives use)."""
import numpy as np
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, as_array, record, record1, needs_grad, binary_operands, check_broadcast
from ._scalar_cast import checked_scalar


class WhereBackward0(Node):
    """z = where(c, a, b)   ->   da = where(c, g, 0),   db = where(c, 0, g)"""
    __slots__ = ()

    def backward(self, g):
        c, = self.saved()
        w = self.m.where
        return w(c, g, 0.0), w(c, 0.0, g)


_F32_MAX, _I64 = 3.4028234663852886e38, np.dtype(np.int64)


def _check_number(v, npdt):
    """``checked_scalar`` (torch's overflow error), skipped where the number surely fits."""
    c = v.__class__
    if c is float and -_F32_MAX <= v <= _F32_MAX:       # a float number always meets a float result
        return
    if c is int and (0 <= v <= 127 or -2 ** 63 <= v < 2 ** 63 and (npdt is _I64 or npdt.kind in "fc")):
        return
    checked_scalar(v, npdt)


_NO_OUT = object()


def where(condition, input=None, other=None, *, out=_NO_OUT):
    if out is not _NO_OUT:
        return _where_out(condition, input, other, out)
    try:
        return _where(condition, input, other)
    except AttributeError:      # a non-tensor where a tensor goes: torch's parser error for this call
        from .._arg_refuse import not_tensor
        not_tensor()
        raise


def _where(condition, input, other):
    c = condition._data
    if input is None and other is None:
        from .._vmap_dynamic import note
        note("where", condition)
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
    if dt.np != np.float16:         # a Python number must fit the result dtype, as torch's scalar_to_tensor
        for v in (input, other):    # (float16 is not checked: 1e6 -> inf)
            if v.__class__ is not Tensor and not isinstance(v, Tensor):
                _check_number(v, dt.np)
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


def _where_out(condition, input, other, out):
    """where(..., out=): only torch's all-tensor overload takes ``out`` (even ``out=None``), so its parser
    refuses a number there, and the condition alone."""
    from .._arg_parser import parser_error
    from .._signatures import FUNCTIONS
    kwargs = {"out": out}
    args = tuple(v for v in (condition, input, other) if v is not None)
    if len(args) == 3 or input is None and other is None:
        err = parser_error(FUNCTIONS["where"], args, kwargs)
    else:          # one of them by keyword: as the user named it
        named = {k: v for k, v in (("input", input), ("other", other)) if v is not None}
        err = parser_error(FUNCTIONS["where"], (condition,), {**named, **kwargs})
    if err is not None:
        raise err
    if out is None:
        return _where(condition, input, other)
    from ._out import check_out_overlap, write_out, _NAMES
    from .._dtype import result_type
    from ..autograd._no_forward_ad import refuse_out_forward_ad
    refuse_out_forward_ad("where", *(v for v in (input, other, out) if isinstance(v, Tensor)))
    if GRAD.enabled and any(isinstance(v, Tensor) and v._rg for v in (input, other, out)):
        raise RuntimeError("where(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    check_out_overlap("where", out, (condition, input, other))
    dt = result_type(input, other)          # where_self_out: out's dtype exactly, before the condition's check
    if isinstance(out, Tensor) and out.dtype != dt:
        raise RuntimeError(f"Expected out type to be {_NAMES[np.dtype(dt.np).name]} but got "
                           f"{_NAMES[out._data.dtype.name]}")
    return write_out("where", _where(condition, input, other), out)


where._handles_out = True       # (ops/_out.py leaves it unwrapped)


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
