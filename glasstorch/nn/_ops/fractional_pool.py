"""Fractional max pooling (Graham, 2014): ``F.fractional_max_pool2d/3d`` (and ``_with_indices``).

Each output cell takes the maximum over a ``kernel_size`` window whose start along every axis
comes from one random sample ``u`` per (batch, channel, axis), drawn as ``torch.rand(N, C, nd)`` in
the input's dtype when none is given:

    alpha = (n_in - k) / (n_out - 1),   start_i = int((i + u) * alpha) - int(u * alpha),
    start_{n_out-1} = n_in - k

all in the input's dtype, as torch's kernel computes it.  The 2-d kernel takes its samples in
reverse axis order (sample 0 is the width's), the 3-d one in axis order (time, height, width).  In a window the first
maximum in row-major order wins and a NaN always takes over (the last NaN), as torch's scan;
the backward adds g at each output's argmax (``FractionalMaxPool2DBackward0``).
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from ...ops._complex_refuse import not_implemented
from . import pool_checks as pc

_AXES = {2: ("height", "width"), 3: ("time", "height", "width")}


def _ints(v, fn, arg, pos, nd):
    """An int or a sequence of ints, as torch's argument parser takes ``int[nd]``."""
    if isinstance(v, bool) or not isinstance(v, (int, tuple, list)) and not hasattr(v, "__index__"):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be tuple of ints, not {type(v).__name__}")
    if isinstance(v, (tuple, list)):
        for e in v:
            if isinstance(e, bool) or not hasattr(e, "__index__"):
                raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be tuple of ints, but found "
                                f"element of type {type(e).__name__} at pos {list(v).index(e)}")
        return tuple(int(e) for e in v)
    return (int(v),) * nd


def intervals(u, n_in, n_out, k):
    """The window starts along one axis, for samples ``u`` (any shape): shape ``u.shape + (n_out,)``."""
    starts = np.empty(u.shape + (max(n_out, 0),), np.int64)
    t = u.dtype.type
    if n_out > 1:
        alpha = t(n_in - k) / t(n_out - 1)
        i = np.arange(n_out - 1).astype(u.dtype)
        a = np.trunc((i + u[..., None]) * alpha)           # C++ static_cast<int>: toward zero
        b = np.trunc(u * alpha)[..., None]
        starts[..., :-1] = a.astype(np.int64) - b.astype(np.int64)
    if n_out > 0:
        starts[..., -1] = n_in - k
    return starts


def _check(x, k, out, samples, nd):
    fn = f"fractional_max_pool{nd}d"
    where = fn if nd == 2 else fn + "_out"
    if len(k) != nd:
        raise RuntimeError(f"{fn}: kernel_size must either be a single Int or tuple of {'three ' if nd == 3 else ''}"
                           f"Ints")
    if len(out) != nd:
        raise RuntimeError(f"{fn}: output_size must either be a single Int or tuple of {'three ' if nd == 3 else ''}"
                           f"Ints")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{where}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {pc.sizes(x.shape)}")
    for i in range(1, x.ndim):
        if x.shape[i] == 0:
            raise RuntimeError(f"{where}(): Expected input to have non-zero size for non-batch dimensions, but "
                               f"got{pc.sizes(x.shape)} with dimension {i} being empty.")
    axes = list(zip(_AXES[nd], out, k, x.shape[-nd:]))
    for name, o, kk, n in (axes if nd == 2 else [axes[0], axes[2], axes[1]]):   # 3-d: time, width, height
        if o + kk - 1 > n or nd == 3 and o + kk - 1 == n:        # the 3-d kernel asks for a strict <
            raise RuntimeError(f"{where}(): pool {name} {kk} too large relative to input {name} {n}")
    pc.check_new_shape(x.shape[:-nd] + tuple(out))
    s = samples
    if s.dtype != x.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if s.ndim != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {s.ndim}")
    n, c = (x.shape[0], x.shape[1]) if x.ndim == nd + 2 else (1, x.shape[0])
    if s.shape[0] < n:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if s.shape[1] != c:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if s.shape[2] != nd:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got {s.shape[2]}.")
    if x.dtype.kind != "f":
        raise not_implemented(f"{fn}_out_frame", x.dtype)


def _window_argmax(x, k, out, u):
    """(max, flat index in the spatial volume) of every window, for x of shape (N, C, *S)."""
    nd = len(k)
    sp = x.shape[2:]
    n, c = x.shape[:2]
    flat = np.zeros((n, c) + tuple(out), np.int64)       # flat start of each window
    taps = np.zeros(1, np.int64)                          # flat offset of each tap, row-major
    for ax in range(nd):
        stride = int(np.prod(sp[ax + 1:]))
        st = intervals(u[:, :, nd - 1 - ax if nd == 2 else ax], sp[ax], out[ax], k[ax]) * stride
        flat = flat + st.reshape((n, c) + (1,) * ax + (out[ax],) + (1,) * (nd - 1 - ax))
        taps = np.add.outer(taps, np.arange(max(k[ax], 0)) * stride).reshape(-1)
    if taps.size == 0 or flat.size == 0:                  # an empty window: -inf at its start, as torch
        return np.full(flat.shape, -np.inf, x.dtype), flat
    idx = flat[..., None] + taps                          # (N, C, *out, taps)
    planes = x.reshape(n, c, -1)
    win = np.take_along_axis(planes, idx.reshape(n, c, -1), -1).reshape(idx.shape)
    j = np.argmax(win, axis=-1)                           # the first maximum in row-major order
    nan = np.isnan(win)
    if nan.any():                                         # ... but the last NaN takes over
        last = win.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        j = np.where(nan.any(-1), last, j)
    best = np.take_along_axis(idx, j[..., None], -1)[..., 0]
    return np.take_along_axis(win, j[..., None], -1)[..., 0], best


class _FractionalBackward(Node):
    """y = x[argmax of each window]   ->   dx[argmax] += g"""
    __slots__ = ("xshape", "indices")

    def backward(self, g):
        if not isinstance(g, np.ndarray):                 # create_graph: recorded, see linear_double
            from .linear_double import linear_double
            return (linear_double(self, g, self._pick),)
        arr = g
        nd = self._nd
        lead = int(np.prod(self.xshape[:-nd]))
        gx = np.zeros((lead, int(np.prod(self.xshape[-nd:]))), arr.dtype)
        idx = self.indices.reshape(lead, -1)
        rows = np.repeat(np.arange(lead), idx.shape[1])
        np.add.at(gx, (rows, idx.reshape(-1)), arr.reshape(-1))   # in output order, as torch's loop
        return (gx.reshape(self.xshape),)

    def _pick(self, a):
        """The forward's map on ``a`` (shaped as the input): the value at each window's chosen position."""
        nd = self._nd
        flat = a.reshape(self.xshape[:-nd] + (-1,))
        return np.take_along_axis(flat, self.indices.reshape(self.indices.shape[:-nd] + (-1,)), -1).reshape(
            self.indices.shape)


class FractionalMaxPool2DBackward0(_FractionalBackward):
    __slots__ = ()
    _nd = 2


class FractionalMaxPool3DBackward0(_FractionalBackward):
    __slots__ = ()
    _nd = 3


def fractional_max_pool(input, kernel_size, output_size, random_samples, nd):
    """torch._C._nn.fractional_max_pool2d/3d: (output, indices)."""
    fn = f"fractional_max_pool{nd}d"
    k = _ints(kernel_size, fn, "kernel_size", 2, nd)
    out = _ints(output_size, fn, "output_size", 3, nd)
    if GRAD.enabled and random_samples._rg:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument 'random_samples'. "
                           "This input cannot have requires_grad True.")
    x = input._data
    _check(x, k, out, random_samples._data, nd)
    unbatched = x.ndim == nd + 1
    xb = x[None] if unbatched else x
    u = random_samples._data[:xb.shape[0]]
    vals, idx = _window_argmax(np.ascontiguousarray(xb), k, out, u)
    if unbatched:
        vals, idx = vals[0], idx[0]
    r = _wrap(np.ascontiguousarray(vals))
    if GRAD.enabled and input._rg:
        node = (FractionalMaxPool2DBackward0 if nd == 2 else FractionalMaxPool3DBackward0)()
        node.xshape, node.indices = x.shape, idx
        record1(node, r, input)
    return r, _wrap(np.ascontiguousarray(idx))


def _with_indices(nd, input, kernel_size, output_size, output_ratio, _random_samples):
    from ... import rand
    fn = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{fn} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if nd == 2:
            if len(output_ratio) > 2:
                raise ValueError(f"{fn} requires output_ratio to either be a single Int or tuple of Ints.")
            ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * 2
        else:
            ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * 3
        output_size = [int(input.size(-nd + ax) * ratio[ax]) for ax in range(nd)]
    if _random_samples is None:
        n_batch = 1 if input.dim() == nd + 1 else input.size(0)
        _random_samples = rand(n_batch, input.size(-nd - 1), nd, dtype=input.dtype)
    return fractional_max_pool(input, kernel_size, output_size, _random_samples, nd)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _with_indices(2, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _with_indices(3, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    r = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio, return_indices,
                                           _random_samples)
    return r if return_indices else r[0]


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    r = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio, return_indices,
                                           _random_samples)
    return r if return_indices else r[0]
