"""SLEEF's lgamma, float32 and float64 (``Sleef_lgammaf8_u10`` / ``Sleef_lgammad4_u10``: the AVX2 build torch
links), bit for bit.

torch's float32 / float64 lgamma kernel maps ``Vectorized::lgamma`` over the whole tensor (its VML-style
loop: strided inputs copied in, a partial last vector included), so every element takes this routine
(measured: none took glibc's).  sleefsimdsp.c / sleefsimddp.c ``gammafk`` / ``gammak``, ``xlgammaf_u1`` /
``xlgamma_u1`` (ENABLE_FMA_SP / _DP), with df.h / dd.h's FMA forms (``_sleef_f32more``, ``_sleef_hyper``) and

    dfnormalize(t)     s = t.x + t.y;  (s, (t.x - s) + t.y)
    dfmul(x, y)        (two floats)  s = x*y;  (s, fma(x, y, -s))
    dfadd2(x, y)       (a float and a pair)  s = x + y.x;  v = s - x;  (s, ((x - (s - v)) + (y.x - v)) + y.y)
    dfabs(x)           (|x.x|, x.y with x.x's sign bit xor-ed in)
    vcast_vf2_d(c)     (float(c), float(c - float(c)))

gammak(a) returns a pair of pairs (clc, clln / clld), lgamma = clc + logk2(|clln / clld|):
    x = 0 where |a| < 1e-30 (1e-306: "tiny"), dfadd2(1, -a) where a < 0.5 (reflection), a otherwise;
    o0: 0.5 <= x.x <= 1.2 (1.1);  o2: x.x >= 2.3;
    for 2.3 <= x.x <= 7: clln = x (x+1) (x+2) (float64: up to x+4), each product normalised; x += 3 (5);
    t = 1 / x.x (o2) or normalize(x - 1 (o0) or x - 2).x;  u = 9 (23) Horner fmas in t, coefficients
    chosen per lane (o2, o0, else);
    o2: clc = (x - 0.5) logk2(x) - x + ln(2 pi)/2,  clld = u t + 1;
    else: clc = ((u t + c2) t + c1) t + c0) t (dfadd2 / dfmul steps), clld = 1;
    tiny: clc = ln 2^60 (2^120), clld = a 2^60 (2^120);  reflection: clc = ln pi - clc, clln = the
    product above, clld = clld sinpik(a - 2^12 trunc(a / 2^12)) (2^28);  result inf at +-inf and at zero or
    negative integers, and where it is a nan from a number
sinpik(d): q from trunc(4d) rounded to even;  s = 4d - q;  a polynomial in s^2 (3 (6) fmas, then two dfadd2
    steps with pair coefficients), times s^2 or (s, 0) by quadrant, 1 added on cosine quadrants, the
    sign from q & 4

float32 fmas go through ``_sleef_f32more._run`` (float64 sums, flagged ones redone exactly); float64 fmas
through ``_rng_fma.fma64``, exact only for operands and products of normal size, so two float64 ranges
are taken apart: x beyond 2^900 (its product with logk2(x), scaled by 2^-600 and back: ``_gammak``), and
1e-306 <= |a| < 2^-900, whose reflection terms SLEEF rounds to the subnormal grid (``_reflected_tiny``).
A nan input comes back as itself, quietened, as SLEEF's does.

Verified against the routines themselves: libtorch_cpu exports ``Sleef_lgammaf8_u10avx2`` /
``Sleef_lgammad4_u10avx2``, called through a small C shim (development time only, not shipped) on, per
dtype and for each of twelve seeds, 200000 random bit patterns (both signs) and 1 million arguments
(U(-30, 30), U(0, 10), U(-10, 0), integers -40..40 plus 0, 1/2, +-1e-3, +-1e-6, e^U(-80, 88) (float64
e^U(-700, 700))), 14.4 million arguments per dtype, and 2.2 million float64 ones near both ends
(e^U(-706, -640), e^U(640, 709.8), +-U(1e-306, 1e-300)), and the special values (+-0, +-inf, nans with
payloads, subnormals, 1e-30 (1e-306) and its neighbours, 0.5, 1, 1.1, 1.2, 2, 2.3, 7 and their
neighbours, negative integers, the overflow bound): equal in every bit.  ``tests/parity/test_sleef_hyper.py``
compares torch.lgamma at test time.
"""
import numpy as np

from . import _sleef_f32more as _f
from . import _sleef_f64more as _d
from ._sleef_hyper import _add2p, _add2s, _logk2d, _logk2f
from .._rng_fma import fma64 as _fma64

_F32, _F64, _I32, _U32, _U64 = np.float32, np.float64, np.int32, np.uint32, np.uint64


def _normalize(x, y):
    s = x + y
    return s, (x - s) + y


def _add2sp(x, yx, yy):                          # dfadd2_vf2_vf_vf2 / ddadd2_vd2_vd_vd2
    s = x + yx
    v = s - x
    return s, ((x - (s - v)) + (yx - v)) + yy


def _pair(c, t):                                 # vcast_vf2_d (float32) / the literal pair (float64)
    if t is _F32:
        return _F32(c), _F32(c - float(_F32(c)))
    return _F64(c[0]), _F64(c[1])


def _flip(v, o):                                 # v's sign bit xor-ed where o
    u = _U32 if v.dtype == _F32 else _U64
    sign = u(0x80000000) if u is _U32 else u(0x8000000000000000)
    return (v.view(u) ^ np.where(o, sign, u(0))).view(v.dtype)


def _sel(o, a, b):
    return np.where(o, a[0], b[0]), np.where(o, a[1], b[1])


# ---- the arithmetic of each precision: (mul of two numbers, mul pair*number, mul pair*pair, div, fma) ----
class _Ops32:
    def __init__(self, fma):
        self.fma = fma

    def mulss(self, x, y):
        s = x * y
        return s, self.fma.x(x, y, -s)

    def mulps(self, xx, xy, y):
        return _f._mul2(self.fma, xx, xy, y)

    def mulpp(self, xx, xy, yx, yy):
        return _f._mul22(self.fma, xx, xy, yx, yy)

    def div(self, nx, ny, dx, dy):
        return _f._div(self.fma, nx, ny, dx, dy)

    def logk2(self, dx, dy):
        return _logk2f(self.fma, dx, dy)


class _Ops64:
    fma = staticmethod(_fma64)

    @staticmethod
    def mulss(x, y):
        s = x * y
        return s, _fma64(x, y, -s)

    mulps = staticmethod(_d._mul2)
    mulpp = staticmethod(_d._mul22)
    div = staticmethod(_d._div)
    logk2 = staticmethod(_logk2d)


_SIN32 = ((-0.2430611801e-7, +0.3093842054e-6), (+0.3590577080e-5, -0.3657307388e-4),
          (-0.3259917721e-3, +0.2490393585e-2))
_SIN32P = ((0.015854343771934509277, 4.4940051354032242811e-10, -0.080745510756969451904, -1.3373665339076936258e-09),
           (-0.30842512845993041992, -9.0728339030733922277e-09, 0.78539818525314331055, -2.1857338617566484855e-08))
_SIN64 = ((9.94480387626843774090208e-16, -2.02461120785182399295868e-14),
          (-3.89796226062932799164047e-13, 6.948218305801794613277840e-12),
          (1.150115825399960352669010e-10, -1.75724749952853179952664e-09),
          (-2.46113695010446974953590e-08, 3.133616889668683928784220e-07),
          (3.590860448590527540050620e-06, -3.65762041821615519203610e-05),
          (-0.000325991886927389905997954, 0.0024903945701927185027435600))
_SIN64P = ((0.0158543442438155018914259, -1.04693272280631521908845e-18, -0.0807455121882807852484731,
            3.61852475067037104849987e-18),
           (-0.308425137534042437259529, -1.95698492133633550338345e-17, 0.785398163397448278999491,
            3.06287113727155002607105e-17))


def _sinpik(ops, d, t_):
    u = d * t_(4)
    q = np.where(np.abs(u) < 2.0 ** 31, u, 0).astype(np.int64).astype(_I32)   # (vtruncate; out of range: unused)
    q = (q + ((q.view(_U32) >> 31).astype(_I32) ^ 1)) & ~1
    o = (q & 2) == 2
    s = u - q.astype(t_)
    tt = s
    s = s * s
    s2x, s2y = ops.mulss(tt, tt)
    poly, pairs = (_SIN32, _SIN32P) if t_ is _F32 else (_SIN64, _SIN64P)
    v = np.where(o, t_(poly[0][0]), t_(poly[0][1]))
    for a, b in poly[1:]:
        v = ops.fma(v, s, np.where(o, t_(a), t_(b)))
    p = pairs[0]
    xx, xy = _add2sp(v * s, np.where(o, t_(p[0]), t_(p[2])), np.where(o, t_(p[1]), t_(p[3])))
    p = pairs[1]
    xx, xy = _f._add2(*ops.mulpp(s2x, s2y, xx, xy), np.where(o, t_(p[0]), t_(p[2])), np.where(o, t_(p[1]), t_(p[3])))
    xx, xy = ops.mulpp(xx, xy, np.where(o, s2x, tt), np.where(o, s2y, t_(0)))
    xx, xy = _sel(o, _add2p(xx, xy, t_(1)), (xx, xy))
    o = (q & 4) == 4
    return _flip(xx, o), _flip(xy, o)


_U32C = ((+0.000839498720672087279971000786, +0.9435157776e+0, +0.1102489550e-3),
         (-5.17179090826059219329394422e-05, +0.8670063615e+0, +0.8160019934e-4),
         (-0.000592166437353693882857342347, +0.4826702476e+0, +0.1528468856e-3),
         (+6.97281375836585777403743539e-05, -0.8855129778e-1, -0.2355068718e-3),
         (+0.000784039221720066627493314301, +0.1013825238e+0, +0.4962242092e-3),
         (-0.000229472093621399176949318732, -0.1493408978e+0, -0.1193488017e-2),
         (-0.002681327160493827160473958490, +0.1697509140e+0, +0.2891599433e-2),
         (+0.003472222222222222222175164840, -0.2072454542e+0, -0.7385451812e-2),
         (+0.083333333333333333335592087900, +0.2705872357e+0, +0.2058077045e-1))
_Z32 = ((-0.400686534596170958447352690395e+0, -0.673523028297382446749257758235e-1),
        (+0.822466960142643054450325495997e+0, +0.322467033928981157743538726901e+0),
        (-0.577215665946766039837398973297e+0, +0.422784335087484338986941629852e+0))
_U64C = ((-156.801412704022726379848862, +0.2947916772827614196e+2, +0.7074816000864609279e-7),
         (+1.120804464289911606838558160000, +0.1281459691827820109e+3, +0.4009244333008730443e-6),
         (+13.39798545514258921833306020000, +0.2617544025784515043e+3, +0.1040114641628246946e-5),
         (-0.116546276599463200848033357000, +0.3287022855685790432e+3, +0.1508349150733329167e-5),
         (-1.391801093265337481495562410000, +0.2818145867730348186e+3, +0.1288143074933901020e-5),
         (+0.015056113040026424412918973400, +0.1728670414673559605e+3, +0.4744167749884993937e-6),
         (+0.179540117061234856098844714000, +0.7748735764030416817e+2, -0.6554816306542489902e-7),
         (-0.002481743600264997730942489280, +0.2512856643080930752e+2, -0.3189252471452599844e-6),
         (-0.029527880945699120504851034100, +0.5766792106140076868e+1, +0.1358883821470355377e-6),
         (+0.000540164767892604515196325186, +0.7270275473996180571e+0, -0.4343931277157336040e-6),
         (+0.006403362833808069794787256200, +0.8396709124579147809e-1, +0.9724785897406779555e-6),
         (-0.000162516262783915816896611252, -0.8211558669746804595e-1, -0.2036886057225966011e-5),
         (-0.001914438498565477526465972390, +0.6828831828341884458e-1, +0.4373363141819725815e-5),
         (+7.20489541602001055898311517e-05, -0.7712481339961671511e-1, -0.9439951268304008677e-5),
         (+0.000839498720672087279971000786, +0.8337492023017314957e-1, +0.2050727030376389804e-4),
         (-5.17179090826059219329394422e-05, -0.9094964931456242518e-1, -0.4492620183431184018e-4),
         (-0.000592166437353693882857342347, +0.1000996313575929358e+0, +0.9945751236071875931e-4),
         (+6.97281375836585777403743539e-05, -0.1113342861544207724e+0, -0.2231547599034983196e-3),
         (+0.000784039221720066627493314301, +0.1255096673213020875e+0, +0.5096695247101967622e-3),
         (-0.000229472093621399176949318732, -0.1440498967843054368e+0, -0.1192753911667886971e-2),
         (-0.002681327160493827160473958490, +0.1695571770041949811e+0, +0.2890510330742210310e-2),
         (+0.003472222222222222222175164840, -0.2073855510284092762e+0, -0.7385551028674461858e-2),
         (+0.083333333333333333335592087900, +0.2705808084277815939e+0, +0.2058080842778455335e-1))
_Z64 = ((-0.4006856343865314862e+0, -0.6735230105319810201e-1),
        (+0.8224670334241132030e+0, +0.3224670334241132030e+0),
        (-0.5772156649015328655e+0, +0.4227843350984671345e+0))
# per precision: tiny bound, o0's upper end, product steps, ln(2 pi)/2, ln 2^60 (2^120), ln pi, 12 (28) for the
# reduction by 2^12 (2^28), 2^60 (2^120)
_K32 = (1e-30, 1.2, 2, 0.91893853320467278056, 41.58883083359671856503, 1.1447298858494001639, 12, 2.0 ** 60)
_K64 = (1e-306, 1.1, 4, (0.91893853320467278056, -3.8782941580672414498e-17),
        (83.1776616671934334590333, 3.67103459631568507221878e-15), (1.1447298858494001639, 1.026595116270782638e-17),
        28, 2.0 ** 120)


# _scaled: the float64 fma emulation is exact only for operands of normal size (its split of an operand
# beyond 2^996 overflows): a product with x beyond 2^900 (lgamma up to its overflow at 2.5e305) is taken with
# x scaled by 2^-600 and scaled back, which rounds as the unscaled product does.
def _gammak(ops, a):
    t_ = a.dtype.type
    tiny, o0_hi, steps, half_ln2pi, ln_tiny, ln_pi, red, big = _K32 if t_ is _F32 else _K64
    ucoef, zcoef = (_U32C, _Z32) if t_ is _F32 else (_U64C, _Z64)
    one, zero = t_(1), t_(0)
    otiny, oref = np.abs(a) < t_(tiny), a < t_(0.5)
    xx, xy = _sel(otiny, (zero, zero), _sel(oref, _add2s(one, -a), (a, zero)))
    o0 = (t_(0.5) <= xx) & (xx <= t_(o0_hi))
    o2 = t_(2.3) <= xx
    yx, yy = _normalize(*ops.mulpp(*_add2p(xx, xy, one), xx, xy))
    for k in range(2, steps + 1):
        yx, yy = _normalize(*ops.mulpp(*_add2p(xx, xy, t_(k)), yx, yy))
    o = o2 & (xx <= t_(7))
    clln = _sel(o, (yx, yy), (one, zero))
    xx, xy = _sel(o, _add2p(xx, xy, t_(steps + 1)), (xx, xy))
    t = np.where(o2, one / xx, _normalize(*_add2p(xx, xy, np.where(o0, t_(-1), t_(-2))))[0])
    u = np.where(o2, t_(ucoef[0][0]), np.where(o0, t_(ucoef[0][1]), t_(ucoef[0][2])))
    for c in ucoef[1:]:
        u = ops.fma(u, t, np.where(o2, t_(c[0]), np.where(o0, t_(c[1]), t_(c[2]))))
    px, py = _add2p(xx, xy, t_(-0.5))
    k = np.where(np.abs(px) > 2.0 ** 900, -600, 0) if t_ is _F64 else 0    # (see _scaled)
    yx, yy = ops.mulpp(np.ldexp(px, k), np.ldexp(py, k), *ops.logk2(xx, xy))
    yx, yy = np.ldexp(yx, -k), np.ldexp(yy, -k)
    yx, yy = _f._add2(yx, yy, -xx, -xy)
    yx, yy = _f._add2(yx, yy, *_pair(half_ln2pi, t_))
    ut = ops.mulss(u, t)
    zx, zy = _add2p(*ut, np.where(o0, t_(zcoef[0][0]), t_(zcoef[0][1])))
    for c in zcoef[1:]:
        zx, zy = _add2p(*ops.mulps(zx, zy, t), np.where(o0, t_(c[0]), t_(c[1])))
    zx, zy = ops.mulps(zx, zy, t)
    clc = _sel(o2, (yx, yy), (zx, zy))
    clld = _sel(o2, _add2p(*ut, one), (one, zero))
    y = clln
    lp = _pair(ln_pi, t_)
    clc = _sel(otiny, _pair(ln_tiny, t_), _sel(oref, _f._add2(*lp, -clc[0], -clc[1]), clc))
    clln = _sel(otiny, (one, zero), _sel(oref, clln, clld))
    x = (xx, xy)
    if oref.any():
        m = a * t_(2.0 ** -red)
        m = np.where(np.abs(m) < 2.0 ** 31, m, 0).astype(np.int64).astype(_I32).astype(t_)
        x = ops.mulpp(*clld, *_sinpik(ops, a - t_(2.0 ** red) * m, t_))
    clld = _sel(otiny, (a * t_(big), zero), _sel(oref, x, y))
    bx, by = ops.div(*clln, *clld)
    if t_ is _F64:
        band = ~otiny & (np.abs(a) < 2.0 ** -900)
        if band.any():
            bx[band], by[band] = _reflected_tiny(a[band])
    return clc, (bx, by)


_P1X, _P1Y = _SIN64P[1][2], _SIN64P[1][3]
_UP, _GRID = 600, 2.0 ** -474                  # (2^-1074 at the scaled size)


def _reflected_tiny(a):
    """gammak's 1 / (sinpik(a) (1, 0)) for float64 1e-306 <= |a| < 2^-900, where the fma emulation's error
    terms would fall below the normal range: sinpik(a) is then p1 (4a, 0) exactly (p1 its last pair
    coefficient), with error terms SLEEF rounds to the subnormal grid; each is computed at 2^600 times the
    size, exactly, and rounded back once.  The division's products are scaled the same way."""
    from .._rng_fma import two_product, two_sum
    tt = a * 4.0
    sx = _P1X * tt
    up = np.ldexp(tt, _UP)
    e1 = np.ldexp(_fma64(_P1X, up, -np.ldexp(sx, _UP)), -_UP)          # fma(p1x, t, -s): one rounding
    ph, pl = two_product(np.full(a.shape, _P1Y), up)                 # fma(p1y, t, e1), on the grid:
    sh, sl = two_sum(ph, np.ldexp(e1, _UP))
    w, err = two_sum(sh / _GRID, (sl + pl) / _GRID)
    q = np.rint(w)
    tie = (w - np.floor(w)) == 0.5
    q = np.where(tie & (err > 0), np.ceil(w), np.where(tie & (err < 0), np.floor(w), q))
    e2 = np.ldexp(q, -1074)
    t = 1.0 / sx                                                      # dddiv((1, 0), (sx, e2))
    ts = np.ldexp(t, -_UP)
    v = _fma64(-np.ldexp(e2, _UP), ts, _fma64(-np.ldexp(sx, _UP), ts, 1.0))
    return t, t * v


def _lgamma(ops, a):
    clc, (bx, by) = _gammak(ops, a)
    yx, yy = _f._add2(*clc, *ops.logk2(np.abs(bx), _flip(by, np.signbit(bx))))
    r = yx + yy
    t_ = a.dtype.type
    o = np.isinf(a) | ((a <= 0) & (np.trunc(a) == a)) | (np.isfinite(a) & np.isnan(r))
    r = np.where(o, t_(np.inf), r)
    return np.where(np.isnan(a), a + t_(0), r)   # (the input's nan, quietened: whichever path computed it)


def _lgammaf(a, fma):
    return _lgamma(_Ops32(fma), a)


def lgammaf(d):
    """SLEEF's lgamma of a float32 array (any shape)."""
    return _f._run(_lgammaf, d)


def lgammad(d):
    """SLEEF's lgamma of a float64 array (any shape)."""
    d = np.asarray(d, _F64)
    with np.errstate(all="ignore"):
        return _lgamma(_Ops64, d.reshape(-1)).reshape(d.shape)
