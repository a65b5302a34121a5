"""``torch.pdist``: the p-norm distances between all pairs of rows of an N x M matrix, the upper
triangle of ``cdist(x, x)`` read row by row (pairs (0,1), (0,2), ..., (1,2), ...), N(N-1)/2 values.

    y_k = ||x_i - x_j||_p                 for the k-th pair i < j
    dy_k/dx_i = -dy_k/dx_j = c(d),  d = x_i - x_j, with torch's per-p formulas:
        p = 0: 0      p = 1: sign(d)      p = 2: d / y      p = inf: sign(d) [|d| == y]
        other p: d |d|^(p-2) / y^(p-1)    (0 where y == 0; for p < 1 also where d == 0)
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record, record1

INF = float("inf")


def _norms(d, p):
    ab = np.abs(d)
    if p == 0:
        return np.sum(ab != 0, axis=-1).astype(d.dtype)
    if p == 1:
        return np.sum(ab, axis=-1)
    if p == 2:
        return np.sqrt(np.sum(ab * ab, axis=-1))
    if p == INF:
        return np.max(ab, axis=-1) if ab.shape[-1] else np.zeros(ab.shape[:-1], d.dtype)
    return np.sum(ab ** p, axis=-1) ** (1.0 / p)


def _coef(d, y, p):
    """dy/dd for each pair (rows of d), y the pair's distance (a column)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0:
            return np.zeros_like(d)
        if p == 1:
            return np.sign(d)
        if p == 2:
            return np.where(y == 0, 0.0, d / y).astype(d.dtype)
        if p == INF:
            return (np.sign(d) * (np.abs(d) == y)).astype(d.dtype)
        c = d * np.abs(d) ** (p - 2) / y ** (p - 1)
        zero = (y == 0) | ((d == 0) & (p < 1))
        return np.where(zero, 0.0, c).astype(d.dtype)


class PdistBackward0(Node):
    """y_k = ||x_i - x_j||_p   ->   dx_i += g_k c(d_k),  dx_j -= g_k c(d_k)  (c: see the module doc)"""
    __slots__ = ("p", "rows")

    def backward(self, g):
        x, y = self.saved()
        if isinstance(g, np.ndarray):
            return (_grad(g, x, y, self.p, self.rows),)
        # recording a graph: torch's pdist gradient is itself not differentiable (see below)
        gx = _wrap(_grad(g.detach().numpy(), x.detach().numpy(), y.detach().numpy(), self.p, self.rows))
        if GRAD.enabled and (g._rg or x._rg or y._rg):
            record(PdistBackwardBackward0(), gx, g, x, y)
        return (gx,)


def _grad(g, x, y, p, rows):
    i, j = rows
    c = g[:, None] * _coef(x[i] - x[j], y[:, None], p)
    gx = np.zeros_like(x)
    np.add.at(gx, i, c)
    np.add.at(gx, j, -c)
    return gx


class PdistBackwardBackward0(Node):
    """The gradient of pdist's gradient: torch does not implement it, and says so."""
    __slots__ = ()

    def backward(self, g):
        raise NotImplementedError("the derivative for '_pdist_backward' is not implemented.")


def pdist(input, p=2):
    a = input._data
    if a.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {a.ndim}D")
    if a.dtype.kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    p = float(p)
    i, j = np.triu_indices(a.shape[0], 1)
    r = _wrap(np.asarray(_norms(a[i] - a[j], p), dtype=a.dtype))
    if GRAD.enabled and input._rg:
        node = PdistBackward0()
        node.p, node.rows = p, (i, j)
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r
