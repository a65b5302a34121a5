"""torch's own arithmetic for ``dot``, ``sum`` and ``sqrt`` of small float tensors, in NumPy.

LBFGS reduces vectors to scalars (dot products, a sum) and takes a square root in its line
search; NumPy's versions of these are correct but round differently from torch's, so LBFGS
would drift from torch by an ulp per call, and quasi-Newton iterations amplify that.  The
functions here reproduce torch 2.13's x86-64 CPU wheel (MKL 2024.2, CPU capability AVX2) bit
for bit, as measured on an AMD EPYC (Zen) machine.  They are machine-specific: see each note.

``dot`` is MKL's ``ddot``/``sdot``.  On an AMD CPU MKL runs its generic SSE2 kernel: every
product is rounded (no FMA), then the products are summed in four 16-byte accumulators.  The
order was found by probing: with x = 1 and y holding +M and -M at positions i and j and ones
elsewhere, the value of the dot product tells how many ones were absorbed before i and j met,
which fixes the whole evaluation tree.  Random float32/float64 vectors of every length up to
4095 agree bit for bit.  Not modelled: Intel CPUs (MKL picks AVX2/AVX-512 kernels with other
blocking and FMAs), operands that are not 16-byte aligned (a peeled path; torch's allocator
aligns every fresh tensor, and LBFGS only dots fresh tensors), and lengths from 4096 (float64)
or 8192 (float32) up, which MKL splits across its threads.

``sum1d`` is ATen's vectorised reduction (``SumKernel.cpp``).  It depends only on the vector
width of the CPU capability (32 bytes for AVX2; AVX-512 builds use another order) and, for
more than 32768 elements, on the number of threads torch splits the reduction over.

``sqrt`` is MKL's ``vdSqrt``/``vsSqrt`` (VML, high-accuracy mode), which torch's CPU ``sqrt``
calls for float32/float64.  On AMD CPUs MKL takes a path that starts from the SSE
``rsqrtps`` instruction, whose 13-bit estimate is implementation-defined (Intel and AMD
differ), then refines it without FMA; the result is faithful but not correctly rounded (1.2%
of float64 and 17% of float32 results differ from IEEE ``sqrt`` by one ulp).  ``_RSQRTPS``
holds the estimates this CPU's ``rsqrtps`` returns, dumped with ``_mm_rsqrt_ps`` over every
float in [1, 4): they depend only on the exponent's parity and the top 12 mantissa bits.
"""
import base64
import functools
import zlib

import numpy as np

__all__ = ["dot", "sum1d", "sqrt"]


def _seq_rows(a):
    """Sum a[0], a[1], ... one after another ((a[0] + a[1]) + a[2] ...), element-wise.  NumPy
    sums pairwise only along a contiguous axis; along the outer axis it adds row after row."""
    return np.add.reduce(a, axis=0)


def dot(x, y):
    """``torch.dot(x, y)`` of two 1-D float32/float64 arrays, as a 0-d value of their dtype."""
    dt = x.dtype
    n = x.size
    if n == 0:
        return dt.type(0)
    p = x * y                                    # SSE2: every product is rounded
    w = 16 // dt.itemsize                        # lanes in a 16-byte register: 2 or 4
    acc = np.zeros((4, w), dt)                   # four register accumulators
    blk = 4 * w
    nb = n // blk
    if nb:
        acc += _seq_rows(p[:nb * blk].reshape(nb, 4, w))
    i = nb * blk
    if dt == np.float32 and n - i >= 8:          # sdot: a half block goes to registers 0 and 1
        acc[:2] += p[i:i + 8].reshape(2, w)
        i += 8
    while n - i >= w:                            # then whole registers into register 0
        acc[0] += p[i:i + w]
        i += w
    while i < n:                                 # and the last elements into its lane 0
        acc[0, 0] += p[i]
        i += 1
    r = ((acc[0] + acc[1]) + acc[2]) + acc[3]
    if w == 2:
        return r[0] + r[1]
    return (r[0] + r[2]) + (r[1] + r[3])


def _cascade(v):
    """Lane-wise sum of the vectors v[0], v[1], ... (shape (m, ...)) in ATen's cascade: blocks
    of 2**p vectors are summed in order into level 0, which is then folded into level 1; every
    2**p folds level 1 goes into level 2, and so on (four levels); at the end levels 1..3 are
    added to level 0.  This bounds the rounding error of long sums."""
    m = v.shape[0]
    levels = 4
    power = max(4, (int(m - 1).bit_length() if m > 1 else 0) // levels)   # ceil(log2 m) / 4
    step = 1 << power
    acc = np.zeros((levels,) + v.shape[1:], v.dtype)
    i = 0
    while i + step <= m:
        acc[0] = _seq_rows(v[i:i + step])        # level 0 is empty at the start of a block
        i += step
        for lev in range(1, levels):
            acc[lev] += acc[lev - 1]
            acc[lev - 1] = 0
            if i & ((step - 1) << (lev * power)):
                break
    if i < m:
        acc[0] = _seq_rows(v[i:])
    for lev in range(1, levels):
        acc[0] += acc[lev]
    return acc[0]


def sum1d(x):
    """``x.sum()`` of a contiguous 1-D float32/float64 array (torch's AVX2 order), 0-d value."""
    dt = x.dtype
    n = x.size
    w = 32 // dt.itemsize                        # lanes in a 32-byte vector: 4 or 8
    nv = n // w
    if nv == 0:
        # shorter than one vector: scalar code, four accumulators taking every fourth element
        part = np.zeros(4, dt)
        if n >= 4:
            part += x[:4]
        for e in x[4 * (n >= 4):]:
            part[0] += e
        return ((part[0] + part[1]) + part[2]) + part[3]
    total = dt.type(0)
    for e in x[nv * w:]:                         # the elements after the last whole vector
        total += e
    v = x[:nv * w].reshape(nv, w)
    g = nv // 4                                  # four independent accumulator vectors
    part = _cascade(v[:4 * g].reshape(g, 4, w)) if g else np.zeros((4, w), dt)
    if 4 * g < nv:                               # leftover vectors go to accumulator 0
        part[0] = _seq_rows(np.concatenate([part[:1], v[4 * g:]]))
    for e in ((part[0] + part[1]) + part[2]) + part[3]:
        total += e
    return total


# rsqrtps(m) for m in [1, 2) (entries 0..4095) and [2, 4) (4096..8191), indexed by the top 12
# mantissa bits of m.  Every estimate is k / 8192 with an integer k; stored as k[0] = 8191 and
# k[4096] = 5792 and the decreases k[i] - k[i + 1] within each half (0, 1 or 2), compressed.
_RSQRTPS = (
    "eNrdlgkOwzAIBBf+/+hKvRx8UQrGbptGZLKDI1mRAtH9h0chpjkT+Xxy+l5GJ7/e44n7Sb67wp6jXKNhVvLVjGC/"
    "n4udEcxKvpoR7Nc5F7r+h2z1dzM0v5jdujrH4n61Pq/l/nzPCPaj846PpkyYjX42w+qTPEhhHJa7ffzXgW/7qv2o"
    "g1Fu9bNz1bc0d5ic/bv5jfV2DBhGP3q9aB/izuv9KJyd7/CNLS7Ofp7OMvPW09bT+02DNSs5ggd5BPtNLkbi8oUY"
    "MRt9K2Nx/yh/FTaOnnzwKGxj8UW8hlNGcJ7t48/GWVhzZZDw5l4/ur/hzWMokvsnfmccXJ9n+21/4KzyAxVoX3w5"
    "F84ZRt/aj+T1cNh6Xt+8XuDav8h1hsXPRnJ/tJ+9XnTe+s/rwanl2f5p/ac/Tztv4CUP/w=="
)


@functools.lru_cache(maxsize=None)
def _rsqrtps_table():
    dec = np.frombuffer(zlib.decompress(base64.b64decode(_RSQRTPS)), np.uint8).astype(np.int64)
    k = np.empty(8192, np.int64)
    k[0], k[4096] = 8191, 5792
    k[1:4096] = 8191 - np.cumsum(dec[:4095])
    k[4097:] = 5792 - np.cumsum(dec[4095:])
    return k / 8192.0


def _rsqrt_estimate(x):
    """rsqrtps of x (positive, normal), as float64: the tabled estimate for the mantissa scaled
    into [1, 4) by an even power of two, times that power's square root."""
    mant, exp = np.frexp(x)                      # x = mant * 2**exp, mant in [0.5, 1)
    e = exp - 1                                  # x = (2 * mant) * 2**e
    top12 = ((2 * mant - 1) * 4096).astype(np.int64)        # exact: the top 12 mantissa bits
    idx = top12 + 4096 * (e & 1)                 # odd e: mantissa taken times 2, into [2, 4)
    return np.ldexp(_rsqrtps_table()[idx], -(e >> 1))


def _sqrt64(x):
    """vdSqrt: y ~ 1/sqrt(x) from rsqrtps (13 bits, so y*y and x_hi*y*y are exact), then
    sqrt(x) = x*y*(1 - e)**-0.5 with e = 1 - x*y*y and a degree-4 polynomial for the series."""
    y = _rsqrt_estimate(x)
    y2 = y * y
    x_hi = (x.view(np.uint64) & np.uint64(0xFFFFFFFFF8000000)).view(np.float64)   # 26 bits
    x_lo = x - x_hi
    e = (1.0 - x_hi * y2) - x_lo * y2
    c3, c2, c1, c0 = 0.27343754675366555, 0.31250016501874495, 0.37500000000001366, 0.49999999999997785
    poly = (((e * c3 + c2) * e + c1) * e + c0) * e
    return x_hi * y + (x_lo * y + (poly * y) * x)


@functools.lru_cache(maxsize=None)
def _rsqrtps_bits32():
    return _rsqrtps_table().astype(np.float32).view(np.int32)


def _rsqrt_estimate32(x):
    """``_rsqrt_estimate`` for positive normal float32 numbers, on their bits: the table's entry for the
    top 12 mantissa bits and the exponent's parity, its exponent lowered by half of x's exponent."""
    b = x.view(np.int32)
    e = (b >> 23) - 127                          # x = 1.m * 2**e
    idx = ((b >> 11) & 0xFFF) | ((e & 1) << 12)
    return (_rsqrtps_bits32()[idx] - ((e >> 1) << 23)).view(np.float32)


def _sqrt32(x):
    """vsSqrt: s = x*y, h = y/2 from rsqrtps, one coupled Newton step on both, then one
    residual correction, all in float32 without FMA."""
    f32 = np.float32
    y = _rsqrt_estimate32(x)                     # exact: 13-bit values
    s = y * x
    h = y * f32(0.5)
    r = f32(0.5) - s * h
    s = s * r + s
    h = h * r + h
    return (x - s * s) * h + s


def sqrt(x):
    """torch's ``sqrt`` of a float32/float64 array or NumPy scalar (same shape and dtype)."""
    a = np.asarray(x)
    if a.dtype not in (np.float32, np.float64):
        return np.sqrt(x)
    # MKL sends zeros, negatives, subnormals, inf, nan and the largest values (x >= 2**1022,
    # float32 bits above 0x7f7ff000) to a special-case path, which is correctly rounded
    tiny = np.finfo(a.dtype).tiny
    big = 2.0 ** 1022 if a.dtype == np.float64 else np.uint32(0x7F7FF000).view(np.float32)
    ok = (a >= tiny) & (a <= big) if a.dtype == np.float32 else (a >= tiny) & (a < big)
    if a.ndim and ok.all():                      # the common case: no special values to keep
        return _sqrt64(a) if a.dtype == np.float64 else _sqrt32(a)
    out = np.sqrt(a)
    if ok.any():
        v = a[ok] if a.ndim else a.reshape(1)
        r = _sqrt64(v) if a.dtype == np.float64 else _sqrt32(v)
        if a.ndim:
            out[ok] = r
        else:
            out = r[0]
    return a.dtype.type(out) if a.ndim == 0 else out
