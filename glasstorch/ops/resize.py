"""``Tensor.resize_`` / ``resize_as_``: a new shape over the same storage, C-contiguous from the
tensor's storage offset.  When the storage is too small it grows: the old bytes are kept at the
front, the new tail is zeros (torch leaves it uninitialised).  Tensors that require grad refuse.
"""
import numpy as np

from .storage import _root, storage_offset

__all__ = ["resize_", "resize_as_"]


def resize_(t, *sizes, memory_format=None):
    from .shape import sizes_arg
    if t._rg:
        raise RuntimeError("cannot resize variables that require grad")
    shape = tuple(sizes_arg(sizes))
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    x = t._data
    n = int(np.prod(shape, dtype=np.int64))
    root = _root(x)
    off = storage_offset(t) if x.size else 0
    raw = root.reshape(-1, order="A").view(np.uint8) if (root.flags.c_contiguous or root.flags.f_contiguous) \
        else np.ascontiguousarray(root).reshape(-1).view(np.uint8)
    need = (off + n) * x.itemsize
    if need > raw.size:
        grown = np.zeros(need, np.uint8)
        grown[:raw.size] = raw
        raw = grown
    order = _restride_order(shape, memory_format)
    arr = np.ndarray(tuple(shape[d] for d in order), x.dtype, buffer=raw, offset=off * x.itemsize)
    t._data = arr.transpose(np.argsort(order)) if order != tuple(range(len(shape))) else arr
    t._vc[0] += 1
    return t


def _restride_order(shape, memory_format):
    """The dims in storage order: channels_last(_3d) lays the same storage out as (N, H, W, C)."""
    fmt = None if memory_format is None else str(memory_format).replace("torch.", "")
    if fmt == "preserve_format":
        raise RuntimeError("Unsupported memory formatPreserve")
    if fmt in ("channels_last", "channels_last_3d"):
        from .conversion import _CL_ORDER
        rank, order = _CL_ORDER[fmt]
        if len(shape) != rank:
            raise RuntimeError(f"required rank {rank} tensor to use {fmt} format")
        return order
    return tuple(range(len(shape)))


def resize_as_(t, the_template, memory_format=None):
    return resize_(t, tuple(the_template.shape))
