"""The order in which torch's CPU softmax kernels add a row (``vec::reduce_all``), for float32/64.

Along the last dim, torch's ``_vec_softmax_lastdim`` / ``_vec_log_softmax_lastdim`` and their
backward kernels sum each row with ``vec::reduce_all`` over AVX2 vectors of W lanes (8 float32 / 4
float64):

    rows shorter than W:  ((x0 + x1) + x2) + ...                       (one item after another)
    otherwise:            acc = x[0:W];  acc += x[kW:(k+1)W] for each further whole vector, in turn;
                          the t = n mod W leftover items go into lanes 0..t-1;  then the lanes:
                          float32  ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7))   (two shuffles)
                          float64  ((a0 + a1) + a2) + a3

NumPy's own sum of a row pairs items in another order, which changes the last bit of a softmax
row in about half of the rows of 8 or more (measured on torch 2.13's AVX2 kernels; AVX-512 kernels
have 16 / 8 lanes, see docs/differences.md).  Along any other dim the kernels add one item after
another, which is what NumPy's reduce over a non-innermost axis does.
"""
import numpy as np


def lane_sum(e):
    """Each last-axis row of float32/float64 ``e`` (..., n) summed in torch's order (shape (...))."""
    n = e.shape[-1]
    w = 8 if e.dtype == np.float32 else 4
    if n < w:
        if n == 0:
            return np.zeros(e.shape[:-1], e.dtype)
        r = e[..., 0].copy()
        for i in range(1, n):
            r += e[..., i]
        return r
    k = n // w
    acc = np.add.reduce(e[..., :k * w].reshape(e.shape[:-1] + (k, w)), axis=-2)    # vector by vector
    t = n - k * w
    if t:
        acc[..., :t] += e[..., k * w:]
    return _lanes(acc, w)


def _lanes(acc, w):
    """The AVX2 horizontal sum of (..., w) lane accumulators (see the module docstring)."""
    if w == 8:
        h = acc[..., :4] + acc[..., 4:]
        h = h[..., :2] + h[..., 2:]
        return h[..., 0] + h[..., 1]
    r = acc[..., 0] + acc[..., 1]
    r += acc[..., 2]
    r += acc[..., 3]
    return r


def lane_dot(a, b, fused_tail):
    """Each last-axis row of ``a * b`` summed as softmax's backward kernel sums it
    (``map2_reduce_all``): rows shorter than W as rounded products added in turn; otherwise the
    first vector of products, each further vector of rounded products added to it, the leftover
    lanes too, then the lanes as ``lane_sum``'s.  Measured: where ``at::parallel_for`` runs the rows
    in the caller's thread (one thread, or one row) GCC's copy of the loop fuses the leftover lanes'
    ``acc + x * y`` into one FMA; inside the OpenMP region it does not (``fused_tail``)."""
    n = a.shape[-1]
    w = 8 if a.dtype == np.float32 else 4
    if n < w:
        return lane_sum(a * b)
    k = n // w
    prods = a[..., :k * w] * b[..., :k * w]                                      # rounded products
    acc = np.add.reduce(prods.reshape(a.shape[:-1] + (k, w)), axis=-2)          # vector by vector
    t = n - k * w
    if t:
        if fused_tail:
            from ._fma32 import fma32
            from .._rng_fma import fma64
            acc[..., :t] = (fma32 if w == 8 else fma64)(a[..., k * w:], b[..., k * w:], acc[..., :t])
        else:
            acc[..., :t] += a[..., k * w:] * b[..., k * w:]
    return _lanes(acc, w)


def row_sum(e, d, keepdims=True):
    """``e`` summed along ``d`` as torch's softmax kernels sum it (``lane_sum`` on the last dim)."""
    if d == e.ndim - 1 and e.dtype.char in "fd":
        s = lane_sum(e)
        return s[..., None] if keepdims else s
    if e.dtype.char in "fd" and e.size and all(n == 1 for n in e.shape[d + 1:]):
        # the dims after d all 1: NumPy's reduce would run along d as a contiguous row, pairwise;
        # torch's kernel still adds one item after another, as cumsum does
        s = np.cumsum(e, axis=d).take([-1], axis=d)
        return s if keepdims else np.squeeze(s, axis=d)
    return np.sum(e, axis=d, keepdims=keepdims)


def vector_positions(outer, inner, threads, step=8):
    """(outer, inner) bools: which positions torch's softmax over a middle dim (``_vec_softmax``) runs
    in its vector loop (SLEEF's exp) rather than its scalar tail (glibc's).  ``at::parallel_for`` cuts
    the outer * inner positions into one chunk per thread; within a chunk, each stretch of a row
    (inner positions of one outer index) goes in groups of ``step`` (one vector: 8 float32, 4 float64)
    that fit in both the row and the chunk, and what is left of the stretch goes one position at a
    time."""
    n = outer * inner
    p = np.arange(n)
    if threads > 1 and n > 1:
        size = -(-n // min(threads, n))
        b = p // size * size
        e = np.minimum(b + size, n)
    else:
        b, e = np.zeros(n, np.int64), np.full(n, n)
    row0 = p - p % inner
    rs = np.maximum(b, row0)                       # where this stretch of the row starts
    re = np.minimum(e, row0 + inner)               # and ends
    gs = rs + (p - rs) // step * step              # the start of p's group
    return (gs + step <= re).reshape(outer, inner)
