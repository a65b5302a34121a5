"""``broadcast_tensors`` and ``broadcast_shapes``, with torch's checks and messages (re-exported by
``ops.shape``)."""
import numpy as np

from ._common import check_broadcast


def _expand(t, shape):
    from .shape import expand
    return expand(t, shape)


def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    try:
        shape = np.broadcast_shapes(*(t._data.shape for t in tensors))
    except ValueError:   # torch folds the shapes pairwise (infer_size) and reports the first clash from the right
        check_broadcast(*(t._data.shape for t in tensors))
        raise
    # a tensor already of the broadcast shape comes back itself, not as a view (as torch's expand_outplace)
    return tuple(t if t._data.shape == shape else _expand(t, shape) for t in tensors)


def broadcast_shapes(*shapes):
    """torch._refs._broadcast_shapes: ints count as 1-d shapes, None is skipped, a clash names the
    offending argument and the shape broadcast so far."""
    from collections.abc import Sequence
    from .._device import Size
    shapes = [(s,) if isinstance(s, (int, np.integer)) else s for s in shapes if s is not None]
    for shape in shapes:
        if not isinstance(shape, Sequence):
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {shape}")
    if not shapes:
        return Size([])
    common = [1] * max(len(shape) for shape in shapes)
    for arg_idx, shape in enumerate(shapes):
        for idx in range(-1, -1 - len(shape), -1):
            if shape[idx] == common[idx]:
                continue
            if common[idx] == 1:
                if shape[idx] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[idx] = shape[idx]
            if shape[idx] == 1:
                continue
            if common[idx] != shape[idx]:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[idx]} at {idx}! "
                                   f"Mismatching argument at index {arg_idx} had {shape}; but expected shape "
                                   f"should be broadcastable to {common}")
    return Size(common)
