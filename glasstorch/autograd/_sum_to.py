"""Undoing broadcasting: a gradient summed down to the shape of the tensor it belongs to.

The engine calls ``sum_to`` for every gradient whose shape differs from its tensor's (``engine._fit``);
op formulas never un-broadcast themselves.  The sums follow torch's orders where they are modelled
(``ops/_sum_order.py``), so a bias's gradient is what ``x.sum(0)`` gives, as in torch."""
import numpy as np

from .graph import MODE
from ..ops import _parallel
from ..ops._sum_order import axes_sum


def sum_to(g, shape):
    """Sum ``g`` down to ``shape``: extra leading axes, then axes where ``shape`` has size 1."""
    gshape = g.shape
    if gshape == shape:
        return g
    if MODE.create:
        return g.sum_to_size(shape) if len(shape) else g.sum()
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if axes:
        if g.dtype == np.float16:       # torch adds half in float (its opmath type), rounding once
            return g.sum(axis=axes, dtype=np.float32).astype(np.float16).reshape(shape)
        if shape.count(1) == len(shape) and g.dtype.char in "fd" and g.size > 1:
            # down to one number (a scalar weight broadcast over a batch): torch's order for a
            # whole sum, so that a printed w.item() matches
            from ..ops.reduction import sum_all
            return np.asarray(sum_all(g)).reshape(shape)
        k = len(axes)
        if (axes == tuple(range(len(gshape) - k, len(gshape))) and g.dtype.char in "fdFD"
                and g.flags.c_contiguous and 0 < g.size < _parallel.MIN_SIZE):     # (one thread's order)
            # a tensor broadcast along trailing axes (a.unsqueeze(-1) * b): torch sums each row of
            # the gradient as ``x.sum(-1)`` does
            rows = g.reshape(-1, int(np.prod(gshape[len(gshape) - k:])))
            if g.dtype.char in "fd":
                from ..ops._sum_order import inner_sums
                return inner_sums(rows).astype(g.dtype, copy=False).reshape(shape)
            from ..ops._sum_order_complex import _row
            return np.array([_row(r) for r in rows], g.dtype).reshape(shape)
        if axes[-1] < len(gshape) - 1:
            # a bias's gradient, summed over the batch (or a tensor broadcast along middle axes): in
            # torch's order, as ``x.sum(0)`` / ``x.sum((0, 2))`` add it
            r = axes_sum(g, set(axes))
            if r is not None:
                return r.reshape(shape)
        g = g.sum(axis=axes)
    return g.reshape(shape)
