"""gelu's tanh form, forward and backward, as torch's float32 / float64 kernels compute them.

torch's ``GeluKernelImpl`` / ``GeluBackwardKernelImpl`` (Activation.cpp), with the multiply-adds GCC
fuses in them (found by measurement: every other combination leaves 5-40% of elements an ulp off):

    inner = beta * fma(kappa, x*x*x, x)                      beta = sqrt(2/pi), kappa = 0.044715
    y     = (0.5 * x) * (1 + tanh(inner))
    dx    = dy * (0.5 * (1 + t) + ((0.5 * x) * fma(-t, t, 1)) * (beta * fma(3 * kappa, x*x, 1)))

tanh is SLEEF's (``Sleef_tanhf8_u10`` / ``tanhd4``) in the loop's vector blocks and glibc's in the
rest (``_sleef_loop``): bit for bit as torch's in every layout.
"""
import math

import numpy as np

from ...ops import _sleef_loop
from ...ops._fma32 import fma32
from ..._rng_fma import fma64

_BETA = math.sqrt(2.0 / math.pi)          # = M_SQRT2 * M_2_SQRTPI * 0.5 in double, to the last bit


def _inner(x):
    t = x.dtype.type
    fma = fma32 if x.dtype == np.float32 else fma64
    return fma, t(_BETA) * fma(t(0.044715), x * x * x, x)


def forward(x):
    """gelu(x, approximate='tanh') of a float32 / float64 array."""
    t = x.dtype.type
    _, inner = _inner(x)
    return t(0.5) * x * (t(1) + _sleef_loop.in_loop("tanh", inner, x))


def backward(g, x):
    """gelu_backward(g, x, approximate='tanh') of float32 / float64 arrays (g of x's shape, or not:
    then as the scalar loop runs it)."""
    t = x.dtype.type
    one, half = t(1), t(0.5)
    fma, inner = _inner(x)
    g = np.asarray(g, x.dtype)
    th = _sleef_loop.in_loop("tanh", inner, g, x) if g.shape == x.shape else _sleef_loop.by_path("tanh", inner, False)
    left_derivative = half * (one + th)
    inner_derivative = t(_BETA) * fma(t(3) * t(0.044715), x * x, one)
    return g * (left_derivative + ((half * x) * fma(-th, th, one)) * inner_derivative)
