"""SLEEF's sinh, cosh, atanh and exp2, float32 and float64 (``Sleef_sinhf8_u10``, ``Sleef_coshf8_u10``,
``Sleef_atanhf8_u10``, ``Sleef_exp2f8_u10`` and their ``d4`` twins: the AVX2 build torch links), bit for bit.

torch's sinh / cosh / atanh / exp2 kernels are ``cpu_kernel_vec`` loops over ``Vectorized::sinh()`` etc.:
these routines in the loop's vector blocks, glibc's ``sinhf`` / ``sinh`` ... (NumPy's ufuncs under the
AVX2 pins, checked through ctypes on libm) in the rest (``_sleef_loop``).  sleefsimdsp.c / sleefsimddp.c
(``xsinhf``, ``xcoshf``, ``xatanhf``, ``xexp2f``; ENABLE_FMA_SP / _DP), with the double-float / double-double
steps written out in ``_sleef_f32more``'s docstring, plus

    dfsub(x, y)        s = x.x - y.x;  (s, (((x.x - s) - y.x) + x.y) - y.y)
    dfadd2(x, y)       (x a pair, y one float)  s = x.x + y;  v = s - x.x;  (s, ((x.x - (s - v)) + (y - v)) + x.y)

sinh(x):  d = expk2(|x|);  d = dfsub(d, dfrec(d));  (d.x + d.y) / 2;  inf above |x| = 89 (710) or where that
          is a nan;  x's sign xor-ed in;  a nan of all ones for a nan
cosh(x):  the same with dfadd(d, dfrec(d)), no sign
atanh(x): d = logk2(dfdiv(dfadd2(1, |x|), dfadd2(1, -|x|)));  (d.x + d.y) / 2;  inf at |x| = 1;  every bit
          or-ed in above 1 and at +-inf;  x's sign xor-ed in (float32: after that or, so -2 gives
          0x7fffffff; float64: before it, so all ones);  all ones for a nan
logk2(d): e = ilogbk(d.x / 0.75) (float32: scaled by 2^64 below 2^-64, float64 by 2^300 below 2^-300; the
          sign bit masked off in float32 only);  m = d 2^-e;  x = dfdiv(dfadd2(m, -1), dfadd2(m, 1));
          x2 = dfsqu(x);  float32: t = three Horner fmas in x2.x (0.23928285, 0.28518212, 0.40000588,
          0.66666669);  float64: Estrin's POLY7 in x2.x (c6 .. c0 below), then fma(t, x2.x, 2/3 - eps);
          s = dfadd(dfadd(dfmul(ln2 pair, e), 2x), dfmul(dfmul(x2, x), t))
exp2(d):  u = rint(d), q = int(u), s = d - u (exact);  float32: six Horner fmas (c5 .. c0, then ln 2), then
          fma(u, s, 1);  float64: POLY10(s, s^2, s^4, s^8) (c9 .. c0), fma(u, s, ln 2), fma(u, s, 1);
          times 2^(q >> 1) times 2^(q - (q >> 1));  inf from d = 128 (1024), +0 below -150 (-2000)

float32 fmas go through ``_sleef_f32more._run`` (float64 sum, flagged halfway / subnormal sums redone
exactly); float64 fmas through ``_rng_fma.fma64`` (exact).

Verified against the routines themselves: libtorch_cpu exports ``Sleef_sinhf8_u10avx2`` etc., called
through a small C shim (development time only, not shipped) on, per routine and dtype, 1 million random bit
patterns (both signs) and 3 million arguments over the routine's range (sinh / cosh: U(-100, 100) (float64
U(-720, 720)), N(0, 1), U(-1e-3, 1e-3); atanh: U(-1, 1), 1 - e^U(-40, 0) (float64 e^U(-90, 0)), U(-1e-4,
1e-4); exp2: U(-160, 130) (float64 U(-2100, 1100)), N(0, 4), U(-1e-3, 1e-3)) for each of four seeds, and
the special values (+-0, +-inf, nans of both signs, subnormals, each bound and its neighbours): equal in
every bit, about 16 million arguments each, the nans' own bits included.
``tests/parity/test_sleef_hyper.py`` compares them with torch's kernels at test time.
"""
import numpy as np

from . import _sleef_f32more as _f
from . import _sleef_f64more as _d
from ._sleef_f32more import _add2p, _add2s     # df.h / dd.h's dfadd2 with one-number operands
from .._rng_fma import fma64 as _fma

_F32, _F64, _I32, _I64, _U32, _U64 = np.float32, np.float64, np.int32, np.int64, np.uint32, np.uint64
_SIGN32, _SIGN64 = _U32(0x80000000), _U64(0x8000000000000000)
_ONES32, _ONES64 = _U32(0xFFFFFFFF), _U64(0xFFFFFFFFFFFFFFFF)


def _xor_sign(y, x):                             # vmulsign: x's sign bit xor-ed into y
    if y.dtype == _F32:
        return (y.view(_U32) ^ (x.view(_U32) & _SIGN32)).view(_F32)
    return (y.view(_U64) ^ (x.view(_U64) & _SIGN64)).view(_F64)


def _or_ones(mask, y):                           # vor_vm_vo32_vm / vo64: every bit set where mask
    if y.dtype == _F32:
        return np.where(mask, _ONES32, y.view(_U32)).view(_F32)
    return np.where(mask, _ONES64, y.view(_U64)).view(_F64)


# ---- float32 ---------------------------------------------------------------------------------------
def _sub(xx, xy, yx, yy):                        # dfsub_vf2_vf2_vf2 / ddsub_vd2_vd2_vd2 (|x| >= |y|)
    s = xx - yx
    return s, (((xx - s) - yx) + xy) - yy


def _sinhf(x, fma, cosh=False):
    y = np.abs(x)
    dx, dy = _f._expk2(fma, y)
    rx, ry = _f._rec(fma, dx, dy)
    dx, dy = _f._add(dx, dy, rx, ry) if cosh else _sub(dx, dy, rx, ry)
    y = (dx + dy) * _F32(0.5)
    y = np.where((np.abs(x) > _F32(89)) | np.isnan(y), _F32(np.inf), y)
    if not cosh:
        y = _xor_sign(y, x)
    return _or_ones(np.isnan(x), y)


def _coshf(x, fma):
    return _sinhf(x, fma, True)


_LOGKC = (_F32(0.2392828464508056640625), _F32(0.28518211841583251953125), _F32(0.400005877017974853515625),
          _F32(0.666666686534881591796875))


def _ilogbkf(d):                                 # vilogbk_vi2_vf
    o = d < _F32(5.421010862427522e-20)
    d = np.where(o, _F32(1.8446744073709552e19) * d, d)
    return ((d.view(_I32) >> 23) & 0xFF) - np.where(o, 64 + 0x7F, 0x7F).astype(_I32)


def _logk2f(fma, dx, dy):
    e = _ilogbkf(dx * _f._R075)
    p = _f._pow2(-e)
    mx, my = dx * p, dy * p                      # dfscale
    x = _f._div(fma, *_add2p(mx, my, _F32(-1)), *_add2p(mx, my, _F32(1)))
    x2x, x2y = _f._squ(fma, *x)
    c = _LOGKC
    t = fma(fma(fma(c[0], x2x, c[1]), x2x, c[2]), x2x, c[3])
    sx, sy = _f._mul2(fma, _f._LN2[0], _f._LN2[1], e.astype(_F32))
    sx, sy = _f._add(sx, sy, x[0] * _F32(2), x[1] * _F32(2))
    return _f._add(sx, sy, *_f._mul2(fma, *_f._mul22(fma, x2x, x2y, *x), t))


def _atanhf(x, fma):
    y = np.abs(x)
    dx, dy = _logk2f(fma, *_f._div(fma, *_add2s(_F32(1), y), *_add2s(_F32(1), -y)))
    r = np.where(y == 1, _F32(np.inf), (dx + dy) * _F32(0.5))
    r = _or_ones(y > 1, r)
    r = _or_ones(np.isinf(x) | np.isnan(r), r)
    return _or_ones(np.isnan(x), _xor_sign(r, x))


_EXP2F = (_F32(+0.1535920892e-3), _F32(+0.1339262701e-2), _F32(+0.9618384764e-2), _F32(+0.5550347269e-1),
          _F32(+0.2402264476e+0), _F32(+0.6931471825e+0))


def _exp2f(d, fma):
    u = np.rint(d)
    q = np.where((u >= -200) & (u <= 200), u, _F32(0)).astype(_I32)   # (beyond: the selects decide)
    s = d - u
    c = _EXP2F
    v = c[0]
    for k in c[1:]:
        v = fma(v, s, k)
    v = fma(v, s, _F32(1))
    h = q >> 1
    v = v * _f._pow2(h) * _f._pow2(q - h)
    v = np.where(d >= _F32(128), _F32(np.inf), v)
    return np.where(d < _F32(-150), _F32(0), v)


# ---- float64 ---------------------------------------------------------------------------------------
def _sinhd(x, cosh=False):
    y = np.abs(x)
    dx, dy = _d._expk2(y)
    rx, ry = _d._rec(dx, dy)
    dx, dy = _d._add(dx, dy, rx, ry) if cosh else _sub(dx, dy, rx, ry)
    y = (dx + dy) * 0.5
    y = np.where((np.abs(x) > 710) | np.isnan(y), np.inf, y)
    if not cosh:
        y = _xor_sign(y, x)
    return _or_ones(np.isnan(x), y)


def _coshd(x):
    return _sinhd(x, True)


_LOGKD = (0.13860436390467167910856, 0.131699838841615374240845, 0.153914168346271945653214,
          0.181816523941564611721589, 0.22222224632662035403996, 0.285714285511134091777308,
          0.400000000000914013309483)                                    # c6 .. c0


def _ilogbkd(d):                                 # vilogbk_vi_vd (the mask keeps the sign bit)
    o = d < 4.9090934652977266e-91
    d = np.where(o, 2.037035976334486e90 * d, d)
    return ((d.view(_I64) >> 52) & 0xFFF) - np.where(o, 300 + 0x3FF, 0x3FF)


def _ldexp2(v, e):                               # vldexp2_vd_vd_vi
    h = e >> 1
    return v * _d._pow2(h) * _d._pow2(e - h)


def _logk2d(dx, dy):
    e = _ilogbkd(dx * _d._R075)
    e = np.where((e > -1100) & (e < 1100), e, 0)   # (a negative or nan d: the selects decide)
    mx, my = _ldexp2(dx, -e), _ldexp2(dy, -e)
    x = _d._div(*_add2p(mx, my, -1.0), *_add2p(mx, my, 1.0))
    x2x, x2y = _d._squ(*x)
    x4 = x2x * x2x
    x8 = x4 * x4
    c = _LOGKD
    t = _fma(x8, _fma(x4, c[0], _fma(x2x, c[1], c[2])),
             _fma(x4, _fma(x2x, c[3], c[4]), _fma(x2x, c[5], c[6])))
    t = _fma(t, x2x, 0.666666666666664853302393)
    sx, sy = _d._mul2(_d._LN2[0], _d._LN2[1], e.astype(_F64))
    sx, sy = _d._add(sx, sy, x[0] * 2.0, x[1] * 2.0)
    return _d._add(sx, sy, *_d._mul2(*_d._mul22(x2x, x2y, *x), t))


def _atanhd(x):
    y = np.abs(x)
    dx, dy = _logk2d(*_d._div(*_add2s(1.0, y), *_add2s(1.0, -y)))
    r = np.where(y == 1, np.inf, (dx + dy) * 0.5)
    r = _xor_sign(_or_ones(y > 1, r), x)
    r = _or_ones(np.isinf(x) | np.isnan(r), r)
    return _or_ones(np.isnan(x), r)


_EXP2D = (+0.4434359082926529454e-9, +0.7073164598085707425e-8, +0.1017819260921760451e-6,
          +0.1321543872511327615e-5, +0.1525273353517584730e-4, +0.1540353045101147808e-3,
          +0.1333355814670499073e-2, +0.9618129107597600536e-2, +0.5550410866482046596e-1,
          +0.2402265069591012214e+0)                                     # c9 .. c0


def _exp2d(d):
    u = np.rint(d)
    q = np.where((u >= -2100) & (u <= 2100), u, 0.0).astype(_I64)
    s = d - u
    s2 = s * s
    s4 = s2 * s2
    s8 = s4 * s4
    c = _EXP2D
    v = _fma(s8, _fma(s, c[0], c[1]),
             _fma(s4, _d._poly4(s, s2, *c[2:6]), _d._poly4(s, s2, *c[6:10])))
    v = _fma(v, s, +0.6931471805599452862e+0)
    v = _ldexp2(_fma(v, s, 1.0), q)
    v = np.where(d >= 1024, np.inf, v)
    return np.where(d < -2000, 0.0, v)


# ---- entry points ----------------------------------------------------------------------------------
def sinhf(d):
    """SLEEF's sinh of a float32 array (any shape)."""
    return _f._run(_sinhf, d)


def coshf(d):
    """SLEEF's cosh of a float32 array (any shape)."""
    return _f._run(_coshf, d)


def atanhf(d):
    """SLEEF's atanh of a float32 array (any shape)."""
    return _f._run(_atanhf, d)


def exp2f(d):
    """SLEEF's exp2 of a float32 array (any shape)."""
    return _f._run(_exp2f, d)


def sinhd(d):
    """SLEEF's sinh of a float64 array (any shape)."""
    return _d._run(_sinhd, d)


def coshd(d):
    """SLEEF's cosh of a float64 array (any shape)."""
    return _d._run(_coshd, d)


def atanhd(d):
    """SLEEF's atanh of a float64 array (any shape)."""
    return _d._run(_atanhd, d)


def exp2d(d):
    """SLEEF's exp2 of a float64 array (any shape)."""
    return _d._run(_exp2d, d)
