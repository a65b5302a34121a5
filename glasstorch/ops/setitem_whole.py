"""``x[:] = v``, ``x[...] = v``: an index that selects the whole tensor.

torch's indexing skips a slice that starts at 0, steps by 1 and reaches the end (``applySlice``
returns the tensor itself), so such a write is no write through a view: it is torch's ``copy_to``,
``x.copy_(v)`` (``CopyBackwards``) or, for a 0-d value or a Python number, ``x.fill_(v)``
(``FillBackward3``); and on a leaf that requires grad the error names the leaf, not a view of it.
"""
import numpy as np

from ._common import Tensor, _wrap


def is_whole(index, shape):
    """True if ``index`` (a tuple or a single item) holds only Ellipsis and slices torch skips."""
    items = index if isinstance(index, tuple) else (index,)
    if any(i is not Ellipsis and not isinstance(i, slice) for i in items) or \
            sum(i is Ellipsis for i in items) > 1:
        return False
    slices = [i for i in items if i is not Ellipsis]
    if len(slices) > len(shape):
        return False
    cut = items.index(Ellipsis) if Ellipsis in items else len(items)
    dims = list(range(cut)) + list(range(len(shape) - (len(items) - cut - 1), len(shape)))
    for s, d in zip(slices, dims):
        start = 0 if s.start is None else s.start
        step = 1 if s.step is None else s.step
        stop = shape[d] if s.stop is None else s.stop
        if not all(isinstance(n, (int, np.integer)) for n in (start, step, stop)):
            return False
        if start != 0 or step != 1 or stop < shape[d]:
            return False
    return True


def write_whole(input, value, scalar):
    """torch's ``copy_to(x, v)`` (``scalar``: a Python number ``value`` as setitem checked it)."""
    from .fill import copy_, fill_
    if not isinstance(value, Tensor):
        return fill_(input, _wrap(np.array(scalar, input._data.dtype)))
    if value.shape == input.shape:
        return copy_(input, value)
    if value.dim() == 0:
        return fill_(input, value)
    return copy_(input, copy_source(value, input.shape))


def copy_source(value, shape):
    """The value as torch's ``copy_to`` hands it to ``copy_``: viewed without its leading 1s, then
    expanded to ``shape`` (so a value that requires grad reaches the write through View/Expand nodes)."""
    if tuple(value.shape) == tuple(shape) or value.dim() == 0:
        return value
    kept = list(value.shape)
    while kept and kept[0] == 1:
        kept.pop(0)
    src = value.view(kept)
    return src if tuple(src.shape) == tuple(shape) else src.expand(shape)


def check_expand(vshape, tshape, dtype=np.float32):
    """torch's errors for a setitem value of shape ``vshape`` (and ``dtype``) that cannot fill ``tshape``:
    torch's copy_to views the value without its leading 1s and expands that, so the errors are expand's
    (the mismatch named is the last one, as expand walks from the last dim; the type is the value's)."""
    from .expand import expand
    kept = list(vshape)
    while kept and kept[0] == 1:
        kept.pop(0)
    # a zero-stride stand-in: only the shape and dtype matter for the checks
    expand(_wrap(np.broadcast_to(np.empty((), dtype), kept)), tuple(tshape))
