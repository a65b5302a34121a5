"""A NumPy view of ``x``'s memory with exactly the element strides torch would give a view op's result.

NumPy picks its own strides for size-1 dimensions (``expand_dims``, ``broadcast_to``) and
``broadcast_to`` returns read-only arrays; torch's views keep a geometry computed from the input's
strides and stay writable.  The view is built on the array that owns the memory, so ``_base``-chain
introspection (``storage_offset``, ``untyped_storage``) still reads as torch's.
"""
import numpy as np

from .storage import _root


def strided_view(x, shape, strides):
    """``x``'s memory seen with ``shape`` and ``strides`` (in elements), starting where ``x`` starts."""
    shape, item = tuple(shape), x.itemsize
    bstrides = tuple(int(s) * item for s in strides)
    if x.flags.c_contiguous and x.size:
        # the common case: x's own buffer (its base chain still leads to the owner of the memory)
        try:
            return np.ndarray(shape, x.dtype, buffer=x, strides=bstrides)
        except (TypeError, ValueError):
            pass
    root = _root(x)
    if root.flags.c_contiguous and root.size:
        off = x.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        if 0 in shape:
            off = min(off, root.nbytes)
        try:
            return np.ndarray(shape, x.dtype, buffer=root, offset=off, strides=bstrides)
        except (TypeError, ValueError):
            pass
    return np.lib.stride_tricks.as_strided(x, shape, bstrides, writeable=x.flags.writeable)


def view_strides(shape, strides, new_shape):
    """torch's computeStride: the strides a view of a tensor (``shape``, ``strides``) as ``new_shape`` has,
    or None when no view can (a new dim would span two separately strided chunks of the old ones).

    The old dims are cut into chunks, each a run of dims laid out one after the other in memory; walking
    both shapes from the back, each chunk's elements must be covered by whole new dims, which step
    through the chunk from its innermost stride (a new size-1 dim takes the stride it would have)."""
    if not shape:
        return (1,) * len(new_shape)
    numel = 1
    for n in shape:
        numel *= n
    if numel == 0:
        if tuple(shape) == tuple(new_shape):
            return tuple(strides)
        out, acc = [0] * len(new_shape), 1
        for d in range(len(new_shape) - 1, -1, -1):
            out[d] = acc
            acc *= max(new_shape[d], 1)
        return tuple(out)
    out = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    base, tensor_n, view_n = strides[-1], 1, 1
    for d in range(len(shape) - 1, -1, -1):
        tensor_n *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != tensor_n * base):     # a chunk ends here
            while view_d >= 0 and (view_n < tensor_n or new_shape[view_d] == 1):
                out[view_d] = view_n * base
                view_n *= new_shape[view_d]
                view_d -= 1
            if view_n != tensor_n:
                return None
            if d > 0:
                base, tensor_n, view_n = strides[d - 1], 1, 1
    return tuple(out) if view_d == -1 else None
