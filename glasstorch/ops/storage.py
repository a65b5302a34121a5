"""torch's memory introspection, read off the NumPy array: ``stride``, ``storage_offset``,
``data_ptr`` and ``untyped_storage`` (one ``UntypedStorage`` per allocation, shared by its views).
"""
import weakref

import numpy as np

from .._tensor import _wrap_dim


def _root(a):
    """The ndarray that owns ``a``'s memory (the allocation torch calls the storage)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _contiguous_strides(shape):
    """torch's strides for a fresh tensor: stride[i] = prod(max(size[j], 1) for j > i) (a 0-size dim
    counts as 1, so ``zeros(0, 3)`` has strides (3, 1))."""
    st, acc = [], 1
    for n in reversed(shape):
        st.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(st))


def stride(input, dim=None):
    x = input._data
    if x.size == 0 and not any(x.strides):
        # NumPy gives a freshly made empty array all-zero strides; torch gives it contiguous ones
        st = _contiguous_strides(x.shape)
    else:
        st = tuple(s // x.itemsize for s in x.strides)
    return st if dim is None else st[_wrap_dim(dim, x.ndim)]


def data_ptr(input):
    return input._data.__array_interface__["data"][0]


def storage_offset(input):
    x = input._data
    return (data_ptr(input) - _root(x).__array_interface__["data"][0]) // x.itemsize


class UntypedStorage:
    """The memory a tensor and its views share: one object per allocation."""
    __slots__ = ("_array", "__weakref__")

    def __init__(self, array):
        self._array = array

    def nbytes(self):
        return self._array.nbytes

    def size(self):
        return self._array.nbytes

    __len__ = size

    def data_ptr(self):
        return self._array.__array_interface__["data"][0]

    @property
    def device(self):
        from .._device import CPU
        return CPU

    def __repr__(self):
        return f"glasstorch.UntypedStorage of {self.nbytes()} bytes at {hex(self.data_ptr())}"


_STORAGES = weakref.WeakValueDictionary()


def untyped_storage(input):
    root = _root(input._data)
    s = _STORAGES.get(id(root))
    if s is None or s._array is not root:
        s = _STORAGES[id(root)] = UntypedStorage(root)
    return s


__all__ = ["stride", "data_ptr", "storage_offset", "untyped_storage", "UntypedStorage"]
