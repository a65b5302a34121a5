"""Running extremes and the running log-sum-exp along one dim: cummax, cummin, logcumsumexp."""
import math

import numpy as np

from ..autograd.graph import Node
from .._return_types import return_type
from ._common import GRAD, _wrap, record1
from ._complex_refuse import refuse, refuse_complex_reduction
from .shape import is_array
from .._tensor import _wrap_dim

cummax_ret = return_type("cummax", ["values", "indices"])
cummin_ret = return_type("cummin", ["values", "indices"])


def _running(x, d, better):
    """Values and indices of the running extreme along d; a later equal value takes over (torch's
    >= / <=), and a NaN, once met, stays."""
    xm = np.moveaxis(x, d, -1)
    vals = np.empty_like(xm)
    idx = np.empty(xm.shape, np.int64)
    if xm.shape[-1] == 0:
        return np.moveaxis(vals, -1, d), np.moveaxis(idx, -1, d)
    cur = xm[..., 0].copy()
    cur_i = np.zeros(cur.shape, np.int64)
    vals[..., 0], idx[..., 0] = cur, 0
    for k in range(1, xm.shape[-1]):
        v = xm[..., k]
        if x.dtype.kind == "f":
            take = np.isnan(v) | (~np.isnan(cur) & better(v, cur))
        else:
            take = better(v, cur)
        cur = np.where(take, v, cur)
        cur_i = np.where(take, k, cur_i)
        vals[..., k], idx[..., k] = cur, cur_i
    return np.moveaxis(vals, -1, d), np.moveaxis(idx, -1, d)


class CummaxBackward0(Node):
    """(y, i) = cummax(x, d)   ->   dx = zeros.scatter_add(d, i, g)"""
    __slots__ = ("dim", "indices", "shape")

    def backward(self, g):
        self.saved()            # (freed after a backward, version-checked: torch saves self and the indices)
        if is_array(g):
            out = np.zeros(self.shape, g.dtype)
            grid = list(np.indices(self.indices.shape, sparse=True))
            grid[self.dim] = self.indices
            np.add.at(out, tuple(grid), g)
            return (out,)
        m = self.m
        return (m.zeros(self.shape, dtype=g.dtype).scatter_add(self.dim, m.tensor(self.indices), g),)


class CumminBackward0(CummaxBackward0):
    """(y, i) = cummin(x, d)   ->   dx = zeros.scatter_add(d, i, g)"""
    __slots__ = ()


def _cum_extreme(input, dim, better, node_cls, ret):
    x = input._data
    name = ret.__name__
    if x.ndim == 0 and dim not in (-1, 0):
        raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    if x.size == 0 or x.ndim == 0:
        # torch copies an empty input (before it looks at dim: any dim will do) or a 0-d one, with no kernel,
        # so no dtype check: a complex one fails only where autograd refuses its output
        refuse_complex_reduction(name + "_cpu", name, x, GRAD.enabled and input._rg, False)
        n = max(x.ndim, 1)
        d = dim % n if -n <= dim < n else 0
        vals, idx = x.copy(), np.zeros(x.shape, np.int64)
    else:
        d = _wrap_dim(dim, x.ndim)
        refuse(name + "_cpu", x)
        if x.dtype == np.bool_:
            x = x.astype(np.uint8)
        vals, idx = _running(x, d, better)
    vals = vals.astype(input._data.dtype)
    if not x.flags.c_contiguous:       # torch's cummax/cummin allocate contiguous outputs
        from ._layout import contig
        vals, idx = contig(vals), contig(idx)
    v, i = _wrap(vals), _wrap(idx)
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.dim, node.indices, node.shape = (d if x.ndim else 0), idx, x.shape
        node.save(input, i)
        record1(node, v, input)
    return ret(v, i)


def cummax(input, dim, *, out=None):
    return _cum_extreme(input, dim, np.greater_equal, CummaxBackward0, cummax_ret)


def cummin(input, dim, *, out=None):
    return _cum_extreme(input, dim, np.less_equal, CumminBackward0, cummin_ret)


def _log_add_exp(x, acc):
    """torch's step, in double (the CPU kernel's accumulator type): max + log1p(exp(min - max));
    equal infinities (min == max, not finite) give x."""
    lo = np.where(np.isnan(acc), acc, np.minimum(x, acc))
    hi = np.where(np.isnan(acc), acc, np.maximum(x, acc))
    with np.errstate(invalid="ignore", over="ignore"):
        r = np.log1p(np.exp(lo - hi)) + hi
    keep = (lo == hi) & ~np.isfinite(lo)
    return np.where(keep, x, r)


def _log_add_exp_row(row):
    """The running scan of one row with Python floats (the C library's exp / log1p, as torch's kernel):
    the same step as ``_log_add_exp``, without NumPy's per-call cost (a Cox loss scans 1-d risk sets)."""
    out, acc = [], -math.inf
    for x in row.tolist():
        if acc == acc:                                  # a nan accumulator stays
            lo, hi = (acc, x) if acc < x else (x, acc)  # std::min / std::max: x when x is nan
            acc = math.log1p(math.exp(lo - hi)) + hi if lo != hi or math.isfinite(lo) else x
        out.append(acc)
    return out


def _logcumsumexp(x, d):
    xm = np.moveaxis(x, d, -1)
    out = np.empty_like(xm)
    rows = xm.reshape(-1, xm.shape[-1]) if xm.shape[-1] else xm.reshape(0, 0)
    if len(rows) <= 32:                                 # few rows: scalar scans are faster
        flat = out.reshape(rows.shape)
        for i, row in enumerate(rows):
            flat[i] = _log_add_exp_row(row)
        return np.moveaxis(flat.reshape(xm.shape), -1, d)
    acc = np.full(xm.shape[:-1], -np.inf, np.float64)
    for k in range(xm.shape[-1]):
        acc = _log_add_exp(xm[..., k].astype(np.float64), acc)
        out[..., k] = acc
    return np.moveaxis(out, -1, d)


class LogcumsumexpBackward0(Node):
    """y = logcumsumexp(x, d)   ->   dx = exp(x + revlcse(log g+ - y)) - exp(x + revlcse(log g- - y)),
    revlcse the reversed running log-sum-exp (g split by sign so the logs exist)"""
    __slots__ = ("dim",)

    def backward(self, g):
        import glasstorch as m
        x, y = self.saved()
        plain = is_array(g)
        if plain:                  # glasstorch's own exp/log, so the roundings are torch's
            g, x, y = _wrap(g), _wrap(x), _wrap(y)
        d = self.dim

        def rev(t):
            return m.logcumsumexp(t.flip(d), d).flip(d)
        low = m.tensor(float(np.finfo(g._data.dtype).min), dtype=g.dtype)
        lg = g.abs().log()
        pos = rev(m.where(g > 0, lg, low) - y)
        neg = rev(m.where(g < 0, lg, low) - y)
        r = (pos + x).exp() - (neg + x).exp()
        return (r._data if plain else r,)


def logcumsumexp(input, dim, *, out=None):
    x = input._data
    values, node_cls = _logcumsumexp, LogcumsumexpBackward0
    if x.dtype.kind != "f":
        if x.dtype.kind != "c":
            from .inplace import type_name
            raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{type_name(x.dtype)}\'')
        from . import complex_ops2        # torch's complex step and its complex gradient
        values, node_cls = complex_ops2.logcumsumexp_values, complex_ops2.LogcumsumexpBackward0
    d = _wrap_dim(dim, x.ndim)
    from ._layout import contig
    r = _wrap(contig(values(x, d)) if x.ndim else x.copy())
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.dim = d if x.ndim else 0
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


__all__ = ["cummax", "cummin", "logcumsumexp"]
