"""SLEEF's float64 atan2 (``Sleef_atan2d4_u10``, the AVX2 build torch links), bit for bit, and torch's
float64 ``atan2`` / complex128 ``angle`` kernels (SLEEF in the loop's vector blocks, glibc elsewhere).

``xatan2_u1`` (sleefsimddp.c, dd.h's FMA forms; the float32 routine of _sleef_atan2f in double-double):
|x| below 5.56e-309 scales both arguments by 2^53;  atan2k(|y|, x):  q, s / t as in float32,
s = dddiv(s, t),  t = ddnormalize(ddsqu(s)),  u = POLY16 (Estrin) of the first sixteen coefficients
in t.x and four Horner fmas,  t = ddadd(s, ddmul(ddmul(s, t), u)),
t = ddadd(ddmul((pi/2 as two doubles), q), t);  r = t.x + t.y with x's sign,
then y's, and the special values.  Checked against ``Sleef_atan2d4_u10avx2`` exported by libtorch_cpu
(through a C shim at development time): equal on 400 thousand random arguments over twelve decades and
on the special values; on random bit patterns 0.2% differ in the last bit, all with an intermediate
outside the normal range (|x| near 1e300 and beyond, or a result below 1e-300), where the float64
fused multiply-add emulation (_rng_fma.fma64) loses its exactness.
"""
import numpy as np

from .._rng_fma import fma64

_U64 = np.uint64
_C = (1.06298484191448746607415e-05, -0.000125620649967286867384336, 0.00070557664296393412389774,
      -0.00251865614498713360352999, 0.00646262899036991172313504, -0.0128281333663399031014274,
      0.0208024799924145797902497, -0.0289002344784740315686289, 0.0359785005035104590853656,
      -0.041848579703592507506027, 0.0470843011653283988193763, -0.0524914210588448421068719,
      0.0587946590969581003860434, -0.0666620884778795497194182, 0.0769225330296203768654095,
      -0.0909090442773387574781907, 0.111111108376896236538123, -0.142857142756268568062339,
      0.199999999997977351284817, -0.333333333333317605173818)
_PI2 = (1.570796326794896557998982, 6.12323399573676603586882e-17)
_SIGN = _U64(0x8000000000000000)


def _fma(a, b, c):
    return np.asarray(fma64(a, b, c), np.float64)


def _mulsign(x, y):
    return (x.view(_U64) ^ (y.view(_U64) & _SIGN)).view(np.float64)


def _poly16(x, c):
    """SLEEF's POLY16 (Estrin): c[0] the highest coefficient, every step one fma."""
    x2 = x * x
    x4 = x2 * x2
    x8 = x4 * x4

    def p4(k):
        return _fma(x2, _fma(x, c[k], c[k + 1]), _fma(x, c[k + 2], c[k + 3]))

    def p8(k):
        return _fma(x4, p4(k), p4(k + 4))
    return _fma(x8, p8(0), p8(8))


def _atan2k(yx, xx):
    q = np.where(xx < 0, -2, 0)
    xx = np.where(xx < 0, -xx, xx)
    p = xx < yx
    q = np.where(p, q + 1, q)
    nx, dx = np.where(p, -xx, yx), np.where(p, yx, xx)
    t = 1.0 / dx                                      # dddiv((nx, 0), (dx, 0))
    sx = nx * t
    u = _fma(t, nx, -sx)
    v = _fma(-0.0 * t, t, _fma(-dx, t, 1.0))
    sy = _fma(sx, v, u)
    tx = sx * sx                                      # ddsqu
    ty = _fma(sx + sx, sy, _fma(sx, sx, -tx))
    n = tx + ty                                       # ddnormalize
    tx, ty = n, (tx - n) + ty
    u = _poly16(tx, _C[:16])
    for c in _C[16:]:
        u = _fma(u, tx, c)
    m = sx * tx                                       # ddmul(s, t)
    mx, my = m, _fma(sx, ty, _fma(sy, tx, _fma(sx, tx, -m)))
    m = mx * u                                        # ddmul(., u)
    mx, my = m, _fma(my, u, _fma(mx, u, -m))
    h = sx + mx                                       # ddadd(s, .)
    tx, ty = h, (((sx - h) + mx) + sy) + my
    qd = q.astype(np.float64)
    m = _PI2[0] * qd                                  # ddmul((pi/2), q)
    px, py = m, _fma(_PI2[1], qd, _fma(_PI2[0], qd, -m))
    s = px + tx                                       # ddadd
    return s, (((px - s) + tx) + py) + ty


def atan2d(y, x):
    """SLEEF's atan2 of float64 arrays (broadcast together)."""
    y, x = np.broadcast_arrays(np.asarray(y, np.float64), np.asarray(x, np.float64))
    shape = y.shape
    y, x = y.reshape(-1).copy(), x.reshape(-1).copy()
    with np.errstate(all="ignore"):
        o = np.abs(x) < 5.5626846462680083984e-309
        x = np.where(o, x * float(1 << 53), x)
        y = np.where(o, y * float(1 << 53), y)
        dx, dy = _atan2k(np.abs(y), x)
        r = _mulsign(dx + dy, x)
        xinf = np.isinf(x)
        r = np.where(xinf | (x == 0), np.pi / 2 - np.where(xinf, _mulsign(np.full(x.shape, np.pi / 2), x), 0.0), r)
        r = np.where(np.isinf(y), np.pi / 2 - np.where(xinf, _mulsign(np.full(x.shape, np.pi / 4), x), 0.0), r)
        r = np.where(y == 0, np.where(np.signbit(x), np.pi, 0.0), r)
        r = _mulsign(r, y)
        r = np.where(np.isnan(x) | np.isnan(y), np.array(-1, np.int64).view(np.float64), r)
    return r.reshape(shape)


def atan2_kernel(a, b):
    """torch's float64 atan2 kernel of ``a`` and ``b`` (broadcast): SLEEF's atan2 on the loop's vector
    blocks, glibc's ``atan2`` (NumPy's float64 loop) elsewhere (``_sleef_atan2f.by_blocks``)."""
    from ._sleef_atan2f import by_blocks
    return by_blocks(atan2d, a, b, np.float64)


def complex128_angle(z):
    """torch's angle kernel on complex128 ``z``: ``Vectorized<complex<double>>::angle`` (SLEEF's atan2 of
    imag over real) in the loop's vector blocks of 4 complex numbers (two vectors of two), glibc's
    ``atan2`` on the rest; the loop runs in z's memory order."""
    from .. import _runtime
    from ._sleef_expf import vector_mask
    im, re = z.imag, z.real
    with np.errstate(all="ignore"):
        plain = np.arctan2(im, re)
    if not z.ndim or not z.size:
        return plain
    order = np.argsort([-s for s in z.strides], kind="stable")
    zm = z.transpose(order)
    if not zm.flags.c_contiguous:               # (not dense: torch's loop is scalar)
        return plain
    vector = vector_mask(z.size, _runtime.get_num_threads(), block=4).reshape(zm.shape).transpose(np.argsort(order))
    plain = np.array(plain)
    plain[vector] = atan2d(im[vector], re[vector])
    return plain
