"""torch's top-level ``convolution`` (the op every ``F.conv*d`` / ``F.conv_transpose*d`` calls: its graph node is
their ``ConvolutionBackward0``) and ``_softmax`` / ``_log_softmax`` (softmax's kernels, with ``half_to_float``),
re-exported by ``glasstorch/__init__.py`` and reached by ``torch.ops.aten`` (_aten_losses.SCHEMAS).

    convolution(x, w, b, stride, padding, dilation, transposed, output_padding, groups)
        = conv{N}d(x, w, b, stride, padding, dilation, groups)                    (transposed False)
        = conv_transpose{N}d(x, w, b, stride, padding, output_padding, groups, dilation)
    with N = w.dim() - 2; the size lists are ``SymInt[]``: a list or tuple of ints, never one int.
"""
import operator

__all__ = ["convolution", "_softmax", "_log_softmax"]

_POSITIONS = {"stride": 4, "padding": 5, "dilation": 6, "output_padding": 8}


def _int_list(value, name):
    """A ``SymInt[]`` argument as torch's parser takes it (anything with ``__index__`` as an item)."""
    from ._arg_parser import tp_name
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"convolution(): argument '{name}' (position {_POSITIONS[name]}) must be tuple of ints, not "
                        f"{tp_name(value)}")
    out = []
    for i, v in enumerate(value):
        if isinstance(v, bool) or not hasattr(type(v), "__index__"):
            raise TypeError(f"convolution(): argument '{name}' (position {_POSITIONS[name]}) must be tuple of ints, "
                            f"but found element of type {tp_name(v)} at pos {i}")
        out.append(operator.index(v))
    return out


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    from .nn import functional as F
    from .nn._ops.number_args import bool_arg, int_arg
    stride, padding, dilation, output_padding = (_int_list(v, n) for v, n in (
        (stride, "stride"), (padding, "padding"), (dilation, "dilation"), (output_padding, "output_padding")))
    transposed = bool_arg(transposed, "convolution", "transposed", 7)
    groups = int_arg(groups, "convolution", "groups", 9)
    if weight.dim() < 3:
        raise RuntimeError("weight should have at least three dimensions")
    nd = weight.dim() - 2
    if nd > 3:                  # (no conv{N}d to hand it to: torch's check of the first list it expands)
        raise RuntimeError(f"expected stride to be a single integer value or a list of {nd} values to match the "
                           f"convolution dimensions, but got stride={stride}")
    if transposed:
        return getattr(F, f"conv_transpose{nd}d")(input, weight, bias, stride, padding, output_padding, groups,
                                                  dilation)
    return getattr(F, f"conv{nd}d")(input, weight, bias, stride, padding, dilation, groups)


def _kernel(fn, input, dim, half_to_float):
    from .nn import functional as F
    from .nn._ops.number_args import bool_arg, int_arg
    dim = int_arg(dim, fn, "dim", 2)
    if bool_arg(half_to_float, fn, "half_to_float", 3):
        raise RuntimeError("softmax with half to float conversion is not supported on CPU")
    return getattr(F, fn.lstrip("_"))(input, dim)


def _softmax(input, dim, half_to_float):
    """softmax(x, dim); ``half_to_float`` (a half input, a float result) is CUDA's only."""
    return _kernel("_softmax", input, dim, half_to_float)


def _log_softmax(input, dim, half_to_float):
    return _kernel("_log_softmax", input, dim, half_to_float)
