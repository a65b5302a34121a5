"""torch.segment_reduce: reduce consecutive runs of ``data`` along ``axis`` (lengths given per run, or
offsets), as torch's CPU kernel does it.

Each segment starts from ``initial`` (else the reduction's identity: 0, 1, -inf, inf) and takes its
values one after another (so float sums round as torch's loop rounds them); ``mean`` divides that sum
by the length; an empty segment is ``initial``, else the identity (``mean``: NaN).  The backward is
torch's ``_segment_reduce_backward``, quirks kept: max/min give the gradient to every element equal to
the result (or NaN), then divide only the positive ones by their count; prod gives ``(g * y) / x``, and
a zero element the gradient times the product of the others (from ``initial``)."""
import numpy as np

from ..autograd.graph import Node
from ._common import _wrap, needs_grad, record1
from .shape import is_array

_IDENTITY = {"sum": 0.0, "mean": 0.0, "prod": 1.0, "max": -np.inf, "min": np.inf}
_STEP = {"sum": np.add, "mean": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}


def _runs(lengths, axis):
    """(starts, lengths) as (B, S) int arrays: B rows of lengths (its leading dims), S runs each."""
    lens = lengths.reshape(-1, lengths.shape[-1]).astype(np.int64)
    starts = np.cumsum(lens, axis=1) - lens
    return starts, lens


def _reduce(x, starts, lens, reduce, initial):
    """x: (B, N, R) -> (B, S, R), each run folded in order from ``initial``."""
    b, s = lens.shape
    init = _IDENTITY[reduce] if initial is None else initial
    acc = np.full((b, s, x.shape[2]), init, dtype=x.dtype)
    step = _STEP[reduce]
    longest = int(lens.max(initial=0))
    if longest > b * s:             # few long runs: fold each run along its items (accumulate is in order)
        for i, j in zip(*np.nonzero(lens > 0)):
            run = x[i, starts[i, j]:starts[i, j] + lens[i, j]]
            acc[i, j] = step.accumulate(np.concatenate([acc[i, j][None], run]), axis=0)[-1]
    else:                           # many short runs: step k adds item k of every run at once
        rows = np.arange(b)[:, None]
        for k in range(longest):
            live = (lens > k) & (starts + k < x.shape[1])      # (B, S): runs going on at step k
            pos = np.where(live, starts + k, 0)
            acc = np.where(live[..., None], step(acc, x[rows, pos]), acc)
    if reduce == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = acc / lens[..., None].astype(x.dtype)
        empty = np.full_like(acc, np.nan) if initial is None else acc
        acc = np.where(lens[..., None] > 0, mean, empty)
    return acc


class SegmentReduceBackward0(Node):
    """y = segment_reduce(x, r, lengths)   ->   sum: dx = g of x's run,  mean: g / length,
    max/min: g where x == y (positive ones shared among the ties),  prod: (g * y) / x (zeros: g * the others)"""
    __slots__ = ("x", "y", "starts", "lens", "reduce", "initial", "shape", "axis", "data")

    def backward(self, g):
        ga = g if is_array(g) else g._data
        x, y, starts, lens = self.x, self.y, self.starts, self.lens
        b, n, r = x.shape
        owner = np.full((b, n), -1, np.int64)             # the run of every element (-1: none)
        for i in range(b):
            run = np.repeat(np.arange(lens.shape[1]), np.maximum(lens[i], 0))[:n]
            owner[i, starts[i, 0] if lens.shape[1] else 0:][:run.size] = run
        rows = np.arange(b)[:, None]
        inside = owner >= 0
        o = np.where(inside, owner, 0)
        gx = ga.reshape(b, -1, r)[rows, o]                  # (B, N, R): g of each element's run
        yx = y[rows, o]
        if self.reduce == "mean":
            gx = gx / lens[rows, o][..., None].astype(x.dtype)
        elif self.reduce in ("max", "min"):
            hit = (x == yx) | np.isnan(x)
            gx = np.where(hit, gx, 0).astype(x.dtype)
            count = np.zeros_like(y, dtype=np.int64)
            np.add.at(count, (np.broadcast_to(rows, o.shape)[inside], o[inside]), hit[inside])
            cx = count[rows, o]
            gx = np.where((cx >= 2) & (gx > 0), gx / cx.astype(x.dtype), gx)
        elif self.reduce == "prod":
            with np.errstate(invalid="ignore", divide="ignore"):
                gx = (gx * yx) / x
            for i, j in zip(*np.nonzero((x == 0).any(axis=2))):
                s, ln = starts[i, owner[i, j]], lens[i, owner[i, j]]
                others = np.full(r, 1.0 if self.initial is None else self.initial, x.dtype)
                for k in range(s, s + ln):
                    if k != j:
                        others = others * x[i, k]
                zero = x[i, j] == 0
                gx[i, j] = np.where(zero, ga.reshape(b, -1, r)[i, owner[i, j]] * others, gx[i, j])
        gx = np.where(inside[..., None], gx, 0).astype(x.dtype)
        out = gx.reshape(self.shape)
        if is_array(g):
            return (out,)
        # recording a graph: torch's _segment_reduce_backward has no derivative, so using this gradient raises
        from ..autograd._double_guard import refused
        return (refused(out, "derivative for aten::_segment_reduce_backward is not implemented", g, self.data),)


def segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0, unsafe=False,
                   initial=None):
    """out[..., s, ...] = reduce(data[..., start_s : start_s + length_s, ...]) along ``axis``"""
    if reduce not in ("sum", "prod", "mean", "max", "min", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    reduce = {"amax": "max", "amin": "min"}.get(reduce, reduce)
    from .._tensor import _wrap_dim
    x = data._data
    axis = _wrap_dim(axis, x.ndim)
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    from ..autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("segment_reduce", data)
    runs = (lengths if lengths is not None else offsets)._data
    if runs.dtype.kind not in "iu" or runs.dtype.itemsize < 4:
        from .inplace import type_name
        which = "lengths" if lengths is not None else "offsets"
        raise NotImplementedError(f"\"_segment_reduce_{which}_cpu_kernel1\" not implemented for "
                                  f"'{type_name(runs.dtype)}'")
    if x.ndim < runs.ndim:
        raise RuntimeError("Expected data.dim() >= lengths_value.dim() to be true, but got false.  (Could this "
                           "error message be improved?  If so, please report an enhancement request to PyTorch.)")
    if axis != runs.ndim - 1:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of lengths but got {axis}.")
    if lengths is not None and not unsafe:
        if runs.size and runs.min() < 0:
            raise RuntimeError("lengths contains negative value!")
        if not (runs.sum(axis=-1) == x.shape[axis]).all():
            raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum to "
                               "data.size(lengths.dim()-1) when !unsafe.")
    if x.dtype.kind != "f":
        from ._complex_refuse import not_implemented
        raise not_implemented("_segment_reduce_cpu", x.dtype)
    if lengths is not None:
        starts, lens = _runs(runs, axis)
    else:
        offs = runs.reshape(-1, runs.shape[-1]).astype(np.int64)
        starts, lens = offs[:, :-1], np.diff(offs, axis=1)
    lead, rest = x.shape[:axis], x.shape[axis + 1:]
    xb = x.reshape((int(np.prod(lead, dtype=np.int64)), x.shape[axis], int(np.prod(rest, dtype=np.int64))))
    init = None if initial is None else x.dtype.type(initial)
    y = _reduce(xb, starts, lens, reduce, init)
    out = _wrap(y.reshape(lead + (lens.shape[1],) + rest))
    if needs_grad(data):
        node = SegmentReduceBackward0()
        node.x, node.y, node.starts, node.lens, node.reduce, node.initial = xb, y, starts, lens, reduce, init
        node.shape, node.axis, node.data = x.shape, axis, data
        record1(node, out, data)
    return out


__all__ = ["segment_reduce"]
