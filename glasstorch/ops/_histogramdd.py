"""torch.histogramdd: counts (weights summed) of the points of ``input`` (..., N) in an N-dimensional
grid of bins, each coordinate's bins given as a count (equal widths over the range or the data's span)
or as edges.  A point lands in bin ``searchsorted(edges, v, right) - 1`` per coordinate (the last edge
belongs to the last bin; points outside, or NaN, are skipped), which is what torch's linear
interpolation with local search and its binary search both give.  Sums run in the input's dtype, point
by point; ``density`` divides by the total, then by each bin's width along every coordinate."""
import numpy as np

from . import _histogram_checks as chk
from ._common import _wrap
from ._complex_refuse import not_implemented
from ._no_derivative import record_not_implemented
from .._return_types import return_type

_HistogramDD = return_type("histogramdd", ["hist", "bin_edges"])


def histogramdd(input, bins, *, range=None, weight=None, density=False):
    """hist[i_1..i_N] = sum of w over points p with edges_d[i_d] <= p_d < edges_d[i_d + 1] (last bin closed)"""
    import glasstorch
    x = input._data
    if x.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    n = x.shape[-1]
    given = isinstance(bins, (list, tuple)) and bins and isinstance(bins[0], glasstorch.Tensor)
    if isinstance(bins, (list, tuple)) and not given and len(bins) != n:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    pts = x.reshape(-1, n)
    w = None if weight is None else weight._data
    w_shape = [] if w is None else list(w.shape)
    if given:
        if len(bins) != n:
            raise RuntimeError(f"torch.histogramdd: expected {n} sequences of bin edges for a {n}-dimensional "
                               f"histogram but got {len(bins)}")
        for d, b in enumerate(bins):
            chk.check_edges(x, b._data, d)
        chk.check_weight(x, w, x.shape, w_shape)
        for d, b in enumerate(bins):
            chk.check_count(b._data.size - 1, d)
        edge_ts = tuple(bins)
    else:
        if x.dtype.kind != "f":
            raise not_implemented("histogramdd", x.dtype)
        counts = [int(bins)] * n if not isinstance(bins, (list, tuple)) else [int(b) for b in bins]
        outer = chk.outer_edges(pts, range)
        edge_ts = tuple(glasstorch.linspace(lo, hi, c + 1, dtype=input.dtype) for (lo, hi), c in zip(outer, counts))
        chk.check_weight(x, w, x.shape, w_shape)
        for d, c in enumerate(counts):
            chk.check_count(c, d)
    edges = [e._data for e in edge_ts]
    keep = np.ones(pts.shape[0], bool)
    pos = []
    for d, e in enumerate(edges):
        v = pts[:, d]
        keep &= (v >= e[0]) & (v <= e[-1])
        p = np.searchsorted(e, v, side="right") - 1
        pos.append(np.where(p == e.size - 1, e.size - 2, p))
    hist = np.zeros([e.size - 1 for e in edges], x.dtype)
    if w is None:                       # counts: exact in any order
        np.add.at(hist, tuple(p[keep] for p in pos), 1)
    else:                               # weights: in torch's per-thread chunks
        from ._histogram_threads import add_weights
        hist = add_weights(hist.shape, tuple(pos), keep, w.reshape(-1), x.dtype)
    if density:
        from .reduction import sum_all          # (the total in torch's order)
        hist = (hist / sum_all(hist)).astype(x.dtype)
        for d, e in enumerate(edges):
            shape = [1] * n
            shape[d] = e.size - 1
            hist = (hist / np.diff(e).reshape(shape)).astype(x.dtype)
    ins = [t for t in (input, weight) if t is not None]
    if not given:           # torch computes (and refuses a forward-mode tangent for) the edges first
        from ..autograd._no_forward_ad import refuse_forward_ad
        refuse_forward_ad("aten::_histogramdd_bin_edges", *ins, fallback=True)
    hist_t = record_not_implemented("_histogramdd_from_bin_" + ("tensors" if given else "cts"), _wrap(hist), *ins)
    if not given:
        edge_ts = tuple(record_not_implemented("_histogramdd_bin_edges", e, *ins) for e in edge_ts)
    return _HistogramDD(hist_t, edge_ts)
