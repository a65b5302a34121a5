"""``torch.storage``: ``UntypedStorage`` (glasstorch's is in ``ops/storage.py``) and the deprecated
``TypedStorage`` that ``Tensor.storage()`` still returns: the same allocation read as the tensor's dtype,
printed one element a line as torch prints it."""
import numpy as np

from ._user_warning import warn_at_caller
from .ops.storage import UntypedStorage  # noqa: F401

_warned = False


def _warn_typed_storage_removal():
    # torch warns the first time only (unless told to always warn)
    global _warned
    if not _warned:
        _warned = True
        warn_at_caller("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be "
                       "the only storage class. This should only matter to you if you are using storages "
                       "directly.  To access UntypedStorage directly, use tensor.untyped_storage() instead of "
                       "tensor.storage()")


def _reset_warn_typed_storage_removal():
    global _warned
    _warned = False


class TypedStorage:
    """A tensor's whole allocation as a flat sequence of its dtype (views see their base's elements)."""
    is_sparse = False

    def __init__(self, *args, device=None, dtype=None, wrap_storage=None, _internal=False):
        if not _internal:
            _warn_typed_storage_removal()
        if not _internal or wrap_storage is None:
            from ._storage_typed_new import typed_storage_init
            wrap_storage, dtype = typed_storage_init(args, device, dtype, wrap_storage)
        self._untyped_storage = wrap_storage
        self.dtype = dtype

    def _flat(self):
        a = self._untyped_storage._array
        a = a.reshape(-1) if a.flags.c_contiguous else np.ascontiguousarray(a).reshape(-1)
        # a tensor viewed as another dtype (``x.view(torch.int32)``) reads the same bytes as its own dtype
        return a if a.dtype == self.dtype.np else a.view(np.uint8).view(self.dtype.np)

    @property
    def device(self):
        return self._untyped_storage.device

    def untyped(self):
        return self._untyped_storage

    def size(self):
        _warn_typed_storage_removal()
        return self._flat().size

    def __len__(self):
        _warn_typed_storage_removal()
        return self._flat().size

    def nbytes(self):
        return self._untyped_storage.nbytes()

    def __sizeof__(self):
        # as torch: the Python object plus the bytes of its allocation
        return super().__sizeof__() + self.nbytes()

    def element_size(self):
        return self._flat().itemsize

    def data_ptr(self):
        return self._untyped_storage.data_ptr()

    def is_shared(self):
        return self._untyped_storage.is_shared()

    def tolist(self):
        _warn_typed_storage_removal()
        return self._flat().tolist()

    def __getitem__(self, idx):
        _warn_typed_storage_removal()
        if isinstance(idx, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        if not isinstance(idx, int):
            raise RuntimeError(f"can't index a {type(self)} with {type(idx)}")
        flat = self._flat()
        if idx >= flat.size or -idx > flat.size:
            raise IndexError(f"index {idx} out of range for storage of size {flat.size}")
        return flat[idx].item()

    def __setitem__(self, idx, value):
        # torch writes through a tensor viewing the whole storage (``tmp[idx] = value``), so its
        # bounds errors and value conversions are the tensor's
        if not isinstance(idx, (int, slice)):
            raise RuntimeError(f"can't index a {type(self)} with {type(idx)}")
        if isinstance(value, (TypedStorage, type(self._untyped_storage))):
            raise RuntimeError(f"cannot set item with value type {type(value)}")
        from . import from_numpy
        flat = self._flat()
        if not np.shares_memory(flat, self._untyped_storage._array):
            raise RuntimeError("cannot write into a storage that is not contiguous in memory")
        from_numpy(flat)[idx] = value

    def __iter__(self):
        return iter(self._flat().tolist())

    def __reduce__(self):
        # torch's: the storage alone in the legacy torch.save format, read back by _load_from_bytes
        import io
        from .serialization import save
        b = io.BytesIO()
        save(self, b, _use_new_zipfile_serialization=False)
        return (_load_from_bytes, (b.getvalue(),))

    def __str__(self):
        _warn_typed_storage_removal()
        flat = self._flat()
        info = f"[torch.storage.TypedStorage(dtype={self.dtype}, device={self.device}) of size {flat.size}]"
        return " " + "\n ".join(str(v) for v in flat.tolist()) + "\n" + info

    __repr__ = __str__


def _load_from_bytes(b):
    """What a pickled storage (or a torch-pickled tensor's storage) calls: ``torch.load`` of the bytes."""
    import io
    from .serialization import load
    return load(io.BytesIO(b), weights_only=False)


_load_from_bytes._pickled_by_path = True
