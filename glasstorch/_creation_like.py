"""The memory layout of ``zeros_like`` / ``ones_like`` / ``empty_like`` / ``full_like`` results."""
from ._creation import _check_rg, _wrap


def filled_like(input, r, requires_grad, memory_format):
    """A ``*_like`` result laid out as torch lays it out: preserve_format keeps a dense input's strides
    (a channels_last input gives a channels_last result), otherwise its suggested memory format."""
    d, fmt = input._data, getattr(memory_format, "name", None)
    if fmt in (None, "preserve_format"):
        if not d.size:          # torch keeps an empty tensor's strides
            from ._empty_strides import strided_like
            r._data = strided_like(r._data, d)
            return r
        from .ops._layout import is_canonical
        if d.ndim < 2 or is_canonical(d):
            return r
        # a dense input's strides; a non-dense one (a slice, an expanded tensor) gives a dense result with its
        # dims in TensorIterator's order (torch's infer_dense_strides; ops/_layout.py)
        from ._tensor_random import empty_like_strides
        out = empty_like_strides(d, r._data.dtype)
        out[...] = r._data
        return _check_rg(_wrap(out), requires_grad)
    if fmt == "contiguous_format":
        return r
    from .ops.conversion import layout_copy
    return _check_rg(_wrap(layout_copy(r._data, fmt)), requires_grad)
