"""A backward formula's gradient times (or over) a Python number, when the gradient is float16.

The engine walks with NumPy arrays, and NumPy casts a Python number meeting a float16 array to
float16 first (NEP 50), so ``g * 0.3`` would multiply by float16(0.3) = 0.2998046875.  torch's
formulas (``grad * other``, ``grad / other``, ``grad * alpha``, ``grad * value``) meet the number as the
*second* operand of a float16 ``mul`` / ``div``, whose CPU kernel reads the scalar's original value in
float32 (``iter.original_scalar_value<opmath_t>``), computes in float32 and rounds once:

    times(g, c) = float16(float32(g) * float32(c))
    over(g, c)  = float16(float32(g) / float32(c))

Anything else (a Tensor gradient under create_graph, another dtype, a tensor operand) goes through
the ordinary ``g * c`` / ``g / c``, which already follows torch.
"""
import numpy as np

_F16 = np.dtype(np.float16)
_NUM = (int, float, np.floating, np.integer)


def _half_and_number(g, c):
    return g.__class__ is np.ndarray and g.dtype == _F16 and isinstance(c, _NUM) and not isinstance(c, bool)


def times(g, c):
    """``g * c`` as torch's float16 kernel computes it with a number second."""
    if _half_and_number(g, c):
        return (g.astype(np.float32) * np.float32(c)).astype(_F16)
    return g * c


def over(g, c):
    """``g / c`` as torch's float16 kernel computes it with a number second."""
    if _half_and_number(g, c):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return (g.astype(np.float32) / np.float32(c)).astype(_F16)
    return g / c
