"""torch's float32 / float64 pow kernels around SLEEF's routine (``_sleef_pow``, whose docstring gives
the math): ``pow_tensor_scalar`` (``pow_number``) and ``pow_tensor_tensor`` (``pow_arrays``, also the
number-base form), each SLEEF's pow on the vector blocks of ``cpu_kernel_vec``'s loop and the C
library's pow on the rest (``glibc_pow``)."""
import numpy as np

from ._sleef_pow import powd, powf

_F32, _F64 = np.float32, np.float64


def _c_order(r):
    # (np.ascontiguousarray alone would make a 0-d result 1-d)
    return r if r.flags.c_contiguous else np.ascontiguousarray(r)


def _by_path(shape, dtype, vector, sleef, scalar):
    """A new array of ``shape``: ``sleef(mask)`` on the vector elements, ``scalar(mask)`` on the rest
    (each called with a bool mask, or True for all, and returning the values there, flat)."""
    # (NumPy lays a result out after its operands: broadcast views give a column-major one, and the
    # callers' layout rules start from C order)
    if vector is True:
        return _c_order(sleef(True).reshape(shape))
    if vector is False or not vector.any():
        return _c_order(scalar(True).reshape(shape))
    r = np.empty(shape, dtype)
    r[vector] = sleef(vector)
    rest = ~vector
    if rest.any():
        r[rest] = scalar(rest)
    return r


def glibc_pow(x, e):
    """NumPy's power (glibc's pow / powf, see ``_sleef_pow``'s docstring) of an array and a number or array
    exponent, always through the C library: NumPy's loop answers a number exponent of 2, 0.5 or -1
    (or a broadcast one) with its square / sqrt / reciprocal, which differ from pow in ~0.1%."""
    e = np.asarray(e, x.dtype)
    if x.ndim == 0:                     # (one number: NumPy's loop sees two stride-0 operands)
        return np.power(x.reshape(1), np.array(np.broadcast_to(e, (1,))))[0]
    if e.size and (0 in e.strides or e.ndim < x.ndim or e.shape != x.shape):
        e = np.array(np.broadcast_to(e, np.broadcast_shapes(x.shape, e.shape)))
    return np.power(x, e)


def _mask(arrays, out):
    """``_sleef_loop.vector_mask`` of the kernel's operands; with an ``out=`` array of their shape and
    dtype, over its layout (TensorIterator orders the dims by the output's strides first)."""
    from ._sleef_loop import vector_mask
    a = arrays[0]
    if not a.ndim:
        return False
    if out.__class__ is np.ndarray and out.shape == a.shape and out.dtype == a.dtype and min(out.strides) >= 0:
        from ._scalar_tail import loop_vector_mask
        from .._runtime import get_num_threads
        return loop_vector_mask([out, *arrays], get_num_threads())
    return vector_mask(*arrays)


def pow_number(x, e, out=None):
    """torch's ``pow_tensor_scalar`` kernel for a float32 / float64 array ``x`` and a real number ``e``
    that it does not special-case (0, 1, 2, 3, 0.5, -0.5, -1, -2 are): SLEEF's pow with the exponent
    rounded to x's dtype on the vector blocks of x's loop, ``(dtype) pow((double) x, (double) e)`` on the
    rest.  A new array of x's shape (C order); ``out``: the array an ``out=`` call writes."""
    dt = x.dtype.type
    e = float(e)
    vector = _mask([x], out)
    sleef = powf if dt is _F32 else powd
    with np.errstate(all="ignore"):
        return _by_path(x.shape, dt, vector,
                        lambda m: sleef(x if m is True else x[m], dt(e)),
                        lambda m: glibc_pow((x if m is True else x[m]).astype(_F64), e).astype(dt))


def pow_arrays(x, y, dtype, out=None):
    """torch's ``pow_tensor_tensor`` kernel in float32 / float64 ``dtype``: ``x`` and ``y`` arrays or
    numbers (a number base is wrapped as a 0-d tensor and cast to the dtype), broadcast together;
    SLEEF's pow on the vector blocks of the loop over them, powf / pow (NumPy's loops) on the rest.
    A new C-ordered array of the broadcast shape; ``out``: the array an ``out=`` call writes."""
    xa, ya = np.broadcast_arrays(np.asarray(x, dtype), np.asarray(y, dtype))
    vector = _mask([xa, ya], out)
    sleef = powf if dtype is _F32 else powd
    with np.errstate(all="ignore"):
        return _by_path(xa.shape, dtype, vector,
                        lambda m: sleef(*((xa, ya) if m is True else (xa[m], ya[m]))),
                        lambda m: glibc_pow(*((xa, ya) if m is True else (xa[m], ya[m]))))
