"""SLEEF's float64 log, log1p, expm1 and tanh (``Sleef_logd4_u10``, ``Sleef_log1pd4_u10``,
``Sleef_expm1d4_u10``, ``Sleef_tanhd4_u10``: the AVX2 build torch links), bit for bit.

The float64 twins of ``_sleef_f32more`` (sleefsimddp.c ``xlog_u1``, ``xlog1p``, ``xexpm1``, ``xtanh``;
ENABLE_FMA_DP): the same double-double steps (dd.h's FMA forms, as written out in ``_sleef_f32more``'s
docstring), with these differences:

log / log1p:  the tail polynomial in x2 = x.x^2 is Estrin's (POLY7), x4 = x2^2, x8 = x4^2:
                  t = fma(x8, fma(x4, c6, fma(x2, c5, c4)), fma(x4, fma(x2, c3, c2), fma(x2, c1, c0)))
              ln 2 = (0.693147180559945286226764, 2.319046813846299558417771e-17); scaling by 2^64
              below 2^-1022; log1p's switch to log above 1e307 (0x1.c7b1f3cac7433p+1019)
expk2:        q = rint((d.x + d.y) / ln 2);  s = dd(d) - q L2U - q L2L (two dfadd2);  s2 = ddsqu(s),
              s4 = ddsqu(s2), s8 = s4.x^2;  u = POLY10(s.x, s2.x, s4.x, s8; c9 .. c0);
              t = dfadd(0.5, dfmul(s, 1/6));  t = dfadd(1, dfmul(t, s)) twice;  t = dfadd(t, dfmul(s4, u));
              both halves times 2^(q >> 1) times 2^(q - (q >> 1));  0 below d.x = -1000
expm1:        inf above 709.782712893383996732223, -1 below -36.736800569677101399113302437
tanh:         1 above |x| = 18.714973875

Every fused multiply-add goes through ``_rng_fma.fma64`` (exact).

Verified against the routines themselves: libtorch_cpu exports ``Sleef_logd4_u10avx2`` etc., called
through a small C shim (development time only, not shipped) on, per routine and for each of four
seeds, 1 million random bit patterns (both signs) and 3-5 million arguments over the routine's ranges
(log: e^U(-745, 709), U(0, 10), U(0.5, 2); log1p: U(-1, 10), U(-1e-3, 1e-3), e^U(-745, 709) - 1,
U(-40, 40); expm1 / tanh: U(-40, 710), U(-1, 1), U(-1e-3, 1e-3), N(0, 9), U(-1100, -900)) and the
special values (+-0, +-inf, nan, subnormals, each bound and its neighbours): equal in every bit,
about 20 million arguments each (the nans' own bits checked on the special values).
``tests/parity/test_sleef_more.py`` compares them with torch's kernels at test time.
"""
import numpy as np

from .._rng_fma import fma64 as _fma
from ._sleef_f32more import _add, _add2   # ddadd / ddadd2: df.h's steps (no FMA, any precision)

_F64, _I64 = np.float64, np.int64


def _mul2(xx, xy, y):                            # ddmul_vd2_vd2_vd
    s = xx * y
    return s, _fma(xy, y, _fma(xx, y, -s))


def _mul22(xx, xy, yx, yy):                      # ddmul_vd2_vd2_vd2
    s = xx * yx
    return s, _fma(xx, yy, _fma(xy, yx, _fma(xx, yx, -s)))


def _squ(xx, xy):                                # ddsqu_vd2_vd2
    s = xx * xx
    return s, _fma(xx + xx, xy, _fma(xx, xx, -s))


def _rec(dx, dy):                                # ddrec_vd2_vd2
    s = 1.0 / dx
    return s, s * _fma(-dy, s, _fma(-dx, s, 1.0))


def _div(nx, ny, dx, dy):                        # dddiv_vd2_vd2_vd2
    t = 1.0 / dx
    s = nx * t
    u = _fma(t, nx, -s)
    v = _fma(-dy, t, _fma(-dx, t, 1.0))
    return s, _fma(s, v, _fma(ny, t, u))


def _exponent(v):                                # vilogb2k_vi_vd
    return ((v.view(_I64) >> 52) & 0x7FF) - 1023


def _scale_bits(v, e):                           # vldexp3_vd_vd_vi
    return (v.view(_I64) + (e << 52)).view(_F64)


def _pow2(k):                                    # vpow2i_vd_vi
    return ((k + 1023) << 52).astype(_I64).view(_F64)


_LN2 = (0.693147180559945286226764, 2.319046813846299558417771e-17)
_LOGC = (0.1532076988502701353e+0, 0.1525629051003428716e+0, 0.1818605932937785996e+0,
         0.2222214519839380009e+0, 0.2857142932794299317e+0, 0.3999999999635251990e+0,
         0.6666666666667333541e+0)                                        # c6 .. c0
_TINY = 2.2250738585072014e-308
_TWO64 = 2.0 ** 64
_R075 = 1.0 / 0.75
_LOG1P_BOUND = float.fromhex("0x1.c7b1f3cac7433p+1019")


def _log_tail(e, xx, xy):
    x2 = xx * xx
    x4 = x2 * x2
    x8 = x4 * x4
    c = _LOGC
    t = _fma(x8, _fma(x4, c[0], _fma(x2, c[1], c[2])),
             _fma(x4, _fma(x2, c[3], c[4]), _fma(x2, c[5], c[6])))
    sx, sy = _mul2(_LN2[0], _LN2[1], e.astype(_F64))
    sx, sy = _add(sx, sy, xx * 2.0, xy * 2.0)
    sx, sy = _add(sx, sy, (x2 * xx) * t, 0.0)
    return sx + sy


def _logd(d):
    o = d < _TINY
    dd = np.where(o, d * _TWO64, d)
    e = _exponent(dd * _R075)
    m = _scale_bits(dd, -e)
    e = np.where(o, e - 64, e)
    r = _log_tail(e, *_div(*_add2(-1.0, 0.0, m, 0.0), *_add2(1.0, 0.0, m, 0.0)))
    r = np.where(d == np.inf, np.inf, r)
    r = np.where((d < 0) | np.isnan(d), np.nan, r)
    return np.where(d == 0, -np.inf, r)


def _log1pd(d):
    dp1 = d + 1.0
    o = dp1 < _TINY
    dp1 = np.where(o, dp1 * _TWO64, dp1)
    e = _exponent(dp1 * _R075)
    t = _scale_bits(np.ones(d.shape), -e)
    m = _fma(d, t, t - 1.0)
    e = np.where(o, e - 64, e)
    r = _log_tail(e, *_div(m, 0.0, *_add(2.0, 0.0, m, 0.0)))
    big = ~(d <= _LOG1P_BOUND)                   # (nan included: log's nan)
    if big.any():
        r = np.where(big, _logd(d), r)
    r = np.where((d < -1) | np.isnan(d), np.nan, r)
    r = np.where(d == -1, -np.inf, r)
    return np.where((d == 0) & np.signbit(d), -0.0, r)


_EXPC = (+0.1602472219709932072e-9, +0.2092255183563157007e-8, +0.2505230023782644465e-7,
         +0.2755724800902135303e-6, +0.2755731892386044373e-5, +0.2480158735605815065e-4,
         +0.1984126984148071858e-3, +0.1388888888886763255e-2, +0.8333333333333347095e-2,
         +0.4166666666666669905e-1)                                      # c9 .. c0
_R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931
_L2U = .69314718055966295651160180568695068359375
_L2L = .28235290563031577122588448175013436025525412068e-12


def _poly4(x, x2, a, b, c, d):
    return _fma(x2, _fma(x, a, b), _fma(x, c, d))


def _expk2(d):
    """expk2 of the pair (d, 0)."""
    dq = np.rint(d * _R_LN2)
    dq = np.where(np.abs(dq) < 1e9, dq, 0.0)     # (inf / nan / huge: the selects decide)
    q = dq.astype(_I64)
    sx, sy = _add2(d, 0.0, dq * -_L2U, 0.0)
    sx, sy = _add2(sx, sy, dq * -_L2L, 0.0)
    s2x, s2y = _squ(sx, sy)
    s4x, s4y = _squ(s2x, s2y)
    s8 = s4x * s4x
    c = _EXPC
    u = _fma(s8, _fma(sx, c[0], c[1]),
             _fma(s4x, _poly4(sx, s2x, *c[2:6]), _poly4(sx, s2x, *c[6:10])))
    tx, ty = _add(0.5, 0.0, *_mul2(sx, sy, 0.1666666666666666574e+0))
    tx, ty = _add(1.0, 0.0, *_mul22(tx, ty, sx, sy))
    tx, ty = _add(1.0, 0.0, *_mul22(tx, ty, sx, sy))
    tx, ty = _add(tx, ty, *_mul2(s4x, s4y, u))
    h = q >> 1
    p1, p2 = _pow2(h), _pow2(q - h)
    tx, ty = tx * p1 * p2, ty * p1 * p2
    low = d < -1000
    return np.where(low, 0.0, tx), np.where(low, 0.0, ty)


def _expm1d(a):
    tx, ty = _expk2(a)
    x = np.add(*_add2(tx, ty, -1.0, 0.0))
    x = np.where(a > 709.782712893383996732223, np.inf, x)
    x = np.where(a < -36.736800569677101399113302437, -1.0, x)
    x = np.where(np.isnan(a), a, x)              # (the input's nan, its sign kept, whatever NumPy's loops do)
    return np.where((a == 0) & np.signbit(a), -0.0, x)


def _tanhd(x):
    y = np.abs(x)
    dx, dy = _expk2(y)
    ex, ey = _rec(dx, dy)
    y = np.add(*_div(*_add2(dx, dy, -ex, -ey), *_add2(dx, dy, ex, ey)))
    y = np.where((np.abs(x) > 18.714973875) | np.isnan(y), 1.0, y)
    y = np.copysign(y, x)
    return np.where(np.isnan(x), np.array(-1, _I64).view(_F64), y)    # (SLEEF ors every bit in)


def _run(routine, d):
    """routine(flat float64 array) over d's elements, block by block (``_blocks``)."""
    from ._blocks import flat_blocks
    d = np.asarray(d, _F64)
    with np.errstate(all="ignore"):
        return flat_blocks(routine, d.reshape(-1), _F64).reshape(d.shape)


def logd(d):
    """SLEEF's log of a float64 array (any shape)."""
    return _run(_logd, d)


def log1pd(d):
    """SLEEF's log1p of a float64 array (any shape)."""
    return _run(_log1pd, d)


def expm1d(d):
    """SLEEF's expm1 of a float64 array (any shape)."""
    return _run(_expm1d, d)


def tanhd(d):
    """SLEEF's tanh of a float64 array (any shape)."""
    return _run(_tanhd, d)
