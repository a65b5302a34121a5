"""Special functions: ``lgamma``, ``digamma``, ``polygamma``, ``logit``, ``sinc``, ``heaviside``.

Values are computed in float64 and rounded to the input's dtype.  The gamma family:
    lgamma'(x) = digamma(x),   digamma'(x) = polygamma(1, x),   polygamma(n)' = polygamma(n + 1)
digamma and polygamma use the recurrence f(x) = f(x + 1) - (step) to move x above 10, then the
asymptotic (Stirling) series; negative x goes through the reflection formula.
"""
import math
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1, unary_float_input
from ._common import check_broadcast, tensors_only
from ._complex_refuse import refuse
from ._grad_scalars import number_minus as _number_minus
from ._trigamma_kernel import _factorial_f32, _trigamma     # (torch's calc_trigamma; n! in float)

_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)    # B_2, B_4, ... B_14


def _is_array(g):
    return isinstance(g, (np.ndarray, np.generic))


def _lgamma1(v):
    try:
        return math.lgamma(v)
    except ValueError:                        # poles at 0, -1, -2 ...
        return math.inf


_lgamma64 = np.frompyfunc(_lgamma1, 1, 1)


def _lgamma(x):
    """torch's lgamma kernel maps ``Vectorized::lgamma`` (SLEEF's lgammaf8 / lgammad4_u10) over every
    element, half through float (``_sleef_lgamma``)."""
    if x.dtype.char in "fde":
        from ._sleef_lgamma import lgammad, lgammaf
        if x.dtype == np.float64:
            return lgammad(x)
        return np.asarray(lgammaf(x.astype(np.float32)), np.float32).astype(x.dtype, copy=False)
    # a ufunc from frompyfunc hands back a bare Python float for a 0-d input: asarray keeps it an array
    return np.asarray(_lgamma64(x.astype(np.float64))).astype(x.dtype) if x.size else x.copy()


def _digamma64(x):
    x = np.asarray(x, np.float64)
    out = np.empty_like(x)
    neg = x < 0.5
    # reflection: digamma(x) = digamma(1 - x) - pi / tan(pi x)
    xr = np.where(neg, 1 - x, x)
    acc = np.zeros_like(xr)
    while True:
        small = xr < 10
        if not small.any():
            break
        acc -= np.where(small, 1 / np.where(small, xr, 1), 0)
        xr = np.where(small, xr + 1, xr)
    inv2 = 1 / (xr * xr)
    series = sum(b / (2 * (k + 1)) * inv2 ** (k + 1) for k, b in enumerate(_BERNOULLI))
    val = np.log(xr) - 0.5 / xr - series + acc
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(neg, val - math.pi / np.tan(math.pi * x), val)
    out = np.where(x == 0, np.where(np.signbit(x), np.inf, -np.inf), out)   # the pole at 0, from either side
    out = np.where((x < 0) & (x == np.floor(x)), np.nan, out)             # nan at the negative integers
    return np.where(np.isposinf(x), np.inf, np.where(np.isnan(x), np.nan, out))


_PSI_10 = 2.25175258906672110764
_DIGAMMA_A = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
              -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
              8.33333333333333333333E-2)


def _digamma_aten(x, t):
    """torch's kernel (ATen's calc_digamma, float or double: ``t``), step by step in that precision: the
    recurrence moves x to 10 or above, then log(x) - 1/(2x) - z P(z) with z = 1/x^2; negative x
    reflects with pi / tan(pi r) computed in double (r: x's fractional part).  The polynomial's
    multiply-adds are fused, as GCC compiles Cephes' polevl in torch's build.  Rounding each step to
    t, as torch does, matters: the float64 digamma rounded once to float32 differs from torch's in
    half the elements, and the float64 Bernoulli series (the textbook form) in three quarters."""
    one = t(1)
    x = np.asarray(x, t)
    neg = x < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        refl = np.where(neg, (math.pi / np.tan(math.pi * np.fmod(x.astype(np.float64), 1.0))).astype(t), t(0))
        xr = np.where(neg, one - x, x)
        acc = np.zeros_like(xr)
        while True:
            small = xr < 10
            if not small.any():
                break
            acc = np.where(small, acc - one / np.where(small, xr, one), acc)
            xr = np.where(small, xr + one, xr)
        z = one / (xr * xr)
        p = np.zeros_like(z)
        fma = _fma_of(t)        # polevl's multiply-add is fused in torch's build (GCC contracts it)
        for c in _DIGAMMA_A:
            p = fma(p, z, np.full_like(z, c)).reshape(z.shape)      # (fma64 answers a 0-d call 1-d)
        y = np.where(xr < t(1e17), z * p, t(0))
        val = acc + _log_as_libm(xr, t) - t(0.5) / xr - y
        val = np.where(xr == 10, acc + t(_PSI_10), val) - refl
    val = np.where(x == 0, np.where(np.signbit(x), t(np.inf), t(-np.inf)), val)
    val = np.where(neg & (x == np.trunc(x)), t(np.nan), val)        # the negative integers
    return np.where(np.isposinf(x), t(np.inf), np.where(np.isnan(x), t(np.nan), val))


def _fma_of(t):
    if t is np.float32:
        from ._fma32 import fma32
        return fma32
    from .._rng_fma import fma64
    return fma64


def _log_as_libm(x, t):
    """std::log of float / double as torch's scalar kernel gets it: glibc's logf for float32 (it
    differs from the correctly rounded value near midpoints: ``_glibc_logf``), log for float64."""
    if t is np.float32:
        from ._glibc_logf import logf
        return logf(x)
    return np.log(x)


def _digamma32(x):
    return _digamma_aten(x, np.float32)


def _digamma_as(x):
    """digamma in x's dtype, as torch's kernel for that dtype computes it."""
    if x.dtype == np.float32 or x.dtype == np.float64:
        return _digamma_aten(x, x.dtype.type)
    return _digamma64(x).astype(x.dtype)


def _factorial_as_torch(n):
    """exp(lgamma(n + 1)) in double with glibc's lgamma, as torch's kernel computes n! (not always
    exactly n!: 23.999999999999996 for n = 4); Python's lgamma off glibc."""
    try:
        import ctypes
        lgamma = ctypes.CDLL("libm.so.6").lgamma
        lgamma.restype, lgamma.argtypes = ctypes.c_double, [ctypes.c_double]
        return math.exp(lgamma(n + 1.0))
    except (OSError, AttributeError):
        return math.exp(math.lgamma(n + 1.0))


def _polygamma64(n, x):
    """psi^(n)(x) for n >= 1: torch's trigamma formula for n = 1, else (-1)^(n+1) n! zeta(n + 1, x), the
    Hurwitz zeta in Cephes' algorithm (``_zeta64``), in torch's order of operations.

    For float32 torch's calc_polygamma works in float: n! is expf(lgammaf(n + 1)), zeta<float> sums
    in double (its acc_type) but takes its first term q^-x from powf, and rounds to float; the
    product is float times float."""
    if n == 1:
        return _trigamma(np.asarray(x))
    from ._special_kernels import _zeta64
    x = np.asarray(x)
    if x.dtype == np.float32:
        from .pdist import _cpow
        order = np.float32(n + 1)
        with np.errstate(all="ignore"):
            first = _cpow(x, -order)
            z = _zeta64(float(order), x.astype(np.float64), first=first).astype(np.float32)
        return np.float32(1.0 if n % 2 else -1.0) * _factorial_f32(n) * z
    sign = -1.0 if n % 2 == 0 else 1.0
    return sign * _factorial_as_torch(n) * _zeta64(float(n + 1), np.asarray(x, np.float64))


class LgammaBackward0(Node):
    """y = lgamma(x)   ->   dx = g digamma(x)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        if _is_array(g):
            return (g * _digamma_as(x),)
        return (g * digamma(x),)


class DigammaBackward0(Node):
    """y = digamma(x)   ->   dx = g polygamma(1, x)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        if _is_array(g):
            return (g * _polygamma64(1, x).astype(x.dtype),)
        return (g * polygamma(1, x),)


class PolygammaBackward0(Node):
    """y = polygamma(n, x)   ->   dx = g polygamma(n + 1, x)"""
    __slots__ = ("n",)

    def backward(self, g):
        x, = self.saved()
        if _is_array(g):
            return (g * _polygamma64(self.n + 1, x).astype(x.dtype),)
        return (g * polygamma(self.n + 1, x),)


def _apply(fn, node, input, kernel):
    x = unary_float_input(input)
    refuse(kernel, x)                          # torch has no complex kernel for these
    r = _wrap(np.asarray(fn(x), x.dtype))
    if GRAD.enabled and input._rg:
        node.save(input)
        record1(node, r, input)
    return r


def lgamma(input, *, out=None):
    return _apply(_lgamma, LgammaBackward0(), input, "lgamma_vml_cpu")


def digamma(input, *, out=None):
    return _apply(_digamma_as, DigammaBackward0(), input, "digamma")


class PolygammaBackward1(PolygammaBackward0):
    """y = x.polygamma_(n) (torch's separate in-place entry)   ->   dx = g polygamma(n + 1, x)"""
    __slots__ = ()


def polygamma(n, input, *, out=None, _node=PolygammaBackward0):
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    node = _node()
    node.n = n
    if n == 0:      # digamma's values, under torch's PolygammaBackward0 all the same
        return _apply(_digamma_as, node, input, "digamma")
    return _apply(lambda x: _polygamma64(n, x).astype(x.dtype), node, input, "trigamma" if n == 1 else "polygamma")


class LogitBackward0(Node):
    """y = log(x / (1 - x))   ->   dx = g / (x (1 - x)); outside [eps, 1 - eps] 0 when eps is given,
    else nan outside [0, 1]"""
    __slots__ = ("eps",)

    def backward(self, g):
        x, = self.saved()
        m, eps = self.m, self.eps
        d = g / (x * _number_minus(1, x))      # (C++'s 1 - self: SubBackward0 under create_graph)
        fill = math.nan if eps is None else 0.0
        lo = 0.0 if eps is None else eps
        if not _is_array(g):        # create_graph: torch's where(lo <= x <= hi, d, fill), nan x -> fill
            return (m.where((x >= lo) & (x <= 1 - lo), d, fill),)
        lo = x.dtype.type(lo)       # the kernel's scalar_t bounds
        hi = 1 - lo
        r = np.where((x >= lo) & (x <= hi), d, fill).astype(d.dtype)        # the vector loop's answer
        # torch's scalar loop differs at x = 0 or 1 (g * inf: +inf at x = -0.0, where the vector loop's
        # g / (x (1 - x)) is -inf) and at a nan x with eps (nan, where the vector loop gives 0)
        from ._scalar_tail import split_by_loop
        split = split_by_loop((x == 0) | (x == 1) | np.isnan(x), [g, x])
        if split is not None:
            with np.errstate(invalid="ignore"):
                s = np.where((x < lo) | (x > hi), fill, np.where((x == 0) | (x == 1), g * x.dtype.type(np.inf), d))
            r = np.where(split[1], s, r).astype(d.dtype)
        return (r,)


def logit(input, eps=None, *, out=None):
    x = unary_float_input(input)
    refuse("logit_cpu", x)
    z = x if eps is None else np.clip(x, x.dtype.type(eps), x.dtype.type(1 - eps))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = _wrap(np.asarray(np.log(z / (1 - z)), x.dtype))
    if GRAD.enabled and input._rg:
        node = LogitBackward0()
        node.eps = eps
        node.save(input)
        record1(node, r, input)
    return r


class SincBackward0(Node):
    """y = sin(pi x) / (pi x)   ->   dx = g (pi x cos(pi x) - sin(pi x)) / (x x pi), 0 where x x pi is 0;
    in x's precision (each step rounded to it, for half too) and in torch's order (sinc_backward)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        if _is_array(g) and x.dtype.char in "efd":
            from . import _libm
            # torch's sinc_backward is tensor ops: each computes in the op-math type (float for half)
            # and rounds to x's dtype
            w = np.float32 if x.dtype == np.float16 else x.dtype.type
            dt = x.dtype

            def op(v):
                return np.asarray(v, w)

            def rnd(v):
                return np.asarray(v).astype(dt)
            pi = w(math.pi)
            xw = op(x)
            px, sq = rnd(xw * pi), rnd(op(rnd(xw * xw)) * pi)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                cos, sin = rnd(_libm.cos(op(px))), rnd(_libm.sin(op(px)))
                num = rnd(op(rnd(op(px) * op(cos))) - op(sin))
                out = rnd(op(g) * op(rnd(op(num) / op(sq))))
                return (np.where(sq == 0, dt.type(0), out),)
        if _is_array(g):
            with np.errstate(divide="ignore", invalid="ignore"):
                px = np.pi * x.astype(np.float64)
                d = np.where(x == 0, 0.0, (np.cos(px) * px - np.sin(px)) / (px * x))
            return (g * d.astype(x.dtype),)
        m = self.m
        px, sq = x * math.pi, x * x * math.pi
        return (m.where(sq == 0, 0 * x, g * ((px * m.cos(px) - m.sin(px)) / sq)),)


def sinc(input, *, out=None):
    x = unary_float_input(input)
    # torch's scalar kernel: pi x and sin(pi x) / (pi x) in the op-math type (float for half), with the
    # C library's sin, then rounded to the input's dtype
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    px = w.dtype.type(math.pi) * w
    with np.errstate(divide="ignore", invalid="ignore"):
        from . import _libm
        sin = _libm.sin if w.dtype == np.float32 else np.sin
        r = _wrap(np.asarray(np.where(x == 0, 1, sin(px) / px), x.dtype))
    if GRAD.enabled and input._rg:
        node = SincBackward0()
        node.save(input)
        record1(node, r, input)
    return r


def heaviside(input, values, *, out=None):
    """0 where x < 0, ``values`` where x == 0, 1 where x > 0 (no derivative, as torch)."""
    tensors_only('heaviside', input, values)
    x, v = input._data, values._data
    if x.dtype != v.dtype or x.dtype.kind == "c":
        if x.dtype.kind == "c" or v.dtype.kind == "c":
            raise RuntimeError("heaviside is not yet implemented for complex tensors.")
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    check_broadcast(x.shape, v.shape)              # torch's message, after the dtype checks
    from ._no_derivative import record_not_implemented
    r = _wrap(_ti(np.asarray(np.where(x == 0, v, (x > 0).astype(x.dtype)), x.dtype), x, v))
    return record_not_implemented("heaviside", r, input, values)
