"""SLEEF's pow (``Sleef_powf8_u10`` / ``Sleef_powd4_u10``: the AVX2 build torch links), bit for bit,
and torch's pow kernels around it (``_pow_kernel``).

torch's float32 / float64 pow runs ``Vectorized::pow`` = SLEEF's ``xpowf`` / ``xpow`` (sleefsimdsp.c /
sleefsimddp.c; ENABLE_FMA_SP / _DP) on the vector blocks of ``cpu_kernel_vec``'s loop and ``std::pow``
on the rest (``_sleef_loop.vector_mask``).  The routine, in double-float (float32) / double-double
(float64) pairs (x, y) = x + y, with df.h / dd.h's FMA forms (``_sleef_f32more``'s docstring):

    pow(x, y) = expk(dfmul(logk(|x|), y))
    logk(d):  d < FLT_MIN / DBL_MIN scaled by 2^64;  e = exponent(d / 0.75);  m = d 2^-e;
              x = dfdiv(dfadd2(-1, m), dfadd2(1, m));  x2 = dfsqu(x)
              float32:  t = Horner(x2.x; 0.2403203547, 0.2851126790, 0.4000079930);
                        s = ln2 e + 2x + x2 x (x2 t + c)        (c = 2/3 as a pair; every step a pair)
              float64:  t = Estrin POLY9(x2.x; 0.1162555.. .. 0.4000000..);
                        s = ln2 e + 2x + (x2 x) c + (x2 x2 x) t
    expk(d):  q = rint((d.x + d.y) / ln2);  s = normalize(d - q L2U - q L2L);
              u = Horner (float32, 5 terms) / Estrin POLY10 (float64) in s.x;
              t = 1 + (s + s^2 u);  (t.x + t.y) 2^q;  0 below d.x = -104 / -1000
              (float32's 2^q: vldexp_vf_vf_vi2, four factors of up to 2^127 and one of 2^q;
               float64's: 2^(q >> 1) 2^(q - (q >> 1)), and inf above d.x = LOG_DBL_MAX)
    then:     a nan (float32 only) becomes +inf;  times 1 for x > 0, else -1 / 1 for an odd / even
              integer y, else nan;  y = +-inf: 0, 1 or inf by the sign of (|x| - 1) y;  x = +-0 or
              +-inf: 0 or inf by sign(y) xor (x == 0), with x's sign for an odd integer y;  a nan
              x or y: all bits set;  y = 0 or x = 1: 1.
    (integer: trunc(y) == y, float32 also |y| > 2^24;  odd: float32 trunc_i32(y) & 1 for |y| < 2^24,
     float64 trunc(y / 2) != y / 2;  rint to int32: INT_MIN beyond its range, for nan too.)

The scalar side (glibc, checked through ctypes: NumPy's float32 / float64 ``power`` loops equal
glibc's powf / pow there, bit for bit, on 8 million arguments each, random bit patterns included):
  * ``x.pow(number)``: ``std::pow(scalar_t base, double exp)``, i.e. float32 bases go through the
    *double* pow, ``(float) pow((double) x, e)``, with the exponent as given (1/3 stays a double);
    the vector blocks get the exponent rounded to float32 (``Vectorized<float>(exp)``).
  * ``x.pow(tensor)`` and ``number ** x`` (the number wrapped as a 0-d tensor of x's dtype):
    ``std::pow(float, float)`` = powf, pow for float64.

float32 fused multiply-adds run in float64 and are redone exactly where that may have rounded twice
(``_sleef_f32more._Fast``); float64 ones through ``_rng_fma.fma64`` (exact).

Verified against the routines themselves (libtorch_cpu exports ``Sleef_powf8_u10avx2`` /
``Sleef_powd4_u10avx2``, called through a small C shim at development time only), float32 and float64
each, on 9 seeds, a million pairs per set and seed: random bit patterns (both operands); U(0, 10) x
U(-5, 5); e^U(-90, 90) x U(-3, 3) (float64: e^U(-750, 750)); U(-10, 10) x integers in [-40, 40];
U(0.9, 1.1) x U(-1e4, 1e4); 1 + k eps x +-1e8 (float64 1e17); results near overflow and underflow
(y = (bound +- 2) / ln x); subnormal x; subnormal y; every pair of 32 special values (+-0, +-inf, nan,
+-1, +-0.5, +-1.5, +-2, +-3, 2^24 and its neighbours, +-2^53, 2^31, the largest / smallest normals
and subnormals); and, on 4 of the seeds, one exponent for 100,000 x each (2.5, -0.3, 1/3, 7, -1e-3,
1e20: the scalar-exponent kernel's form): about 90 million pairs per dtype, equal in every bit, nans
included.
``tests/parity/test_sleef_pow.py`` compares with torch's kernels at test time.
"""
import threading

import numpy as np

from ._blocks import flat_blocks2
from ._sleef_f32more import _Fast, _exact
# df.h's and dd.h's steps, shared with log / expm1 / tanh
from ._sleef_f32more import _add as _f_add_pp, _add2 as _f_add2_pp, _add2p as _f_add2_ps, _add2s as _f_add2_ss, \
    _div as _f_div, _mul2 as _f_mul_ps, _mul22 as _f_mul_pp, _squ as _f_squ
from ._sleef_f64more import _div as _d_div, _mul2 as _d_mul_ps, _mul22 as _d_mul_pp, _squ as _d_squ
from .._rng_fma import fma64 as _fma64

_F32, _F64, _I32, _I64 = np.float32, np.float64, np.int32, np.int64
_INT_MIN = np.int32(-2 ** 31)


# ---- float32: double-float arithmetic (df.h, ENABLE_FMA_SP) ------------------------------------------
def _f_add_sp(x, yx, yy):                        # dfadd_vf2_vf_vf2
    s = x + yx
    return s, ((x - s) + yx) + yy


_FLT_MIN = _F32(1.17549435e-38)
_LN2F = (_F32(0.69314718246459960938), _F32(-1.904654323148236017e-09))
_CF = (_F32(0.66666662693023681640625), _F32(3.69183861259614332084311e-09))
_LOGKF = (_F32(0.240320354700088500976562), _F32(0.285112679004669189453125), _F32(0.400007992982864379882812))
_EXPKF = (_F32(0.00136324646882712841033936), _F32(0.00836596917361021041870117),
          _F32(0.0416710823774337768554688), _F32(0.166665524244308471679688), _F32(0.499999850988388061523438))
_R_LN2F = _F32(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2UF, _L2LF = _F32(0.693145751953125), _F32(1.428606765330187045e-06)


def _logkf(fma, d):
    o = d < _FLT_MIN
    some = o.any()
    if some:
        d = np.where(o, d * _F32(2.0 ** 64), d)
    e = (((d * _F32(1 / 0.75)).view(_I32) >> 23) & 0xFF) - 127          # vilogb2k_vi2_vf
    m = (d.view(_I32) - (e << 23)).view(_F32)                              # vldexp3_vf_vf_vi2
    if some:
        e = np.where(o, e - 64, e)
    xx, xy = _f_div(fma, *_f_add2_ss(_F32(-1), m), *_f_add2_ss(_F32(1), m))
    x2x, x2y = _f_squ(fma, xx, xy)
    t = fma(fma(_LOGKF[0], x2x, _LOGKF[1]), x2x, _LOGKF[2])
    sx, sy = _f_mul_ps(fma, _LN2F[0], _LN2F[1], e.astype(_F32))
    sx, sy = _f_add_pp(sx, sy, xx * _F32(2), xy * _F32(2))
    px, py = _f_mul_pp(fma, x2x, x2y, xx, xy)
    qx, qy = _f_add2_pp(*_f_mul_ps(fma, x2x, x2y, t), *_CF)
    return _f_add_pp(sx, sy, *_f_mul_pp(fma, px, py, qx, qy))


def _rint_i32(u):
    """vrint_vi2_vf / vrint_vi_vd (cvtps2dq / cvtpd2dq): to nearest even, INT_MIN out of range or nan."""
    with np.errstate(invalid="ignore"):
        ok = np.abs(u) < 2.0 ** 31
        r = np.rint(np.where(ok, u, 0))
    q = np.where(ok, r, 0).astype(_I32)
    if not ok.all():
        q[~ok] = _INT_MIN
    return q


def _ldexpf(x, q):
    """vldexp_vf_vf_vi2: x * 2^q with q split so that no factor overflows (int32 arithmetic wraps)."""
    m = q >> 31
    m = (((m + q) >> 6) - m) << 4
    q = q - (m << 2)
    m = m + 0x7F
    m = np.where(m > 0, m, 0)
    m = np.where(m > 0xFF, 0xFF, m).astype(_I32)
    u = (m << 23).view(_F32)
    x = x * u * u * u * u
    return x * ((q + 0x7F) << 23).astype(_I32).view(_F32)


def _expkf(fma, dx, dy):
    q = _rint_i32((dx + dy) * _R_LN2F)
    qf = q.astype(_F32)
    sx, sy = _f_add2_ps(dx, dy, qf * -_L2UF)
    sx, sy = _f_add2_ps(sx, sy, qf * -_L2LF)
    S = sx + sy                                          # dfnormalize_vf2_vf2
    sx, sy = S, (sx - S) + sy
    u = _EXPKF[0]
    for c in _EXPKF[1:]:
        u = fma(u, sx, c)
    tx, ty = _f_add_pp(sx, sy, *_f_mul_ps(fma, *_f_squ(fma, sx, sy), u))
    tx, ty = _f_add_sp(_F32(1), tx, ty)
    u = _ldexpf(tx + ty, q)
    return np.where(dx < _F32(-104), _F32(0), u)


def _powf_core(x, y, fma):
    """expkf(dfmul(logkf(|x|), y)): the part of xpowf with fmas."""
    lx, ly = _logkf(fma, np.abs(x))
    return _expkf(fma, *_f_mul_ps(fma, lx, ly, y))


_ALL_ONES_F, _ALL_ONES_D = np.array(-1, _I32).view(_F32), np.array(-1, _I64).view(_F64)


def _finish(x, y, r, parity, one, all_ones):
    """xpowf's / xpow's selects after the core (the module docstring's "then"); ``parity(y)`` gives
    (yisint, yisodd).  Nothing to do where 0 < x < inf, x != 1 and y is finite and not 0."""
    t_ = x.dtype.type
    ay = np.abs(y)
    if ((x > 0) & (x < t_(np.inf)) & (x != one) & (ay < t_(np.inf)) & (ay != 0)).all():
        return r
    yisint, yisodd = parity(y)
    r = r * np.where(x > 0, one, np.where(yisint, np.where(yisodd, -one, one), t_(np.nan)))
    efx = np.where(np.signbit(y), -(np.abs(x) - one), np.abs(x) - one)        # vmulsign: y's sign bit xor'ed in
    r = np.where(np.isinf(y), np.where(efx < 0, t_(0), np.where(efx == 0, one, t_(np.inf))), r)
    zi = np.isinf(x) | (x == 0)
    if zi.any():
        mag = np.where(np.signbit(y) ^ (x == 0), t_(0), t_(np.inf))
        sgn = np.signbit(np.where(yisodd, x, one))
        r = np.where(zi, np.where(sgn, -mag, mag), r)
    r = np.where(np.isnan(x) | np.isnan(y), all_ones, r)
    return np.where((y == 0) | (x == 1), one, r)


_CHUNK = 8192       # elements per pass: the temporaries stay small enough to be reused, not mapped afresh
_LOCAL = threading.local()


class _FastPow(_Fast):
    """``_Fast`` on rows kept from call to call (per thread): fresh ones cost more in page faults."""

    def __init__(self, n):
        buf = getattr(_LOCAL, "buf", None)
        if buf is None or buf[0].shape[1] < n:
            buf = _LOCAL.buf = (np.empty((24, max(n, _CHUNK))), np.empty((24, max(n, _CHUNK))))
        self.prods, self.sums, self.addends = buf[0][:, :n], buf[1][:, :n], []


def powf(x, y):
    """SLEEF's float32 pow of broadcastable float32 arrays, flat (C order of the broadcast shape)."""
    x, y = _flat_pair(x, y, _F32)
    return flat_blocks2(_powf_flat, x, y, _F32, _CHUNK)


def _powf_flat(x, y):
    with np.errstate(all="ignore"):
        fast = _FastPow(x.size)
        r = _powf_core(x, y, fast)
        bad = fast.bad()
        if bad.any():
            idx = np.nonzero(bad)[0]
            r[idx] = _powf_core(x[idx], y[idx] if y.ndim else y, _exact)
        if np.isnan(r).any():
            r = np.where(np.isnan(r), _F32(np.inf), r)
        return _finish(x, y, r, _parity_f, _F32(1), _ALL_ONES_F)


def _flat_pair(x, y, dt):
    """x and y as flat arrays of their broadcast size in ``dt``, y kept 0-d where it is one number."""
    x, y = np.asarray(x, dt), np.asarray(y, dt)
    if y.size == 1 and y.ndim <= x.ndim:
        return x.reshape(-1), y.reshape(())
    x, y = np.broadcast_arrays(x, y)
    return x.reshape(-1), y.reshape(-1)


def _parity_f(y):
    ay = np.abs(y)
    yisint = (np.trunc(y) == y) | (ay > _F32(1 << 24))
    small = ay < _F32(1 << 24)
    return yisint, yisint & small & ((np.where(small, y, 0).astype(_I32) & 1) == 1)


def _parity_d(y):
    yisint = np.trunc(y) == y
    h = y * 0.5
    return yisint, (np.trunc(h) != h) & yisint


# ---- float64: double-double arithmetic (dd.h, ENABLE_FMA_DP), exact fmas ------------------------------
_DBL_MIN = 2.2250738585072014e-308
_LN2D = (0.693147180559945286226764, 2.319046813846299558417771e-17)
_CD = (0.666666666666666629659233, 3.80554962542412056336616e-17)
_LOGKD = (0.116255524079935043668677, 0.103239680901072952701192, 0.117754809412463995466069,
          0.13332981086846273921509, 0.153846227114512262845736, 0.181818180850050775676507,
          0.222222222230083560345903, 0.285714285714249172087875, 0.400000000000000077715612)   # c8 .. c0
_EXPKD = (2.51069683420950419527139e-08, 2.76286166770270649116855e-07, 2.75572496725023574143864e-06,
          2.48014973989819794114153e-05, 0.000198412698809069797676111, 0.0013888888939977128960529,
          0.00833333333332371417601081, 0.0416666666665409524128449, 0.166666666666666740681535,
          0.500000000000000999200722)                                                     # c9 .. c0
_R_LN2D = 1.442695040888963407359924681001892137426645954152985934135449406931
_L2UD = .69314718055966295651160180568695068359375
_L2LD = .28235290563031577122588448175013436025525412068e-12
_LOG_DBL_MAX = 709.782712893383996732223


def _poly4(x, x2, c3, c2, c1, c0):               # misc.h POLY4
    return _fma64(x2, _fma64(x, c3, c2), _fma64(x, c1, c0))


def _poly8(x, x2, x4, c):                        # POLY8, c = (c7 .. c0)
    return _fma64(x4, _poly4(x, x2, *c[:4]), _poly4(x, x2, *c[4:]))


def _logkd(d):
    o = d < _DBL_MIN
    d = np.where(o, d * 2.0 ** 64, d)
    e = (((d * (1.0 / 0.75)).view(_I64) >> 52) & 0x7FF) - 1023             # vilogb2k_vi_vd
    m = (d.view(_I64) - (e << 52)).view(_F64)                                # vldexp3_vd_vd_vi
    e = np.where(o, e - 64, e)
    s1 = -1.0 + m
    v = s1 - -1.0
    nx, ny = s1, (-1.0 - (s1 - v)) + (m - v)                                # ddadd2_vd2_vd_vd
    s2 = 1.0 + m
    v = s2 - 1.0
    xx, xy = _d_div(nx, ny, s2, (1.0 - (s2 - v)) + (m - v))
    x2x, x2y = _d_squ(xx, xy)
    x4 = x2x * x2x
    x8 = x4 * x4
    x16 = x8 * x8
    t = _fma64(x16, _LOGKD[0], _poly8(x2x, x4, x8, _LOGKD[1:]))             # POLY9
    sx, sy = _d_mul_ps(_LN2D[0], _LN2D[1], e.astype(_F64))
    s = sx + xx * 2.0                                                        # ddadd_vd2_vd2_vd2
    sx, sy = s, (((sx - s) + xx * 2.0) + sy) + xy * 2.0
    px, py = _d_mul_pp(x2x, x2y, xx, xy)
    cx, cy = _d_mul_pp(px, py, *_CD)
    s = sx + cx
    sx, sy = s, (((sx - s) + cx) + sy) + cy
    px, py = _d_mul_pp(x2x, x2y, px, py)
    cx, cy = _d_mul_ps(px, py, t)
    s = sx + cx
    return s, (((sx - s) + cx) + sy) + cy


def _pow2d(k):                                   # vpow2i_vd_vi: the low 12 bits of k + 1023 as sign and exponent
    return (((k.astype(_I64) + 1023) & 0xFFF) << 52).view(_F64)


def _expkd(dx, dy):
    u = (dx + dy) * _R_LN2D
    dq = np.rint(u)
    q = _rint_i32(dq)
    s = dx + dq * -_L2UD                                                     # ddadd2_vd2_vd2_vd, twice
    v = s - dx
    sx, sy = s, ((dx - (s - v)) + (dq * -_L2UD - v)) + dy
    w = dq * -_L2LD
    s = sx + w
    v = s - sx
    sx, sy = s, ((sx - (s - v)) + (w - v)) + sy
    s = sx + sy                                                              # ddnormalize
    sx, sy = s, (sx - s) + sy
    s2 = sx * sx
    s4 = s2 * s2
    s8 = s4 * s4
    c = _EXPKD
    u = _fma64(s8, _fma64(sx, c[0], c[1]), _poly8(sx, s2, s4, c[2:]))       # POLY10
    s = 1.0 + sx                                                             # ddadd_vd2_vd_vd2
    tx, ty = s, ((1.0 - s) + sx) + sy
    px, py = _d_mul_ps(*_d_squ(sx, sy), u)
    s = tx + px
    tx, ty = s, (((tx - s) + px) + ty) + py
    u = tx + ty
    h = q >> 1
    u = u * _pow2d(h) * _pow2d(q - h)                                        # vldexp2_vd_vd_vi
    return np.where(dx < -1000.0, 0.0, u)


def powd(x, y):
    """SLEEF's float64 pow of broadcastable float64 arrays, flat (C order of the broadcast shape)."""
    x, y = _flat_pair(x, y, _F64)
    return flat_blocks2(_powd_flat, x, y, _F64, _CHUNK)


def _powd_flat(x, y):
    with np.errstate(all="ignore"):
        lx, ly = _logkd(np.abs(x))
        dx, dy = _d_mul_ps(lx, ly, y)
        r = _expkd(dx, dy)
        r = np.where(dx > _LOG_DBL_MAX, np.inf, r)
        return _finish(x, y, r, _parity_d, 1.0, _ALL_ONES_D)

