"""torch's trigamma kernel (calc_trigamma) and the float32 n! of its polygamma kernel, as the AVX2
build of ATen computes them (scalar loops: the C library's sin / sinf, lgammaf, expf; fused
multiply-adds where the compiler contracts them)."""
import math

import numpy as np


def _sin_libm(v, t):
    """The C library's sin / sinf of the array v of dtype t (torch's scalar kernels call std::sin), one
    element at a time; the correctly rounded value without a loadable libm."""
    try:
        import ctypes
        libm = ctypes.CDLL("libm.so.6")
        f = libm.sinf if t is np.float32 else libm.sin
        f.restype = ctypes.c_float if t is np.float32 else ctypes.c_double
        f.argtypes = [f.restype]
        return np.array([f(e) for e in v.tolist()], t).reshape(v.shape)
    except (OSError, AttributeError):
        return np.sin(v.astype(np.float64)).astype(t)


def _trigamma(x):
    """psi'(x) as torch's trigamma kernel (calc_trigamma) computes it, in x's own precision (float32 or
    float64, each step rounded to it; sin from the C library): reflection below 1/2, six steps of the
    recurrence, then the asymptotic series

        result += (1 + 1 / (2 x) + ixx (1/6 - ixx (1/30 - ixx / 42))) / x,   ixx = 1 / x^2

    whose three multiply-adds the AVX2 build contracts to fused multiply-adds."""
    from .._rng_fma import fma64, fmaf
    t = np.float32 if x.dtype == np.float32 else np.float64
    fma = fmaf if t is np.float32 else fma64
    x = np.asarray(x, t)
    one, pi = t(1), t(3.14159265358979323846)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        low = x < 0.5
        s = np.zeros(x.shape, t)
        if low.any():
            s[low] = _sin_libm(np.asarray(pi * x[low], t), t)
        result = np.where(low, t(0) - (pi * pi) / (s * s), t(0))
        sign = np.where(low, t(-1), one)
        x = np.where(low, one - x, x)
        for _ in range(6):
            result = result + one / (x * x)
            x = x + one
        ixx = one / (x * x)
        c6, c30, c42 = t(1. / 6), t(1. / 30), t(1. / 42)
        inner = np.asarray(fma(-ixx, np.full(x.shape, c42), np.full(x.shape, c30)), t)
        inner = np.asarray(fma(-ixx, inner, np.full(x.shape, c6)), t)
        series = np.asarray(fma(ixx, inner, one + one / (t(2) * x)), t)
        result = result + series / x
    return sign * result


def _factorial_f32(n):
    """expf(lgammaf(n + 1)): torch's n! for a float32 polygamma (120.00001 for n = 5)."""
    try:
        import ctypes
        libm = ctypes.CDLL("libm.so.6")
        libm.lgammaf.restype = libm.expf.restype = ctypes.c_float
        libm.lgammaf.argtypes = libm.expf.argtypes = [ctypes.c_float]
        return np.float32(libm.expf(libm.lgammaf(n + 1.0)))
    except (OSError, AttributeError):
        return np.float32(math.exp(np.float32(math.lgamma(n + 1.0))))
