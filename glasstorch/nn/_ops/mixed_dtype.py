"""torch's CPU dtype check for the normalisation kernels (``check_mixed_data_type``): the weight,
bias and running statistics share the input's dtype, or, for a float16 input, are all float32
(torch's "mixed" kernels).  Anything else is refused, with one of two messages."""
import numpy as np


def check_mixed_dtype(input, *params):
    """Raise torch's RuntimeError unless ``params`` (tensors or None) suit ``input``'s dtype."""
    x = input._data.dtype
    dts = [p._data.dtype for p in params if p is not None]
    if all(d == x for d in dts):
        return
    if any(d != np.float32 for d in dts):
        raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
    if x != np.float16:
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def refuse_non_float(kernel, x):
    """torch's dispatch error for an integer, bool or complex array ``x`` (the kernels are float only)."""
    if x.dtype.kind in "biuc":
        from ...ops._complex_refuse import not_implemented
        raise not_implemented(kernel, x.dtype)
