"""``torch.special.log_ndtr`` as torch's ``calc_log_ndtr`` computes it, in the input's precision:

    t = x * (1 / sqrt 2)                                    (the constant rounded to the dtype)
    log_ndtr(x) = log1p(-erfc(t) / 2)                       x >= -1: bit for bit, the C library's
                                                            erfc / log1p (erfcf / log1pf for float32)
    log_ndtr(x) = log(erfcx(-t) / 2) - t^2                  x < -1: float64 kernel, rounded once

torch's erfcx is the Faddeeva package's Chebyshev table, which glasstorch does not carry: below -1 the
value is the float64 one (``_special_kernels._log_ndtr64``) rounded to the dtype, within an ulp or two.
The C library routines are called element by element (log_ndtr is no hot op).
"""
import math

import numpy as np

from ._special_kernels import _log_ndtr64
from .special_bessel import _glibc_float    # the C library's float routines, through ctypes

_FRAC_SQRT_2 = 0.7071067811865476


def _upper_f64(t):
    erfc = np.frompyfunc(math.erfc, 1, 1)(t).astype(np.float64) if t.size else t
    return np.log1p(-erfc / 2)


def _upper_f32(t):
    erfcf, log1pf = _glibc_float("erfcf"), _glibc_float("log1pf")
    if erfcf is None or log1pf is None:                  # no glibc: float64, rounded once
        return _upper_f64(t.astype(np.float64)).astype(np.float32)
    return np.array([log1pf(-erfcf(v) / 2) for v in t.tolist()], np.float32).reshape(t.shape)


def log_ndtr_libm(x):
    """log_ndtr of a float32 / float64 array in its own precision (other dtypes: float64, rounded)."""
    if x.dtype.char not in "fd":
        return _log_ndtr64(x.astype(np.float64))
    out = np.asarray(_log_ndtr64(x.astype(np.float64))).astype(x.dtype)
    upper = ~(x < -1)                                    # nan goes this way too, as in torch
    t = x[upper] * x.dtype.type(_FRAC_SQRT_2)
    out[upper] = (_upper_f32 if x.dtype.char == "f" else _upper_f64)(t)
    return out
