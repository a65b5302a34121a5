"""glibc's logf (sysdeps/ieee754/flt-32/e_logf.c, the FMA build x86-64's libm picks on FMA cores), bit
for bit: what torch's scalar float32 kernels get from ``std::log`` (xlogy, and the scalar tails of the
vectorised loops).  It is neither NumPy's float32 log nor the correctly rounded value: ~0.1% of
arguments round the other way.

With x = 2^k z, z in [OFF, 2 OFF) (OFF = 0x3f330000 as a float), and i the 4 bits of z's significand
below OFF's exponent, a table gives 1/c and log(c) near z, and in double:

    r = fma(z, invc[i], -1);   y0 = fma(k, ln 2, logc[i]);   r2 = r r
    log(x) = fma(fma(A0, r2, fma(A1, r, A2)), r2, y0 + r),   rounded once to float32

Subnormal x is scaled by 2^23 first; -inf at +-0, inf at inf, the input's nan, glibc's default nan
(sign bit set) for negative x.  Checked against the C library through ctypes on 6 million arguments
(random bit patterns, U(0, 10), e^U(-100, 88), subnormals, the special values): equal in every bit.
"""
import numpy as np

from .._rng_fma import fma64 as _fma

_F32, _F64, _U32, _I32 = np.float32, np.float64, np.uint32, np.int32
_INVC = np.array([float.fromhex(h) for h in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0", "0x1.3c995b0b80385p+0",
    "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0", "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0",
    "0x1.0953f419900a7p+0", "0x1p+0", "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1",
    "0x1.b2036576afce6p-1", "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1", "0x1.767dcf5534862p-1")])
_LOGC = np.array([float.fromhex(h) for h in (
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2", "-0x1.b31d8a68224e9p-3",
    "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3", "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4",
    "-0x1.252f438e10c1ep-5", "0x0p+0", "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4",
    "0x1.526e57720db08p-3", "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2", "0x1.4043057b6ee09p-2")])
_LN2 = float.fromhex("0x1.62e42fefa39efp-1")
_A = tuple(float.fromhex(h) for h in ("-0x1.00ea348b88334p-2", "0x1.5575b0be00b6ap-2", "-0x1.ffffef20a4123p-2"))
_OFF = _U32(0x3F330000)
_NEG_NAN = np.array(0xFFC00000, _U32).view(_F32)


def logf(x):
    """glibc's logf of a float32 array (any shape; a 0-d array for a 0-d input)."""
    x = np.asarray(x, _F32)
    shape = x.shape
    x = x.reshape(-1)
    ix = x.view(_U32).copy()
    sub = (ix != 0) & (ix < _U32(0x00800000))
    if sub.any():
        ix[sub] = (x[sub] * _F32(2.0 ** 23)).view(_U32) - _U32(23 << 23)
    tmp = ix - _OFF
    i = (tmp >> 19) % 16
    k = tmp.view(_I32) >> 23
    z = (ix - (tmp & _U32(0x1FF << 23))).view(_F32).astype(_F64)
    r = _fma(z, _INVC[i], -1.0)
    y0 = _fma(k.astype(_F64), _LN2, _LOGC[i])
    r2 = r * r
    y = _fma(_fma(_A[0], r2, _fma(_A[1], r, _A[2])), r2, y0 + r)
    with np.errstate(over="ignore", invalid="ignore"):
        y = y.astype(_F32)
    y = np.where(x == 0, _F32(-np.inf), y)
    y = np.where(x == np.inf, x, y)
    y = np.where((x < 0) | (x == -np.inf), _NEG_NAN, y)
    return np.where(np.isnan(x), x + _F32(0), y).reshape(shape)
