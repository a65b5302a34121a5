"""torch's float32 GELU (exact, erf form) on a contiguous tensor: oneDNN's ``eltwise_gelu_erf`` kernel.

torch hands a contiguous float32 tensor of more than one element to oneDNN, whose AVX2 kernel approximates
erf by Abramowitz & Stegun 7.1.26 with its own float32 ``exp`` (range reduction by ln 2 and a degree-5
polynomial), every step a float32 operation or fused multiply-add:

    x = s / sqrt(2),  t = 1 / (p |x| + 1),  r = ((((a5 t + a4) t + a3) t + a2) t + a1)
    erf = sign(s) (1 - r t exp(-x^2)),      gelu = S + S erf  with S = s / 2

A fused multiply-add of float32 operands is computed here in float64 and rounded once (the float32 product
is exact in float64), which gives the fused result except in double-rounding cases too rare to meet.
Other layouts and dtypes go through ATen's own kernel (activation.py's formula).
"""
import math

import numpy as np

_F32, _F64 = np.float32, np.float64


def _bits(u):
    return np.array([u], np.uint32).view(_F32)[0]


# oneDNN's constants (its table gives the float32 bit patterns)
_LOG2E, _LN2 = _bits(0x3FB8AA3B), _bits(0x3F317218)
_LN_FLT_MAX, _LN_FLT_MIN = _bits(0x42B17218), _bits(0xC2AEAC50)
_EXP_POL = [_bits(b) for b in (0x3F7FFFFB, 0x3EFFFEE3, 0x3E2AAD40, 0x3D2B9D0D, 0x3C07CFCE)]   # p1 .. p5
_P = _F32(0.3275911)
_ERF_POL = [_F32(c) for c in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)]
_ONE_OVER_SQRT2 = _F32(1 / math.sqrt(2))


def _fma(a, b, c):
    """a * b + c rounded once to float32 (a, b float32: their product is exact in float64)."""
    return (np.asarray(a, _F64) * b + c).astype(_F32)


def _exp(x):
    """oneDNN's float32 exp: exp(x) = 2 * 2^(n-1) * p(r), n = floor(x log2(e) + 1/2), r = x - n ln 2;
    0 below ln(FLT_MIN)."""
    under = x < _LN_FLT_MIN
    x = np.maximum(np.minimum(x, _LN_FLT_MAX), _LN_FLT_MIN)
    n = np.floor(x * _LOG2E + _F32(0.5))
    r = _fma(-n, _LN2, x)
    two_n1 = np.where(under, 0, ((n - _F32(1)).astype(np.int32) + 127) << 23).astype(np.int32).view(_F32)
    p = _EXP_POL[4]
    for c in (_EXP_POL[3], _EXP_POL[2], _EXP_POL[1], _EXP_POL[0], _F32(1)):
        p = _fma(p, r, c)
    return p * two_n1 * _F32(2)


def gelu_erf(s):
    """gelu(s) = s/2 (1 + erf(s / sqrt 2)) for a float32 array, as oneDNN computes it."""
    with np.errstate(over="ignore", invalid="ignore"):
        x = s * _ONE_OVER_SQRT2
        t = _F32(1) / _fma(_P, np.abs(x), _F32(1))
        minus_e_t = -_exp(-(x * x)) * t
        r = _ERF_POL[4]
        for c in (_ERF_POL[3], _ERF_POL[2], _ERF_POL[1], _ERF_POL[0]):
            r = _fma(r, t, c)
        erf = _fma(minus_e_t, r, _F32(1))
        erf = np.where(np.signbit(s), -erf, erf)
        half_s = s * _F32(0.5)
        out = _fma(erf, half_s, half_s)
    return np.where(np.isnan(s), s, out)        # a NaN comes back as given, its sign kept (as x86 passes it on)


_ONE_OVER_SQRT_PI = np.uint32(0x3f106eba).view(_F32)   # oneDNN's table value: an ulp below f32(1/sqrt(pi))


def gelu_erf_backward(s, g):
    """g * d gelu / ds for float32 arrays, as oneDNN computes it:
    d = (x / sqrt(pi)) exp(-x^2) + 1/2 + erf(x) / 2  with x = s / sqrt(2), erf as in ``gelu_erf``."""
    with np.errstate(over="ignore", invalid="ignore"):
        x = s * _ONE_OVER_SQRT2
        q = _exp(-(x * x))
        pdf_term = x * _ONE_OVER_SQRT_PI * q
        w = _F32(1) / _fma(_P, np.abs(x), _F32(1))
        r = _ERF_POL[4]
        for c in (_ERF_POL[3], _ERF_POL[2], _ERF_POL[1], _ERF_POL[0]):
            r = _fma(r, w, c)
        erf = _fma(-q * w, r, _F32(1))
        erf = np.where(np.signbit(x), -erf, erf)
        return g * _fma(erf, _F32(0.5), pdf_term + _F32(0.5))


# ---- ATen's own kernel (inputs oneDNN is not given) ------------------------------------------------
_A_ALPHA = _F32(1 / math.sqrt(2))
_A_BETA = _F32(2 / math.sqrt(math.pi) * (1 / math.sqrt(2)) * 0.5)


def _aten_erf(v):
    """``Vectorized<float>::erf``: the same Abramowitz & Stegun 7.1.26 form, with SLEEF's exp."""
    from ...ops._sleef_expf import expf
    t = _F32(1) / _fma(_P, np.abs(v), _F32(1))
    r = _ERF_POL[4]
    for c in (_ERF_POL[3], _ERF_POL[2], _ERF_POL[1], _ERF_POL[0]):
        r = _fma(r, t, c)
    e = _fma(-expf(-(v * v)) * t, r, _F32(1))
    return np.where(np.signbit(v), -e, e)


def _by_path(s, vector_fn, scalar_fn, *others):
    """vector_fn where torch's loop runs the element as a vector, scalar_fn elsewhere."""
    from ...ops._scalar_tail import loop_vector_mask
    from ..._runtime import get_num_threads
    vec = loop_vector_mask((s,) + others, get_num_threads())
    out = np.empty(s.shape, _F32)
    with np.errstate(over="ignore", invalid="ignore"):
        if vec.any():
            out[vec] = vector_fn(s[vec], *[o[vec] for o in others])
        rest = ~vec
        if rest.any():
            out[rest] = scalar_fn(s[rest], *[o[rest] for o in others])
    return out


def _scalar_erf(v):
    from ._util import erf
    return erf(v).astype(_F32)


def _scalar_cdf(s):
    return _F32(0.5) * (_F32(1) + _scalar_erf(s * _A_ALPHA))


def gelu_erf_aten(s):
    """gelu(s) for a float32 array as ATen's kernel computes it: s / 2 (1 + erf(s / sqrt 2)), erf being
    ``Vectorized::erf`` in the vector loop and the C library's erff in the scalar one (taken here
    correctly rounded: glibc's erff is not modelled).  Checked against torch on transposed inputs."""
    return _by_path(s, lambda v: v * _F32(0.5) * (_F32(1) + _aten_erf(v * _A_ALPHA)),
                    lambda v: v * _F32(0.5) * (_F32(1) + _scalar_erf(v * _A_ALPHA)))


def gelu_erf_backward_aten(s, g):
    """g * d gelu / ds for float32 arrays as ATen's kernel computes it (checked bit for bit against
    torch on transposed inputs): cdf = 0.5 (1 + erf(s / sqrt 2)), pdf = b exp(-s^2 / 2),
    d = cdf + s pdf, the last add fused in the vector loop (SLEEF's exp, ``Vectorized::erf``) and
    not in the scalar one (glibc's expf, erff taken correctly rounded)."""
    from ...ops._sleef_expf import expf, glibc_expf

    def vector(v, gv):
        cdf = _F32(0.5) * (_F32(1) + _aten_erf(v * _A_ALPHA))
        return gv * _fma(v, _A_BETA * expf(v * v * _F32(-0.5)), cdf)

    def scalar(v, gv):
        return gv * (_scalar_cdf(v) + v * (_A_BETA * glibc_expf(v * v * _F32(-0.5))))
    return _by_path(s, vector, scalar, np.asarray(g, _F32))
