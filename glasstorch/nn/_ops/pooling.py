"""Max and average pooling over 1-d and 2-d windows, and adaptive average pooling.

The padded input is viewed as windows (``sliding_window_view``, no copy).  Max pooling keeps the
flat index of each window's first maximum, so its backward is one ``bincount`` scatter.
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


def _window_max(xp, k, s, d, oh, ow):
    """(max, tap) of every window: one pass per kernel tap over a strided slice of ``xp``, keeping
    the first maximum as torch does (a NaN always takes over, as in torch's comparison)."""
    nan = np.isnan(xp).any() if xp.dtype.kind == "f" else False
    best = tap = better = None
    for i in range(k[0]):
        for j in range(k[1]):
            v = xp[:, :, i * d[0]:i * d[0] + s[0] * (oh - 1) + 1:s[0], j * d[1]:j * d[1] + s[1] * (ow - 1) + 1:s[1]]
            if best is None:
                best, tap, better = v.copy(), np.zeros(v.shape, np.int64), np.empty(v.shape, bool)
                continue
            better = np.greater(v, best, out=better)
            if nan:
                better |= np.isnan(v)
            np.copyto(best, v, where=better)
            np.copyto(tap, i * k[1] + j, where=better)
    return best, tap


class MaxPool2DWithIndicesBackward0(Node):
    """y = max over each window   ->   dx[argmax] += g"""
    __slots__ = ("idx", "xshape", "padded", "pads")

    def backward(self, g):
        n, c, hp, wp = self.padded
        flat = self.idx.reshape(n * c, -1) + (np.arange(n * c) * hp * wp)[:, None]
        gx = np.bincount(flat.ravel(), weights=g.ravel(), minlength=n * c * hp * wp).astype(g.dtype)
        gx = gx.reshape(n, c, hp, wp)
        h, w = self.xshape[-2:]
        pt, pl = self.pads
        return (gx[:, :, pt:pt + h, pl:pl + w].reshape(self.xshape),)


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
    xp = _padded(x, p, k, s, d, oh, ow, -np.inf)
    out, a = _window_max(xp, k, s, d, oh, ow)
    rows = np.arange(oh)[:, None] * s[0] + (a // k[1]) * d[0]
    cols = np.arange(ow)[None, :] * s[1] + (a % k[1]) * d[1]
    r = _wrap(np.ascontiguousarray(out[0] if unbatched else out))
    if GRAD.enabled and input._rg:
        node = MaxPool2DWithIndicesBackward0()
        node.idx = rows * xp.shape[3] + cols
        node.xshape = x.shape
        node.padded = xp.shape
        node.pads = (p[0], p[1])
        record1(node, r, input)
    if return_indices:
        ind = ((rows - p[0]) * x.shape[3] + (cols - p[1])).astype(np.int64)
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
