"""``torch.asarray``: ``as_tensor`` with ``copy=`` and ``requires_grad=``.

Tensors and NumPy arrays are shared unless a new dtype or ``copy=True`` asks for a copy
(``copy=False`` then refuses); an unspecified ``requires_grad`` keeps the tensor's own, graph included."""
import numpy as np

from . import _dtype as _dt
from ._tensor import Tensor
from ._numpy_check import _UNSIGNED_WIDE
from ._user_warning import warn_once

_RG_WARNING = ("torch.asarray: unspecified requires_grad now defaults to obj.requires_grad instead of False. "
               "Pass requires_grad=False explicitly to get the old behavior and silence this warning. (Triggered "
               "internally at /__w/pytorch/pytorch/torch/csrc/utils/tensor_new.cpp:1737.)")


def _type_name(dt):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
            "complex128": "ComplexDouble"}[str(dt).replace("torch.", "")]


def _is_buffer(obj):
    """Whether torch's PyObject_CheckBuffer path takes ``obj`` (NumPy scalars go the NumPy way first)."""
    if isinstance(obj, (Tensor, np.generic)):
        return False
    try:
        memoryview(obj)
    except TypeError:
        return False
    return True


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=None):
    """Converts ``obj`` to a tensor, sharing memory when it can (see the module docstring)."""
    from ._creation import as_tensor, check_device, _check_rg
    check_device(device)
    dt = _dt.to_dtype(dtype) if dtype is not None else None
    if isinstance(obj, np.generic):
        if copy is False:
            raise RuntimeError("can't alias NumPy scalars. Either remove copy=False or transform it in a ndarray. ")
        obj = np.array(obj)     # torch takes a NumPy scalar the NumPy way: cast as C casts, unchecked
    if isinstance(obj, np.ndarray) and dt is not None and obj.dtype.type in _UNSIGNED_WIDE:
        # a uint16/32/64 array (no glasstorch dtype) only converts: torch's alias check names its type
        if copy is False:
            raise ValueError(f"can't alias tensor with dtype 'UInt{obj.dtype.itemsize * 8}' into dtype "
                             f"'{_type_name(dt)}'.")
        return _check_rg(as_tensor(obj, dtype=dt), bool(requires_grad))
    if isinstance(obj, np.ndarray):
        if not obj.flags.writeable and (copy or dt is not None and obj.dtype != dt.np):
            obj = obj.copy()        # torch copies such an array without sharing it: no read-only warning
        obj = as_tensor(obj)
    elif _is_buffer(obj):
        # torch reads any other buffer-protocol object's bytes as the dtype (default: the default float
        # type), sharing its memory: asarray(bytearray(b"abcd")) is one float32
        from ._api_leftovers import tensor_frombuffer
        t = tensor_frombuffer(obj, dt or _dt.DEFAULT.float, -1, 0, False, stacklevel=3)
        return _check_rg(t.clone() if copy else t, bool(requires_grad))
    elif not isinstance(obj, Tensor):
        if copy is False:
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        t = as_tensor(obj, dtype=dt)
        return _check_rg(t, bool(requires_grad))
    if dt is not None and dt is not obj.dtype and copy is False:
        raise ValueError(f"can't alias tensor with dtype '{_type_name(obj.dtype)}' into dtype '{_type_name(dt)}'.")
    if requires_grad is None and obj.requires_grad:
        warn_once("asarray_requires_grad", _RG_WARNING)
    t = obj
    if requires_grad is False:
        t = t.detach()
    if dt is not None and dt is not t.dtype:
        t = t.to(dt)
    elif copy:
        t = t.clone()
    if requires_grad and not t.requires_grad:
        _check_rg(t, True)
    return t
