"""The arithmetic of torch's CPU fused weight-norm kernels (aten/src/ATen/native/cpu/WeightNormKernel.cpp),
in the order and roundings they use, so that ``weight_norm`` layers give torch's bits.

Forward, w = v * (g / ||v||), with the norm in the accumulation type (float32 for float16 tensors):

* norm over every dim but the first: each row's squares are summed by ``vec::map_reduce_all``, 8 float32
  / 4 float64 lanes (float16: two float32 vectors per 16-element block) and the lanes folded as AVX2 does
  (``_softmax_order.lane_dot``); a = g / norm;  w = v * a;
* norm over every dim but the last: the rows are split among threads as ``at::parallel_for`` splits them,
  each thread accumulating acc = fma(v, v, acc) over its rows in turn, then the threads' rows added in
  thread order; norm = sqrt(sum); a = g / norm;  w = v * a.

Backward (g_w the incoming gradient):  s = sum(g_w * v) per slice (the same two reduction orders, the
first dim's without fusing its leftover lanes), grad_g = s / norm,  a = g / norm,  b = a * grad_g / norm,
grad_v = fma(-b, v, a * g_w):  GCC contracts the kernel's ``a * grad_w - b * v`` into that one FMA.
(Measured against torch 2.13's AVX2 kernels for float32, float64 and float16, one and two threads.)
"""
import numpy as np

from ...ops._softmax_order import _lanes, lane_dot
from ...ops._fma32 import fma32
from ..._rng_fma import fma64
from ..._runtime import get_num_threads


def _fma(a, b, c):
    return fma32(a, b, c) if a.dtype == np.float32 else fma64(a, b, c)


def _acc_dtype(dt):
    return np.float64 if dt == np.float64 else np.float32


def _seq(p, n):
    r = p[..., 0].copy()
    for i in range(1, n):
        r += p[..., i]
    return r


def _half_dot(a, b):
    """Rows of float32 ``a * b`` (both from float16 data, so the products are exact) summed as the
    reduced-precision ``map_reduce_all`` sums them: 16-element blocks in two 8-lane float vectors."""
    n = a.shape[-1]
    p = a * b
    if n < 16:
        if n > 8:
            d0 = p[..., :8].copy()
            d0[..., :n - 8] += p[..., 8:]
            return _seq(d0, 8)
        return _seq(p, n)
    k = n // 16
    acc = np.add.reduce(p[..., :16 * k].reshape(p.shape[:-1] + (k, 16)), axis=-2)
    t = n - 16 * k
    if t:
        acc[..., :t] += p[..., 16 * k:]
    return _lanes(acc[..., :8] + acc[..., 8:], 8)


def _row_dot(a, b, half):
    if a.shape[-1] == 0:
        return np.zeros(a.shape[:-1], a.dtype)
    return _half_dot(a, b) if half else lane_dot(a, b, False)


def _column_dot(a, b):
    """Columns of ``a * b`` (M, N) summed as the last-dim kernels sum them: rows split among threads
    like ``at::parallel_for(0, M, 1)``, acc = fma(a, b, acc) row after row, the threads' sums added."""
    m, n = a.shape
    threads = max(1, min(get_num_threads(), m))
    chunk = -(-m // threads) if m else 1
    total = np.zeros(n, a.dtype)
    for start in range(0, m, chunk):
        acc = np.zeros(n, a.dtype)
        for i in range(start, min(start + chunk, m)):
            acc = _fma(a[i], b[i], acc)
        total = total + acc
    return total


def forward(v, g, dim):
    """(w, norm) for arrays ``v`` and ``g`` (g shaped like the norm), dim 0 or v.ndim - 1."""
    acc = _acc_dtype(v.dtype)
    vf = np.ascontiguousarray(v).astype(acc, copy=False)
    if dim == 0:
        rows = vf.reshape(v.shape[0], -1)
        norm = np.sqrt(_row_dot(rows, rows, v.dtype == np.float16))
        a = g.reshape(-1).astype(acc) / norm
        w = rows * a[:, None]
    else:
        rows = vf.reshape(-1, v.shape[-1])
        norm = np.sqrt(_column_dot(rows, rows))
        a = g.reshape(-1).astype(acc) / norm
        w = rows * a
    return w.astype(v.dtype, copy=False).reshape(v.shape), norm.reshape(g.shape)


def backward(gw, v, g, norm, dim):
    """(grad_v, grad_g) of ``forward`` for the incoming gradient ``gw``."""
    acc = _acc_dtype(v.dtype)
    vf = np.ascontiguousarray(v).astype(acc, copy=False)
    gf = np.ascontiguousarray(gw).astype(acc, copy=False)
    n = norm.reshape(-1).astype(acc, copy=False)
    if dim == 0:
        rv, rg = vf.reshape(v.shape[0], -1), gf.reshape(v.shape[0], -1)
        s = _row_dot(rg, rv, v.dtype == np.float16)
        col = (slice(None), None)
    else:
        rv, rg = vf.reshape(-1, v.shape[-1]), gf.reshape(-1, v.shape[-1])
        s = _column_dot(rg, rv)
        col = (None, slice(None))
    grad_g = s / n
    a = g.reshape(-1).astype(acc) / n
    b = a * grad_g / n
    a_full = np.broadcast_to(a[col], rv.shape)
    b_full = np.broadcast_to(-b[col], rv.shape)
    grad_v = _fma(np.ascontiguousarray(b_full), rv, a_full * rg)
    return grad_v.astype(v.dtype, copy=False).reshape(v.shape), grad_g.astype(v.dtype).reshape(g.shape)
