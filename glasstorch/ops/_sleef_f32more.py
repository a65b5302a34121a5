"""SLEEF's float32 log, log1p, expm1 and tanh (``Sleef_logf8_u10``, ``Sleef_log1pf8_u10``,
``Sleef_expm1f8_u10``, ``Sleef_tanhf8_u10``: the AVX2 build torch links), bit for bit.

torch's vectorised float32 kernels get these through ``Vectorized<float>::log()`` etc.: log_softmax's
``log(sum)``, softplus, elu / selu / celu, gelu's tanh form.  SLEEF's routines (sleefsimdsp.c,
``xlogf_u1``, ``xlog1pf``, ``xexpm1f``, ``xtanhf``; the non-AVX-512 branches, ENABLE_FMA_SP) work on
"double-float" pairs (x, y), value x + y, with df.h's FMA forms:

    dfmul(x, y)        s = x.x*y.x;  (s, fma(x.x, y.y, fma(x.y, y.x, x.x*y.x - s)))   (one-float y: y.y = 0
                       and only fma(x.y, y, x.x*y - s))
    dfsqu(x)           s = x.x*x.x;  (s, fma(x.x + x.x, x.y, x.x*x.x - s))
    dfrec(d)           s = 1/d.x;    (s, s * (-d.y*s + (-d.x*s + 1)))
    dfdiv(n, d)        t = 1/d.x;  s = n.x*t;  u = t*n.x - s;  v = -d.y*t + (-d.x*t + 1)
                       (s, fma(s, v, fma(n.y, t, u)))
    dfadd(x, y)        s = x.x + y.x;  (s, (((x.x - s) + y.x) + x.y) + y.y)
    dfadd2(x, y)       s = x.x + y.x;  v = s - x.x;  (s, ((x.x - (s - v)) + (y.x - v)) + (x.y + y.y))

(every ``a*b - c`` / ``-a*b + c`` there one fused operation, rounded once).

log(d):   d < 2^-126 is scaled by 2^64 first;  e = exponent(d / 0.75);  m = d * 2^-e (in [0.75, 1.5));
          x = dfdiv(dfadd2(-1, m), dfadd2(1, m));  x2 = x.x^2;
          t = fma(fma(0.3027294874, x2, 0.3996108174), x2, 0.6666694880);
          s = dfadd(dfadd(dfmul(ln2 as (0.69314718246459960938, -1.904654323148236017e-09), e),
                          2x), x2 * x.x * t);   log = s.x + s.y   (inf, nan below 0, -inf at 0)
log1p(d): the same from dp1 = d + 1: e = exponent(dp1 / 0.75), t = 2^-e, m = fma(d, t, t - 1),
          x = dfdiv((m, 0), dfadd(2, m)); log(d) itself above 1e38 (0x1.2ced32p+126); below -1 a nan
          of all ones (SLEEF ors every bit in), -inf at -1, -0 at -0
expk2(d): q = rint((d.x + d.y) / ln 2);  s = dfadd2(dfadd2(d, q * -L2U), q * -L2L);
          u = three Horner fmas (c0 .. c3) in s.x;  t = dfadd2(dfmul(s, u), 0.1666...);
          t = dfadd2(dfmul(s, t), 0.5);  t = dfadd(1, dfadd2(s, dfmul(dfsqu(s), t)));
          both halves times 2^(q >> 1) times 2^(q - (q >> 1));  0 below d.x = -104
expm1(a): d = dfadd2(expk2(a), -1);  d.x + d.y;  inf above 88.72283172607421875, -1 below
          -16.635532333438687426013570, -0 at -0
tanh(x):  d = expk2(|x|);  e = dfrec(d);  d = dfdiv(dfadd(d, -e), dfadd(d, e));  d.x + d.y, 1 above
          |x| = 8.664339742 (or nan), x's sign, a nan of all ones for nan

A fused multiply-add is computed in float64 (a product of two float32 numbers is exact there) and
rounded to float32; an element where the float64 sum was inexact (two_sum) and sat on a float32
halfway point, or below float32's normal range, is computed again with ``_fma32._emulated`` (exact).
log of positive normal numbers (log_softmax's sums) takes ``_logf_quick``: the result's two large
terms in float64, redone in full only within 2^-12 float32 ulp of a halfway point.

Verified against the routines themselves: libtorch_cpu exports ``Sleef_logf8_u10avx2`` etc., called
through a small C shim (development time only, not shipped) on, per routine and for each of six seeds,
1 million random bit patterns and 3-4 million arguments over the routine's ranges (log: e^U(-100, 88),
U(0, 10), U(0.5, 2); log1p: U(-1, 10), U(-1e-3, 1e-3), e^U(-100, 88) - 1, U(-20, 20); expm1 / tanh:
U(-20, 90), U(-1, 1), U(-1e-3, 1e-3), N(0, 9)) and the special values (+-0, +-inf, nan, subnormals,
each bound and its neighbours): equal in every bit, about 28 million arguments each (the nans' own
bits checked on the special values); ``_logf_quick`` on 24 million more (its float64 value strayed
at most 21 units of 2^-29 ulp from the exact halfway points where it rounded otherwise, against a
margin of 2^17).
``tests/parity/test_sleef_more.py`` compares them with torch's kernels at test time.
"""
import numpy as np

from ._blocks import flat_blocks
from ._fma32 import _emulated
from .._rng_fma import two_sum

_F32, _F64, _I32 = np.float32, np.float64, np.int32
_LOW29, _TIE = np.uint64(0x1FFFFFFF), np.uint64(0x10000000)
_TINY = 1.1754943508222875e-38


class _Fast:
    """fma in float64, rounded once to float32.  Each product (exact in float64) and sum is kept, a
    row each, for ``bad`` to find the elements to redo exactly: one check over all of them at the end."""

    def __init__(self, n):
        self.prods, self.sums, self.addends = np.empty((24, n)), np.empty((24, n)), []

    def __call__(self, a, b, c):
        k = len(self.addends)
        if k == self.sums.shape[0]:
            self.prods = np.concatenate([self.prods, np.empty_like(self.prods)])
            self.sums = np.concatenate([self.sums, np.empty_like(self.sums)])
        p, s = self.prods[k], self.sums[k]
        self.addends.append(c)
        np.multiply(a, b, out=p, dtype=_F64)
        np.add(p, c, out=s)
        return s.astype(_F32)

    @staticmethod
    def x(a, b, c):
        """An fma whose float64 sum is exact (a product's rounding error ``a*b - round(a*b)``, and
        ``1 - d * round(1/d)``, by Sterbenz's lemma): rounding it once to float32 is all there is."""
        s = np.multiply(a, b, dtype=_F64)
        s += c
        return s.astype(_F32)

    def bad(self):
        """The elements where an inexact float64 sum sat on a float32 halfway point or below float32's
        normal range (where rounding it again can differ from rounding the exact sum once).  Sums
        with few significant bits land on halfway points often, but are exact: two_sum tells."""
        k = len(self.addends)
        sums = self.sums[:k]
        a = np.abs(sums)
        suspect = ((sums.view(np.uint64) & _LOW29) == _TIE) | ((a < _TINY) & (a != 0))
        bad = np.zeros(sums.shape[1], bool)
        for row in np.nonzero(suspect.any(1))[0].tolist():
            idx = np.nonzero(suspect[row])[0]
            c = self.addends[row]
            c = c[idx] if np.ndim(c) else c
            bad[idx[two_sum(self.prods[row, idx], c)[1] != 0]] = True
        return bad


def _exact(a, b, c):
    return _emulated(np.asarray(a, _F32), np.asarray(b, _F32), np.asarray(c, _F32))


_exact.x = _exact


def _run(routine, d):
    """routine(flat float32 array, fma) over d's elements, redoing the flagged ones exactly; block by
    block (``_blocks``: ``_Fast`` keeps 48 float64 rows per element)."""
    d = np.asarray(d, _F32)
    return flat_blocks(lambda flat: _run_flat(routine, flat), d.reshape(-1), _F32).reshape(d.shape)


def _run_flat(routine, flat):
    fast = _Fast(flat.size)
    with np.errstate(all="ignore"):
        r = routine(flat, fast)
        bad = fast.bad()
        if bad.any():
            idx = np.nonzero(bad)[0]
            r[idx] = routine(flat[idx], _exact)
    return r


# ---- double-float arithmetic (df.h, the FMA forms; the adds, which use no FMA, serve dd.h too) ------
def _mul2(fma, xx, xy, y):                       # dfmul_vf2_vf2_vf
    s = xx * y
    return s, fma(xy, y, fma.x(xx, y, -s))


def _mul22(fma, xx, xy, yx, yy):                 # dfmul_vf2_vf2_vf2
    s = xx * yx
    return s, fma(xx, yy, fma(xy, yx, fma.x(xx, yx, -s)))


def _squ(fma, xx, xy):                           # dfsqu_vf2_vf2
    s = xx * xx
    return s, fma(xx + xx, xy, fma.x(xx, xx, -s))


def _rec(fma, dx, dy):                           # dfrec_vf2_vf2
    s = _F32(1) / dx
    return s, s * fma(-dy, s, fma.x(-dx, s, _F32(1)))


def _div(fma, nx, ny, dx, dy):                   # dfdiv_vf2_vf2_vf2
    t = _F32(1) / dx
    s = nx * t
    u = fma.x(t, nx, -s)
    v = fma(-dy, t, fma.x(-dx, t, _F32(1)))
    return s, fma(s, v, fma(ny, t, u))


def _add(xx, xy, yx, yy):                        # dfadd_vf2_vf2_vf2 (|x| >= |y|)
    s = xx + yx
    return s, (((xx - s) + yx) + xy) + yy


def _add2(xx, xy, yx, yy):                       # dfadd2_vf2_vf2_vf2
    s = xx + yx
    v = s - xx
    return s, ((xx - (s - v)) + (yx - v)) + (xy + yy)


def _add2p(xx, xy, y):                           # dfadd2_vf2_vf2_vf (and dd.h's ddadd2_vd2_vd2_vd)
    s = xx + y
    v = s - xx
    return s, ((xx - (s - v)) + (y - v)) + xy


def _add2s(x, y):                                # dfadd2_vf2_vf_vf (and dd.h's ddadd2_vd2_vd_vd)
    s = x + y
    v = s - x
    return s, (x - (s - v)) + (y - v)


def _exponent(v):                                # vilogb2k_vi2_vf: the biased exponent field - 127
    return ((v.view(_I32) >> 23) & 0xFF) - 127


def _scale_bits(v, e):                           # vldexp3_vf_vf_vi2: e added to the exponent field
    return (v.view(_I32) + (e << 23)).view(_F32)


_LN2 = (_F32(0.69314718246459960938), _F32(-1.904654323148236017e-09))
_LOGC = (_F32(0.3027294874), _F32(0.3996108174), _F32(0.6666694880))
_TWO64 = _F32(2.0 ** 64)
_R075 = _F32(1.0 / 0.75)
_LOG1P_BOUND = _F32(float.fromhex("0x1.2ced32p+126"))
_ALL_ONES = np.array(-1, _I32).view(_F32)        # the nan SLEEF makes by or-ing every bit in


def _log_tail(fma, e, xx, xy):
    """s = ln2 * e + 2x + x^3 t, as logf_u1 and log1pf end, summed to one float."""
    x2 = xx * xx
    t = fma(fma(_LOGC[0], x2, _LOGC[1]), x2, _LOGC[2])
    sx, sy = _mul2(fma, _LN2[0], _LN2[1], e.astype(_F32))
    sx, sy = _add(sx, sy, xx * _F32(2), xy * _F32(2))
    sx, sy = _add(sx, sy, (x2 * xx) * t, _F32(0))
    return sx + sy


def _logf(d, fma):
    # (all positive, normal and finite -- log_softmax's sums --: no scaling, no special values)
    tame = bool(d.size) and _TINY <= d.min() and d.max() < np.inf
    o = False if tame else d < _TINY
    dd = d if tame else np.where(o, d * _TWO64, d)
    e = _exponent(dd * _R075)
    m = _scale_bits(dd, -e)
    if not tame:
        e = np.where(o, e - 64, e)
    nx, ny = _add2(_F32(-1), _F32(0), m, _F32(0))
    dx, dy = _add2(_F32(1), _F32(0), m, _F32(0))
    r = _log_tail(fma, e, *_div(fma, nx, ny, dx, dy))
    if tame:
        return r
    r = np.where(d == np.inf, _F32(np.inf), r)
    r = np.where((d < 0) | np.isnan(d), _F32(np.nan), r)
    return np.where(d == 0, _F32(-np.inf), r)


def _log1pf(d, fma):
    dp1 = d + _F32(1)
    o = dp1 < _TINY
    dp1 = np.where(o, dp1 * _TWO64, dp1)
    e = _exponent(dp1 * _R075)
    t = _scale_bits(np.ones(d.shape, _F32), -e)
    m = fma(d, t, t - _F32(1))
    e = np.where(o, e - 64, e)
    sx, sy = _add(_F32(2), _F32(0), m, _F32(0))
    r = _log_tail(fma, e, *_div(fma, m, _F32(0), sx, sy))
    big = ~(d <= _LOG1P_BOUND)                   # (nan included: log's nan)
    if big.any():
        r = np.where(big, _logf(d, fma), r)
    r = np.where(d < -1, _ALL_ONES, r)                # (SLEEF ors the bits: a nan with its sign set)
    r = np.where(d == -1, _F32(-np.inf), r)
    return np.where((d == 0) & np.signbit(d), _F32(-0.0), r)


_EXPC = (_F32(0.1980960224e-3), _F32(0.1394256484e-2), _F32(0.8333456703e-2), _F32(0.4166637361e-1))
_R_LN2 = _F32(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2U, _L2L = _F32(0.693145751953125), _F32(1.428606765330187045e-06)


def _expk2(fma, d):
    """expk2f of the pair (d, 0)."""
    q = np.rint(d * _R_LN2)
    lo, hi = (d.min(), d.max()) if d.size else (0, 0)
    tame = -104 <= lo and hi <= 100                 # (no nan, no inf, no zeroing)
    q = (q if tame else np.where(np.isfinite(q), q, _F32(0))).astype(_I32)
    qf = q.astype(_F32)
    sx, sy = _add2(d, _F32(0), qf * -_L2U, _F32(0))
    sx, sy = _add2(sx, sy, qf * -_L2L, _F32(0))
    u = fma(fma(fma(_EXPC[0], sx, _EXPC[1]), sx, _EXPC[2]), sx, _EXPC[3])
    tx, ty = _add2(*_mul2(fma, sx, sy, u), _F32(0.166666659414234244790680580464), _F32(0))
    tx, ty = _add2(*_mul22(fma, sx, sy, tx, ty), _F32(0.5), _F32(0))
    tx, ty = _add2(sx, sy, *_mul22(fma, *_squ(fma, sx, sy), tx, ty))
    tx, ty = _add(_F32(1), _F32(0), tx, ty)
    h = q >> 1
    p1, p2 = _pow2(h), _pow2(q - h)
    tx, ty = tx * p1 * p2, ty * p1 * p2
    if tame:
        return tx, ty
    low = d < -104
    return np.where(low, _F32(0), tx), np.where(low, _F32(0), ty)


def _pow2(k):                                    # vpow2i_vf_vi2
    return ((k + 127) << 23).astype(_I32).view(_F32)


def _expm1f(a, fma):
    tx, ty = _expk2(fma, a)
    x = np.add(*_add2(tx, ty, _F32(-1), _F32(0)))
    x = np.where(a > _F32(88.72283172607421875), _F32(np.inf), x)
    x = np.where(a < _F32(-16.635532333438687426013570), _F32(-1), x)
    x = np.where(np.isnan(a), a, x)              # (the input's nan, its sign kept, whatever NumPy's loops do)
    return np.where((a == 0) & np.signbit(a), _F32(-0.0), x)


def _tanhf(x, fma):
    y = np.abs(x)
    dx, dy = _expk2(fma, y)
    ex, ey = _rec(fma, dx, dy)
    nx, ny = _add(dx, dy, -ex, -ey)
    mx, my = _add(dx, dy, ex, ey)
    y = np.add(*_div(fma, nx, ny, mx, my))
    y = np.where((np.abs(x) > _F32(8.664339742)) | np.isnan(y), _F32(1), y)
    y = np.copysign(y, x)
    return np.where(np.isnan(x), _ALL_ONES, y)


def logf(d):
    """SLEEF's log of a float32 array (any shape)."""
    d = np.asarray(d, _F32)
    if d.size and _TINY <= d.min() and d.max() < np.inf:
        r, unsure = _logf_quick(d.reshape(-1))
        if unsure.any():
            r[unsure] = _run(_logf, d.reshape(-1)[unsure])
        return r.reshape(d.shape)
    return _run(_logf, d)


_L64 = float(_LN2[0]) + float(_LN2[1])             # (exact in float64)


def _logf_quick(d):
    """``_logf`` of positive, normal, finite float32 numbers in a dozen NumPy passes, and where it may
    differ.  SLEEF's result is the float32 rounding of the double-float sum V = e ln2 + 2x + x^3 t, whose
    two large terms it carries to about 2^-44 relative error (dfmul, dfdiv, dfadd); the small term
    x.x^3 t is computed here exactly as SLEEF does (float32, t's two fmas rounded once), the large ones
    in float64.  The float64 V' is then within 2^-42 |V| of V (2^11 units of 2^-29 float32 ulp): it
    rounds as V does unless it lies within 2^17 such units of a float32 halfway point (about one
    element in 2^12; those, and a t fma whose float64 sum sat on a halfway point, are ``unsure``)."""
    q = ((d * _R075).view(_I32) >> 23) - 127         # (d positive: no sign bit to mask)
    m = (d.view(_I32) - (q << 23)).view(_F32)
    xx = (m - _F32(1)) * (_F32(1) / (m + _F32(1)))  # dfdiv's high part: (m - 1) * float32(1 / float32(1 + m))
    x2 = xx * xx
    p1 = np.multiply(_LOGC[0], x2, dtype=_F64)
    p1 += float(_LOGC[1])
    p2 = np.multiply(p1.astype(_F32), x2, dtype=_F64)
    p2 += float(_LOGC[2])
    m64 = m.astype(_F64)
    v = (m64 - 1) / (m64 + 1)
    v *= 2
    v += q * _L64
    v += (x2 * xx) * p2.astype(_F32)
    low = v.view(np.uint64) & _LOW29
    low -= _TIE - np.uint64(1 << 17)                  # (wraps below: large)
    unsure = low < np.uint64(1 << 18)
    if ((p1.view(np.uint64) & _LOW29) == _TIE).any() or ((p2.view(np.uint64) & _LOW29) == _TIE).any():
        unsure |= ((p1.view(np.uint64) & _LOW29) == _TIE) | ((p2.view(np.uint64) & _LOW29) == _TIE)
    return v.astype(_F32), unsure


def log1pf(d):
    """SLEEF's log1p of a float32 array (any shape)."""
    return _run(_log1pf, d)


def expm1f(d):
    """SLEEF's expm1 of a float32 array (any shape)."""
    return _run(_expm1f, d)


def tanhf(d):
    """SLEEF's tanh of a float32 array (any shape)."""
    return _run(_tanhf, d)
