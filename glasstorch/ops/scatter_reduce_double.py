"""scatter_reduce / index_reduce under ``create_graph``: the sum, mean, amax and amin gradients are g
times constants (1, the counts, the masks of the entries equal to the result), so they are written
here with Tensor ops and recorded; the product's (which depends on x and src) is written the same
way in scatter_reduce_prod_double.py.

    sum: dx = g, dsrc = g[i];   mean: both g / N;   amax/amin: g / n split among the x and src
    entries equal to y (n of them at each position)
"""
import numpy as np

from ._common import _wrap
from .gather import _one_d


def graph_grads(node, m, g, x, src, y):
    """(dx, dsrc) as recorded Tensors."""
    red = node.reduce
    xd, yd = _one_d(x._data), _one_d(y._data)
    dt = g._data.dtype
    g1 = g.reshape(xd.shape)
    where = tuple(_wrap(np.asarray(w, np.int64)) for w in node.where)
    if red == "prod":               # scatter_reduce_prod_double.py
        from .scatter_reduce_prod_double import prod_graph_grads
        gx, gs = prod_graph_grads(node, m, g1, x.reshape(xd.shape), src, y.reshape(xd.shape))
    elif red == "sum":
        gx, gs = g1, g1[where]
    elif red == "mean":
        share = g1 / _wrap(node.count.astype(dt))
        gx, gs = share, share[where]
    else:
        self_is = (xd == yd).astype(dt)
        src_is = (src._data[node.region] == yd[node.where]).astype(dt)
        n = self_is.copy()
        np.add.at(n, node.where, src_is)
        share = g1 / _wrap(n)
        gx, gs = share * _wrap(self_is), share[where] * _wrap(src_is)
    if not node.include_self:
        mask = np.zeros(xd.shape, bool)
        mask[node.where] = True
        gx = gx.masked_fill(_wrap(mask), 0)
    if tuple(gx.shape) != tuple(x.shape):      # (a 0-d self was folded to 1-d)
        gx = gx.reshape(tuple(x.shape))
    full = tuple(node.src_shape)
    if gs.numel() == 0:
        gs = m.zeros(full, dtype=g.dtype)
    elif tuple(gs.shape) != full:          # src beyond the index's extent gets no gradient
        gs = gs.reshape(gs.shape[:len(full)] if len(full) else ())
        pad = []
        for have, want in reversed(list(zip(gs.shape, full))):
            pad += [0, want - have]
        gs = m.nn.functional.pad(gs, pad)
    return gx, gs
