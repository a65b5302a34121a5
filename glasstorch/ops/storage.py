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


from .._empty_strides import contiguous_strides as _contiguous_strides  # noqa: E402  (a 0-size dim counts as 1)


def stride(input, dim=None):
    x = input._data
    if x.size == 0 and not any(x.strides):
        # NumPy gives a freshly made empty array all-zero strides; torch gives it contiguous ones
        st = _contiguous_strides(x.shape)
    else:
        st = tuple(s // x.itemsize for s in x.strides)
    return st if dim is None else st[_wrap_dim(dim, x.ndim, wrap_scalar=False)]


def data_ptr(input):
    if input._is_meta or input._data.size == 0:     # no memory behind it, or no element: torch's null pointer
        return 0
    return input._data.__array_interface__["data"][0]


def storage_offset(input):
    x = input._data
    return (x.__array_interface__["data"][0] - _root(x).__array_interface__["data"][0]) // x.itemsize


class UntypedStorage:
    """The memory a tensor and its views share: one object per allocation."""
    # no __slots__: torch's storage takes attributes, and its instance dict shows in sys.getsizeof

    def __init__(self, *args, device=None):
        if len(args) == 1 and isinstance(args[0], np.ndarray):      # glasstorch's own: the allocation itself
            self._array = args[0]
            return
        if device is not None:
            from .._device import check_device
            check_device(device)
        # torch's constructors: UntypedStorage() (empty), UntypedStorage(nbytes), UntypedStorage(byte values)
        if not args:
            self._array = np.zeros(0, np.uint8)
        elif len(args) == 1 and isinstance(args[0], int):
            self._array = np.zeros(args[0], np.uint8)     # (torch's bytes are uninitialized; these are zeros)
        else:
            self._array = np.array(args[0] if len(args) == 1 else args, np.uint8).reshape(-1)

    @classmethod
    def _new_shared(cls, size, *, device="cpu"):
        """A new storage of ``size`` bytes in shared memory (what DataLoader workers collate into)."""
        from .._device import check_device
        check_device(device)
        from .._shared_memory import _SharedMap
        return cls(np.frombuffer(_SharedMap(max(size, 1)), dtype=np.uint8, count=size))

    def untyped(self):
        return self

    @staticmethod
    def from_file(filename, shared=False, nbytes=0):
        from .._storage_file import untyped_from_file
        return untyped_from_file(filename, shared, nbytes)

    def __sizeof__(self):
        # torch: StorageBase's 32-byte object plus the bytes it holds (what torchinfo's "Input size" sums)
        return 32 + self.size()

    def nbytes(self):
        return self._array.nbytes

    def size(self):
        return self._array.nbytes

    __len__ = size

    def data_ptr(self):
        # an empty allocation is torch's null pointer
        return self._array.__array_interface__["data"][0] if self._array.nbytes else 0

    @property
    def device(self):
        from .._device import CPU
        return CPU

    def element_size(self):
        return 1

    def type(self):
        return "torch.storage.UntypedStorage"

    def is_shared(self):
        from .._shared_memory import is_shared
        return is_shared(self._array)

    def is_pinned(self, device="cuda"):
        return False

    def _bytes(self):
        """The allocation as a flat uint8 array sharing its memory (in memory order)."""
        return self._array.reshape(-1, order="A").view(np.uint8)

    def __getitem__(self, idx):
        """A byte as an int; a slice (step 1 only) is an UntypedStorage sharing this memory."""
        b = self._bytes()
        if isinstance(idx, slice):
            if idx.step not in (None, 1):
                raise RuntimeError(f"Trying to slice with a step of {idx.step}, but only a step of 1 is supported")
            return UntypedStorage(b[idx])
        if not isinstance(idx, int):
            raise TypeError(f"can't index a torch.UntypedStorage with {type(idx).__name__}")
        i = idx + b.size if idx < 0 else idx
        if not 0 <= i < b.size:
            raise IndexError(f"index {i} out of range for storage of size {b.size}")
        return int(b[i])

    def __setitem__(self, idx, value):
        # torch does not wrap negative indices here, and keeps only the low byte of the value
        b = self._bytes()
        if not isinstance(idx, (int, slice)):
            raise RuntimeError(f"can't index a torch.UntypedStorage with {type(idx).__name__}")
        if not isinstance(value, int):
            raise RuntimeError(f"can only set storage content with a int types, but got {type(value).__name__} instead")
        if isinstance(idx, int):
            if not 0 <= idx < b.size:
                raise RuntimeError("out of bounds")
            b[idx] = value & 0xFF
        else:
            b[idx] = value & 0xFF

    def __iter__(self):
        return iter(self._bytes().tolist())

    def tolist(self):
        return self._bytes().tolist()

    def __str__(self):
        data = " " + "\n ".join(str(v) for v in self._bytes().tolist())
        return f"{data}\n[torch.storage.UntypedStorage(device={self.device}) of size {self.nbytes()}]"

    __repr__ = __str__


_STORAGES = weakref.WeakValueDictionary()


def storage_deepcopy(x, memo):
    """``x`` in a copy of its whole storage, at the same offset and strides, as torch's deepcopy makes
    it (tensors sharing a storage, deep-copied together, share the copy).  An allocation NumPy holds
    in no dense order (which torch's storages never are) falls back to a copy of ``x`` alone."""
    root = _root(x)
    key = ("storage", id(root))           # the memo outlives nothing it keys: root stays alive meanwhile
    flat = memo.get(key)
    if flat is None:
        order = sorted(range(root.ndim), key=lambda a: -root.strides[a])
        dense = root.transpose(order).copy()     # root's memory, in address order
        if not (dense.size and root.transpose(order).flags.c_contiguous):
            from ._layout import clone
            return clone(x)
        flat = memo[key] = dense.reshape(-1)
    off = x.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return np.ndarray(x.shape, x.dtype, buffer=flat, offset=off, strides=x.strides)


def untyped_storage(input):
    root = _root(input._data)
    s = _STORAGES.get(id(root))
    if s is None or s._array is not root:
        s = _STORAGES[id(root)] = UntypedStorage(root)
    return s


__all__ = ["stride", "data_ptr", "storage_offset", "untyped_storage", "UntypedStorage"]
