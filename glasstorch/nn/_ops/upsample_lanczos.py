"""The Lanczos-3 filter of ``F.interpolate(mode='lanczos', antialias=True)`` (torch's
``HelperInterpLanczos::aa_filter``, Pillow's): ``sinc(x) sinc(x / 3)`` on |x| < 3, 0 elsewhere, with
``sinc(x) = sin(pi x) / (pi x)`` and ``sinc(0) = 1``; six taps before the antialias stretch.

On float32 torch evaluates the first ``sinc`` in float32 (``x * pi`` rounded, the C library's ``sinf``,
a float32 division) and the second in double (``x / 3.0`` is a double), multiplies in double and rounds the
product to float32; on double and for uint8's double weights, everything is double."""
import math

import numpy as np

f32 = np.float32
_PI32 = f32(math.pi)
RADIUS = 3.0


def _sinc64(x):
    if x == 0.0:
        return 1.0
    x = x * math.pi
    return math.sin(x) / x


def _sinc32(x):
    if x == 0.0:
        return 1.0
    x = f32(x * _PI32)
    from ...ops.special_bessel import _glibc_float
    sinf = _glibc_float("sinf")           # torch calls the C library's (not always correctly rounded)
    s = f32(sinf(float(x))) if sinf is not None else f32(math.sin(float(x)))
    return float(f32(s / x))


def lanczos32(x):
    """The filter at float32 ``x``, as torch's float kernel computes it."""
    x = abs(f32(x))
    if x < 3.0:
        return f32(_sinc32(x) * _sinc64(float(x) / 3.0))
    return f32(0.0)


def lanczos64(x):
    """The filter in double (float64 input; uint8's weights)."""
    x = abs(x)
    if x < 3.0:
        return _sinc64(x) * _sinc64(x / 3.0)
    return 0.0
