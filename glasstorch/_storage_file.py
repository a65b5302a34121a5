"""``torch.from_file``, ``UntypedStorage.from_file`` and ``FloatStorage.from_file`` ...: memory read from a file.

torch maps the file's first ``nbytes`` bytes.  ``shared=True`` maps it read-write and shared
(``MAP_SHARED``): the file is created or grown to ``nbytes`` (zero bytes) and writes to the storage
reach it.  ``shared=False`` maps it privately: the file must hold ``nbytes`` bytes, and writes stay
in memory, which here is a copy of the bytes (safetensors' ``safe_open(..., framework="pt")`` reads a
checkpoint through this).
"""
import mmap
import operator
import os

import numpy as np


def storage_bytes(filename, shared, nbytes):
    """The flat uint8 array of ``nbytes`` bytes from ``filename`` (a mapping of it when ``shared``)."""
    if not isinstance(filename, str):
        raise TypeError(f"argument 1 must be str, not {type(filename).__name__}")
    nbytes = operator.index(nbytes)
    shared = bool(shared)
    if nbytes < 0:
        raise RuntimeError(f"unable to mmap {nbytes} bytes from file <{filename}>: Cannot allocate memory (12)")
    mode = "read-write" if shared else "read-only"
    try:
        fd = os.open(filename, os.O_RDWR | os.O_CREAT if shared else os.O_RDONLY, 0o600)
    except OSError as e:
        raise RuntimeError(f"unable to open file <{filename}> in {mode} mode: {e.strerror} ({e.errno})") from None
    try:
        size = os.fstat(fd).st_size
        if size < nbytes:
            if not shared:
                raise RuntimeError(f"file <{filename}> size <{size}> is smaller than the required mapping size "
                                   f"<{nbytes}>")
            os.ftruncate(fd, nbytes)
            # torch's MapAllocator then writes one '\0' at the file's current offset (its start),
            # to make sure the grown file is writable: the first byte reads 0 afterwards
            os.write(fd, b"\0")
        if nbytes == 0:
            return np.empty(0, np.uint8)
        if shared:
            return np.frombuffer(mmap.mmap(fd, nbytes), np.uint8)
        with os.fdopen(os.dup(fd), "rb") as f:
            return np.frombuffer(bytearray(f.read(nbytes)), np.uint8)
    finally:
        os.close(fd)


def untyped_from_file(filename, shared=False, nbytes=0):
    from .ops.storage import UntypedStorage
    return UntypedStorage(storage_bytes(filename, shared, nbytes))


def typed_from_file(cls, filename, shared=False, size=0):
    """``torch.FloatStorage.from_file(filename, shared, size)``: ``size`` elements of the class's dtype."""
    from .ops.storage import UntypedStorage
    from .storage import TypedStorage, _warn_typed_storage_removal
    size = operator.index(size)
    raw = storage_bytes(filename, shared, size * cls.dtype.itemsize)
    _warn_typed_storage_removal()
    return TypedStorage(wrap_storage=UntypedStorage(raw), dtype=cls.dtype, _internal=True)


def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None, pin_memory=False,
              requires_grad=False):
    """A 1-D tensor of ``size`` elements of ``dtype`` (the default dtype) over the file's bytes."""
    from . import get_default_dtype
    from ._tensor import _wrap
    d = get_default_dtype() if dtype is None else dtype
    if requires_grad and not (d.is_floating_point or d.is_complex):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    size = operator.index(size)
    raw = storage_bytes(filename, bool(shared), size * d.itemsize)
    t = _wrap(raw.view(d.np))
    if requires_grad:
        t.requires_grad_(True)
    return t
