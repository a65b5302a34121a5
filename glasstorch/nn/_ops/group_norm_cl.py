"""Group norm of channels-last inputs rounded as torch's CPU kernels round them
(``group_norm_kernel.cpp``: GroupNormKernelImplChannelsLastInternal and
GroupNormBackwardKernelImplChannelsLastInternal, AVX2 build), float32 and float64; found by
experiment against torch, bit for bit (tests/parity/test_group_norm_exact.py).

The data is read as (N, HxW, C); s = 1 / (D * HxW) rounded; W = 8 float / 4 double lanes.
Forward, fewer than 1024 positions ("impl-1", ColumnwiseMoments): per (n, g), each group's D
  channels in vectors of W lanes (the last zero-padded: a masked load); lanes sum = sum + x and
  sq = sq + x * x (the product rounded), position after position, the group's vectors in order
  within each; the lanes folded (vec_reduce_all: float's shuffle tree, double's in order).
Forward, 1024 positions or more ("impl-2"): the (n, position) rows split over the threads as
  at::parallel_for splits them, each thread's buffer (N, C) gathering sum + x and fma(x, x, sq) row
  after row; then per (n, g) the entries added channel after channel, thread after thread (all
  threads, the unused ones' zeros too).
  Then mean = sum * s, var = max(fma(sq, s, -(mean * mean)), 0), rstd = 1 / sqrt(var + eps) in
  double, rounded once; scale = rstd * w, bias = fma(-scale, mean, b) (without a weight: -scale *
  mean rounded, then + b), y = fma(x, scale, bias).
Backward, fewer than 2048 positions (CalcInternalGradientsChannelsLast): per channel ds = sum of
  x * dy (products rounded), db = sum of dy, position after position; per group, for each vector of
  channels in order, ds_g += fold(ds * w), db_g += fold(db * w) (products rounded).
Backward, 2048 positions or more: per-thread buffers as the forward's, ds = fma(x, dy, ds) and
  db + dy row after row; ds, db per channel: the threads' entries added in order; ds_g, db_g: the
  products entry * w rounded and added channel after channel, thread after thread.
  Then c2 = fma(db_g, mean, -ds_g) * rstd * rstd * rstd * s; c3 = fma(-c2, mean, -(db_g * rstd * s));
  c1 = rstd * w; dx = fma(c2, x, c1 * dy) + c3.  dw and db as in the contiguous kernel
  (group_norm_cpu).
"""
import numpy as np

from . import layer_norm_cpu as _ln
from ..._runtime import get_num_threads

MAX_HW = 1024               # forward's feature_map_threshold: impl-2 from there
MAX_HW_BACKWARD = 2048      # backward's


def _lanes(a, groups):
    """(N, HxW, C) -> (N, HxW, G, nb, W): each group's channels in zero-padded vectors."""
    n, hw, c = a.shape
    d = c // groups
    k = _ln._width(a.dtype.type)
    nb = -(-d // k)
    if nb * k == d:
        return a.reshape(n, hw, groups, nb, k)
    p = np.zeros((n, hw, groups, nb * k), a.dtype)
    p[..., :d] = a.reshape(n, hw, groups, d)
    return p.reshape(n, hw, groups, nb, k)


def _seq(a, axis):
    """a summed along ``axis`` one slice after another, from +0 (an outer axis: NumPy adds in order)."""
    return np.add.reduce(a, axis=axis, initial=0.0)


def _thread_sums(x, u=None):
    """impl-2's step 1: per-thread buffers over the (n, position) rows as at::parallel_for splits them,
    the sum of x and the fused sum of x * u (u = x when None), each (N, C, T) (T = all threads, unused
    ones 0)."""
    dt = x.dtype.type
    n, hw, c = x.shape
    rows = x.reshape(n * hw, c)
    urows = rows if u is None else u.reshape(n * hw, c)
    t = max(get_num_threads(), 1)
    b0 = np.zeros((n, c, t), dt)
    b1 = np.zeros((n, c, t), dt)
    for i, (s, e) in enumerate(_ln._thread_ranges(n * hw)):
        for j in range(s // hw, -(-e // hw)):
            lo, hi = max(s, j * hw), min(e, (j + 1) * hw)
            b0[j, :, i] = _ln._seq_rows(rows[lo:hi])      # (one column: not NumPy's pairwise sum)
            b1[j, :, i] = _ln._fma_rows(rows[lo:hi], urows[lo:hi], np.zeros(c, dt))
    return b0, b1


def forward(x, groups, w, b, eps):
    """(y, mean, rstd) of a C-contiguous (N, HxW, C) array; mean, rstd: (N, G)."""
    dt = x.dtype.type
    n, hw, c = x.shape
    d = c // groups
    s = dt(dt(1) / dt(d * hw))
    fma = _ln._fma(dt)
    if hw >= MAX_HW:        # impl-2: the group's channels then the threads, one by one
        b0, b1 = _thread_sums(x)
        s0, s1 = np.zeros((n, groups), dt), np.zeros((n, groups), dt)
        b0, b1 = b0.reshape(n, groups, -1), b1.reshape(n, groups, -1)
        for j in range(b0.shape[2]):
            s0 = s0 + b0[:, :, j]
            s1 = s1 + b1[:, :, j]
    else:                   # impl-1: ColumnwiseMoments
        v = _lanes(x, groups)
        nb, k = v.shape[3:]
        flat = np.ascontiguousarray(v.transpose(0, 1, 3, 2, 4)).reshape(n, hw * nb, groups, k)
        s0 = _ln._fold(_seq(flat, 1))
        s1 = _ln._fold(_seq(flat * flat, 1))
    mean = s0 * s
    var = np.asarray(fma(s1, np.broadcast_to(s, s1.shape), -(mean * mean)), dt)
    rstd = (1.0 / np.sqrt(np.maximum(var, 0).astype(np.float64) + float(eps))).astype(dt)
    r3 = rstd[:, :, None]
    scale = (r3 * w.reshape(groups, d) if w is not None else np.broadcast_to(r3, (n, groups, d))).reshape(n, 1, c)
    beta = np.broadcast_to(b.reshape(1, 1, c) if b is not None else dt(0), scale.shape)
    mc = np.repeat(mean, d, axis=1).reshape(n, 1, c)
    # without a weight the compiled loop rounds -scale * mean before adding the bias
    bias = np.asarray(fma(-scale, mc, beta), dt) if w is not None else -scale * mc + beta
    y = np.asarray(fma(x, scale, bias), dt)
    return y, mean, rstd


def backward(dy, x, mean, rstd, w, groups, need):
    """(dx, dw, db) of C-contiguous (N, HxW, C) arrays (None where not needed); mean, rstd: (N, G)."""
    dt = x.dtype.type
    n, hw, c = x.shape
    d = c // groups
    fma = _ln._fma(dt)
    gam = np.ones((groups, d), dt) if w is None else w.reshape(groups, d)
    if hw >= MAX_HW_BACKWARD:       # impl-2: per-thread buffers, then channel by channel, thread by thread
        b1, b0 = _thread_sums(dy, x)        # b1: sums of dy, b0: fused sums of dy * x; (N, C, T)
        t = b0.shape[2]
        ds, db = np.zeros((n, c), dt), np.zeros((n, c), dt)
        for j in range(t):
            ds = ds + b0[:, :, j]
            db = db + b1[:, :, j]
        if need[0]:
            ps = (b0.reshape(n, groups, d, t) * gam[:, :, None]).reshape(n, groups, d * t)
            pb = (b1.reshape(n, groups, d, t) * gam[:, :, None]).reshape(n, groups, d * t)
            ds_g, db_g = np.zeros((n, groups), dt), np.zeros((n, groups), dt)
            for j in range(d * t):
                ds_g = ds_g + ps[:, :, j]
                db_g = db_g + pb[:, :, j]
    else:                           # impl-1: CalcInternalGradientsChannelsLast
        xv, dyv = _lanes(x, groups), _lanes(dy, groups)
        nb, k = xv.shape[3:]
        a0 = _seq(xv * dyv, 1)              # (N, G, nb, W)
        a1 = _seq(dyv, 1)
        ds = a0.reshape(n, groups, nb * k)[..., :d].reshape(n, c)
        db = a1.reshape(n, groups, nb * k)[..., :d].reshape(n, c)
        if need[0]:
            gp = np.zeros((groups, nb * k), dt)
            gp[:, :d] = gam
            gp = gp.reshape(groups, nb, k)
            fs, fb = _ln._fold(a0 * gp), _ln._fold(a1 * gp)      # (N, G, nb)
            ds_g = np.zeros((n, groups), dt)
            db_g = np.zeros((n, groups), dt)
            for j in range(nb):
                ds_g = ds_g + fs[:, :, j]
                db_g = db_g + fb[:, :, j]
    dx = dw = dbias = None
    if need[0]:
        s = dt(dt(1) / dt(d * hw))
        c2 = np.asarray(fma(db_g, mean, -ds_g), dt) * rstd * rstd * rstd * s
        c3 = np.asarray(fma(-c2, mean, -(db_g * rstd * s)), dt)
        c1 = (rstd[:, :, None] * gam).reshape(n, 1, c)
        c2c = np.repeat(c2, d, axis=1).reshape(n, 1, c)
        c3c = np.repeat(c3, d, axis=1).reshape(n, 1, c)
        dx = np.asarray(fma(c2c, x, c1 * dy), dt)
        dx += c3c
    if need[1]:
        m3, r3 = mean.reshape(n, groups, 1), rstd.reshape(n, groups, 1)
        inner = np.asarray(fma(-db.reshape(n, groups, d), m3, ds.reshape(n, groups, d)), dt).reshape(n, c)
        dw = _ln._fma_rows(inner, np.repeat(r3, d, axis=2).reshape(n, c), np.zeros(c, dt))
    if need[2]:
        dbias = _ln._seq_rows(db)
    return dx, dw, dbias
