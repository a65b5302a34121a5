"""Moving between dtypes (``to``, ``type``) and copying (``clone``).

``ToCopyBackward0`` returns the gradient as it came: the engine casts it back to the input's
dtype, which is all its derivative is.
"""
import numpy as np

from .. import _dtype as _dt
from .._device import check_device, device as _device
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record1


class ToCopyBackward0(Node):
    """y = x.to(dtype)   ->   dx = g (cast back to x's dtype)"""
    __slots__ = ()

    def backward(self, g):
        return (g,)


class CloneBackward0(Node):
    """y = copy of x   ->   dx = g"""
    __slots__ = ()

    def backward(self, g):
        return (g,)


def _convert(t, dt, copy=False):
    if dt is None or t._data.dtype == dt.np:
        if not copy:
            return t
        return clone(t)
    r = _wrap(t._data.astype(dt.np))
    if GRAD.enabled and t._rg:
        if not dt.is_floating_point:
            return r      # integer results leave the graph, as in torch
        record1(ToCopyBackward0(), r, t)
    return r


def to(t, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    """``t.to(dtype)``, ``t.to(device)``, ``t.to(device, dtype)``, ``t.to(other_tensor)``."""
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, _dt.dtype):
            dtype = a
        elif isinstance(a, (str, _device, int)) and not isinstance(a, bool):
            device = a
        elif a is not None:
            dtype = _dt.to_dtype(a)
    check_device(device)
    return _convert(t, _dt.to_dtype(dtype) if dtype is not None else None, copy)


_LEGACY = {"torch.FloatTensor": _dt.float32, "torch.DoubleTensor": _dt.float64, "torch.HalfTensor": _dt.float16,
           "torch.LongTensor": _dt.int64, "torch.IntTensor": _dt.int32, "torch.ShortTensor": _dt.int16,
           "torch.CharTensor": _dt.int8, "torch.ByteTensor": _dt.uint8, "torch.BoolTensor": _dt.bool_}
_LEGACY_BY_DTYPE = {v.name: k for k, v in _LEGACY.items()}


def legacy_type(t, dtype=None):
    """``t.type()`` gives 'torch.FloatTensor'; ``t.type(torch.LongTensor)`` converts."""
    if dtype is None:
        return _LEGACY_BY_DTYPE[t.dtype.name]
    if isinstance(dtype, str):
        if dtype.startswith("torch.cuda."):
            check_device("cuda")
        if dtype not in _LEGACY:
            raise ValueError(f"invalid type: '{dtype}'")
        return _convert(t, _LEGACY[dtype])
    legacy = getattr(dtype, "_legacy_dtype", None)
    if legacy is not None:
        return _convert(t, legacy)
    return _convert(t, _dt.to_dtype(dtype))


def clone(input, *, memory_format=None):
    # preserve_format (the default) keeps a dense tensor's strides, as np.array's order "K" does;
    # contiguous_format asks for a C-ordered copy (what .contiguous() hands back)
    fmt = getattr(memory_format, "name", None)
    r = _wrap(np.array(input._data, copy=True, order="C" if fmt == "contiguous_format" else "K"))
    if GRAD.enabled and input._rg:
        record1(CloneBackward0(), r, input)
    return r
