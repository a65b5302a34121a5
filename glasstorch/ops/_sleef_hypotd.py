"""SLEEF's float64 hypot (``Sleef_hypotd4_u05``: the AVX2 build torch links), bit for bit, and torch's
float64 hypot kernel built on it.

torch's hypot kernel is a ``cpu_kernel_vec`` loop over ``Vectorized<double>::hypot``: this routine in the
loop's vector blocks, glibc's ``hypot`` (NumPy's float64 loop: equal to it on 2 million arguments through
ctypes) in the rest.  The two differ in ~0.6% of elements.  (float32: SLEEF's ``hypotf8_u05``, glibc's
``hypotf`` and NumPy's agreed everywhere measured, so float32 stays on NumPy.)

sleefsimddp.c ``xhypot_u05`` (ENABLE_FMA_DP), with dd.h's FMA forms (``_sleef_f64more``) and

    ddmul(x, y)       (one double each)  s = x*y;  (s, fma(x, y, -s))
    ddrec(d)          (one double)  s = 1/d;  (s, s * fma(-d, s, 1))
    ddsqrt(d)         t = sqrt(d.x + d.y);  (dd(d) + ddmul(t, t)) * ddrec(t) / 2   (ddadd2, ddmul, halves)

hypot(x, y):  a = min(|x|, |y|), b = max(|x|, |y|), both times 2^54 where b < 2^-1022;
              t = dddiv(a, b);  t = ddmul(ddsqrt(ddadd2(ddsqu(t), 1)), max);  t.x + t.y;
              inf where that is a nan;  max where min = 0;  nan (0x7ff8...) where x or y is one;
              inf where x or y is +-inf

The fma emulation (``_rng_fma.fma64``) is exact only where operands and products keep away from overflow
and the subnormals: inputs whose larger magnitude lies beyond 2^+-900 are scaled by 2^-+600 (SLEEF's steps
up to the last product are exact scalings of each other there, SLEEF's own 2^54 then unused); the last
product ddmul(t, max) takes max itself, its error term computed at the scaled size and rounded back once.

Verified against the routine itself (``Sleef_hypotd4_u05avx2`` through a small C shim, development time
only) on 4 million random pairs (random bit patterns, U(-10, 10), +-e^U(-745, 709) against e^U(-745, 709),
U(-1, 1) against much smaller ones), 2 million pairs near the subnormals (e^U(-745, -600) and up to e^40
times that), 1 million near overflow (e^U(600, 709.7)) and the special values (+-0, +-inf, nan,
subnormals, DBL_MIN, 1e+-300, DBL_MAX and their neighbours, in every pairing): equal in every bit.
``tests/parity/test_sleef_hyper.py`` compares torch.hypot at test time.
"""
import numpy as np

from . import _sleef_f64more as _d
from .._rng_fma import fma64 as _fma

_F64 = np.float64
_TINY = 2.2250738585072014e-308
_TWO54 = float(1 << 54)
_BIG, _SMALL = 2.0 ** 900, 2.0 ** -900


def _hypotd(x, y):
    x, y = np.abs(x), np.abs(y)
    lo, hi = np.minimum(x, y), np.maximum(x, y)
    # The fma emulation is exact for operands and products of normal size only; SLEEF's steps up to the last
    # product are exact scalings away from both ends, so a max beyond 2^+-900 is scaled by 2^-+600 first
    # (SLEEF's own 2^54 below DBL_MIN then never applies), and the last product uses max itself.
    k = np.where(hi > _BIG, -600, np.where(hi < _SMALL, 600, 0)).astype(np.int32)
    n, d = np.ldexp(lo, k), np.ldexp(hi, k)
    tx, ty = _d._div(n, 0.0, d, 0.0)
    sx, sy = _d._squ(tx, ty)
    s = sx + 1.0                                 # ddadd2_vd2_vd2_vd(sq, 1)
    v = s - sx
    sx, sy = s, ((sx - (s - v)) + (1.0 - v)) + sy
    r = np.sqrt(sx + sy)                         # ddsqrt
    p = r * r
    ax, ay = _d._add2(sx, sy, p, _fma(r, r, -p))
    q = 1.0 / r
    ax, ay = _d._mul22(ax, ay, q, q * _fma(-r, q, 1.0))
    ax, ay = ax * 0.5, ay * 0.5
    tx, ty = _d._mul2(ax, ay, d)
    ret = np.ldexp(tx + ty, -k)
    if (k > 0).any():                            # (results near the subnormals: SLEEF's roundings there)
        t = k > 0
        e = np.ldexp(_fma(ax[t], d[t], -np.ldexp(hi[t] * ax[t], k[t])), -k[t])
        ret[t] = hi[t] * ax[t] + _fma(ay[t], hi[t], e)
    ret = np.where(np.isnan(ret), np.inf, ret)
    ret = np.where(lo == 0, hi, ret)
    ret = np.where(np.isnan(x) | np.isnan(y), np.nan, ret)
    return np.where((x == np.inf) | (y == np.inf), np.inf, ret)


def hypotd(x, y):
    """SLEEF's hypot of two float64 arrays of one shape."""
    x, y = np.asarray(x, _F64), np.asarray(y, _F64)
    with np.errstate(all="ignore"):
        return _hypotd(x.reshape(-1), y.reshape(-1)).reshape(x.shape)


def hypot_kernel(a, b):
    """torch's float64 hypot kernel of ``a`` and ``b`` (broadcast): SLEEF's on the loop's vector blocks,
    glibc's (NumPy's) elsewhere."""
    from ._sleef_atan2f import by_blocks
    return by_blocks(hypotd, a, b, _F64, np.hypot)
