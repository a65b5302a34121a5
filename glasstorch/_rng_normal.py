"""torch's CPU ``normal_`` kernel (``randn``, ``normal``, ``nn.init.normal_``), bit for bit.

torch picks one of two algorithms from the tensor alone:

* **Element-wise path** (numel < 16, or a non-contiguous tensor), any dtype: Box-Muller in
  double with a cached second sample,

      u1, u2 = two 53-bit uniforms (u1 drawn first)
      r      = sqrt(-2 * log1p(-u2)),   theta = 2*pi * u1
      return r * cos(theta)  and cache r * sin(theta) for the next element,

  then ``fma(value, std, mean)`` in double, cast to the dtype. A cached sample is used (and
  cleared) before anything is drawn, it outlives the call, and only ``manual_seed`` clears it.

* **Block path** (numel >= 16 and contiguous): fill all n elements with uniforms of the dtype,
  transform each block of 16 in place, and if n % 16 != 0 draw 16 *fresh* uniforms for the last
  16 positions and transform that block again. In a block, for j < 8:

      u1 = 1 - d[j],  u2 = d[j + 8]
      radius = sqrt(-2 * log(u1)),  theta = 2*pi * u2
      d[j] = fma(radius * cos(theta), std, mean),  d[j + 8] = fma(radius * sin(theta), std, mean)

  float64 uses libm log/cos/sin. float32 (AVX2 builds) uses the Cephes approximations
  ``log256_ps`` / ``sincos256_ps`` in float32 arithmetic with GCC's FMA contractions, emulated
  below step by step (constants are the float32 roundings of the header literals).
  ``_blocks_f32`` is the fast version used for draws; ``_blocks_f32_reference`` the op-by-op
  statement it is tested against.
"""

import math
import threading

import numpy as np

from glasstorch._rng_fma import (_F32_TIE_BITS, _F32_TIE_MASK, _round_sum_to_f32, _round_to_odd,
                                fma64, two_sum)

_TWO_PI = 2.0 * math.pi
_CHUNK_BLOCKS = 4096              # blocks of 16 per float32 pass: keeps temporaries in cache

f32 = np.float32
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
_TWO_PI_F32 = f32(_TWO_PI)


def normal(gen, n, dtype, mean, std, contiguous):
    """n normal samples (flat) for a tensor of the given dtype; see the module docstring."""
    std = float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    dtype = np.dtype(dtype)
    if n < 16 or not contiguous:
        return _elementwise(gen, n, float(mean), std).astype(dtype)
    if dtype == np.float32:
        return _blocks_f32(gen, n, f32(mean), f32(std))
    if dtype == np.float64:
        return _blocks_f64(gen, n, float(mean), std)
    raise NotImplementedError(f"normal_ for dtype {dtype}")


# ---------------------------------------------------------------------- element-wise path

def _elementwise(gen, n, mean, std):
    """Box-Muller in double with the generator's cached sample; returns float64."""
    out = np.empty(n, dtype=np.float64)
    start = 0
    if n and gen._next_double_normal is not None:
        out[0] = gen._next_double_normal
        gen._next_double_normal = None
        start = 1
    todo = n - start
    pairs = (todo + 1) // 2
    if pairs:
        u = gen._uniform01(2 * pairs, np.float64).reshape(pairs, 2)
        radius = np.sqrt(-2.0 * _libm.log1p(-u[:, 1]))
        theta = _TWO_PI * u[:, 0]
        both = np.empty((pairs, 2), dtype=np.float64)
        both[:, 0] = radius * _libm.cos(theta)
        both[:, 1] = radius * _libm.sin(theta)
        both = both.reshape(-1)
        out[start:] = both[:todo]
        if todo % 2:                       # the last sine waits for the next call
            gen._next_double_normal = float(both[-1])
    return _scale(out, mean, std, fma64)


def _scale(z, mean, std, fma):
    """fma(z, std, mean); for std 1, mean 0 that is z + 0 (z itself, except -0 -> +0)."""
    if std == 1 and mean == 0:
        return z + z.dtype.type(0)
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


# ---------------------------------------------------------------------- float64 blocks

def _blocks_f64(gen, n, mean, std):
    rows = _block_uniforms(gen, n, np.float64)
    radius = np.sqrt(-2.0 * _libm.log(1.0 - rows[:, :8]))
    theta = _TWO_PI * rows[:, 8:]
    rows[:, :8] = _scale(radius * _libm.cos(theta), mean, std, fma64)
    rows[:, 8:] = _scale(radius * _libm.sin(theta), mean, std, fma64)
    return _place(rows, n, np.float64)


# ---------------------------------------------------------------------- float32 blocks (AVX2)

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
    the readable statement of the algorithm (and the oracle for ``_blocks_f32``'s tests)."""
    rows = _block_uniforms(gen, n, np.float32)
    for start in range(0, len(rows), _CHUNK_BLOCKS):
        chunk = rows[start:start + _CHUNK_BLOCKS]
        radius = np.sqrt(f32(-2) * _log256(f32(1) - chunk[:, :8]))
        sin, cos = _sincos256(_TWO_PI_F32 * chunk[:, 8:])
        chunk[:, :8] = _scale(radius * cos, mean, std, _fmaf)
        chunk[:, 8:] = _scale(radius * sin, mean, std, _fmaf)
    return _place(rows, n, np.float32)


# ---------------------------------------------------------------------- float32 blocks, fast
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
# * sincos256's octant swap and sign changes act on the bit patterns (exact).
# * Work proceeds in chunks of _PAIRS (radius, angle) pairs: the raw draws for a chunk are
#   taken from the engine just before use (same stream, same order) and every step writes
#   into preallocated buffers, so the data stays in cache and nothing large is allocated.

_PAIRS = 32768                     # (radius, angle) pairs per chunk = 8192 blocks of 16
_F64 = np.float64
_HALF = np.dtype((np.void, 32))     # eight float32 values: half a block, copied as one item
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
        self.tie = np.empty(k, np.int64)
        self.flag = np.empty(k, np.bool_)


_work_cache = threading.local()


def _work(pairs):
    """Buffers for ``pairs`` pairs: fresh (small) ones for small draws, else the thread's
    cached full-size set (about 3 MB), so that large draws allocate nothing per call."""
    if pairs < _PAIRS:
        return _Work(pairs)
    w = getattr(_work_cache, "w", None)
    if w is None:
        w = _work_cache.w = _Work(_PAIRS)
    return w


def _radius_fast(kr, w, k):
    """sqrt(-2 * log256(1 - kr * 2**-24)) in float32, into w.r[:k]."""
    s, x64 = w.s[:k], w.x64[:k]
    x, y, z, t, r, ef = w.x[:k], w.y[:k], w.z[:k], w.t[:k], w.r[:k], w.ef[:k]
    e, mb, sm = w.e[:k], w.i1[:k], w.i2[:k]
    # 1 - u = (2**24 - kr) * 2**-24 exactly. log256 splits it into m in [0.5, 1) and e with
    # the float32 bit fields; the integer 2**24 - kr has the same fields, exponent + 24.
    np.subtract(1 << 24, kr, out=mb)
    np.copyto(x, mb, casting="unsafe")                  # exact: at most 24 bits
    bits = x.view(np.int32)
    np.right_shift(bits, 23, out=e)                     # biased exponent
    np.bitwise_and(bits, 0x7FFFFF, out=mb)
    np.subtract(mb, 0x3504F3, out=sm)                   # m < sqrt(1/2)  <=>  mantissa bits
    np.right_shift(sm, 31, out=sm)                      # below SQRTHF's: sm = -1, else 0
    np.add(e, sm, out=e)
    np.subtract(e, 150, out=e)                          # e - 127 + 1 - 24 (- 1 if small)
    np.copyto(ef, e, casting="unsafe")
    np.bitwise_or(mb, 0x3F000000, out=mb)               # m
    np.left_shift(sm, 23, out=sm)
    np.subtract(mb, sm, out=mb)                         # 2m where small
    np.subtract(mb.view(f32), f32(1), out=x)            # x = m - 1 or (m - 1) + m, exact
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
    octant j (for ``_finish``)."""
    s, x64, z64 = w.s[:k], w.x64[:k], w.z64[:k]
    x, y, z, c, sn = w.x[:k], w.y[:k], w.z[:k], w.c[:k], w.sn[:k]
    j, yj = w.e[:k], w.ef[:k]
    theta = h = w.t[:k]                                  # h (z / 2) once theta is used up
    np.copyto(theta, ka, casting="unsafe")              # exact: 24 bits
    np.multiply(theta, _TWO_PI_F32, out=theta)          # float32 product, one rounding
    np.multiply(theta, f32(2.0 ** -24), out=theta)      # exact scaling: theta = 2*pi_f32 * u
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
    """r * cos and r * sin with sincos256's octant swap and signs, in place in c and sn."""
    a, b = w.i1[:k], w.i2[:k]
    np.multiply(r, c, out=c)
    np.multiply(r, sn, out=sn)
    ci, si = c.view(np.int32), sn.view(np.int32)
    # swap where j & 2: d = (c ^ s) & mask; c ^= d, s ^= d. Then the sign bits (exact
    # negations): sin flips where j & 4, cos where ~(j - 2) & 4.
    np.left_shift(j, 30, out=a)
    np.right_shift(a, 31, out=a)                 # all ones where j & 2
    np.bitwise_xor(ci, si, out=b)
    np.bitwise_and(b, a, out=b)                  # d
    np.bitwise_and(j, 4, out=a)
    np.left_shift(a, 29, out=a)
    np.bitwise_xor(a, b, out=a)
    np.bitwise_xor(si, a, out=si)
    np.add(j, 2, out=a)                          # j is even: ~(j - 2) & 4 == (j + 2) & 4
    np.bitwise_and(a, 4, out=a)
    np.left_shift(a, 29, out=a)
    np.bitwise_xor(a, b, out=a)
    np.bitwise_xor(ci, a, out=ci)


def _scale_f32(v, mean, std, w, k):
    """v = fmaf(v, std, mean) in place (mean, std float32 scalars)."""
    if std == 1:                                 # fma(v, 1, mean): one float32 addition
        np.add(v, mean, out=v)
        return
    if mean == 0 and std >= 2.0 ** -60:          # round(v * std) (no underflow: |v| > 1e-20),
        np.multiply(v, std, out=v)               # then + 0 turns -0 into +0 as the fma does
        np.add(v, f32(0), out=v)
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


def _blocks_f32(gen, n, mean, std):
    """The float32 block path (see the module docstring), fast; equals _blocks_f32_reference.
    The uniforms are drawn chunk by chunk (the same stream, in the same order), so that the
    raw draws are still in cache when they are used."""
    full = n - n % 16
    out = np.empty(n, dtype=f32)
    scale = not (std == 1 and mean == 0)
    w = _work(min(full // 2 + 8, _PAIRS))
    blocks = _PAIRS // 8
    for b0 in range(0, full, 16 * blocks):
        b1 = min(b0 + 16 * blocks, full)
        _block_chunk(gen._random32(b1 - b0), out[b0:b1], mean, std, scale, w)
    if n % 16:
        gen._random32(n - full)                 # the partial block's draws, then redrawn
        _block_chunk(gen._random32(16), out[n - 16:], mean, std, scale, w)
    return out


def _block_chunk(raw, dst, mean, std, scale, w):
    """Transform the blocks of 16 whose raw 32-bit draws are ``raw`` (uint64) into ``dst``."""
    rows = raw.view(np.int32)[::2].reshape(-1, 16)      # values < 2**32: the low words
    k = 8 * len(rows)
    kr, ka = w.kr[:k], w.ka[:k]
    np.bitwise_and(rows[:, :8], 0xFFFFFF, out=kr.reshape(-1, 8))
    np.bitwise_and(rows[:, 8:], 0xFFFFFF, out=ka.reshape(-1, 8))
    r = _radius_fast(kr, w, k)
    c, sn, j = _sincos_fast(ka, w, k)
    _finish(r, c, sn, j, w, k)
    if scale:
        _scale_f32(c, mean, std, w, k)
        _scale_f32(sn, mean, std, w, k)
    else:                                        # fma(v, 1, 0) = v + 0: -0 becomes +0
        np.add(c, f32(0), out=c)                 # (a zero radius is -0: it happens when
        np.add(sn, f32(0), out=sn)               # u1 = 0, about once per 3e7 samples)
    # Scatter the halves back into blocks: one strided copy of 32-byte items each.
    d = dst.view(_HALF).reshape(-1, 2)
    np.copyto(d[:, 0], c.view(_HALF))
    np.copyto(d[:, 1], sn.view(_HALF))


# ---------------------------------------------------------------------- libm

class _Libm:
    """Double-precision log / log1p / cos / sin / tan / exp that agree with the C library torch calls.

    NumPy's ufuncs call the C library on most builds, but some builds swap in their own SIMD
    versions, which can differ in the last bit. The first use compares NumPy against Python's
    ``math`` module (a thin wrapper over the C library) on a fixed sample and falls back to
    ``math`` element by element (slow, exact) for any function that disagrees."""

    def __init__(self):
        self._funcs = None

    def _pick(self):
        sample = np.linspace(1e-6, 1.0, 4001)
        sample = np.concatenate([sample, sample * _TWO_PI, 1.0 - sample, -sample * 0.999])
        funcs = {}
        for name, domain in (("log", sample[sample > 0]), ("log1p", sample[sample > -1]),
                             ("cos", sample), ("sin", sample), ("tan", sample * 0.5),
                             ("exp", sample * 8.0)):
            fast, exact = getattr(np, name), getattr(math, name)
            if np.array_equal(fast(domain), np.array([exact(v) for v in domain.tolist()])):
                funcs[name] = fast
            else:
                funcs[name] = np.vectorize(exact, otypes=[np.float64])
        self._funcs = funcs

    def __getattr__(self, name):
        if self._funcs is None:
            self._pick()
        return self._funcs[name]


_libm = _Libm()
