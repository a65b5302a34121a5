"""Average pooling over 1-, 2- and 3-d windows, and adaptive average pooling.

    avg:       y[i] = sum(x over window i) / divisor[i]        (divisor: the window's size, less
               its padding when ``count_include_pad=False``, or ``divisor_override``)
    adaptive:  y[i] = mean(x over bin i), bin i = [floor(i n / o), ceil((i + 1) n / o)) per axis
Both backwards spread g evenly back over each window or bin.
"""
import itertools
import math

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from ...ops.conversion import keep_format
from .pooling import _padded, _tap_slices
from ...ops._complex_refuse import refuse
from . import pool_checks as pc
from .pool_checks import pool_geometry


def _divisors(n, k, s, p, o, count_include_pad):
    """Per output position along one axis: how many elements its window averages."""
    start = np.arange(o) * s - p
    end = np.minimum(start + k, n + p)
    size = end - start
    if not count_include_pad:
        size = np.minimum(end, n) - np.maximum(start, 0)
    return size


def _tap_sum(xp, k, s, out):
    """Each window's sum as torch's kernel adds it: from 0, tap after tap in row-major order (a
    pairwise sum can differ in the last bit); half precision adds in float32, as torch's opmath does."""
    acc = np.zeros(xp.shape[:2] + tuple(out), np.float32 if xp.dtype == np.float16 else xp.dtype)
    for sl in _tap_slices(k, s, (1,) * len(k), out):
        acc += xp[sl]
    return acc


class _AvgPoolBackward(Node):
    """y = window sum / divisor   ->   every element of a window gets g / divisor"""
    __slots__ = ("geo", "xshape", "div")

    def backward(self, g):
        k, s, p, out, padded = self.geo
        nd = len(k)
        if not isinstance(g, np.ndarray):                 # create_graph: recorded, see linear_double
            from .linear_double import linear_double
            return (linear_double(self, g, self._average),)
        g = g.reshape((-1,) + g.shape[-nd - 1:]) if g.ndim == nd + 2 else g[None]
        gd = g / self.div
        gx = np.zeros(g.shape[:2] + padded, g.dtype)
        # torch adds output after output (row-major) into each input: for one input that is the
        # taps in reverse row-major order
        for sl in reversed(_tap_slices(k, s, (1,) * nd, out)):
            gx[sl] += gd
        inside = (Ellipsis,) + tuple(slice(pp, pp + m) for pp, m in zip(p, self.xshape[-nd:]))
        return (gx[inside].reshape(self.xshape),)


    def _average(self, a):
        """The forward's map on ``a`` (shaped as the input), by the forward's arithmetic."""
        k, s, p, out, padded = self.geo
        nd = len(k)
        a = a.reshape((-1,) + a.shape[-nd - 1:]) if a.ndim == nd + 2 else a[None]
        return _tap_sum(_padded(a, p, k, s, (1,) * nd, out, 0), k, s, out) / self.div


class AvgPool2DBackward0(_AvgPoolBackward):
    __slots__ = ()


class AvgPool3DBackward0(_AvgPoolBackward):
    __slots__ = ()


_AVG_NODES = {2: AvgPool2DBackward0, 3: AvgPool3DBackward0}


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, nd):
    """The shared body of ``avg_pool2d`` and ``avg_pool3d`` (``nd`` spatial dims)."""
    x = input._data
    k, s, p, d, out = pool_geometry("avg", nd, x.shape, kernel_size, stride, padding, 1, ceil_mode,
                                    divisor_override)
    refuse("avg_pool2d" if nd == 2 else "avg_pool3d_out_frame", x)
    if x.dtype.kind in "biu" and x.dtype != np.int64 or nd == 3 and x.dtype == np.float16:
        from ...ops._complex_refuse import not_implemented     # (of the integers only int64 has a kernel)
        raise not_implemented("avg_pool2d" if nd == 2 else "avg_pool3d_out_frame", x.dtype)
    xshape = x.shape
    if x.ndim == nd + 1:
        x = x[None]
    xp = _padded(x, p, k, s, d, out, 0)
    win = _tap_sum(xp, k, s, out)
    if divisor_override:
        div = np.asarray(divisor_override, x.dtype)
    else:
        div = 1
        for n, kk, ss, pp, o in zip(x.shape[2:], k, s, p, out):
            div = np.multiply.outer(div, _divisors(n, kk, ss, pp, o, count_include_pad))
        div = div.astype(x.dtype)
    res = win / div
    res = np.ascontiguousarray(res.astype(x.dtype).reshape(xshape[:-nd] + res.shape[-nd:]))
    r = _wrap(keep_format(res, input._data) if nd == 2 else res)     # (3-d: torch's CPU output is contiguous)
    if GRAD.enabled and input._rg:
        node = _AVG_NODES[nd]()
        node.geo = (k, s, p, out, xp.shape[2:])
        node.xshape = xshape
        node.div = div
        record1(node, r, input)
    return r


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """torch runs 1-d average pooling as 2-d on an unsqueezed input, then squeezes."""
    from ...ops.shape import squeeze, unsqueeze
    k, st, p, _ = pc.pool1d_args("avg_pool1d", input.shape, kernel_size, stride, padding)
    out = avg_pool2d(unsqueeze(input, -2), (1, k), (1, st), (0, p), ceil_mode, count_include_pad)
    return squeeze(out, -2)


# ---- adaptive average pooling ---------------------------------------------------------------------
class _AdaptiveAvgPoolBackward(Node):
    """Each output averages its bin; g spreads back evenly over it."""
    __slots__ = ("bins", "xshape")

    def backward(self, g):
        nd = len(self.bins)
        if not isinstance(g, np.ndarray):                 # create_graph: recorded, see linear_double
            from .linear_double import linear_double
            return (linear_double(self, g, self._average),)
        pc.check_grad_nonempty(g.shape, f"adaptive_avg_pool{nd}d")
        gx = np.zeros(self.xshape, g.dtype)
        for idx, box in _boxes(self.bins):
            gx[(Ellipsis,) + tuple(slice(a, b) for a, b in box)] += _per_bin(g[(Ellipsis,) + idx], box)[
                (Ellipsis,) + (None,) * nd]
        return (gx,)


    def _average(self, a):
        """The forward's map on ``a`` (shaped as the input): each bin's mean, as the forward takes it."""
        nd = len(self.bins)
        a = a.reshape(self.xshape)
        res = np.empty(a.shape[:-nd] + tuple(len(b) for b in self.bins), a.dtype)
        for idx, box in _boxes(self.bins):
            res[(Ellipsis,) + idx] = _bin_mean(a[(Ellipsis,) + tuple(slice(lo, hi) for lo, hi in box)], box)
        return res


class AdaptiveAvgPool2DBackward0(_AdaptiveAvgPoolBackward):
    __slots__ = ()


class AdaptiveAvgPool3DBackward0(_AdaptiveAvgPoolBackward):
    __slots__ = ()


_ADAPTIVE_NODES = {2: AdaptiveAvgPool2DBackward0, 3: AdaptiveAvgPool3DBackward0}


def _per_bin(v, box):
    """v divided by the bin's size one axis at a time (depth,) height, then width, as torch's kernels
    divide (``sum / kh / kw``), forward and backward."""
    for a, b in box:
        v = v / v.dtype.type(b - a)
    return v


def _bin_mean(win, box):
    """The mean of one bin ``win`` (its last len(box) axes) as torch's kernels take it (contiguous and
    channels-last alike): a running sum in (d,) h, w order, then divided per axis."""
    nd = len(box)
    flat = win.reshape(win.shape[:-nd] + (math.prod(win.shape[-nd:]),))
    if not flat.size:
        return _per_bin(flat.sum(axis=-1), box)
    return _per_bin(np.cumsum(flat, axis=-1)[..., -1], box)        # a running sum, strictly left to right


def _bins(n, o):
    return [(math.floor(i * n / o), math.ceil((i + 1) * n / o)) for i in range(o)]


def _boxes(bins):
    """(output index, per-axis (start, end)) of every output position."""
    for pairs in itertools.product(*(list(enumerate(b)) for b in bins)):
        yield tuple(i for i, _ in pairs), tuple(box for _, box in pairs)


def _adaptive_avg_pool(input, output_size, nd):
    """torch: output sizes >= 0; to size 1 a mean over the last ``nd`` dims; else rank and
    non-empty checks (2-d: the last two dims; 3-d: every non-batch dim, before the rank)."""
    x = input._data
    fn = f"adaptive_avg_pool{nd}d"
    out = pc.adaptive_size(pc.list_with_default(output_size, x.shape), nd, fn)
    pc.check_adaptive_nonneg(out, fn)
    if out == (1,) * nd:
        from ._util import mean_of
        dims = tuple(range(-1, -nd - 1, -1))
        if x.dtype.kind not in "fc":        # mean() checks the dtype before the dims
            from ...ops.inplace import type_name
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                               f"complex dtype. Got: {type_name(x.dtype)}")
        pc.check_reduce_dims(x.shape, dims)
        r = mean_of(input, dims, True)
        from ...ops._layout import cl_strides
        from ...ops.conversion import _suggested_format
        if x.ndim == nd + 2 and x.size and _suggested_format(x) != "contiguous_format":
            from ...ops.as_strided import as_strided_      # torch restrides the mean to channels_last(_3d)
            as_strided_(r, r.shape, cl_strides(r.shape))
        return r
    if nd == 2:
        if x.ndim not in (3, 4):
            raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {pc.sizes(x.shape)}")
        pc.check_nonempty(x.shape, fn, (-2, -1))
    else:
        pc.check_nonempty(x.shape, fn, range(1, x.ndim))
        if x.ndim not in (4, 5):
            raise RuntimeError(f"adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got {pc.sizes(x.shape)}")
    empty_2d = nd == 2 and 0 in x.shape[:-nd] + out      # the 2-d kernel returns before its dtype dispatch
    if x.dtype.kind != "f" and not empty_2d:     # no integer, bool or complex kernel
        from ...ops._complex_refuse import not_implemented
        raise not_implemented("adaptive_avg_pool2d" if nd == 2 else "adaptive_avg_pool3d_cpu", x.dtype)
    bins = tuple(_bins(n, o) for n, o in zip(x.shape[-nd:], out))
    # torch's 2-d kernel sums and divides half in float (its opmath type), rounding once at the end;
    # the 3-d kernel stays in the input's dtype
    src = x.astype(np.float32) if nd == 2 and x.dtype == np.float16 else x
    res = np.empty(x.shape[:-nd] + out, src.dtype)
    for idx, box in _boxes(bins):
        res[(Ellipsis,) + idx] = _bin_mean(src[(Ellipsis,) + tuple(slice(a, b) for a, b in box)], box)
    res = res.astype(x.dtype, copy=False)
    r = _wrap(keep_format(res, x) if nd == 2 else res)     # (3-d: torch's CPU output is contiguous)
    if GRAD.enabled and input._rg:
        node = _ADAPTIVE_NODES[nd]()
        node.bins = bins
        node.xshape = x.shape
        record1(node, r, input)
    return r


def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg_pool(input, output_size, 2)


def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg_pool(input, output_size, 3)


def adaptive_avg_pool1d(input, output_size):
    """torch: rank 2 or 3, one int, then adaptive_avg_pool2d on ``unsqueeze(-2)``, squeezed."""
    from ...ops.shape import squeeze, unsqueeze
    pc.parsed_output_size(output_size, "adaptive_avg_pool1d")
    pc.check_dim_range(input.shape, 2, 4, "adaptive_avg_pool1d")
    o = pc.one_int(output_size, "adaptive_avg_pool1d", "output_size")
    return squeeze(adaptive_avg_pool2d(unsqueeze(input, -2), (1, o)), -2)
