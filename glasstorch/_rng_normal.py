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
"""

import math

import numpy as np

from glasstorch._rng_fma import _round_sum_to_f32, fma64

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
    """fma(z, std, mean), skipping the identity cases (fma(z, 1, 0) == z exactly)."""
    if std == 1 and mean == 0:
        return z
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


def _blocks_f32(gen, n, mean, std):
    rows = _block_uniforms(gen, n, np.float32)
    for start in range(0, len(rows), _CHUNK_BLOCKS):
        chunk = rows[start:start + _CHUNK_BLOCKS]
        radius = np.sqrt(f32(-2) * _log256(f32(1) - chunk[:, :8]))
        sin, cos = _sincos256(_TWO_PI_F32 * chunk[:, 8:])
        chunk[:, :8] = _scale(radius * cos, mean, std, _fmaf)
        chunk[:, 8:] = _scale(radius * sin, mean, std, _fmaf)
    return _place(rows, n, np.float32)


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
