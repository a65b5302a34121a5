"""SLEEF's float32 atan2 (``Sleef_atan2f8_u10``, the AVX2 build torch links), bit for bit, and torch's
float32 ``atan2`` kernel: SLEEF's routine on the elements its ``cpu_kernel_vec`` loop runs as vectors,
glibc's ``atan2f`` (NumPy's float32 ``arctan2`` under the AVX2 pins) on the rest (``_sleef_loop``).

``xatan2f_u1`` (sleefsimdsp.c, FMA forms of df.h, see _sleef_f32more):  |x| below 2.9387e-39 scales
both arguments by 2^24;  atan2k(|y|, x):  q = -2 if x < 0 (x negated), q += 1 if x < |y| (then
s / t = -x / |y|, else |y| / x), s = dfdiv(s, t), t = dfnormalize(dfsqu(s));  u = eight Horner fmas
in t.x;  t = dfmul(t, dfadd(-0.3333328664, u * t.x));  t = dfmul(s, dfadd(1, t));
t = dfadd(dfmul((pi/2 as two floats), q), t);  r = t.x + t.y with x's sign, then y's, and the special
values (x or y infinite or zero, nan).  Checked against ``Sleef_atan2f8_u10avx2`` exported by
libtorch_cpu (through a C shim at development time): equal in every bit on 4.6 million random
arguments over twelve decades, 200 thousand random bit patterns and the special values.
"""
import numpy as np

from ._sleef_f32more import _add, _div, _exact, _mul2, _mul22, _squ

_F32, _I32, _U32 = np.float32, np.int32, np.uint32
_C = [_F32(v) for v in (-0.00176397908944636583328247, 0.0107900900766253471374512, -0.0309564601629972457885742,
                        0.0577365085482597351074219, -0.0838950723409652709960938, 0.109463557600975036621094,
                        -0.142626821994781494140625, 0.199983194470405578613281)]
_THIRD = _F32(-0.333332866430282592773438)
_PI2 = (_F32(1.5707963705062866211), _F32(-4.3711388286737928865e-08))
_HALF_PI, _QUARTER_PI, _PI = _F32(np.pi / 2), _F32(np.pi / 4), _F32(np.pi)
_SIGN = np.uint32(0x80000000)


def _mulsign(x, y):
    """x with its sign flipped where y's sign bit is set (vmulsign)."""
    return (x.view(_U32) ^ (y.view(_U32) & _SIGN)).view(_F32)


def _atan2k(fma, yx, xx):
    q = np.where(xx < 0, -2, 0).astype(_I32)
    xx = np.where(xx < 0, -xx, xx)
    p = xx < yx
    q = np.where(p, q + 1, q)
    sx, tx = np.where(p, -xx, yx), np.where(p, yx, xx)
    zero = np.zeros_like(sx)
    sx, sy = _div(fma, sx, zero, tx, zero)
    tx, ty = _squ(fma, sx, sy)
    n = tx + ty                                   # dfnormalize
    tx, ty = n, (tx - n) + ty
    u = _C[0]
    for c in _C[1:]:
        u = fma(u, tx, c)
    a = u * tx
    hx = _THIRD + a                               # dfadd(float, float)
    hy = (_THIRD - hx) + a
    tx, ty = _mul22(fma, tx, ty, hx, hy)
    hx = _F32(1) + tx                             # dfadd(float, double-float)
    hy = ((_F32(1) - hx) + tx) + ty
    tx, ty = _mul22(fma, sx, sy, hx, hy)
    px, py = _mul2(fma, _PI2[0], _PI2[1], q.astype(_F32))
    return _add(px, py, tx, ty)


def atan2f(y, x):
    """SLEEF's atan2 of float32 arrays (broadcast together)."""
    from ._blocks import flat_blocks2
    y, x = np.broadcast_arrays(np.asarray(y, _F32), np.asarray(x, _F32))
    shape = y.shape
    y, x = y.reshape(-1).copy(), x.reshape(-1).copy()
    return flat_blocks2(_atan2f_flat, y, x, _F32).reshape(shape)      # (by cache-sized blocks: _blocks)


def _atan2f_flat(y, x):
    with np.errstate(all="ignore"):
        o = np.abs(x) < _F32(2.9387372783541830947e-39)
        x = np.where(o, x * _F32(1 << 24), x)
        y = np.where(o, y * _F32(1 << 24), y)
        dx, dy = _atan2k(_exact, np.abs(y), x)
        r = _mulsign(dx + dy, x)
        xinf = np.isinf(x)
        r = np.where(xinf | (x == 0), _HALF_PI - np.where(xinf, _mulsign(_HALF_PI, x), _F32(0)), r)
        r = np.where(np.isinf(y), _HALF_PI - np.where(xinf, _mulsign(_QUARTER_PI, x), _F32(0)), r)
        r = np.where(y == 0, np.where(np.signbit(x), _PI, _F32(0)), r)
        r = _mulsign(r, y)
        r = np.where(np.isnan(x) | np.isnan(y), np.array(-1, _I32).view(_F32), r)
    return r


def by_blocks(routine, a, b, dtype, glibc=np.arctan2):
    """SLEEF's ``routine`` on the vector blocks of torch's loop over ``a`` and ``b`` (broadcast to one
    shape of ``dtype``), glibc's function (NumPy's loop, ``glibc``: atan2 by default) elsewhere
    (``_sleef_loop.vector_mask``)."""
    from ._sleef_loop import vector_mask
    a, b = np.broadcast_arrays(np.asarray(a, dtype), np.asarray(b, dtype))
    with np.errstate(all="ignore"):
        plain = glibc(a, b)
    if not a.ndim or not a.size:
        return plain
    vector = vector_mask(a, b)
    if vector is True:
        return routine(a, b)
    if vector.any():
        plain = np.array(plain)
        plain[vector] = routine(a[vector], b[vector])
    return plain


def atan2_kernel(a, b, dtype):
    """torch's float32 atan2 kernel of ``a`` and ``b`` (broadcast): SLEEF's atan2 on the loop's vector
    blocks, glibc's ``atan2f`` (NumPy's float32 loop) elsewhere."""
    return by_blocks(atan2f, a, b, dtype)


def complex64_angle(z):
    """torch's angle kernel on complex64 ``z``: ``Vectorized<complex<float>>::angle`` (SLEEF's atan2 of
    imag over real) in the loop's vector blocks of 8 complex numbers, ``std::arg`` (glibc's atan2f)
    on the rest."""
    from ._sleef_loop import vector_mask
    im, re = np.ascontiguousarray(z.imag), np.ascontiguousarray(z.real)
    with np.errstate(all="ignore"):
        plain = np.arctan2(im, re)
    if not z.ndim or not z.size:
        return plain
    vector = vector_mask(z)
    if vector is True:
        return atan2f(im, re)
    if vector.any():
        plain[vector] = atan2f(im[vector], re[vector])
    return plain
