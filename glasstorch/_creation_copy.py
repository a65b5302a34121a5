"""Argument rules of the factories that copy or fill: ``torch.tensor`` / ``Tensor.new_tensor`` of a
tensor or an array keep its layout (torch copies it with ``.to(copy=True)``, preserve_format), and a
fill value (``full``, ``full_like``, ``new_full``) that is a tensor must be 0-d (torch's parser takes
only those for a Number)."""
import numpy as np


def keep_layout(arr, data):
    """``arr``, the copy of ``data`` (a tensor, an array or anything else), laid out as ``data`` is."""
    src = getattr(data, "_data", data)
    if src.__class__ is np.ndarray and src.ndim > 1 and arr.shape == src.shape:
        from .ops._layout import preserve
        return preserve(arr, src)
    return arr


def number_fill(fill_value, fn):
    """torch's parser error for a fill value that is a tensor of one or more dims."""
    if getattr(fill_value, "_data", None) is not None and fill_value._data.ndim:
        raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, not Tensor")
