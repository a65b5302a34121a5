"""torch's argument checks for ``rms_norm`` (``_check_rms_norm_inputs`` in layer_norm.cpp), in its
order: normalized_shape a sequence with at least one entry, the weight's shape, the input's number of
dimensions, the input's trailing sizes, then the dtype (no integer or bool kernel)."""
from ...ops._complex_refuse import not_implemented


def check_rms_norm(input, normalized_shape, weight):
    """The normalized_shape as a tuple, or torch's error for these arguments."""
    if isinstance(normalized_shape, int):
        raise TypeError("rms_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    shape = tuple(normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(shape)}")
    x = input._data
    if x.ndim < len(shape):
        raise ValueError(f"Input tensor must have at least {len(shape)} dimensions, but got {x.ndim}")
    if x.shape[x.ndim - len(shape):] != shape:      # torch writes "[*4]" here, "[*, 4]" for layer_norm
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*{', '.join(str(s) for s in shape)}], but got input of size{list(input.shape)}")
    if x.dtype.kind in "biu":
        raise not_implemented("rms_norm", x.dtype)
    return shape
