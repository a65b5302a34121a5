"""``torch.unravel_index``: flat indices into coordinates of ``shape``, one int64 tensor per dim.

As torch computes it: ``indices[..., None] // strides % shape`` (floor division and Python-style
modulo, so negative indices wrap around and no bounds are checked), then ``unbind(-1)``.
"""
import numpy as np

from ._common import Tensor, _wrap


def unravel_index(indices, shape):
    if not isinstance(indices, Tensor):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'is_complex'")
    x = indices._data
    if x.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if not isinstance(shape, (int, tuple, list)) and not hasattr(shape, "__len__"):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    if isinstance(shape, int):
        shape = (shape,)
    for dim in shape:
        if not isinstance(dim, int):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(dim)}")
    shape = tuple(shape)
    if any(dim < 0 for dim in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    strides = np.cumprod((shape[1:] + (1,))[::-1])[::-1].astype(np.int64)
    with np.errstate(divide="ignore"):
        coords = x.astype(np.int64)[..., None] // strides % np.asarray(shape, np.int64)
    return _wrap(coords).unbind(-1)
