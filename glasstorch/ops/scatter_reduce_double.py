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
    g1 = g if tuple(g.shape) == xd.shape else g.reshape(xd.shape)     # (no ViewBackward0 when nothing folds)
    if red == "prod":               # scatter_reduce_prod_double.py
        from .scatter_reduce_prod_double import prod_graph_grads
        gx, gs = prod_graph_grads(node, m, g1, x.reshape(xd.shape), src, y.reshape(xd.shape))
    elif red == "sum":                  # (only scatter_reduce sums: torch's g.gather(d, i), GatherBackward0)
        gx, gs = g1, _gathered(node, m, g1)
    elif red == "mean":                 # torch: g / N and g read at the index / N read there (DivBackward0)
        n = node.count.astype(dt)
        gx, gs = g1 / _wrap(n), _gathered(node, m, g1) / _wrap(n[node.where].reshape(_index_shape(node)))
    else:
        self_is = (xd == yd).astype(dt)
        src_is = (src._data[node.region] == yd[node.where]).astype(dt)
        n = self_is.copy()
        np.add.at(n, node.where, src_is)
        share = g1 / _wrap(n)           # torch: the masks times the shares (MulBackward0 over [None, Div...])
        gx, gs = _wrap(self_is) * share, _wrap(src_is.reshape(_index_shape(node))) * _gathered(node, m, share)
    if not node.include_self:           # torch: grad_self.scatter(d, i, 0) / .index_fill(d, i, 0)
        gx = _zero_at_index(node, m, gx)
    if tuple(gx.shape) != tuple(x.shape):      # (a 0-d self was folded to 1-d)
        gx = gx.reshape(tuple(x.shape))
    full = tuple(node.src_shape)
    if node.index_shape != full:            # an index smaller than src: torch's shapes (or errors)
        from ._scatter_src_grad import graph_src_grad
        exact = graph_src_grad(node, m, g1, x.reshape(xd.shape), src, y.reshape(xd.shape))
        if exact is not None:
            return gx, exact
    if gs.numel() == 0:
        gs = m.zeros(full, dtype=g.dtype)
    elif tuple(gs.shape) != full:          # src beyond the index's extent gets no gradient
        gs = gs.reshape(gs.shape[:len(full)] if len(full) else ())
        pad = []
        for have, want in reversed(list(zip(gs.shape, full))):
            pad += [0, want - have]
        gs = m.nn.functional.pad(gs, pad)
    return gx, gs


def _index_shape(node):
    """The shape of g read at the index: scatter_reduce's index's, index_reduce's source's."""
    idx = getattr(node, "index", None)
    if idx is None or node.reduce_kind == "index":
        return tuple(np.shape(node.where[0])) if node.where else ()
    return tuple(idx.shape)


def _gathered(node, m, g1):
    """torch's ``g1.gather(d, i)`` (scatter_reduce) or ``g1.index_select(d, i)`` (index_reduce), or ``g1``
    read at the index where the node lacks them."""
    idx = getattr(node, "index", None)
    if idx is not None and idx.size and g1.dim() and node.reduce_kind == "index":
        return g1.index_select(node.dim, _wrap(np.asarray(idx, np.int64).reshape(-1)))
    if idx is None or g1.dim() != idx.ndim or not idx.size:
        return g1[tuple(_wrap(np.asarray(w, np.int64)) for w in node.where)]
    return g1.gather(node.dim, _wrap(np.asarray(idx, np.int64)))


def _zero_at_index(node, m, gx):
    """gx with the positions the index reaches zeroed: scatter_reduce's gx.scatter(d, i, 0)
    (ScatterBackward1), index_reduce's gx.index_fill(d, i, 0) (IndexFillBackward0)."""
    idx = getattr(node, "index", None)
    if idx is not None and gx.dim() and (idx.ndim == gx.dim() or node.reduce_kind == "index"):
        i = _wrap(np.asarray(idx, np.int64))
        return gx.index_fill(node.dim, i, 0) if node.reduce_kind == "index" else gx.scatter(node.dim, i, 0)
    mask = np.zeros(tuple(gx.shape), bool)
    _one_d(mask)[node.where] = True
    return gx.masked_fill(_wrap(mask), 0)
