"""mish, forward and backward, as torch's float32 / float64 kernels compute them.

torch's ``mish_kernel`` / ``mish_backward_kernel`` (Activation.cpp), with the multiply-adds GCC fuses
in the backward (measured: each other combination leaves 10-30% of elements an ulp off):

    y  = x * tanh(log1p(exp(x)))
    dx = dy * fma(x * s, fma(-t, t, 1), t),   s = 1 / (1 + exp(-x)),  t = tanh(log1p(exp(x)))

exp, log1p and tanh are SLEEF's in the loop's vector blocks and glibc's in the rest (``_sleef_loop``).
"""
import numpy as np

from ...ops._fma32 import fma32
from ...ops._sleef_loop import by_path, vector_mask
from ..._rng_fma import fma64


def _tanh_softplus(x, vector):
    with np.errstate(over="ignore"):
        return by_path("tanh", by_path("log1p", by_path("exp", x, vector), vector), vector)


def forward(x):
    """mish of a float32 / float64 array."""
    return x * _tanh_softplus(x, vector_mask(x) if x.ndim else False)


def backward(g, x):
    """mish_backward(g, x) of float32 / float64 arrays."""
    g = np.asarray(g, x.dtype)
    vector = vector_mask(g, x) if g.shape == x.shape and x.ndim else False
    one = x.dtype.type(1)
    t = _tanh_softplus(x, vector)
    with np.errstate(over="ignore"):
        s = one / (one + by_path("exp", -x, vector))
    fma = fma32 if x.dtype == np.float32 else fma64
    return g * fma(x * s, fma(-t, t, one), t)
