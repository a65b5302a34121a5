"""Max pooling over 1-, 2- and 3-d windows (average pooling is in ``pooling_avg.py``).

Max pooling takes an elementwise maximum over the kernel taps (strided slices of the padded
input) and the first tap equal to it, both branch-free; its backward writes g into each tap's
slice when windows do not overlap, else adds it in torch's order (``np.add.at``).  Taps are numbered in
row-major order over the kernel, as torch scans them.
"""
import itertools

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from ...ops.conversion import keep_format
from ...ops._complex_refuse import refuse
from .pool_checks import check_max_pool1d, pool1d_args, pool_geometry
from ..._arg_refuse import not_a_tensor


def _padded(x, p, k, s, d, out, value):
    """Pad so every one of the ``out`` windows fits (ceil mode may need extra on the right)."""
    nd = len(k)
    extra = [max((o - 1) * ss + dd * (kk - 1) + 1 - (n + 2 * pp), 0)
             for o, ss, dd, kk, n, pp in zip(out, s, d, k, x.shape[-nd:], p)]
    if not (any(p) or any(extra)):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple((pp, pp + e) for pp, e in zip(p, extra)), constant_values=value)


def _tap_slices(k, s, d, out):
    """For each kernel tap, in row-major tap order, the strided slices of the padded input it reads."""
    return [(Ellipsis,) + tuple(slice(a * dd, a * dd + ss * (o - 1) + 1, ss) for a, ss, dd, o in zip(tap, s, d, out))
            for tap in itertools.product(*(range(kk) for kk in k))]


def _taps(xp, k, s, d, out):
    """The strided slice of ``xp`` that each kernel tap reads, in row-major tap order."""
    return [xp[sl] for sl in _tap_slices(k, s, d, out)]


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _first_inside(o, k, s, p, d):
    """Per output position along one axis: the first tap of its window inside the input (torch
    starts every window's search there, so a window of pads and -inf reports that element)."""
    start = np.arange(o) * s - p
    return np.minimum(np.maximum(-(start // d), 0), k - 1)


def _window_max(xp, k, s, d, out, padded, want_tap):
    """(max, tap) of every window: torch keeps the first maximum in row-major tap order (a NaN
    always takes over).  Fast path: an elementwise ``maximum`` over the taps, then the tap is the
    first one equal to it, all branch-free.  It differs from torch's scan only for NaN, for -0.0
    next to 0.0 and for a window whose maximum equals the padding, which take the exact scan."""
    taps = _taps(xp, k, s, d, out)
    m = taps[0].copy() if len(taps) == 1 else np.maximum(taps[0], taps[1])
    for v in taps[2:]:
        np.maximum(m, v, out=m)
    if xp.dtype.kind == "f" and m.size and (np.isnan(m.max()) or ((m == 0).any() and _has_negative_zero(xp))):
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


def _window_max_scan(xp, k, s, p, d, out):
    """torch's scan, tap by tap: a tap takes over where it is greater or NaN; every window starts at
    its first tap inside the input."""
    taps = _taps(xp, k, s, d, out)
    shape = taps[0].shape
    first = 0
    for ax in range(len(k)):                  # row-major tap number of the per-axis first taps
        f = _first_inside(out[ax], k[ax], s[ax], p[ax], d[ax]) * int(np.prod(k[ax + 1:]))
        first = np.add.outer(first, f) if ax else f
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


def _positions(tap, k, s, d, out, p=None):
    """Per axis, the padded-input coordinate (less ``p``, when given) of each window's chosen tap."""
    per_tap = np.unravel_index(tap.astype(np.int64), k)
    nd = len(k)
    pos = []
    for ax in range(nd):
        start = np.arange(out[ax]) * s[ax] - (0 if p is None else p[ax])
        pos.append(start.reshape((-1,) + (1,) * (nd - 1 - ax)) + per_tap[ax] * d[ax])
    return pos


class _MaxPoolBackward(Node):
    """y = max over each window   ->   dx[argmax] += g"""
    __slots__ = ("tap", "geo", "xshape", "padded")

    def backward(self, g):
        k, s, p, d, out = self.geo
        if not isinstance(g, np.ndarray):                         # create_graph: recorded, see linear_double
            from .linear_double import linear_double
            return (linear_double(self, g, self._pick),)
        if g.size == 0:                                           # an empty batch
            return (np.zeros(self.xshape, g.dtype),)
        n, c, sp = self.padded[0], self.padded[1], self.padded[2:]
        g = g.reshape((n, c) + out)
        if all(ss >= (kk - 1) * dd + 1 for ss, kk, dd in zip(s, k, d)):
            # windows do not overlap: each tap writes its share of g straight into its slice, as
            # bits (g & all-ones where the tap won, else +0.0); + 0 turns -0.0 into 0.0, as torch's
            # 0 + g does, and the rest is exact for every value (inf and NaN included)
            gx = np.zeros(self.padded, g.dtype)
            gi = _bits(g + g.dtype.type(0))
            for j, v in enumerate(_taps(gx, k, s, d, out)):
                keep = np.equal(self.tap, j).view(np.int8)
                np.negative(keep, out=keep)                       # 0 or -1 (all ones)
                np.bitwise_and(gi, keep, out=_bits(v))
        else:
            flat = np.ravel_multi_index(np.broadcast_arrays(*_positions(self.tap, k, s, d, out)), sp)
            flat = flat.reshape(n * c, -1) + (np.arange(n * c) * int(np.prod(sp)))[:, None]
            # overlapping windows: torch adds each output's gradient into its input in turn, plane by
            # plane and output by output, in the gradient's dtype; np.add.at adds in that order
            gx = np.zeros(int(np.prod(self.padded)), g.dtype)
            np.add.at(gx, flat.ravel(), g.ravel())
            gx = gx.reshape(self.padded)
        inside = (Ellipsis,) + tuple(slice(pp, pp + m) for pp, m in zip(p, self.xshape[2:]))
        return (gx[inside].reshape(self.xshape),)


    def _pick(self, a):
        """The forward's map on ``a`` (shaped as the input): each window's value at its chosen tap."""
        k, s, p, d, out = self.geo
        ap = np.zeros(self.padded, a.dtype)
        ap[(Ellipsis,) + tuple(slice(pp, pp + m) for pp, m in zip(p, self.xshape[2:]))] = a.reshape(self.xshape)
        taps = np.stack(_taps(ap, k, s, d, out))
        return np.take_along_axis(taps, self.tap[None].astype(np.intp), 0)[0]


class MaxPool2DWithIndicesBackward0(_MaxPoolBackward):
    __slots__ = ()


class MaxPool3DWithIndicesBackward0(_MaxPoolBackward):
    __slots__ = ()


_MAX_NODES = {2: MaxPool2DWithIndicesBackward0, 3: MaxPool3DWithIndicesBackward0}


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd):
    """The shared body of ``max_pool2d`` and ``max_pool3d`` (``nd`` spatial dims)."""
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    k, s, p, d, out = pool_geometry("max", nd, x.shape, kernel_size, stride, padding, dilation, ceil_mode)
    refuse(f"max_pool{nd}d", x)
    if x.dtype.kind == "b":         # (integers have a kernel, bool has none)
        from ...ops._complex_refuse import not_implemented
        raise not_implemented(f"max_pool{nd}d", x.dtype)
    unbatched = x.ndim == nd + 1
    if unbatched:                 # (C, *S): pool as a batch of one, record on the input itself
        x = x[None]
    xp = _padded(x, p, k, s, d, out, _lowest(x.dtype))
    need = GRAD.enabled and input._rg
    res = _window_max(xp, k, s, d, out, xp is not x, need or return_indices)
    m, a = res if res is not None else _window_max_scan(xp, k, s, p, d, out)
    r = _wrap(np.ascontiguousarray(m[0]) if unbatched else keep_format(np.ascontiguousarray(m), input._data))
    if need:
        node = _MAX_NODES[nd]()
        node.tap = a
        node.geo = (k, s, p, d, out)
        node.xshape = x.shape
        node.padded = xp.shape
        record1(node, r, input)
    if return_indices:
        # linear, not ravel_multi_index: a window of padding alone reports a position outside, as torch
        sizes = x.shape[2:]
        ind = sum(q * int(np.prod(sizes[ax + 1:])) for ax, q in enumerate(_positions(a, k, s, d, out, p)))
        return r, _wrap(ind[0] if unbatched else keep_format(np.ascontiguousarray(ind), input._data))
    return r


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """torch runs 1-d max pooling as 2-d on an unsqueezed input, then squeezes (SqueezeBackward1)."""
    from ...ops.shape import squeeze, unsqueeze
    x = input._data
    if return_indices:       # torch's max_pool1d_with_indices: rank, then one int per argument
        k, st, pd, dl = pool1d_args("max_pool1d", x.shape, kernel_size, stride, padding, dilation)
    else:
        k, st, pd, dl = check_max_pool1d(x.shape, kernel_size, stride, padding, dilation, ceil_mode)
        if x.dtype.kind != "f":             # (with indices torch goes through max_pool2d, as here)
            from ...ops._complex_refuse import not_implemented
            raise not_implemented("max_pool1d_impl", x.dtype)
    u = unsqueeze(input, -2)
    out = max_pool2d(u, (1, k), (1, st), (0, pd), (1, dl), ceil_mode, return_indices)
    if return_indices:
        return squeeze(out[0], -2), out[1].squeeze(-2)
    return squeeze(out, -2)




from .pooling_avg import (avg_pool1d, avg_pool2d, avg_pool3d, adaptive_avg_pool2d,  # noqa: E402,F401
                          adaptive_avg_pool3d)
