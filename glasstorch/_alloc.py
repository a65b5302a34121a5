"""Allocating a new tensor's memory with torch's errors when it cannot be had: a byte count past int64
("Storage size calculation overflowed") and a request the allocator refuses (DefaultCPUAllocator)."""
import math

import numpy as np

_MAX = 2 ** 63 - 1


def check_bytes(shape, itemsize):
    """Refuse, as torch's storage size computation does, a shape whose bytes overflow int64."""
    n = math.prod(shape)
    if n * itemsize > _MAX:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(shape)}")
    return n * itemsize


def full(shape, value, dtype):
    """``np.full`` behind torch's checks; NumPy's MemoryError becomes torch's allocator error."""
    nbytes = check_bytes(shape, np.dtype(dtype).itemsize)
    try:
        return np.full(shape, value, dtype=dtype)
    except (MemoryError, ValueError) as e:
        raise as_torch(e, nbytes) from None


def as_torch(e, nbytes):
    """NumPy's refusal of a huge array (MemoryError, or ValueError "array is too big") as torch's
    allocator's error; any other exception is returned as it is."""
    if isinstance(e, MemoryError) or "too big" in str(e):
        return refused(nbytes)
    return e


def is_refusal(e):
    """Whether ``e`` says an allocation did not fit: NumPy's MemoryError or ``refused``'s error."""
    return isinstance(e, MemoryError) or isinstance(e, RuntimeError) and "can't allocate memory" in str(e)


def refused(nbytes):
    return RuntimeError(f"[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate "
                        f"memory: you tried to allocate {nbytes} bytes. Error code 12 (Cannot allocate memory)")
