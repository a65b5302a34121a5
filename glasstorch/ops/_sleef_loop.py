"""A float32 / float64 function as a torch elementwise kernel computes it: SLEEF's routine on the
elements its ``cpu_kernel_vec`` loop runs as vectors, glibc's on the rest.

Which elements are vectors: ``_scalar_tail.loop_vector_mask`` (blocks of 16 float32 / 8 float64 of
each inner row where every operand is contiguous or a broadcast scalar along it; nothing otherwise).
The scalar loops call glibc: its ``expm1`` / ``expm1f`` and ``log1p`` / ``log1pf`` are NumPy's
float32 / float64 ufuncs under the AVX2 pins (checked through ctypes on 2 million arguments each:
equal everywhere; correctly rounded results differ in ~5% of float32 elements), and so are its ``sinh``,
``cosh``, ``atanh`` and ``exp2`` (``np.arctanh``, ...; 1 million arguments each over the routine's range
plus random bit patterns, float32 and float64: equal everywhere), its ``expf`` is
``_sleef_expf.glibc_expf`` and its ``exp`` ``_libm.exp``.  glibc's ``tanhf`` / ``tanh`` are neither
NumPy's (~5% / ~25% differ) nor correctly rounded: they are fdlibm's, built on ``expm1`` (``glibc_tanh``).
"""
import numpy as np

from . import _libm, _scalar_tail, _sleef_expf
from .. import _runtime

_GRAIN = 32768                  # at::internal::GRAIN_SIZE: from here torch's loop may split across threads

_F32, _F64 = np.float32, np.float64


_HYPER = {"sinh", "cosh", "atanh", "exp2"}      # (in _sleef_hyper)
_NUMPY = {"atanh": "arctanh"}                   # glibc's routine under NumPy's name


def _sleef(name, dtype):
    if name in _HYPER:
        from . import _sleef_hyper as m
        return getattr(m, name + ("f" if dtype == _F32 else "d"))
    if dtype == _F32:
        from . import _sleef_f32more as m
        return getattr(m, name + "f")
    from . import _sleef_f64more as m
    return getattr(m, name + "d")


def _glibc(name, dtype):
    if name == "exp":
        if dtype == _F32:
            from ._sleef_expf import glibc_expf
            return glibc_expf
        return _libm.exp
    if name == "tanh":
        return glibc_tanh
    return getattr(np, _NUMPY.get(name, name))    # expm1, log1p, sinh, cosh, atanh, exp2: NumPy's float32 /
                                                  # float64 loops are glibc's (see the docstring)


def _vector(name, dtype):
    if name == "exp":
        if dtype == _F32:
            from ._sleef_expf import expf
            return expf
        from ._sleef_expd import expd
        return expd
    return _sleef(name, dtype)


def vector_mask(*arrays):
    """``loop_vector_mask`` over the kernel's operands at torch's thread count: a bool array of their
    shape, or True where every element is in a vector block (a contiguous kernel of a multiple of
    16 float32 / 8 float64 elements in one piece: the common case, answered without the mask)."""
    a = arrays[0]
    n = a.size
    if not n:
        return np.zeros(a.shape, bool)
    threads = _runtime.get_num_threads()
    if all(b.flags.c_contiguous and b.shape == a.shape for b in arrays):
        block = 16 if a.itemsize == 4 else 8
        if n % block == 0 and (n < _GRAIN or threads < 2):
            return True
        return _sleef_expf.vector_mask(n, threads, block=block).reshape(a.shape)
    return _scalar_tail.loop_vector_mask(arrays, threads)


def by_path(name, v, vector):
    """``name`` (exp, expm1, log1p, tanh, sinh, cosh, atanh, exp2) of the float32 / float64 array ``v``:
    SLEEF's where the bool array ``vector`` is set (True: everywhere), glibc's elsewhere; laid out like v,
    as a ufunc's result."""
    if v.dtype != _F32 and v.dtype != _F64:
        return getattr(_libm, name)(v)
    if vector is False or vector is not True and not vector.any():
        return _glibc(name, v.dtype)(v)
    if vector is True or vector.all():
        r = _vector(name, v.dtype)(v)
    else:
        r = np.empty(v.shape, v.dtype)
        r[vector] = _vector(name, v.dtype)(v[vector])
        rest = ~vector
        r[rest] = _glibc(name, v.dtype)(v[rest])
    if v.ndim > 1 and not v.flags.c_contiguous:         # (the routines work on flat copies)
        out = np.empty_like(v)
        out[...] = r
        return out
    return r


def kernel_mask(*operands):
    """``vector_mask`` for float32 / float64 arrays of one shape and dtype (False if 0-d); None for
    other operands (a kernel not followed element by element)."""
    a = operands[0]
    if not all(o.__class__ is np.ndarray and o.shape == a.shape and o.dtype == a.dtype for o in operands) \
            or a.dtype != _F32 and a.dtype != _F64:
        return None
    return vector_mask(*operands) if a.ndim else False


def in_loop(name, v, *operands):
    """``name`` of ``v`` (an array computed from the kernel's inputs, of their shape) as torch's
    kernel over ``operands`` gets it (``vector_mask``); libm's where their dtype is not v's (half)."""
    if v.dtype != _F32 and v.dtype != _F64 or any(o.dtype != v.dtype for o in operands):
        return getattr(_libm, name)(v)
    if v.ndim == 0:
        return by_path(name, v, False)
    return by_path(name, v, vector_mask(*operands))


def glibc_tanh(x):
    """glibc's ``tanhf`` / ``tanh`` (fdlibm's s_tanhf.c / s_tanh.c) of a float32 / float64 array, in its
    own precision:  |x| >= 1: 1 - 2 / (expm1(2|x|) + 2);  |x| < 1: -t / (t + 2), t = expm1(-2|x|);
    x itself below 2^-55 (and at +-0), x (1 + x) there in fact;  +-1 from |x| = 22 and at +-inf;
    x's sign.  Checked against the C library through ctypes on 2 million arguments each
    (uniform in [-10, 10], N(0, 1), [-1e-3, 1e-3], random bit patterns): equal everywhere."""
    x = np.asarray(x)
    t_ = x.dtype.type
    one, two = t_(1), t_(2)
    a = np.abs(x)
    with np.errstate(all="ignore"):
        big = a >= 1
        t = np.expm1(np.where(big, two * a, -two * a))
        z = np.where(big, one - two / (t + two), -t / (t + two))
        z = np.where(a < 2.0 ** -55, a * (one + a), z)
        z = np.where(a >= 22, one, z)
        z = np.where(np.isnan(x), x, np.copysign(z, x))
    return z


def logaddexp(x, y, dtype):
    """torch's float32 / float64 logaddexp kernel: max(a, b) + log1p(exp(-|a - b|)), SLEEF's exp and
    log1p in the loop's vector blocks and glibc's in the rest; a itself where a == b == +-inf."""
    a, b = np.asarray(x, dtype), np.asarray(y, dtype)
    shape = np.broadcast_shapes(a.shape, b.shape)
    vector = vector_mask(*np.broadcast_arrays(a, b)) if shape else False
    with np.errstate(over="ignore", invalid="ignore"):
        e = by_path("log1p", by_path("exp", -np.abs(a - b), vector), vector)
        return np.asarray(np.where((a == b) & np.isinf(a), a, np.maximum(a, b) + e), dtype)
