"""torch's calc_i0e, calc_i1 and calc_i1e (the kernels of torch.special.i0e / i1 / i1e): Cephes'
Chebyshev sums evaluated in the input's own precision, so float32 results match torch's bit for bit.
float32 uses shorter tables for I1 (the last 17 and 7 coefficients, as torch's float instances);
half precision goes through float32.

    i0e(x) = chbevl(|x|/2 - 2, A0)                 on [0, 8],  chbevl(32/|x| - 2, B0) / sqrt|x| beyond
    i1(x)  = sgn(x) e^|x| |x| chbevl(|x|/2 - 2, A1) on [0, 8],  sgn(x) e^|x| chbevl(32/|x| - 2, B1) / sqrt|x|
    i1e(x) = i1(x) e^-|x|, the same sums without the exponential
"""
import numpy as np

from ._bessel_tables import _I0_A, _I0_B, _I1_A, _I1_B
from .special_bessel import _i0_parts, _libm


def _own(fn):
    def kernel(x):
        flat = x.reshape(-1) if x.dtype.char in "fd" else x.reshape(-1).astype(np.float32)
        with np.errstate(invalid="ignore", over="ignore"):
            return fn(flat, np.abs(flat), flat.dtype).reshape(x.shape)
    return kernel


def _i1_sums(ax, dt):
    a, b = (_I1_A[-17:], _I1_B[-7:]) if dt == np.float32 else (_I1_A, _I1_B)
    return _i0_parts(ax, dt, a, b)


@_own
def i0e_cephes(x, ax, dt):
    s = _i0_parts(ax, dt, _I0_A, _I0_B)
    return np.where(ax <= 8, s, s / np.sqrt(ax))


@_own
def i1_cephes(x, ax, dt):
    s, e = _i1_sums(ax, dt), _libm(np.exp, ax)
    r = np.where(ax <= 8, e * ax * s, e * s / np.sqrt(ax))
    return np.where(x < 0, -r, r)


@_own
def i1e_cephes(x, ax, dt):
    s = _i1_sums(ax, dt)
    r = np.where(ax <= 8, s * ax, s / np.sqrt(ax))
    return np.where(x < 0, -r, r)
