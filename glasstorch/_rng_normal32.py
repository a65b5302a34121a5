"""torch's float32 ``normal_`` block kernel on AVX2 / AVX-512 builds, bit for bit.

For each block of 16 float32 uniforms d (see ``_rng_normal``), j < 8:

    radius = sqrtf(-2 * log256(1 - d[j])),   theta = float32(2*pi) * d[j + 8]
    (sin, cos) = sincos256(theta)
    d[j] = fmaf(radius * cos, std, mean),    d[j + 8] = fmaf(radius * sin, std, mean)

``log256_ps`` and ``sincos256_ps`` are the Cephes-style approximations of ATen's
``avx_mathfun.h``, evaluated in float32 with every multiply that feeds an add contracted into
a fused multiply-add (GCC does that on these builds); the constants are the float32 roundings of
the header's literals. ``_log256`` / ``_sincos256`` / ``_blocks_f32_reference`` state that
arithmetic op by op; ``_block_chunk`` is the fast version used for draws (one chunk of blocks at
a time, driven by ``_rng_normal``), tested against them on all 2**24 inputs of each function
(tests/parity/test_random_normal_fast.py).
"""

import math
import threading

import numpy as np

from glasstorch._blas_axpy import fma_number_array
from glasstorch._rng_fma import (_F32_TIE_BITS, _F32_TIE_MASK, _round_sum_to_f32, _round_to_odd,
                                two_sum)

f32 = np.float32
_TWO_PI_F32 = f32(2.0 * math.pi)
_CHUNK_BLOCKS = 4096              # blocks of 16 per reference pass: keeps temporaries in cache
_FLT_MIN = f32(1.17549435e-38)
_SQRTHF = f32(0.707106781186547524)
_LOG_P = [f32(v) for v in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1,
                           -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
                           2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)]
_LOG_Q1 = f32(-2.12194440e-4)
_LOG_Q2 = f32(0.693359375)
_FOPI = f32(1.27323954473516)                     # 4 / pi
_DP = [f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.77489497744594108e-8)]
_COS_C = [f32(2.443315711809948e-5), f32(-1.388731625493765e-3), f32(4.166664568298827e-2)]
_SIN_C = [f32(-1.9515295891e-4), f32(8.3321608736e-3), f32(-1.6666654611e-1)]


# ---------------------------------------------------------------------- reference (op by op)

def _scale(z, mean, std, fma):
    """fma(z, std, mean); for std 1 that is z + mean, one rounding (so -0 + 0 gives +0)."""
    if std == 1:
        return z + z.dtype.type(mean)
    return fma(z, std, mean)


def _block_uniforms(gen, n, dtype):
    """The uniforms torch draws for n elements, arranged as rows of 16: every full block,
    then (if n % 16) the 16 fresh draws for the overlapping last block."""
    tail = 16 if n % 16 else 0
    u = gen._uniform01(n + tail, dtype)
    full = n - n % 16
    rows = u[:full].reshape(-1, 16)
    if tail:
        rows = np.concatenate([rows, u[n:].reshape(1, 16)])
    return rows


def _place(rows, n, dtype):
    """Undo ``_block_uniforms``: full blocks in order, then the redrawn block over the end."""
    out = np.empty(n, dtype=dtype)
    full = n - n % 16
    out[:full] = rows[:full // 16].reshape(-1)
    if n % 16:
        out[n - 16:] = rows[-1]
    return out


def _fmaf(a, b, c, exact_sum=False):
    """float32 fma(a, b, c); a, b, c float32 values (arrays or scalars)."""
    p = np.asarray(a, dtype=np.float64) * np.float64(b) if np.ndim(b) == 0 else \
        np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)   # exact: 24 + 24 bits
    # Values in this kernel stay far above float32's subnormal range, so only halfway
    # points can double-round (and not even those when the float64 sum is exact).
    return _round_sum_to_f32(p, np.asarray(c, dtype=np.float64), check_tiny=False,
                             check_ties=not exact_sum)


def _log256(x):
    """Cephes log256_ps in float32 with fused multiply-adds, for x in (0, 1]."""
    x = np.maximum(x, _FLT_MIN)
    bits = x.view(np.int32)
    e = ((bits >> 23) - 127).astype(f32) + f32(1)
    m = ((bits & np.int32(~0x7F800000)) | np.int32(0x3F000000)).view(f32)   # [0.5, 1)
    small = m < _SQRTHF
    x = m - f32(1)
    x = np.where(small, x + m, x)                   # 2m - 1, rounded as (m - 1) + m
    e = np.where(small, e - f32(1), e)
    z = x * x
    y = np.full_like(x, _LOG_P[0])
    for p in _LOG_P[1:]:
        y = _fmaf(y, x, p)
    y = y * x
    y = _fmaf(y, z, e * _LOG_Q1)
    y = y - z * f32(0.5)
    x = x + y
    return _fmaf(e, _LOG_Q2, x)


def _sincos256(theta):
    """Cephes sincos256_ps in float32 with fused multiply-adds, for theta >= 0."""
    j = (theta * _FOPI).astype(np.int32)            # truncation, like cvttps
    j = (j + 1) & ~1
    y = j.astype(f32)
    # theta - j*pi/4 in three steps. Each float64 sum here is exact: j < 2**4 and the DP
    # constants have few bits, and theta, x are multiples of 2**-45 below 8, so every sum is
    # a multiple of 2**-48 below 2**3: 51 bits at most. One rounding, no halfway risk.
    x = _fmaf(y, _DP[0], theta, exact_sum=True)
    x = _fmaf(y, _DP[1], x, exact_sum=True)
    x = _fmaf(y, _DP[2], x, exact_sum=True)
    z = x * x
    c = _fmaf(_COS_C[0], z, _COS_C[1])
    c = _fmaf(c, z, _COS_C[2])
    c = c * z
    c = _fmaf(c, z, -(z * f32(0.5)))
    c = c + f32(1)
    s = _fmaf(_SIN_C[0], z, _SIN_C[1])
    s = _fmaf(s, z, _SIN_C[2])
    s = s * z
    s = _fmaf(s, x, x)
    swap = (j & 2) != 0
    sin = np.where(swap, c, s)
    cos = np.where(swap, s, c)
    sin = np.where((j & 4) != 0, -sin, sin)
    cos = np.where((~(j - 2) & 4) != 0, -cos, cos)
    return sin, cos


def _blocks_f32_reference(gen, n, mean, std):
    """The float32 block path written op by op with the generic fma emulation: slow, kept as
    the readable statement of the algorithm (and the oracle for ``_block_chunk``'s tests)."""
    rows = _block_uniforms(gen, n, np.float32)
    for start in range(0, len(rows), _CHUNK_BLOCKS):
        chunk = rows[start:start + _CHUNK_BLOCKS]
        radius = np.sqrt(f32(-2) * _log256(f32(1) - chunk[:, :8]))
        sin, cos = _sincos256(_TWO_PI_F32 * chunk[:, 8:])
        chunk[:, :8] = _scale(radius * cos, mean, std, _fmaf)
        chunk[:, 8:] = _scale(radius * sin, mean, std, _fmaf)
    return _place(rows, n, np.float32)


# ---------------------------------------------------------------------- fast kernel
#
# The same arithmetic as ``_log256`` / ``_sincos256`` / ``_blocks_f32_reference``, reorganised
# for speed; every intermediate is rounded exactly where the reference rounds it:
#
# * Inputs are the 24-bit integers k = random() & 0xFFFFFF (u = k * 2**-24); 1 - u and
#   2*pi*u are formed from k directly (both exact / one rounding, as in float32).
# * float32 +, -, *, sqrt run either in float32 or in float64 followed by one cast to float32:
#   for these operations double rounding through float64 is harmless (53 >= 2*24 + 2).
# * fmaf(a, b, c) is float64(a) * float64(b) + float64(c) (product exact) cast to float32.
#   That is the correctly rounded fma unless the float64 sum was itself inexact *and* landed
#   on a float32 halfway point. For the polynomial steps in log256 / sincos256 this never
#   happens: their inputs are functions of one 24-bit integer each, and all 2**24 inputs were
#   checked against the reference (tests/parity/test_random_normal_fast.py does it again).
#   Where a product is exact in float32 (e * q2, j * DP0, j * DP1) the fma is a float32 add.
#   The final fma(v, std, mean), whose operands are the caller's, keeps the halfway check,
#   except for std == 1 (a float32 add) and mean == 0 (a float32 product, then + 0).
# * Bit tricks stand in for comparisons and selections (NumPy's where / masked ufuncs cost
#   ten times an integer op): log256's exponent / mantissa split and sincos256's octant swap and
#   sign changes act on the float32 bit patterns (exact).
# * ``_block_chunk`` transforms one chunk of up to _PAIRS (radius, angle) pairs (the tensor is
#   cut into chunks by ``_rng_normal._fill_blocks``) and every step writes into preallocated
#   buffers (``_work``), so the data stays in cache and nothing large is allocated.

_PAIRS = 32768                     # (radius, angle) pairs per chunk = 8192 blocks of 16
_F64 = np.float64
_HALF = np.dtype((np.void, 32))     # eight float32 values: half a block, copied as one item
_SQRTHF_BITS = 0x3F3504F3           # float32 bit pattern of _SQRTHF
_EXP_FIELD = -0x800000              # 0xFF800000: sign and exponent bits of an int32
_SIGN = -0x80000000                 # 0x80000000: the sign bit
_TWO_PI_U = _TWO_PI_F32 * f32(2.0 ** -24)       # exact: theta = round(2*pi_f32 * k) * 2**-24
_LOG_P64 = [float(p) for p in _LOG_P]
_DP2_64 = float(_DP[2])
_COS_C64 = [float(c) for c in _COS_C]
_SIN_C64 = [float(c) for c in _SIN_C]


class _Work:
    """Scratch buffers for one chunk of up to ``_PAIRS`` pairs."""

    def __init__(self, k):
        for name in ("s", "x64", "z64"):
            setattr(self, name, np.empty(k, _F64))
        for name in ("x", "y", "z", "t", "r", "c", "sn", "ef"):
            setattr(self, name, np.empty(k, f32))
        for name in ("kr", "ka", "e", "i1", "i2"):
            setattr(self, name, np.empty(k, np.int32))
        self.raw = np.empty(2 * k, np.uint32)
        self.tie = np.empty(k, np.int64)
        self.flag = np.empty(k, np.bool_)


_work_cache = threading.local()


def _work(pairs):
    """Buffers for ``pairs`` pairs: fresh (small) ones for small draws, else the thread's
    cached set (about 3 MB for ``_PAIRS``; grown when a larger chunk comes), so that large draws
    allocate nothing per call."""
    if pairs < _PAIRS:
        return _Work(pairs)
    w = getattr(_work_cache, "w", None)
    if w is None or len(w.s) < pairs:
        w = _work_cache.w = _Work(pairs)
    return w


def _radius_fast(kr, w, k):
    """sqrt(-2 * log256(1 - kr * 2**-24)) in float32, into w.r[:k]."""
    s, x64 = w.s[:k], w.x64[:k]
    x, y, z, t, r, ef = w.x[:k], w.y[:k], w.z[:k], w.t[:k], w.r[:k], w.ef[:k]
    e, ib, tmp = w.e[:k], w.i1[:k], w.i2[:k]
    # log256 writes 1 - u as m * 2**e with m in [0.5, 1), then takes x = 2m - 1 and e - 1 where
    # m < SQRTHF, else x = m - 1. Both cases are x = v - 1, with v = (1 - u) / 2**e' in
    # [SQRTHF, 2 SQRTHF) and e' the adjusted e. Subtracting SQRTHF's bit pattern from the
    # float's bits leaves e' in the exponent field (one less when the mantissa is below
    # SQRTHF's), so v's bits are the float's bits minus e' << 23. (1 - u = (2**24 - kr) * 2**-24
    # exactly; the float used is the integer 2**24 - kr, whose e' is 24 more.)
    np.subtract(1 << 24, kr, out=ib)
    np.copyto(x, ib, casting="unsafe")                  # exact: at most 24 bits
    bits = x.view(np.int32)
    np.subtract(bits, _SQRTHF_BITS, out=tmp)
    np.right_shift(tmp, 23, out=e)                      # e' + 24
    np.bitwise_and(tmp, _EXP_FIELD, out=tmp)
    np.subtract(bits, tmp, out=ib)                      # v
    np.subtract(ib.view(f32), f32(1), out=x)            # x = v - 1, exact
    np.subtract(e, 24, out=e)
    np.copyto(ef, e, casting="unsafe")
    np.copyto(x64, x)
    np.multiply(x, x, out=z)
    # Horner: y = fma(y, x, p) for p in P1..P8, rounded to float32 at every step
    np.multiply(x64, _LOG_P64[0], out=s)
    np.add(s, _LOG_P64[1], out=y, casting="unsafe")
    for p in _LOG_P64[2:]:
        np.multiply(y, x64, out=s, dtype=_F64)          # exact
        np.add(s, p, out=y, casting="unsafe")           # one rounding to float32
    np.multiply(y, x, out=y)                            # y * x
    np.multiply(ef, _LOG_Q1, out=t)                     # e * q1 (float32)
    np.multiply(y, z, out=s, dtype=_F64)
    np.add(s, t, out=y, casting="unsafe", dtype=_F64)   # fma(y, z, e * q1)
    np.multiply(z, f32(0.5), out=t)
    np.subtract(y, t, out=y)                            # y - z * 0.5
    np.add(x, y, out=y)                                 # x + y
    np.multiply(ef, _LOG_Q2, out=t)                     # e * q2: exact in float32 (5 + 9 bits)
    np.add(t, y, out=r)                                 # so fma(e, q2, x) is a float32 add
    np.multiply(r, f32(-2), out=r)
    np.sqrt(r, out=r)
    return r


def _sincos_fast(ka, w, k):
    """sincos256(2*pi_f32 * ka * 2**-24): returns float32 (cos, sin) buffers and the int32
    octant j (for ``_finish``). Overwrites ``ka``'s buffer only if it is w.ka."""
    s, x64, z64 = w.s[:k], w.x64[:k], w.z64[:k]
    x, y, z, c, sn = w.x[:k], w.y[:k], w.z[:k], w.c[:k], w.sn[:k]
    j, yj = w.e[:k], w.ef[:k]
    theta = h = w.t[:k]                                  # h (z / 2) once theta is used up
    np.copyto(theta, ka, casting="unsafe")              # exact: 24 bits
    np.multiply(theta, _TWO_PI_U, out=theta)            # one rounding, as 2*pi_f32 * u
    np.multiply(theta, _FOPI, out=y)
    np.copyto(j, y, casting="unsafe")                   # truncation, like cvttps
    np.add(j, 1, out=j)
    np.bitwise_and(j, -2, out=j)
    np.copyto(yj, j, casting="unsafe")
    # theta - j * pi/4: j * DP0 and j * DP1 are exact in float32 (j <= 8, DP0 / DP1 have 8 /
    # 11 bits), so those two fmas are float32 adds; j * DP2 needs the float64 product.
    np.multiply(yj, _DP[0], out=x)
    np.add(x, theta, out=x)
    np.multiply(yj, _DP[1], out=y)
    np.add(x, y, out=x)
    np.multiply(yj, _DP2_64, out=s, dtype=_F64)
    np.add(s, x, out=x, casting="unsafe", dtype=_F64)
    np.copyto(x64, x)
    np.multiply(x, x, out=z)
    np.copyto(z64, z)
    np.multiply(z, f32(0.5), out=h)                     # z * 0.5, exact
    # cos polynomial
    np.multiply(z64, _COS_C64[0], out=s)
    np.add(s, _COS_C64[1], out=s)
    np.copyto(c, s, casting="unsafe")
    np.multiply(c, z64, out=s, dtype=_F64)
    np.add(s, _COS_C64[2], out=c, casting="unsafe")
    np.multiply(c, z, out=c)
    np.multiply(c, z64, out=s, dtype=_F64)
    np.subtract(s, h, out=c, casting="unsafe", dtype=_F64)     # fma(c, z, -(z * 0.5))
    np.add(c, f32(1), out=c)
    # sin polynomial
    np.multiply(z64, _SIN_C64[0], out=s)
    np.add(s, _SIN_C64[1], out=s)
    np.copyto(sn, s, casting="unsafe")
    np.multiply(sn, z64, out=s, dtype=_F64)
    np.add(s, _SIN_C64[2], out=sn, casting="unsafe")
    np.multiply(sn, z, out=sn)
    np.multiply(sn, x64, out=s, dtype=_F64)
    np.add(s, x64, out=sn, casting="unsafe")
    return c, sn, j


def _finish(r, c, sn, j, w, k):
    """r * cos and r * sin with sincos256's octant swap and signs, in place in c and sn.
    For the octants j = 0, 2, 4, 6, 8: swap cos and sin where j & 2, negate sin where j & 4
    and cos where (j + 2) & 4, which for even j is (j & 4) ^ ((j & 2) << 1)."""
    swap, d, neg = w.i1[:k], w.i2[:k], w.ka[:k]
    np.multiply(r, c, out=c)
    np.multiply(r, sn, out=sn)
    ci, si = c.view(np.int32), sn.view(np.int32)
    np.left_shift(j, 30, out=swap)               # the sign bit where j & 2 (j is even)
    np.right_shift(swap, 31, out=d)              # all ones there
    np.bitwise_xor(ci, si, out=neg)
    np.bitwise_and(d, neg, out=d)                # swapping is c ^= d, s ^= d
    np.left_shift(j, 29, out=neg)
    np.bitwise_and(neg, _SIGN, out=neg)          # the sign bit where j & 4
    np.bitwise_xor(si, d, out=si)
    np.bitwise_xor(si, neg, out=si)
    np.bitwise_xor(neg, swap, out=neg)           # the sign bit where (j + 2) & 4
    np.bitwise_xor(ci, d, out=ci)
    np.bitwise_xor(ci, neg, out=ci)


def _scale_f32(v, mean, std, w, k):
    """v = fmaf(v, std, mean) in place (mean, std float32 scalars; not both the identity)."""
    if std == 1:                                 # fma(v, 1, mean): one float32 addition
        np.add(v, mean, out=v)
        return
    if mean == 0 and std >= 2.0 ** -60:          # round(v * std) (no underflow: |v| > 1e-20),
        np.multiply(v, std, out=v)               # then + mean: -0 + 0 gives +0 as the fma does
        np.add(v, mean, out=v)
        return
    r = fma_number_array(float(std), v, float(mean))      # the BLAS's fused axpy, where checked
    if r is not None:
        np.copyto(v, r)
        return
    s, tie, flag = w.s[:k], w.tie[:k], w.flag[:k]
    np.multiply(v, float(std), out=s, dtype=_F64)
    np.add(s, float(mean), out=s)
    np.bitwise_and(s.view(np.int64), _F32_TIE_MASK, out=tie)
    np.equal(tie, _F32_TIE_BITS, out=flag)
    if flag.any():
        idx = np.flatnonzero(flag)
        vv = v[idx].astype(_F64) * float(std)
        s[idx] = _round_to_odd(*two_sum(vv, np.full_like(vv, float(mean))))
    np.copyto(v, s, casting="unsafe")


def _block_chunk(raw, dst, mean, std, w):
    """Transform the blocks of 16 whose raw 32-bit draws are ``raw`` (uint64) into ``dst``, with
    buffers ``w`` (``_work``) for at least len(dst) / 2 pairs."""
    k = len(raw) // 2
    kr, ka, low = w.kr[:k], w.ka[:k], w.raw[:2 * k]
    np.copyto(low, raw, casting="unsafe")               # the 32-bit draws, contiguous
    halves = low.view(_HALF).reshape(-1, 2)             # per block: radius draws, angle draws
    np.copyto(kr.view(_HALF), halves[:, 0])
    np.copyto(ka.view(_HALF), halves[:, 1])
    np.bitwise_and(kr, 0xFFFFFF, out=kr)
    np.bitwise_and(ka, 0xFFFFFF, out=ka)
    r = _radius_fast(kr, w, k)
    c, sn, j = _sincos_fast(ka, w, k)
    _finish(r, c, sn, j, w, k)
    if not (std == 1 and mean == 0 and not np.signbit(mean)):
        _scale_f32(c, mean, std, w, k)
        _scale_f32(sn, mean, std, w, k)
    elif not kr.all():
        # fma(v, 1, +0) = v + 0 turns -0 into +0. The only zeros here come from kr = 0 (u1 = 1,
        # about once per 1.7e7 pairs), where log256 gives +0 and so the radius is -0.
        zero = kr == 0
        c[zero] = 0
        sn[zero] = 0
    # Scatter the halves back into blocks: one strided copy of 32-byte items each.
    d = dst.view(_HALF).reshape(-1, 2)
    np.copyto(d[:, 0], c.view(_HALF))
    np.copyto(d[:, 1], sn.view(_HALF))
