"""The elementwise kernels every optimizer step is written with, on NumPy arrays, in place.

Each one computes what the torch 2.13 CPU kernel of the same name computes, rounding included.
Checked bit for bit against torch on float32 (0-d, 7, 16, 100 and 1003 elements):

    add_(y, alpha=a)          x + a*y          one fused multiply-add (FMA)
    lerp_(end, w), |w| < 0.5  x + w*(end - x)  FMA;  otherwise end - (end - x)*(1 - w), FMA
    addcmul_(t1, t2, value=v) x + (v*t1)*t2    (v*t1) rounded, then FMA with t2
    addcdiv_(t1, t2, value=v) x + (v*t1)/t2    no FMA (a division sits between)
    mul_, div, add_ (scalar)  plain            the Python number is first rounded to float32

torch's ``sqrt`` is MKL's ``vsSqrt``/``vdSqrt``, not correctly rounded; the optimizers take it from
``_blas_order.sqrt``, which reproduces it (AMD CPUs), not from NumPy.
In float64 torch's kernels are FMAs too; NumPy has no cheap float64 FMA, so glasstorch rounds
the product separately there (differences ~1e-16 relative per step).
"""
import numpy as np

from .._tensor import _wrap
from ..ops._fma32 import fma32, fma32_into
from .._rng_fma import fma64 as _fma64

__all__ = ["add_", "lerp_", "addcmul_", "addcdiv_", "fma", "zeros_like", "full_like", "scalar_state",
           "get_value", "bump", "as_real", "decay"]

_f32 = np.float32
_f64 = np.float64


def fma(a, b, c):
    """``a*b + c`` rounded once: exact FMA for float32 and float64 (torch's kernels contract these
    multiply-adds in both), plain arithmetic for other dtypes."""
    c = np.asarray(c)
    if c.dtype != _f32:
        if c.dtype == _f64:
            a, b = np.asarray(a, _f64), np.asarray(b, _f64)
            return np.asarray(_fma64(a, b, c), _f64).reshape(np.broadcast_shapes(a.shape, b.shape, c.shape))
        return np.asarray(a * b + c, dtype=c.dtype)
    return fma32(a, b, c)       # ops/_fma32.py: NumPy's float64 sum, the rare halfway sums redone exactly


def bump(*tensors):
    """Mark in-place changes on each tensor's version counter."""
    for t in tensors:
        t._vc[0] += 1
        if t.__dict__.get("_views"):
            # torch regenerates the grad_fn of a live view of a changed tensor (a Linear's saved
            # weight.t()) as AsStridedBackward0, which its version errors then name
            from ..ops.inplace import views_follow
            views_follow(t)


def add_(x, y, alpha=1.0):
    """x.add_(y, alpha=alpha) on arrays: returns the new values of ``x`` (written into it)."""
    if alpha == 1:
        np.add(x, y, out=x)
    else:
        np.copyto(x, fma(x.dtype.type(alpha), y, x))
    return x


def _in_place(x, *arrays):
    """Whether ``fma32_into`` can write ``x`` directly: float32, C-contiguous, the operands of its shape
    (large updates then allocate no float64 copies)."""
    return x.dtype == _f32 and x.flags.c_contiguous and x.size >= 4096 and all(
        a.shape == x.shape and a.dtype == _f32 for a in arrays)


def lerp_(x, end, weight):
    """x.lerp_(end, weight) with a Python-number weight."""
    w = x.dtype.type(weight)
    diff = end - x
    if abs(weight) < 0.5:
        if _in_place(x, diff):
            fma32_into(x, w, diff)
        else:
            np.copyto(x, fma(w, diff, x))
    else:
        np.copyto(x, fma(-diff, x.dtype.type(1) - w, end))
    return x


def addcmul_(x, t1, t2, value=1.0):
    """x.addcmul_(t1, t2, value=value): x + value * t1 * t2."""
    v = x.dtype.type(value)
    t1 = t1 * v if value != 1 else t1
    if _in_place(x, t1, t2):
        fma32_into(x, t1, t2)
    else:
        np.copyto(x, fma(t1, t2, x))
    return x


def addcdiv_(x, t1, t2, value=1.0):
    """x.addcdiv_(t1, t2, value=value): x + value * t1 / t2."""
    v = x.dtype.type(value)
    num = t1 * v if value != 1 else t1
    x += num / t2
    return x


def as_real(a):
    """A complex array as its (..., 2) float view (``torch.view_as_real``), others unchanged: torch's
    optimizers update a complex parameter's real and imaginary parts as separate float elements."""
    return a[..., None].view(a.real.dtype) if np.iscomplexobj(a) else a


def decay(x, g, weight_decay, is_complex):
    """g + weight_decay * x (L2 weight decay): one fused multiply-add on a real parameter; a complex one
    torch decays before viewing it as reals, in complex arithmetic (product and sum rounded apart)."""
    w = x.dtype.type(weight_decay)
    return w * x + g if is_complex else fma(w, x, g)


def zeros_like(p):
    return _wrap(np.zeros_like(p._data))


def full_like(p, value):
    return _wrap(np.full_like(p._data, value))


def scalar_state(value=0.0):
    """torch's float32 0-d state tensors (``step``, ``mu_product``, ``eta``, ``mu``)."""
    return _wrap(np.array(value, dtype=_f32))


def get_value(t):
    """``_get_value``: a 0-d tensor's value as a Python number (as ``.item()``)."""
    return t._data.item() if hasattr(t, "_data") else t


def incr(step_t):
    """``step_t += 1`` on a float32 0-d state tensor."""
    d = step_t._data
    d += _f32(1)
    step_t._vc[0] += 1
