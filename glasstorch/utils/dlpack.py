"""DLPack: hand a tensor to PyTorch, NumPy, JAX ... without copying its memory (``torch.utils.dlpack``).

DLPack is a C struct describing a block of memory (pointer, dtype, shape, strides, device) plus a
deleter, passed between libraries inside a Python capsule.  A glasstorch tensor's memory is a
NumPy array, and NumPy speaks DLPack, so exporting is NumPy's ``__dlpack__`` and importing is
``np.from_dlpack``: the consumer and the producer then share one buffer, and a write through
either is seen by both.

    t = glasstorch.arange(4.)
    u = torch.from_dlpack(t)        # real torch tensor over the same memory
    u[0] = 7                        # t[0] is now 7 too
"""
import enum

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap

__all__ = ["to_dlpack", "from_dlpack", "tensor_dlpack", "tensor_dlpack_device", "DLDeviceType"]


class DLDeviceType(enum.IntEnum):
    """Device codes of the DLPack standard (glasstorch has only the CPU)."""
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLExtDev = 12
    kDLOneAPI = 14


def tensor_dlpack(t, *, stream=None, max_version=None, dl_device=None, copy=None):
    """``Tensor.__dlpack__``: a DLPack capsule over ``t``'s memory (no copy unless ``copy=True``)."""
    if t.requires_grad:
        raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
    if stream is not None and stream != -1:
        raise BufferError("glasstorch tensors live on the CPU: __dlpack__ takes no stream")
    if dl_device is not None and tuple(dl_device) != (DLDeviceType.kDLCPU, 0):
        raise BufferError(f"glasstorch can only export to the CPU, not {tuple(dl_device)}")
    kwargs = {}
    if max_version is not None:
        kwargs["max_version"] = max_version
    if copy is not None:
        kwargs["copy"] = copy
    return t._data.__dlpack__(**kwargs)


def tensor_dlpack_device(t):
    """``Tensor.__dlpack_device__``: ``(DLDeviceType.kDLCPU, 0)``."""
    return (DLDeviceType.kDLCPU, 0)


class _Capsule:
    """Lets ``np.from_dlpack`` read a bare (legacy) capsule made by ``to_dlpack``."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (DLDeviceType.kDLCPU, 0)


def to_dlpack(tensor):
    """The legacy capsule API: ``torch.utils.dlpack.to_dlpack(t)``; a capsule can be consumed once."""
    return tensor_dlpack(tensor)


def from_dlpack(ext_tensor):
    """A glasstorch tensor sharing memory with any DLPack producer (or a capsule from ``to_dlpack``)."""
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    if not hasattr(ext_tensor, "__dlpack__"):
        if type(ext_tensor).__name__ != "PyCapsule":
            raise TypeError(f"from_dlpack expects an object with __dlpack__ or a DLPack capsule, "
                            f"got {type(ext_tensor).__name__}")
        ext_tensor = _Capsule(ext_tensor)
    else:
        device_type, _ = ext_tensor.__dlpack_device__()
        if device_type != DLDeviceType.kDLCPU:
            raise RuntimeError(f"glasstorch only has the CPU; this tensor lives on DLPack device {device_type}")
    try:
        arr = np.from_dlpack(ext_tensor)
    except (RuntimeError, BufferError, TypeError) as e:
        dtype = getattr(ext_tensor, "dtype", None)
        what = "" if dtype is None else f" of dtype {dtype}"
        raise TypeError(f"glasstorch cannot import this DLPack tensor{what}: {e}") from None
    if arr.dtype not in _dt.FROM_NP:
        raise TypeError(f"glasstorch does not support dtype {arr.dtype} (imported through DLPack) yet")
    if isinstance(ext_tensor, _Capsule) and not arr.flags.writeable:
        arr = _writable(arr)
    return _wrap(arr)


class _Writable:
    """The memory of ``arr`` again, writable: a legacy capsule carries no read-only flag, so NumPy imports
    it read-only, while torch's tensor over it is writable (``t3[0] = -9`` reaches the producer)."""

    def __init__(self, arr):
        self.keep = arr                     # the capsule's owner stays alive as long as the view
        ai = dict(arr.__array_interface__)
        ai["data"] = (ai["data"][0], False)
        self.__array_interface__ = ai


def _writable(arr):
    return np.asarray(_Writable(arr))
