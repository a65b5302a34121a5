"""Max and average pooling over 1-d and 2-d windows, and adaptive average pooling.

Max pooling takes an elementwise maximum over the kernel taps (strided slices of the padded
input) and the first tap equal to it, both branch-free; its backward writes g into each tap's
slice when windows do not overlap, else scatters it with one ``bincount``.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _out_len(n, k, s, p, d, ceil):
    span = n + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= n + p:      # the last window must start inside the input or left pad
        out -= 1
    return out


def _geometry(x, kernel, stride, padding, dilation, ceil_mode):
    k = _pair(kernel)
    s = _pair(stride) if stride is not None and stride != [] and stride != () else k
    p, d = _pair(padding), _pair(dilation)
    h, w = x.shape[-2:]
    oh = _out_len(h, k[0], s[0], p[0], d[0], ceil_mode)
    ow = _out_len(w, k[1], s[1], p[1], d[1], ceil_mode)
    return k, s, p, d, oh, ow


def _padded(x, p, k, s, d, oh, ow, value):
    """Pad so every one of the (oh, ow) windows fits (ceil mode may need extra on the right)."""
    need_h = (oh - 1) * s[0] + d[0] * (k[0] - 1) + 1
    need_w = (ow - 1) * s[1] + d[1] * (k[1] - 1) + 1
    h, w = x.shape[-2:]
    extra_h = max(need_h - (h + 2 * p[0]), 0)
    extra_w = max(need_w - (w + 2 * p[1]), 0)
    if not (p[0] or p[1] or extra_h or extra_w):
        return x
    return np.pad(x, ((0, 0), (0, 0), (p[0], p[0] + extra_h), (p[1], p[1] + extra_w)), constant_values=value)


def _windows(xp, k, s, d, oh, ow):
    win = sliding_window_view(xp, ((k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1), axis=(2, 3))
    return win[:, :, ::s[0], ::s[1], ::d[0], ::d[1]][:, :, :oh, :ow]


def _taps(xp, k, s, d, oh, ow):
    """The strided slice of ``xp`` that each kernel tap (i, j) reads, in row-major tap order."""
    return [xp[:, :, i * d[0]:i * d[0] + s[0] * (oh - 1) + 1:s[0], j * d[1]:j * d[1] + s[1] * (ow - 1) + 1:s[1]]
            for i in range(k[0]) for j in range(k[1])]


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _first_inside(o, k, s, p, d):
    """Per output position along one axis: the first tap of its window inside the input (torch
    starts every window's search there, so a window of pads and -inf reports that element)."""
    start = np.arange(o) * s - p
    return np.minimum(np.maximum(-(start // d), 0), k - 1)


def _window_max(xp, k, s, d, oh, ow, padded, want_tap):
    """(max, tap) of every window: torch keeps the first maximum in row-major tap order (a NaN
    always takes over).  Fast path: an elementwise ``maximum`` over the taps, then the tap is the
    first one equal to it, all branch-free.  It differs from torch's scan only for NaN, for -0.0
    next to 0.0 and for a window whose maximum equals the padding, which take the exact scan."""
    taps = _taps(xp, k, s, d, oh, ow)
    m = taps[0].copy() if len(taps) == 1 else np.maximum(taps[0], taps[1])
    for v in taps[2:]:
        np.maximum(m, v, out=m)
    if xp.dtype.kind == "f" and (np.isnan(m.max()) or ((m == 0).any() and _has_negative_zero(xp))):
        return None
    if padded and (m == _lowest(xp.dtype)).any():
        return None
    if not want_tap:
        return m, None
    n = len(taps)
    if n == 1:
        return m, np.zeros(m.shape, np.uint8)
    small = n <= 256
    # tap = first j with v_j == m:  u_{n-1} = 0,  u_j = (v_j != m) * (1 + u_{j+1})
    u = np.not_equal(taps[n - 2], m)
    u = u.view(np.uint8) if small else u.astype(np.int32)
    for j in range(n - 3, -1, -1):
        u += 1
        ne = np.not_equal(taps[j], m)
        np.multiply(u, ne.view(np.uint8) if small else ne, out=u)
    return m, u


def _has_negative_zero(x):
    """-0.0 is the least float as a signed integer (its bits are the sign bit alone)."""
    bits = _bits(x)
    return bool(bits.min() == np.iinfo(bits.dtype).min)


def _window_max_scan(xp, k, s, p, d, oh, ow):
    """torch's scan, tap by tap: a tap takes over where it is greater or NaN; every window starts at
    its first tap inside the input."""
    taps = _taps(xp, k, s, d, oh, ow)
    shape = taps[0].shape
    first = (_first_inside(oh, k[0], s[0], p[0], d[0])[:, None] * k[1]
             + _first_inside(ow, k[1], s[1], p[1], d[1])[None, :])
    tap = np.empty(shape, np.uint8 if len(taps) <= 256 else np.int32)
    tap[...] = first
    best = np.full(shape, _lowest(xp.dtype), xp.dtype)
    better = np.empty(shape, bool)
    nan = xp.dtype.kind == "f"
    for j, v in enumerate(taps):
        np.greater(v, best, out=better)
        if nan:
            better |= np.isnan(v)
        np.copyto(best, v, where=better)
        np.copyto(tap, j, where=better)
    return best, tap


def _bits(a):
    return a.view(np.dtype(f"i{a.dtype.itemsize}"))


class MaxPool2DWithIndicesBackward0(Node):
    """y = max over each window   ->   dx[argmax] += g"""
    __slots__ = ("tap", "geo", "xshape", "padded")

    def backward(self, g):
        k, s, p, d, oh, ow = self.geo
        n, c, hp, wp = self.padded
        g = g.reshape(n, c, oh, ow)
        if s[0] >= (k[0] - 1) * d[0] + 1 and s[1] >= (k[1] - 1) * d[1] + 1:
            # windows do not overlap: each tap writes its share of g straight into its slice, as
            # bits (g & all-ones where the tap won, else +0.0); + 0 turns -0.0 into 0.0, as torch's
            # 0 + g does, and the rest is exact for every value (inf and NaN included)
            gx = np.zeros((n, c, hp, wp), g.dtype)
            gi = _bits(g + g.dtype.type(0))
            for j, v in enumerate(_taps(gx, k, s, d, oh, ow)):
                keep = np.equal(self.tap, j).view(np.int8)
                np.negative(keep, out=keep)                       # 0 or -1 (all ones)
                np.bitwise_and(gi, keep, out=_bits(v))
        else:
            i, j = np.divmod(self.tap, k[1])
            rows = np.arange(oh)[:, None] * s[0] + i * d[0]
            cols = np.arange(ow)[None, :] * s[1] + j * d[1]
            flat = (rows * wp + cols).reshape(n * c, -1) + (np.arange(n * c) * hp * wp)[:, None]
            gx = np.bincount(flat.ravel(), weights=g.ravel(), minlength=n * c * hp * wp).astype(g.dtype)
            gx = gx.reshape(n, c, hp, wp)
        h, w = self.xshape[-2:]
        return (gx[:, :, p[0]:p[0] + h, p[1]:p[1] + w].reshape(self.xshape),)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    x = input._data
    if x.ndim not in (3, 4) or x.size == 0:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    unbatched = x.ndim == 3
    if unbatched:                 # (C, H, W): pool as a batch of one, record on the input itself
        x = x[None]
    k, s, p, d, oh, ow = _geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    for kk, pp, dd in zip(k, p, d):
        if pp * 2 > kk:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation={dd}")
    if oh < 1 or ow < 1:
        c, h, w = x.shape[1:]
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{max(oh, 0)}x{max(ow, 0)})"
                           ". Output size is too small")
    xp = _padded(x, p, k, s, d, oh, ow, _lowest(x.dtype))
    need = GRAD.enabled and input._rg
    res = _window_max(xp, k, s, d, oh, ow, xp is not x, need or return_indices)
    out, a = res if res is not None else _window_max_scan(xp, k, s, p, d, oh, ow)
    r = _wrap(np.ascontiguousarray(out[0] if unbatched else out))
    if need:
        node = MaxPool2DWithIndicesBackward0()
        node.tap = a
        node.geo = (k, s, p, d, oh, ow)
        node.xshape = x.shape
        node.padded = xp.shape
        record1(node, r, input)
    if return_indices:
        i, j = np.divmod(a.astype(np.int64), k[1])
        ind = ((np.arange(oh)[:, None] * s[0] + i * d[0] - p[0]) * x.shape[3]
               + np.arange(ow)[None, :] * s[1] + j * d[1] - p[1])
        return r, _wrap(ind[0] if unbatched else ind)
    return r


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """torch runs 1-d max pooling as 2-d on an unsqueezed input, then squeezes (SqueezeBackward1)."""
    from ...ops.shape import squeeze, unsqueeze
    x = input._data
    if x.ndim not in (2, 3):
        raise RuntimeError(f"max_pool1d() Expected 2D or 3D input tensor, but got {list(x.shape)}")
    u = unsqueeze(input, -2)
    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
    st = k if stride in (None, [], ()) else (stride if isinstance(stride, int) else stride[0])
    pd = padding if isinstance(padding, int) else padding[0]
    dl = dilation if isinstance(dilation, int) else dilation[0]
    out = max_pool2d(u, (1, k), (1, st), (0, pd), (1, dl), ceil_mode, return_indices)
    if return_indices:
        return squeeze(out[0], -2), out[1].squeeze(-2)
    return squeeze(out, -2)


# ---- average pooling ------------------------------------------------------------------------------
def _divisors(n, k, s, p, o, count_include_pad):
    """Per output position along one axis: how many elements its window averages."""
    start = np.arange(o) * s - p
    end = np.minimum(start + k, n + p)
    size = end - start
    if not count_include_pad:
        size = np.minimum(end, n) - np.maximum(start, 0)
    return size


class AvgPool2DBackward0(Node):
    """y = window sum / divisor   ->   every element of a window gets g / divisor"""
    __slots__ = ("geo", "xshape", "div")

    def backward(self, g):
        k, s, p, oh, ow, hp, wp = self.geo
        h, w = self.xshape[-2:]
        g = g.reshape((-1,) + g.shape[-3:]) if g.ndim == 4 else g[None]
        n, c = g.shape[:2]
        gd = g / self.div
        gx = np.zeros((n, c, hp, wp), g.dtype)
        for a in range(k[0]):
            for b in range(k[1]):
                gx[:, :, a:a + s[0] * (oh - 1) + 1:s[0], b:b + s[1] * (ow - 1) + 1:s[1]] += gd
        return (gx[:, :, p[0]:p[0] + h, p[1]:p[1] + w].reshape(self.xshape),)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    xshape = x.shape
    if x.ndim == 3:
        x = x[None]
    k, s, p, d, oh, ow = _geometry(x, kernel_size, stride, padding, 1, ceil_mode)
    xp = _padded(x, p, k, s, d, oh, ow, 0)
    win = _windows(xp, k, s, d, oh, ow)
    h, w = x.shape[2:]
    if divisor_override:
        div = np.asarray(divisor_override, x.dtype)
    else:
        dh = _divisors(h, k[0], s[0], p[0], oh, count_include_pad)
        dw = _divisors(w, k[1], s[1], p[1], ow, count_include_pad)
        div = np.outer(dh, dw).astype(x.dtype)
    out = win.sum(axis=(-2, -1)) / div
    r = _wrap(np.ascontiguousarray(out.astype(x.dtype).reshape(xshape[:-2] + out.shape[-2:])))
    if GRAD.enabled and input._rg:
        node = AvgPool2DBackward0()
        node.geo = (k, s, p, oh, ow, xp.shape[2], xp.shape[3])
        node.xshape = xshape
        node.div = div
        record1(node, r, input)
    return r


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    from ...ops.shape import squeeze, unsqueeze
    one = lambda v: v if isinstance(v, int) else v[0]  # noqa: E731
    k = one(kernel_size)
    st = k if stride in (None, [], ()) else one(stride)
    out = avg_pool2d(unsqueeze(input, -2), (1, k), (1, st), (0, one(padding)), ceil_mode, count_include_pad)
    return squeeze(out, -2)


class AdaptiveAvgPool2DBackward0(Node):
    """Each output averages its bin [floor(i H / OH), ceil((i + 1) H / OH)); g spreads back evenly."""
    __slots__ = ("bins", "xshape")

    def backward(self, g):
        gx = np.zeros(self.xshape, g.dtype)
        for i, (h0, h1) in enumerate(self.bins[0]):
            for j, (w0, w1) in enumerate(self.bins[1]):
                gx[..., h0:h1, w0:w1] += (g[..., i, j] / ((h1 - h0) * (w1 - w0)))[..., None, None]
        return (gx,)


def _bins(n, o):
    return [(math.floor(i * n / o), math.ceil((i + 1) * n / o)) for i in range(o)]


def adaptive_avg_pool2d(input, output_size):
    x = input._data
    if isinstance(output_size, int):
        output_size = (output_size, output_size)
    oh, ow = (x.shape[-2] if output_size[0] is None else output_size[0],
              x.shape[-1] if output_size[1] is None else output_size[1])
    if (oh, ow) == (1, 1):
        from ._util import mean_of
        return mean_of(input, (-1, -2), True)
    bins = (_bins(x.shape[-2], oh), _bins(x.shape[-1], ow))
    out = np.empty(x.shape[:-2] + (oh, ow), x.dtype)
    for i, (h0, h1) in enumerate(bins[0]):
        for j, (w0, w1) in enumerate(bins[1]):
            out[..., i, j] = x[..., h0:h1, w0:w1].mean(axis=(-2, -1))
    r = _wrap(out)
    if GRAD.enabled and input._rg:
        node = AdaptiveAvgPool2DBackward0()
        node.bins = bins
        node.xshape = x.shape
        record1(node, r, input)
    return r
