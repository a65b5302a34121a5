"""How torch's CPU kernels read a scalar operand of a float16 op (measured on torch 2.13).

A float16 tensor meets a number (or a 0-d tensor) in one of two ways:

* TensorIterator casts the scalar to the common dtype, float16, and the kernel computes in float32 from
  that rounded value: ``add`` / ``sub`` / ``rsub`` (the number and ``alpha``: ``h + 0.1`` adds
  float16(0.1) = 0.0999755859375), ``remainder`` / ``fmod``, and ``mul`` / ``div`` when the scalar is
  the *first* operand (``torch.mul(0.1, h)``, ``torch.tensor(0.1) * h``).
* ``mul`` / ``div`` with the scalar *second* (``h * 0.1``, ``h / torch.tensor(0.1)``) read its original
  value in float32 (``iter.original_scalar_value<opmath_t>``), so float32(0.1) multiplies.

``x op c`` then is float16(float32(x) op c') with c' the value above.
"""
import numpy as np

_F16 = np.dtype(np.float16)


def half_number(v):
    """A number as float16's kernels take it after TensorIterator's cast: rounded to float16, computed in
    float32."""
    return np.float32(np.float16(v))


def rounded(v):
    """``v`` (an operand from ``binary_operands``) with a number rounded to float16: arrays are left as
    they are (a 0-d tensor was already cast to float16 there)."""
    if v.__class__ is np.ndarray:
        return v
    return half_number(v)


def original_second(other, y):
    """The second operand of a float16 ``mul`` / ``div``: a 0-d float32 / float64 tensor is read at its
    original value in float32 (not at the float16 ``binary_operands`` cast it to); anything else as is."""
    d = getattr(other, "_data", None)
    if d is not None and d.ndim == 0 and d.dtype.kind == "f" and d.dtype != _F16:
        return np.float32(d)
    return y
