"""The gradient of a scatter's ``src`` when the index covers only part of it (torch allows an index
smaller than src in every dim; the rest of src is never read).

torch's formulas do not pad that gradient with zeros: they read the output gradient back at the index,

    scatter, scatter_add, scatter_reduce sum / mean:   dsrc = g.gather(d, i)          (index-shaped)
    scatter_reduce amax / amin:   dsrc = (src == y.gather(d, i)) * (g / n).gather(d, i)
    scatter_reduce prod:          dsrc = where(single zero, (g r').gather(d, i),
                                               (g y).gather(d, i) / src.masked_fill(src == 0, 1))

where the amax / amin / prod ones broadcast src against the index-shaped terms (an error where those
shapes do not broadcast), and the engine then checks the result against src's shape (validate_outputs):
it must be src's shape, or one src expands to (then summed down), or backward fails with "returned an
invalid gradient".  This module gives the same results and the same errors.
"""
import numpy as np

from ._common import broadcast_error


def check(node, got):
    """torch's validate_outputs for the src gradient (input 1 of the node) of shape ``got``."""
    want, got = tuple(node.src_shape), tuple(got)
    if got == want:
        return
    if len(want) <= len(got) and all(w == g or w == 1 for w, g in zip(want[::-1], got[::-1])):
        return              # the engine sums it down to src's shape
    raise RuntimeError(f"Function {type(node).__name__} returned an invalid gradient at index 1 - got "
                       f"{list(got)} but expected shape compatible with {list(want)}")


def _at_index(a, where, ishape):
    """``a.gather(d, i)``: ``a`` (at least 1-d) read at the index positions, in the index's shape."""
    if int(np.prod(ishape)) == 0:
        return np.zeros(ishape, a.dtype)
    return a[where].reshape(ishape)


def _broadcast(sshape, ishape):
    try:
        return np.broadcast_shapes(sshape, ishape)
    except ValueError:
        raise broadcast_error(sshape, ishape) from None


def reduce_src_grad(node, x, src, y, g):
    """dsrc of ``scatter_reduce`` for an index smaller than src, as torch computes it (see above).
    ``x``, ``y``, ``g``: self, the result and its gradient, at least 1-d; ``src``: the whole src."""
    from .scatter_reduce import _fold
    where, red, ishape = node.where, node.reduce, tuple(node.index_shape)
    dt = g.dtype
    if red in ("sum", "mean"):
        gs = _at_index(g if red == "sum" else g / node.count.astype(dt), where, ishape)
        check(node, gs.shape)
        return gs
    _broadcast(src.shape, ishape)
    if red in ("amax", "amin"):
        src_is = (src == _at_index(y, where, ishape)).astype(dt)
        n = (x == y).astype(dt)
        np.add.at(n, where, src_is[node.region])        # (scatter_add reads src_is within the index)
        gs = src_is * _at_index(g / n, where, ishape)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            zero = src == 0
            nzero = np.zeros(x.shape, dt)
            np.add.at(nzero, where, zero[node.region].astype(dt))
            single = zero & (_at_index(nzero, where, ishape) == 1)
            r_single, _ = _fold(x, where, np.where(single, 1, src)[node.region], "prod", node.include_self)
            gs = np.where(single, _at_index(g * r_single, where, ishape),
                          _at_index(g * y, where, ishape) / np.where(zero, 1, src))
    gs = np.asarray(gs, dt)
    check(node, gs.shape)
    return gs


def graph_src_grad(node, m, g1, x1, src, y1):
    """The same under create_graph for sum, mean, amax and amin, as recorded Tensor ops (``g1``, ``x1``,
    ``y1`` at least 1-d); None for prod (left to the padded formula of scatter_reduce_prod_double.py)."""
    from ._common import _wrap
    from .scatter_reduce_double import _gathered
    where, red, ishape = node.where, node.reduce, tuple(node.index_shape)
    if red == "prod":
        return None
    dt = g1._data.dtype
    empty = int(np.prod(ishape)) == 0

    def at_index(t):        # torch's t.gather(d, i) (GatherBackward0), in the index's shape (a 0-d one too)
        if empty:
            return m.zeros(ishape, dtype=t.dtype)
        r = _gathered(node, m, t)
        return r if tuple(r.shape) == ishape else r.reshape(ishape)
    if red in ("sum", "mean"):
        gs = at_index(g1)
        if red == "mean":
            gs = gs / _wrap(_at_index(node.count.astype(dt), where, ishape))
        check(node, tuple(gs.shape))
        return gs
    _broadcast(src.shape, ishape)
    yd = y1._data
    src_is = (src._data == _at_index(yd, where, ishape)).astype(dt)
    n = (x1._data == yd).astype(dt)
    np.add.at(n, where, src_is[node.region])
    gs = _wrap(src_is) * at_index(g1 / _wrap(n))
    check(node, tuple(gs.shape))
    return gs
