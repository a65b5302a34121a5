"""``torch.special``'s Bessel and Airy functions: airy_ai, bessel_j0/j1/y0/y1, modified_bessel_i0/i1/k0/k1,
scaled_modified_bessel_k0/k1, spherical_bessel_j0.

torch evaluates them with Cephes' rational and Chebyshev approximations in the input's own precision
(float32 arithmetic for float32 input); these kernels do the same, element-wise with NumPy, branch by
branch, in the same operation order, with the multiply-adds GCC fuses in torch's AVX2 build computed as
one fused multiply-add (``_fma``), and float32 sin/cos/exp/log as glibc's sinf ... compute them
(``_libm``).  Measured bit for bit against torch 2.13 on float64 and float32.  Integer and bool inputs
become the default float dtype; complex, half and bfloat16 inputs are refused as torch's CPU dispatch
refuses them.  torch gives these functions no derivative: the result never requires grad.
"""
import numpy as np

from .._dtype import DEFAULT
from ._common import _wrap
from ._layout import ti as _ti
from ._complex_refuse import not_implemented
from ._fma32 import fma32
from .._rng_fma import fma64

_F32 = np.dtype(np.float32)

from ._bessel_tables import *  # noqa: E402,F401,F403  (the _J0_PP ... _AI_AGD coefficient lists)


_GLIBC = {}


def _glibc_float(name):
    """glibc's float routine ``name`` (sinf, cosf, expf, logf), or None off glibc."""
    if name not in _GLIBC:
        try:
            import ctypes
            fn = getattr(ctypes.CDLL("libm.so.6"), name)
            fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
        except (OSError, AttributeError):
            fn = None
        _GLIBC[name] = fn
    return _GLIBC[name]


def _libm(ufunc, x):
    """``ufunc`` in x's precision, as torch's kernels call glibc's sinf/cosf/expf/logf for float32.

    Those are accurate to about 0.56 ulp, so they agree with the float64 result rounded once except
    where that value lies near a midpoint between two float32s: only those elements call glibc."""
    if x.dtype != _F32:
        return ufunc(x)
    if ufunc is np.log:                 # emulated whole (glibc's logf is off by up to 0.82 ulp)
        from ._glibc_logf import logf
        return np.array(logf(x))
    y = ufunc(x.astype(np.float64))
    r = np.array(y, dtype=_F32)         # (an array even for a 0-d x, whose ufunc answers a scalar: r[near] = ...)
    lo, hi = np.nextafter(r, np.float32(-np.inf)).astype(np.float64), np.nextafter(r, np.float32(np.inf))
    r64, hi = r.astype(np.float64), hi.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.minimum(np.abs(y - (r64 + lo) / 2), np.abs(y - (r64 + hi) / 2)) / (hi - lo)
    near = np.isfinite(d) & (d < 0.05)
    fn = _glibc_float({"exp": "expf", "log": "logf", "sin": "sinf", "cos": "cosf", "arccos": "acosf"}[ufunc.__name__])
    if ufunc is np.arccos:              # glibc's acosf is off by up to 0.7 ulp: all of it from glibc
        near = np.isfinite(x)
    if fn is not None and near.any():
        r[near] = [fn(float(v)) for v in x[near]]
    return r


def _fma(a, b, c):
    """a * b + c rounded once, as GCC contracts torch's multiply-adds (AVX2 build); non-finite cases plain."""
    dt = np.result_type(a, b, c)
    a, b, c = (np.asarray(v, dt) for v in np.broadcast_arrays(a, b, c))
    plain = a * b + c
    fin_ab = np.isfinite(a) & np.isfinite(b)
    plain = np.where(fin_ab & ~np.isfinite(c), c, plain)      # the exact product is finite: inf + it = inf
    if dt == _F32:        # the float64 product is exact: fma32 is right wherever the inputs are finite
        return np.where(fin_ab & np.isfinite(c), fma32(a, b, c), plain).astype(dt)
    r = fma64(a, b, c)    # its error-free product overflows first: plain arithmetic there
    return np.where(np.isfinite(r) & np.isfinite(plain), r, plain).astype(dt)


def _c(values, dt):
    """Cephes' coefficients (double literals) converted to the kernel's scalar type."""
    return [dt.type(v) for v in values]


def _polevl(z, coefs, dt):
    """Horner from 0: r = r z + c for each coefficient (torch starts from 0, so 0 * inf makes nan)."""
    r = np.zeros_like(z)
    for c in _c(coefs, dt):
        r = _fma(r, z, c)
    return r


def _chbevl(y, coefs, dt):
    """Clenshaw's recurrence a_i = y q - p + c_i; returns (a, p) for the final 0.5 (a - p)."""
    cs = _c(coefs, dt)
    a, q, p = np.full_like(y, cs[0]), np.zeros_like(y), np.zeros_like(y)
    for c in cs[1:]:
        p, q = q, a
        a = _fma(y, q, -p) + c
    return a, p


def _branches(x, *cases):
    """``out[mask] = fn(x[mask])`` for each (mask, fn) in turn, over a 1-D array; a later mask wins."""
    out = np.empty_like(x)
    for mask, fn in cases:
        if mask.any():
            out[mask] = fn(x[mask])
    return out


def _T(dt, v):
    return dt.type(v)


# ---- the kernels: 1-D arrays of float32 or float64 in, the same dtype out ---------------------------------
def _asymptotic(x, w, pp, pq, qp, qq, phase, first, dt):
    """Hankel's form sqrt(2/(pi x)) (P cos(x - phase) -+ 5/x Q sin(x - phase)) with P, Q rational in w."""
    p = _polevl(w, pp, dt) / _polevl(w, pq, dt)
    q = _T(dt, 5.0) / x * (_polevl(w, qp, dt) / _polevl(w, qq, dt))
    s, c = _libm(np.sin, x - _T(dt, phase)), _libm(np.cos, x - _T(dt, phase))
    r = _fma(p, c, -(q * s)) if first == "j" else _fma(p, s, q * c)
    r = r * _T(dt, _SQ2OPI) / np.sqrt(x)
    return np.where(np.isinf(x), -dt.type(np.nan), r)    # sin(inf): x86's default nan, sign bit set


def _j0(x):
    """J0: x -> |x|; 1 - x^2/4 below 1e-5, (x^2 - r1)(x^2 - r2) R(x^2) up to 5, Hankel's form above."""
    dt = x.dtype
    x = np.where(x < 0, -x, x)

    def small(v):
        z = v * v
        return (z - _T(dt, 5.78318596294678452118e+00)) * (z - _T(dt, 3.04712623436620863991e+01)) * \
            _polevl(z, _J0_RP, dt) / _polevl(z, _J0_RQ, dt)
    return _branches(x, (~(x <= 5), lambda v: _asymptotic(v, _T(dt, 25.0) / (v * v), _J0_PP, _J0_PQ, _J0_QP,
                                                           _J0_QQ, _PIO4, "j", dt)),
                     (x <= 5, small), (x < _T(dt, 0.00001), lambda v: _T(dt, 1.0) - v * v / _T(dt, 4.0)))


def _j1(x):
    """J1, odd: x R(x^2)(x^2 - r1)(x^2 - r2) up to 5, Hankel's form above."""
    dt = x.dtype
    neg = x < 0
    x = np.where(neg, -x, x)

    def small(v):
        z = v * v
        return _polevl(z, _J1_RP, dt) / _polevl(z, _J1_RQ, dt) * v * (z - _T(dt, 1.46819706421238932572e+01)) * \
            (z - _T(dt, 4.92184563216946036703e+01))

    def big(v):
        w = _T(dt, 5.0) / v
        return _asymptotic(v, w * w, _J1_PP, _J1_PQ, _J1_QP, _J1_QQ, _3PIO4, "j", dt)
    r = _branches(x, (~(x <= 5), big), (x <= 5, small))
    return np.where(neg, -r, r)


def _y0(x):
    """Y0: R(x^2) + (2/pi) log(x) J0(x) up to 5 (-inf at 0, nan below), Hankel's form above."""
    dt = x.dtype

    def small(v):
        z = v * v
        return _fma(_T(dt, _TWOOPI) * _libm(np.log, v), _j0(v), _polevl(z, _Y0_YP, dt) / _polevl(z, _Y0_YQ, dt))
    return _branches(x, (~(x <= 5), lambda v: _asymptotic(v, _T(dt, 25.0) / (v * v), _J0_PP, _J0_PQ, _J0_QP,
                                                           _J0_QQ, _PIO4, "y", dt)),
                     (x <= 5, small), (x < 0, lambda v: np.full_like(v, np.nan)),
                     (x == 0, lambda v: np.full_like(v, -np.inf)))


def _y1(x):
    """Y1: x R(x^2) + (2/pi)(J1(x) log(x) - 1/x) up to 5 (-inf at 0, nan below), Hankel's form above."""
    dt = x.dtype

    def small(v):
        z = v * v
        return _fma(v, _polevl(z, _Y1_YP, dt) / _polevl(z, _Y1_YQ, dt),
                    _T(dt, _TWOOPI) * _fma(_j1(v), _libm(np.log, v), -(_T(dt, 1.0) / v)))

    def big(v):
        w = _T(dt, 5.0) / v
        return _asymptotic(v, w * w, _J1_PP, _J1_PQ, _J1_QP, _J1_QQ, _3PIO4, "y", dt)
    return _branches(x, (~(x <= 5), big), (x <= 5, small), (x < 0, lambda v: np.full_like(v, np.nan)),
                     (x == 0, lambda v: np.full_like(v, -np.inf)))


def _i0_parts(ax, dt, A, B):
    """Cephes' Chebyshev sums for I0 / I1 as 0.5 (a - p): over [0, 8] in ax/2 - 2, beyond in 32/ax - 2."""
    def small(v):
        a, p = _chbevl(v / _T(dt, 2.0) - _T(dt, 2.0), A, dt)
        return _T(dt, 0.5) * (a - p)

    def big(v):
        b, p = _chbevl(_T(dt, 32.0) / v - _T(dt, 2.0), B, dt)
        return _T(dt, 0.5) * (b - p)
    return _branches(ax, (~(ax <= 8), big), (ax <= 8, small))


def _i0(x):
    """I0(x) = e^|x| chbevl(|x|/2 - 2) on [0, 8], e^|x| chbevl(32/|x| - 2) / sqrt|x| beyond."""
    dt = x.dtype
    ax = np.abs(x)
    s = _i0_parts(ax, dt, _I0_A, _I0_B)
    e = _libm(np.exp, ax)
    with np.errstate(invalid="ignore"):
        return np.where(ax <= 8, e * s, e * s / np.sqrt(ax))


def _i1(x):
    """I1(x), odd: chbevl(|x|/2 - 2) |x| e^|x| on [0, 8], e^|x| chbevl(32/|x| - 2) / sqrt|x| beyond."""
    dt = x.dtype
    ax = np.abs(x)
    s = _i0_parts(ax, dt, _I1_A, _I1_B)
    e = _libm(np.exp, ax)
    with np.errstate(invalid="ignore"):
        r = np.where(ax <= 8, s * ax * e, e * s / np.sqrt(ax))
    return np.where(x < 0, -r, r)


def _k_parts(x, dt, A, B, small_form, big_form):
    def small(v):
        a, p = _chbevl(_fma(v, v, _T(dt, -2.0)), A, dt)
        return small_form(v, _T(dt, 0.5) * (a - p))

    def big(v):
        b, p = _chbevl(_T(dt, 8.0) / v - _T(dt, 2.0), B, dt)
        return big_form(v, _T(dt, 0.5) * (b - p))
    return _branches(x, (~(x <= 2), big), (x <= 2, small), (x < 0, lambda v: np.full_like(v, np.nan)),
                     (x == 0, lambda v: np.full_like(v, np.inf)))


def _k0_small(v, s):
    """s - log(x/2) I0(x): torch writes 0.5 * x with a double 0.5, so float32 input takes log in float64."""
    if v.dtype == _F32:
        w = v.astype(np.float64)
        return _fma(-np.log(0.5 * w), _i0(v).astype(np.float64), s.astype(np.float64)).astype(_F32)
    return _fma(-np.log(0.5 * v), _i0(v), s)


def _k0(x):
    """K0: chbevl(x^2 - 2) - log(x/2) I0(x) on (0, 2], e^-x chbevl(8/x - 2) / sqrt(x) beyond."""
    return _k_parts(x, x.dtype, _K0_A, _K0_B, _k0_small,
                    lambda v, s: _libm(np.exp, -v) * s / np.sqrt(v))


def _k1(x):
    """K1: log(x/2) I1(x) + chbevl(x^2 - 2) / x on (0, 2], e^-x chbevl(8/x - 2) / sqrt(x) beyond."""
    dt = x.dtype
    return _k_parts(x, dt, _K1_A, _K1_B, lambda v, s: _fma(_libm(np.log, _T(dt, 0.5) * v), _i1(v), s / v),
                    lambda v, s: _libm(np.exp, -v) * s / np.sqrt(v))


def _k0e(x):
    """e^x K0(x), with the same sums: (chbevl - log(x/2) I0(x)) e^x, chbevl(8/x - 2) / sqrt(x)."""
    dt = x.dtype
    return _k_parts(x, dt, _K0_A, _K0_B,
                    lambda v, s: _fma(-_libm(np.log, _T(dt, 0.5) * v), _i0(v), s) * _libm(np.exp, v),
                    lambda v, s: s / np.sqrt(v))


def _k1e(x):
    """e^x K1(x): (log(x/2) I1(x) + chbevl / x) e^x on (0, 2], chbevl(8/x - 2) / sqrt(x) beyond."""
    dt = x.dtype
    return _k_parts(x, dt, _K1_A, _K1_B,
                    lambda v, s: _fma(_libm(np.log, _T(dt, 0.5) * v), _i1(v), s / v) * _libm(np.exp, v),
                    lambda v, s: s / np.sqrt(v))


def _sj0(x):
    """sin(x)/x: its Taylor series below |x| = 0.5, 0 at +-inf."""
    dt = x.dtype

    def series(v):
        z = v * v
        c = [_T(dt, 1.0) / _T(dt, d) * s for d, s in ((6, -1), (120, 1), (5040, -1), (362880, 1), (39916800, -1),
                                                         (6227020800, 1))]
        acc = c[5]
        for k in range(4, -1, -1):
            acc = _fma(z, acc, c[k])
        return _fma(z, acc, _T(dt, 1.0))
    return _branches(x, (np.ones(x.shape, bool), lambda v: _libm(np.sin, v) / v),
                     (np.abs(x) < _T(dt, 0.5), series), (np.isinf(x), np.zeros_like))


def _airy_series(x, dt):
    """Ai(x) = c1 f(x) - c2 g(x), the Maclaurin series of f and g summed until a term is below eps."""
    f, g, k, m, n = np.ones_like(x), x.copy(), np.ones_like(x), np.ones_like(x), x.copy()
    z = x * x * x
    eps = np.finfo(dt).eps
    live = np.ones(x.shape, bool)
    one = _T(dt, 1.0)
    while live.any():
        i = live
        mi, ki, ni = m[i] * z[i], k[i] + one, n[i]
        mi = mi / ki
        ni = ni * z[i]
        ki = ki + one
        ni = ni / ki
        mi = mi / ki
        f[i] = f[i] + mi
        ki = ki + one
        ni = ni / ki
        g[i] = g[i] + ni
        m[i], k[i], n[i] = mi, ki, ni
        with np.errstate(invalid="ignore"):
            t = np.abs(mi / f[i])
        live = live.copy()
        live[np.flatnonzero(i)[~(t > eps)]] = False
    return _fma(np.full_like(f, 0.355028053887817239260), f, -(_T(dt, 0.258819403792806798405) * g))


def _airy_ai(x):
    """Ai: Cephes' oscillating form below -2.09, its exponentially small form from 2.09 (0 past 103.892),
    the power series between; nan at +-inf."""
    dt = x.dtype
    c = _T(dt, 5.64189583547756286948e-01)

    def negative(v):
        t0 = _T(dt, -2.0) * v * np.sqrt(-v) / _T(dt, 3.0)
        z = _T(dt, 1.0) / t0
        zz = z * z
        afn, afd = _polevl(zz, _AI_AFN, dt), _polevl(zz, _AI_AFD, dt)
        agn, agd = _polevl(zz, _AI_AGN, dt), _polevl(zz, _AI_AGD, dt)
        t = t0 + _T(dt, 0.25) * _T(dt, np.pi)
        return c / np.sqrt(np.sqrt(-v)) * _fma(_libm(np.sin, t), _T(dt, 1.0) + zz * afn / afd,
                                               -(_libm(np.cos, t) * (z * agn / agd)))

    def positive(v):
        zeta = _T(dt, 2.0) * v * np.sqrt(v) / _T(dt, 3.0)
        w = _T(dt, 1.0) / zeta
        return c * (_polevl(w, _AI_AN, dt) / _polevl(w, _AI_AD, dt)) / \
            (_T(dt, 2.0) * np.sqrt(np.sqrt(v)) * _libm(np.exp, zeta))
    lo, hi = x < _T(dt, -2.09), x >= _T(dt, 2.09)
    return _branches(x, (~(lo | hi), lambda v: _airy_series(v, dt)), (lo, negative), (hi, positive),
                     (x > _T(dt, 103.892), np.zeros_like), (np.isinf(x), lambda v: np.full_like(v, np.nan)))


# ---- the ops ---------------------------------------------------------------------------------------------
def _op(kernel, fn, arg="input"):
    """The public function; ``arg`` is the argument's name in torch's signature (``input`` or ``x``)."""
    def op(input, *, out=None):
        from .._tensor import Tensor
        if not isinstance(input, Tensor):
            raise TypeError(f"special_{kernel}(): argument '{arg}' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        x = input._data
        if x.dtype.kind in "biu":
            x = x.astype(DEFAULT.float.np)
        if x.dtype not in (np.float32, np.float64):
            raise not_implemented(f"{kernel}_cpu", x.dtype)
        with np.errstate(all="ignore"):
            r = fn(x.reshape(-1)).reshape(x.shape)
        # a nan input comes back as itself (its sign too: NumPy may swap a nan's operands, torch's code does
        # not); I0 and I1 work on |x| and return a positive nan
        r = np.where(np.isnan(x), np.abs(x) if fn in (_i0, _i1) else x, r)
        r = _wrap(_ti(np.asarray(r), input._data))     # TensorIterator's layout: x.t() in, column-major out
        if out is not None:
            from ._out import write_out
            return write_out(f"special_{kernel}", r, out)
        return r
    if arg == "x":
        run = op

        def op(x, *, out=None):
            return run(x, out=out)
    op.__name__ = op.__qualname__ = f"special_{kernel}"
    op.__doc__ = f"torch.special.{kernel}: {fn.__doc__}  (no derivative in torch: the result never requires grad)"
    return op


airy_ai = _op("airy_ai", _airy_ai, "x")
bessel_j0 = _op("bessel_j0", _j0)
bessel_j1 = _op("bessel_j1", _j1)
bessel_y0 = _op("bessel_y0", _y0)
bessel_y1 = _op("bessel_y1", _y1)
modified_bessel_i0 = _op("modified_bessel_i0", _i0)
modified_bessel_i1 = _op("modified_bessel_i1", _i1)
modified_bessel_k0 = _op("modified_bessel_k0", _k0)
modified_bessel_k1 = _op("modified_bessel_k1", _k1)
scaled_modified_bessel_k0 = _op("scaled_modified_bessel_k0", _k0e, "x")
scaled_modified_bessel_k1 = _op("scaled_modified_bessel_k1", _k1e, "x")
spherical_bessel_j0 = _op("spherical_bessel_j0", _sj0, "x")

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
           "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "spherical_bessel_j0"]
