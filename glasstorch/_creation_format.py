"""``torch.empty(..., memory_format=...)``: the fresh tensor laid out in the format asked for."""
import numpy as np

_NAMES = {"contiguous_format": "Contiguous", "preserve_format": "Preserve", "channels_last": "ChannelsLast",
          "channels_last_3d": "ChannelsLast3d"}


def empty_in_format(r, memory_format):
    """``r`` (a fresh contiguous tensor) laid out as ``memory_format`` asks: channels_last(_3d) strides
    (C innermost, then W, H, (D,) N), with torch's rank check; preserve_format is refused."""
    from ._runtime import memory_format as _mf
    if not isinstance(memory_format, _mf):
        raise TypeError(f"empty(): argument 'memory_format' must be torch.memory_format, not "
                        f"{type(memory_format).__name__}")
    fmt = memory_format.name
    if fmt == "contiguous_format":
        return r
    if fmt == "preserve_format":
        raise RuntimeError(f"unsupported memory format {_NAMES[fmt]}")
    from .ops.conversion import _check_rank
    from .ops._layout import _alloc, cl_strides
    a = r._data
    _check_rank(a, fmt)
    out = _alloc(a.shape, a.dtype, cl_strides(a.shape))
    out[...] = a
    r._data = out
    return r
