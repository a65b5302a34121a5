"""Batch norm's statistics, output and backward rounded as torch's CPU kernels round them
(``batch_norm_kernel.cpp``, AVX2 build), for float32 and float64 inputs.

Facts found by experiment against torch (bit for bit on random shapes; see
tests/parity/test_batchnorm_exact.py):

Two layouts take two kernels.  "planes" (a contiguous (N, C, *spatial) input with spatial size > 1):
each channel is a set of N planes.  "rows" (an (N, C) input, an NC11 one, or a channels-last one):
R = numel / C rows of C values, split over the threads as ``at::parallel_for`` splits them.

Statistics (training):
  planes: sum in double, mean = sum / n rounded to the dtype; var_sum = sum of (x - mean)^2 with
    float32: each square rounded to float32, accumulated in double; float64: accumulated in order,
    the squares of each plane rounded except its last element when the plane's length is odd
    (the compiler's two-wide loop leaves it to a fused multiply-add).
  rows, R > threads: each thread adds its rows into a buffer in the dtype (mean: plain adds,
    var: fused multiply-adds of (x - mean)^2), the buffers are added in double.
  rows, R <= threads: per channel in double, as planes do (float32 var: not exact, see below).
  invstd = 1 / sqrt(var_sum / n + eps), var_sum / n in the dtype, the rest in double.
Running statistics (m = momentum):
  float32: rm = f(m) * mean + (1 - f(m)) * rm, each op rounded;
           rv = fma(f(m), var_sum / (n - 1), (1 - f(m)) * rv)
  float64: rm = m * mean + (1 - m) * rm;  rv = m * var_sum / (n - 1) + (1 - m) * rv (no fma)
Output: y = fma(x, alpha, beta), alpha = invstd * w, beta = fma(-mean, alpha, b); in evaluation
  invstd = 1 / sqrt(running_var + eps) in the dtype.
Backward: invstd in evaluation is 1 / sqrt(running_var + eps) in double, then rounded.
  planes: sum(dy) and dot((x - mean), dy) per plane over 32-byte vectors (8 float / 4 double
    lanes; lanes added in order, the leftover elements into the first lanes, the dot's leftovers
    by fma), the lanes folded (float: pairwise (0+4)+(2+6) + (1+5)+(3+7); double: in order; a
    plane shorter than a vector: in order), the planes added in double.
  rows: per-thread buffers in the dtype (sum: adds; dot: fma), added in double, rounded.
  k = dotp * invstd * invstd / n, grad_mean = sum / n,
  dx = (fma(-(x - mean), k, dy - grad_mean) * invstd) * w (rows: the channels past the last full
  vector go without the fma: ((dy - grad_mean) - (x - mean) * k)), dw = dotp * invstd, db = sum.
"""
import numpy as np

from ...ops._fma32 import fma32
from ..._rng_fma import fma64
from ..._runtime import get_num_threads

_F64 = np.float64
_LOW29 = np.int64(0x1FFFFFFF)     # the float64 mantissa bits that float32 drops
_TIE = np.int64(0x10000000)       # ... on a float32 halfway point
_TINY32 = 1.1754943508222875e-38  # the smallest normal float32


def _fma(dt):
    return fma32 if dt == np.float32 else fma64


def layout(x):
    """'planes', 'rows' (with the (R, C) rows view) or None (any other strides), of an (N, C, ...) array."""
    c = x.shape[1]
    image = x.size // (x.shape[0] * c) if x.size else 0
    if x.flags.c_contiguous:
        if image == 1:
            return "rows", x.reshape(-1, c)
        return "planes", None
    if x.ndim >= 3:
        moved = np.moveaxis(x, 1, -1)
        if moved.flags.c_contiguous:
            return "rows", moved.reshape(-1, c)
    return None, None


def _seqsum0(a):
    """Sum over axis 0 adding the rows one after another (NumPy reduces a non-innermost axis in
    order; a single column would be pairwise-summed, so it goes through cumsum)."""
    if a.shape[0] == 0:
        return np.zeros(a.shape[1:], a.dtype)
    if a.ndim == 1 or a[0].size == 1:
        return np.cumsum(a.reshape(a.shape[0], -1), axis=0)[-1].reshape(a.shape[1:])
    return np.add.reduce(a, axis=0)


def _chunks(r):
    """The row ranges of ``at::parallel_for(0, r, 1)``: one per thread, equal but for the last."""
    t = get_num_threads()
    if t <= 1 or r <= 1:
        return [(0, r)], t if t > 1 else 1
    nt = min(t, r)
    cs = -(-r // nt)
    return [(i * cs, min(r, (i + 1) * cs)) for i in range(nt) if i * cs < r], t


def _thread_fma_buffers(a, b, ranges, dt):
    """Per thread: buf = fma(a_i, b_i, buf) over its rows in order (all threads at once)."""
    c = a.shape[1]
    nt, cs = len(ranges), max(e - s for s, e in ranges)
    if dt == np.float32:
        # float32 products are exact in double: each step is one double add and a rounding to
        # float32, right unless a double sum sits on a float32 halfway point or is subnormal (then redo)
        q = np.zeros((cs, nt, c), _F64)      # a thread past its last row adds +0: no change
        for t, (s, e) in enumerate(ranges):
            np.multiply(a[s:e], b[s:e], out=q[:e - s, t], dtype=_F64)
        buf = np.zeros((nt, c), _F64)
        for i in range(cs):
            np.add(q[i], buf, out=q[i])
            buf = q[i].astype(np.float32).astype(_F64)
        low = q.view(np.int64) & _LOW29
        if not ((low == _TIE).any() or ((np.abs(q) < _TINY32) & (q != 0)).any()):
            return buf.astype(np.float32)
    fma = _fma(dt)
    bufs = np.zeros((nt, c), dt)
    starts = np.array([s for s, _ in ranges])
    ends = np.array([e for _, e in ranges])
    for i in range(cs):
        idx = starts + i
        live = idx < ends
        if live.all():
            bufs = fma(a[idx], b[idx], bufs).astype(dt, copy=False)
        else:
            sel = idx[live]
            bufs[live] = fma(a[sel], b[sel], bufs[live])
    return bufs


def _sum_buffers(bufs):
    """The per-thread buffers added in double, in thread order."""
    acc = np.zeros(bufs.shape[1:], _F64)
    for b in bufs:
        acc = acc + b.astype(_F64)
    return acc


# ---- training statistics --------------------------------------------------------------------------

def train_stats(x, lay, rows):
    """(mean, var_sum) per channel, both in x's dtype: the sum of squared deviations as torch rounds it."""
    dt = x.dtype.type
    n = x.size // x.shape[1]
    if lay == "rows":
        return _rows_stats(rows, dt)
    c = x.shape[1]
    x3 = x.reshape(x.shape[0], c, -1)
    if dt == np.float32:
        mean = (np.add.reduce(x3, axis=(0, 2), dtype=_F64) / n).astype(dt)
        d = x3 - mean[:, None]
        np.multiply(d, d, out=d)
        return mean, np.add.reduce(d, axis=(0, 2), dtype=_F64).astype(dt)
    hw = x3.shape[2]
    t = np.ascontiguousarray(x3.transpose(0, 2, 1)).reshape(-1, c)    # rows in torch's order
    mean = _seqsum0(t) / n
    d = t - mean
    q = d * d
    if hw % 2 == 0:
        return mean, _seqsum0(q)
    acc = np.zeros(c, _F64)
    for i in range(x3.shape[0]):
        a = i * hw
        acc = _seqsum0(np.concatenate([acc[None], q[a:a + hw - 1]]))
        acc = fma64(d[a + hw - 1], d[a + hw - 1], acc)
    return mean, acc


def _rows_stats(rows, dt):
    r, c = rows.shape
    ranges, t = _chunks(r)
    if r > t:
        bufs = np.stack([_seqsum0(rows[a:b]) for a, b in ranges])
        mean = (_sum_buffers(bufs) / r).astype(dt)
        d = (rows - mean).astype(dt, copy=False)
        vs = _sum_buffers(_thread_fma_buffers(d, d, [(a, b) for a, b in ranges], dt)).astype(dt)
        return mean, vs
    # few rows: per channel in double (float32's var_sum is not torch's exactly here)
    mean = (_seqsum0(rows.astype(_F64)) / r).astype(dt)
    d = (rows - mean).astype(dt, copy=False)
    if dt == np.float64:
        acc = np.zeros(c, _F64)
        for i in range(r):
            acc = fma64(d[i], d[i], acc)
        return mean, acc
    acc = np.zeros(c, dt)
    for i in range(r):
        acc = fma32(d[i], d[i], acc)
    return mean, acc


def train_invstd(var_sum, n, eps):
    dt = var_sum.dtype.type
    v = (var_sum / dt(n)).astype(dt)
    return (1.0 / np.sqrt(v.astype(_F64) + eps)).astype(dt)


def update_running(rm, rv, mean, var_sum, n, momentum):
    """torch's running-average update, in place on the running_mean/running_var arrays."""
    dt = mean.dtype.type
    if dt == np.float32:
        m = dt(momentum)
        om = dt(1) - m
        if rm is not None:
            rm[...] = (m * mean + om * rm).reshape(rm.shape)
        if rv is not None:
            unbiased = (var_sum / dt(n - 1)).astype(dt)
            rv[...] = fma32(m, unbiased, (om * rv.reshape(-1)).astype(dt)).reshape(rv.shape)
    else:
        m = float(momentum)
        if rm is not None:
            rm[...] = (m * mean + (1 - m) * rm.reshape(-1)).reshape(rm.shape)
        if rv is not None:
            rv[...] = (m * (var_sum / (n - 1)) + (1 - m) * rv.reshape(-1)).reshape(rv.shape)


def eval_invstd(rv, eps, dt):
    """The forward kernel's 1 / sqrt(running_var + eps), in the dtype."""
    return (dt(1) / np.sqrt(rv.astype(dt, copy=False) + dt(eps))).astype(dt)


def backward_invstd(rv, eps, dt):
    """The backward kernel's 1 / sqrt(running_var + eps): in double, then rounded."""
    return (1.0 / np.sqrt(rv.astype(_F64) + eps)).astype(dt)


def output(x, mean, invstd, w, b):
    """y = fma(x, alpha, beta), alpha = invstd * w, beta = b - mean * alpha rounded once."""
    dt = x.dtype.type
    fma = _fma(dt)
    alpha = invstd if w is None else (invstd * w.astype(dt, copy=False)).astype(dt)
    beta = fma(-mean, alpha, np.zeros_like(alpha) if b is None else b.astype(dt, copy=False)).astype(dt)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return fma(x, alpha.reshape(shape), beta.reshape(shape)).astype(dt, copy=False)


# ---- backward -------------------------------------------------------------------------------------

def _fold(lanes):
    if lanes.shape[-1] == 8:
        l = lanes
        return ((l[..., 0] + l[..., 4]) + (l[..., 2] + l[..., 6])) + ((l[..., 1] + l[..., 5]) + (l[..., 3] + l[..., 7]))
    acc = lanes[..., 0]
    for j in range(1, lanes.shape[-1]):
        acc = acc + lanes[..., j]
    return acc


def _plane_sums(a, width, tail=None):
    """Per plane (last axis) of a (N, C, HW): the vector kernel's sum.  With ``tail`` = (u, v) the
    leftover elements are added by fma(u, v, lane) instead of as a's values (a = round(u * v))."""
    hw = a.shape[-1]
    if hw < width:
        acc = a[..., 0]
        for j in range(1, hw):
            acc = acc + a[..., j]
        return acc
    full = hw - hw % width
    lanes = np.add.reduce(a[..., :full].reshape(a.shape[:-1] + (full // width, width)), axis=-2)
    r = hw - full
    if r:
        if tail is None:
            lanes[..., :r] += a[..., full:]
        else:
            u, v = tail
            lanes[..., :r] = _fma(a.dtype.type)(u[..., full:], v[..., full:], lanes[..., :r])
    return _fold(lanes)


def backward(g, x, mean, invstd, w, train, need):
    """(grad_input, grad_weight, grad_bias) as arrays (None where not needed) for array inputs."""
    dt = x.dtype.type
    fma = _fma(dt)
    c = x.shape[1]
    n = x.size // c
    lay, rows = layout(x)
    if lay is None:
        x = np.ascontiguousarray(x)
        lay, rows = layout(x)
    if lay == "rows":
        grows = np.moveaxis(g, 1, -1) if x.ndim > 2 and not x.flags.c_contiguous else g
        grows = np.ascontiguousarray(grows).reshape(-1, c)
        xm = (rows - mean).astype(dt, copy=False)
        ranges, _ = _chunks(rows.shape[0])
        s = _sum_buffers(np.stack([_seqsum0(grows[a:b]) for a, b in ranges])).astype(dt)
        dp = _sum_buffers(_thread_fma_buffers(xm, grows, ranges, dt)).astype(dt)
        gw = (dp * invstd).astype(dt) if need[1] else None
        gx = None
        if need[0]:
            if train:
                k = ((((dp * invstd).astype(dt) * invstd).astype(dt)) / dt(n)).astype(dt)
                gm = (s / dt(n)).astype(dt)
                gc = (grows - gm).astype(dt, copy=False)
                body = c - c % (32 // x.dtype.itemsize)
                t = np.empty_like(gc)
                t[:, :body] = fma(-xm[:, :body], k[:body], gc[:, :body])
                t[:, body:] = gc[:, body:] - (xm[:, body:] * k[body:]).astype(dt)
                t *= invstd
            else:
                t = (grows * invstd).astype(dt, copy=False)
            if w is not None:
                t *= w
            gx = _from_rows(t, x)
        return gx, gw, (s if need[2] else None)
    g3 = np.ascontiguousarray(g).reshape(x.shape[0], c, -1)
    x3 = x.reshape(x.shape[0], c, -1)
    width = 32 // x.dtype.itemsize
    xm = (x3 - mean[:, None]).astype(dt, copy=False)
    s = _seqsum0(_plane_sums(g3, width).astype(_F64))
    p = xm * g3
    dp = _seqsum0(_plane_sums(p, width, (xm, g3)).astype(_F64))
    del p
    gw = (dp * invstd.astype(_F64)).astype(dt) if need[1] else None
    gx = None
    if need[0]:
        if train:
            k = ((((dp.astype(dt) * invstd).astype(dt) * invstd).astype(dt)) / dt(n)).astype(dt)
            gm = (s / n).astype(dt)
            t = fma(-xm, k[:, None], (g3 - gm[:, None]).astype(dt, copy=False)).astype(dt, copy=False)
            t *= invstd[:, None]
        else:
            t = (g3 * invstd[:, None]).astype(dt, copy=False)
        if w is not None:
            t *= w[:, None]
        gx = t.reshape(x.shape)
    return gx, gw, (s.astype(dt) if need[2] else None)


def _from_rows(t, x):
    """An (R, C) result back to x's shape and layout."""
    if x.ndim > 2 and not x.flags.c_contiguous:
        shape = (x.shape[0],) + x.shape[2:] + (x.shape[1],)
        return np.moveaxis(t.reshape(shape), -1, 1)
    return t.reshape(x.shape)
