"""Layer norm's statistics, output and gradients rounded as torch's CPU kernels round them
(``layer_norm_kernel.cpp`` and ``moments_utils.h``, AVX2 build), for float32 and float64 rows.

Each of the M rows of N values is reduced on its own, with vectors of W lanes (W = 8 float32, 4
float64) and fused multiply-adds where torch's build contracts them (found by experiment against
torch, bit for bit; tests/parity/test_layer_norm_exact.py).

Statistics (``RowwiseMoments``), all in the dtype: the row's n = N // W whole vectors, in chunks
  of 16 vectors.  In a chunk, Welford per lane: d = x - m1; m1 = fma(1/(j+1), d, m1);
  m2 = fma(d, x - m1, m2).  The chunks are combined in a binary cascade (a stack of partial results,
  depth ceil(log2(chunks)) but at least 1; after chunk i, level j-1 is merged into level j while
  (i + 1) has j trailing zero bits), the levels then folded into level 0 in order.  Merging
  (k', m1', m2') into (k, m1, m2): c = k' / (k + k'), d = m1' - m1, m1 = m1 + c * d,
  m2 = fma(d * k, c * d, m2 + m2').
  The N % W leftover values: scalar Welford without fma, m1 = m1 + d / count,
  m2 = m2 + d * (x - m1); then the W lanes are merged into that one by one (counts n each):
  m2 = m2 + fma(d * d * c, k, m2'), m1 = fma(c, d, m1).
  var = m2 / N, rstd = 1 / sqrt(var + eps) with eps rounded to the dtype.
Output, t = (x + (-mean)) * rstd: with w and b fma(t, w, b); b alone fma(x - mean, rstd, b) (the
  weight of 1 folded away); otherwise t * w + 0 (a -0 becomes +0).
Backward, per row (a = rstd, s = 1 / N rounded):
  ds = sum(dy * x [* w]) and db = sum(dy [* w]) as vec::map_reduce_all sums them: the lanes start
  with the first vector's (rounded) products, the further whole vectors' rounded products are added
  in order, the leftovers into the first lanes by fma; the lanes folded (float: ((0+4)+(2+6)) +
  ((1+5)+(3+7)); double: in order); a row shorter than a vector: its products added one by one.
  b' = fma(db, mean, -ds) * a * a * a * s;  c' = fma(-b', mean, -(db * a * s));
  dx = fma(b', x, a * dy [* w]) + c'.
  dw, db: per-thread buffers (the rows split as at::parallel_for splits them), buf = fma(dy,
  fma(a, x, -a * mean), buf) and buf + dy row after row, then the threads' buffers added in order.
Not reproduced: the sign bit of NaN results (rows holding inf or NaN), which follows the compiled
instructions' operand order.
"""
import threading

import numpy as np

from ...ops._fma32 import fma32
from ..._rng_fma import fma64
from ..._runtime import get_num_threads
from ...ops._common import GRAD, _wrap, record

_F64 = np.float64
_LOW29 = np.int64(0x1FFFFFFF)     # the float64 mantissa bits that float32 drops
_TIE = np.int64(0x10000000)       # ... on a float32 halfway point
_TINY32 = 1.1754943508222875e-38  # the smallest normal float32
_CHUNK = 16
_BLOCK = 1 << 17            # elements per block of rows (measured: 2^17 - 2^18 fastest)


def _fma32_lean(a, b, c):
    """fma32 with less overhead: the double sum rounded to float32, unless some element may round
    differently from the exact sum (a halfway point or a subnormal); then fma32 itself."""
    s = np.multiply(a, b, dtype=_F64)
    s = s + c
    if ((s.view(np.int64) & _LOW29) == _TIE).any() or ((np.abs(s) < _TINY32) & (s != 0)).any():
        return fma32(a, b, c)
    return s.astype(np.float32)


def _fma(dt):
    return _fma32_lean if dt == np.float32 else fma64


def _width(dt):
    return 8 if dt == np.float32 else 4


def _ceil_log2(m):
    return 1 if m <= 2 else int(m - 1).bit_length()


def _add_moments(k_add, m1_add, m2_add, k, m1, m2, dt, fma):
    """AddMomentsVec: (k, m1, m2) += (k_add, m1_add, m2_add); counts are numbers, moments arrays."""
    n = k + k_add
    c = dt(0) if n == 0 else dt(dt(k_add) / dt(n))
    delta = m1_add - m1
    m2_tmp = m2 + m2_add
    cd = c * delta
    kd = delta * dt(k)
    return n, m1 + cd, fma(kd, cd, m2_tmp).astype(dt, copy=False)


_LOCAL = threading.local()


def _misrounded(s, p, c):
    """Whether some double sum s = p + c (p a double, c a float32 array) rounded to float32 may differ
    from the exact sum rounded once: s inexact (two_sum's error) and on a float32 halfway point or
    below the normal range."""
    odd = (s.view(np.int64) & _LOW29) == _TIE
    a = np.abs(s)
    if a.min() < _TINY32:
        odd |= (a < _TINY32) & (s != 0)
    if not odd.any():
        return False
    back = s - p
    err = (p - (s - back)) + (c - back)
    return bool((odd & (err != 0)).any())


def _scratch(shape):
    """_chunk_welford's work arrays, kept between calls of one shape in a thread (fresh ones for each
    call cost more in page faults than the arithmetic); m1s[0] and m2s[0] stay zero."""
    kept = getattr(_LOCAL, "arrays", None)
    if kept is not None and kept[0] == shape:
        return kept[1]
    big = (_CHUNK,) + shape
    arrays = tuple(np.empty(big, _F64) for _ in range(4)) + tuple(np.zeros((_CHUNK + 1,) + shape, np.float32)
                                                                   for _ in range(2))
    if np.prod(big) <= 1 << 18:
        _LOCAL.arrays = (shape, arrays)
    return arrays


def _chunk_welford(v, last):
    """float32 chunks' Welford (v: (M, chunks, 16, W), the last chunk holding ``last`` vectors) with each
    fma as a double sum rounded once, every step at once checked afterwards: (m1, m2) per chunk, or
    (None, None) where some double sum was inexact on a float32 halfway point or subnormal."""
    rows, m, _, w = v.shape
    v = np.ascontiguousarray(v.transpose(2, 0, 1, 3))      # step-major: each step's vectors contiguous
    s1, s2, p1, p2, m1s, m2s = _scratch((rows, m, w))
    for j in range(_CHUNK):
        xj = v[j]
        d = xj - m1s[j]
        np.multiply(np.float32(1) / np.float32(j + 1), d, out=p1[j], dtype=_F64)
        np.add(p1[j], m1s[j], out=s1[j])
        m1s[j + 1] = s1[j]
        np.multiply(d, xj - m1s[j + 1], out=p2[j], dtype=_F64)
        np.add(p2[j], m2s[j], out=s2[j])
        m2s[j + 1] = s2[j]
    # (step 0 rounds nothing: m1 = d and m2 = 0 exactly)
    if _misrounded(s1[1:], p1[1:], m1s[1:-1]) or _misrounded(s2[1:], p2[1:], m2s[1:-1]):
        return None, None
    c1, c2 = m1s[_CHUNK].copy(), m2s[_CHUNK].copy()
    if last < _CHUNK:                   # the last chunk stopped after ``last`` vectors
        c1[:, -1], c2[:, -1] = m1s[last][:, -1], m2s[last][:, -1]
    return c1, c2


def _blocks(rows, length):
    """Row blocks of about _BLOCK elements: the arrays of each step stay in cache."""
    step = max(1, _BLOCK // max(length, 1))
    return [(i, min(rows, i + step)) for i in range(0, rows, step)]


def moments(x):
    """(mean, var) of each row of a C-contiguous (M, N) float32/float64 array, as torch's RowwiseMoments."""
    parts = [_moments(x[s:e]) for s, e in _blocks(*x.shape)]
    if len(parts) == 1:
        return parts[0]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _moments(x):
    dt = x.dtype.type
    fma = _fma(dt)
    rows, length = x.shape
    w = _width(dt)
    n = length // w
    m = -(-n // _CHUNK)
    depth = _ceil_log2(m)
    zero = np.zeros((rows, w), dt)
    stk = [[0, zero, zero] for _ in range(max(depth, 1))]
    if n:
        v = x[:, :n * w].reshape(rows, n, w)
        pad = m * _CHUNK - n
        if pad:
            v = np.concatenate([v, np.zeros((rows, pad, w), dt)], axis=1)
        v = v.reshape(rows, m, _CHUNK, w)
        last = n - (m - 1) * _CHUNK          # vectors in the last chunk
        c1, c2 = _chunk_welford(v, last) if dt == np.float32 else (None, None)
        if c1 is None:
            c1 = np.zeros((rows, m, w), dt)
            c2 = np.zeros((rows, m, w), dt)
            for j in range(_CHUNK):
                k = m if j < last else m - 1     # chunks with a j-th vector (a prefix)
                if not k:
                    break
                xj = v[:, :k, j]
                d = xj - c1[:, :k]
                c1[:, :k] = fma(dt(dt(1) / dt(j + 1)), d, c1[:, :k])
                c2[:, :k] = fma(d, xj - c1[:, :k], c2[:, :k])
        for i in range(m):
            cnt = min(_CHUNK, n - i * _CHUNK)
            s = stk[0]
            stk[0] = list(_add_moments(cnt, c1[:, i], c2[:, i], s[0], s[1], s[2], dt, fma))
            mask = i + 1
            j = 1
            while j < depth and (mask & 1) == 0:
                lo, hi = stk[j - 1], stk[j]
                stk[j] = list(_add_moments(lo[0], lo[1], lo[2], hi[0], hi[1], hi[2], dt, fma))
                stk[j - 1] = [0, zero, zero]
                mask >>= 1
                j += 1
        for i in range(1, depth):
            s, t = stk[i], stk[0]
            stk[0] = list(_add_moments(s[0], s[1], s[2], t[0], t[1], t[2], dt, fma))
    lane1, lane2 = stk[0][1], stk[0][2]
    k = 0
    m1 = np.zeros(rows, dt)
    m2 = np.zeros(rows, dt)
    for i in range(n * w, length):
        xi = x[:, i]
        d = xi - m1
        k += 1
        m1 = m1 + d / dt(k)
        m2 = m2 + d * (xi - m1)
    for i in range(w):
        nn = k + n
        c = dt(0) if nn == 0 else dt(dt(n) / dt(nn))
        d = lane1[:, i] - m1
        t = (d * d) * c
        m2 = m2 + fma(t, dt(k), lane2[:, i]).astype(dt, copy=False)
        m1 = fma(c, d, m1).astype(dt, copy=False)
        k = nn
    return m1, m2 / dt(length)


def forward(x, w, b, eps):
    """(y, mean, rstd) of a C-contiguous (M, N) array; w, b: (N,) arrays or None."""
    dt = x.dtype.type
    mean, var = moments(x)
    rstd = dt(1) / np.sqrt(var + dt(eps))
    y = np.empty_like(x)
    for s, e in _blocks(*x.shape):
        y[s:e] = _output(x[s:e], mean[s:e, None], rstd[s:e, None], w, b)
    return y, mean, rstd


def _output(x, mean, rstd, w, b):
    dt = x.dtype.type
    # x + (-mean): where both are NaN torch keeps -mean's (float32) or x's (float64)
    xc = -mean + x if dt == np.float32 else x + -mean
    if b is None:
        # torch's scalar loop: (x - mean) * rstd * w + 0 (a -0 becomes +0)
        t = xc * rstd
        if w is not None:
            t *= w
        t += dt(0)
        return t
    if w is None:           # w = 1 folded away: (x - mean) * rstd + b contracted
        return _fma(dt)(xc, rstd, b)
    return _fma(dt)(xc * rstd, w, b)


# ---- backward -------------------------------------------------------------------------------------

def _fold(lanes):
    """vec_reduce_all of the lanes (last axis): float's shuffle tree, double's lanes in order."""
    l = lanes
    if l.shape[-1] == 8:
        return ((l[..., 0] + l[..., 4]) + (l[..., 2] + l[..., 6])) + ((l[..., 1] + l[..., 5]) + (l[..., 3] + l[..., 7]))
    acc = l[..., 0]
    for j in range(1, l.shape[-1]):
        acc = acc + l[..., j]
    return acc


def _row_sum(p, q=None):
    """Per row of (M, N) arrays: torch's reduce_all of p (q None) or map-reduce of p * q (q may be
    (N,)): the first vector's values, each further whole vector's added in order (products rounded),
    the leftovers into the first lanes (products by fma), the lanes folded; a row shorter than a
    vector: its values added one by one."""
    dt = p.dtype.type
    rows, length = p.shape
    w = _width(dt)
    n = length // w
    if n == 0:
        vals = p if q is None else p * q
        acc = vals[:, 0]
        for j in range(1, length):
            acc = acc + vals[:, j]
        return acc
    body = n * w
    vals = p[:, :body] if q is None else p[:, :body] * q[..., :body]
    acc = np.add.reduce(vals.reshape(rows, n, w), axis=1)      # in order along the vectors
    r = length - body
    if r:
        if q is None:
            acc[:, :r] += p[:, body:]
        else:
            acc[:, :r] = _fma(dt)(p[:, body:], q[..., body:], acc[:, :r])
    return _fold(acc)


def _fma_rows(u, v, buf):
    """buf = fma(u_i, v_i, buf) over the rows i of (R, N) arrays, in order."""
    dt = buf.dtype.type
    if dt == np.float32 and u.shape[0]:
        # float32 products are exact in double: one double add and a rounding to float32 per step,
        # the fused result unless _misrounded finds otherwise afterwards
        p = np.multiply(u, v, dtype=_F64)
        s = np.empty_like(p)
        prev = np.empty(u.shape, np.float32)
        prev[0] = buf
        for i in range(p.shape[0]):
            np.add(p[i], prev[i], out=s[i])
            if i + 1 < p.shape[0]:
                prev[i + 1] = s[i]
        if not _misrounded(s, p, prev):
            return s[-1].astype(np.float32)
    fma = _fma(dt)
    for i in range(u.shape[0]):
        buf = fma(u[i], v[i], buf).astype(dt, copy=False)
    return buf


def _seq_rows(a):
    """buf + a_i over the rows of an (R, N) array, in order, from buf = +0."""
    if a.shape[1] == 1:             # one column: cumsum adds in order (a reduce would pair)
        return np.cumsum(np.concatenate([np.zeros(1, a.dtype), a[:, 0]]))[-1:]
    return np.add.reduce(a, axis=0, initial=0.0)


def _thread_ranges(rows):
    """The row ranges of ``at::parallel_for(0, rows, 1)``: one per thread, equal but for the last."""
    t = get_num_threads()
    if t <= 1 or rows <= 1:
        return [(0, rows)]
    nt = min(t, rows)
    cs = -(-rows // nt)
    return [(i * cs, min(rows, (i + 1) * cs)) for i in range(nt) if i * cs < rows]


def _threads_sum(per_thread):
    """The second pass: the threads' buffers added in order from +0 (an unused thread's are zeros)."""
    acc = np.zeros_like(per_thread[0])
    for b in per_thread:
        acc = acc + b
    return acc


def _dx(dy, x, mean, rstd, w):
    dt = x.dtype.type
    fma = _fma(dt)
    if w is None:
        ds, db = _row_sum(dy, x), _row_sum(dy)
    else:
        ds, db = _row_sum((dy * x).astype(dt, copy=False), w), _row_sum(dy, w)
    scale = dt(dt(1) / dt(x.shape[1]))
    bb = fma(db, mean, -ds).astype(dt, copy=False) * rstd * rstd * rstd * scale
    cc = fma(-bb, mean, -((db * rstd) * scale)).astype(dt, copy=False)
    a = rstd[:, None]
    ady = a * dy if w is None else (a * dy) * w
    dx = fma(bb[:, None], x, ady).astype(dt, copy=False)
    dx += cc[:, None]
    return dx


def backward(dy, x, mean, rstd, w, need):
    """(dx, dw, db) of C-contiguous (M, N) arrays (None where not needed); mean, rstd: (M,)."""
    dt = x.dtype.type
    rows, length = x.shape
    dx = dw = dbias = None
    if need[0]:
        dx = np.empty_like(x)
        for s, e in _blocks(rows, length):
            dx[s:e] = _dx(dy[s:e], x[s:e], mean[s:e], rstd[s:e], w)
    if need[1] or need[2]:
        ranges = _thread_ranges(rows)
        if need[1]:
            fma = _fma(dt)
            bufs = []
            for s, e in ranges:
                buf = np.zeros(length, dt)
                for s2, e2 in _blocks(e - s, length):
                    r = slice(s + s2, s + e2)
                    a = rstd[r, None]
                    inner = fma(a, x[r], -a * mean[r, None]).astype(dt, copy=False)
                    buf = _fma_rows(dy[r], inner, buf)
                bufs.append(buf)
            dw = _threads_sum(bufs)
        if need[2]:
            dbias = _threads_sum([_seq_rows(dy[s:e]) for s, e in ranges])
    return dx, dw, dbias


# ---- glasstorch's entry points ------------------------------------------------------------------------

def _params(p, dt):
    return None if p is None else np.ascontiguousarray(p._data, dt).reshape(-1)


def layer_norm(input, weight, bias, eps, k, node_cls):
    """F.layer_norm of a non-empty float32/float64 tensor over its last ``k`` dims (checked already),
    recording a ``node_cls`` whose backward calls ``node_backward`` when a gradient is wanted."""
    x = input._data
    dt = x.dtype.type
    length = int(np.prod(x.shape[x.ndim - k:]))
    rows = np.ascontiguousarray(x).reshape(-1, length)
    y, mean, rstd = forward(rows, _params(weight, dt), _params(bias, dt), eps)
    r = _wrap(y.reshape(x.shape))
    need = (input._rg, weight is not None and weight._rg, bias is not None and bias._rg)
    if GRAD.enabled and any(need):
        node = node_cls()
        node.xhat = node.invstd = None
        node.need, node.axes, node.eps, node.exact = need, tuple(range(x.ndim - k, x.ndim)), eps, (mean, rstd)
        node.save(weight, input)        # the input for double backward, as torch saves it
        record(node, r, input, weight, bias)
    return r


def stats(x, k, eps):
    """native_layer_norm's (mean, rstd) of a non-empty float32/float64 array over its last k dims,
    the normalised dims kept as size 1."""
    dt = x.dtype.type
    length = int(np.prod(x.shape[x.ndim - k:]))
    mean, var = moments(np.ascontiguousarray(x).reshape(-1, length))
    shape = x.shape[:x.ndim - k] + (1,) * k
    return mean.reshape(shape), (dt(1) / np.sqrt(var + dt(eps))).reshape(shape)


def node_backward(g, x, w, stats, need, axes):
    """NativeLayerNormBackward0's (grad_input, grad_weight, grad_bias) of array g, x, w."""
    dt = x.dtype.type
    mean, rstd = stats
    norm_shape = x.shape[axes[0]:]
    length = int(np.prod(norm_shape))
    rows = np.ascontiguousarray(x).reshape(-1, length)
    dy = np.ascontiguousarray(g, dt).reshape(rows.shape)
    wv = None if w is None else np.ascontiguousarray(w, dt).reshape(-1)
    dx, dw, db = backward(dy, rows, mean, rstd, wv, need)
    return (None if dx is None else dx.reshape(x.shape), None if dw is None else dw.reshape(norm_shape),
            None if db is None else db.reshape(norm_shape))
