"""Fused multiply-adds from the BLAS that NumPy already loads: ``y += alpha * x`` (saxpy, daxpy).

torch's CPU kernels compute ``x + alpha * y`` (an optimizer step, ``add(alpha=)``, ``uniform_``'s
scaling) as one fused multiply-add per element: one rounding. NumPy has no fma, so ``_fma32`` and
``_rng_fma`` emulate it in several float64 passes per element. OpenBLAS's axpy kernels on
FMA-capable x86 cores run that very instruction over whole blocks of the vector; only the last few
elements, left to scalar C code, are rounded twice. So this module hands the BLAS the largest
multiple of ``_BLOCK`` elements, in pieces of at most ``_CHUNK`` (small enough that OpenBLAS never
splits a piece between threads, each thread leaving its own unfused tail), and the rest as one
zero-padded block of ``_BLOCK``.

Whether the loaded kernel really fuses is checked once, before first use, on inputs whose fused
and unfused results differ at every element, for every piece length this module passes and for
unaligned starts; if anything differs (another BLAS, a core without FMA), the path stays off and
everything runs through the emulation. ``GLASSTORCH_BLAS_FMA=0`` turns it off.

The arithmetic is then the hardware's: correctly rounded, for subnormals, infinities and signed
zeros too. One exception, kept out here: the BLAS returns at once when ``alpha == 0`` (no
``0 * inf = nan``, no ``-0 + 0 = +0``), so that case goes to the emulation.
"""
import ctypes
import glob
import os

import numpy as np

_BLOCK = 64          # pieces are multiples of this: the Haswell / SkylakeX kernels fuse all of them
_CHUNK = 8192        # elements per call: below OpenBLAS's 10000-element threshold for threading
_NAMES = (("scipy_cblas_saxpy64_", "scipy_cblas_daxpy64_", ctypes.c_int64),
          ("cblas_saxpy64_", "cblas_daxpy64_", ctypes.c_int64),
          ("cblas_saxpy", "cblas_daxpy", ctypes.c_int))
_STATE = {}          # dtype -> the checked axpy function, or None (filled on first use)


def _libraries():
    """Paths of the OpenBLAS libraries NumPy's wheel ships, then any other OpenBLAS loaded."""
    here = os.path.dirname(np.__file__)
    paths = sorted(glob.glob(os.path.join(here, "..", "numpy.libs", "lib*openblas*.so*")))
    paths += sorted(glob.glob(os.path.join(here, ".dylibs", "lib*openblas*.dylib")))
    try:
        with open("/proc/self/maps") as f:
            paths += sorted({ln.split()[-1] for ln in f if "openblas" in ln.rsplit("/", 1)[-1].lower()})
    except OSError:
        pass
    return paths


def _find(dtype):
    for path in _libraries():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for s_name, d_name, int_t in _NAMES:
            fn = getattr(lib, s_name if dtype == np.float32 else d_name, None)
            if fn is not None:
                real = ctypes.c_float if dtype == np.float32 else ctypes.c_double
                fn.restype = None
                fn.argtypes = [int_t, real, ctypes.c_void_p, int_t, ctypes.c_void_p, int_t]
                return fn
    return None


def _fuses(fn, dtype):
    """Whether ``fn`` rounds once at every element of every piece this module passes it: with
    a = x = 1 + 2**-t and y = -1 (t = 12 for float32, 27 for float64), a*x + y is 2**(1-t) +
    2**-2t exactly; rounding the product first loses the last term (a tie, to even)."""
    t = 12 if dtype == np.float32 else 27
    a = 1.0 + 2.0 ** -t
    want = dtype.type(2.0 ** (1 - t) + 2.0 ** (-2 * t))
    buf = np.empty(_CHUNK + 16, dtype)
    out = np.empty(_CHUNK + 16, dtype)
    cases = [(n, 0) for n in range(_BLOCK, _CHUNK + 1, _BLOCK)]
    cases += [(n, off) for n in (_BLOCK, 2 * _BLOCK, 5 * _BLOCK, _CHUNK) for off in range(1, 16)]
    for n, off in cases:
        x = buf[off:off + n]
        y = out[15 - off:15 - off + n]
        x[...] = a
        y[...] = -1
        fn(n, a, x.ctypes.data, 1, y.ctypes.data, 1)
        if not (y == want).all():
            return False
    return True


def _axpy_fn(dtype):
    if dtype not in _STATE:
        fn = None
        if os.environ.get("GLASSTORCH_BLAS_FMA", "1") != "0":
            try:
                fn = _find(dtype)
                if fn is not None and not _fuses(fn, dtype):
                    fn = None
            except (OSError, AttributeError, ValueError):
                fn = None
        _STATE[dtype] = fn
    return _STATE[dtype]


_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def enabled(dtype):
    """Whether the checked BLAS path serves arrays of ``dtype``."""
    dt = np.dtype(dtype)
    return (dt == _F32 or dt == _F64) and _axpy_fn(_F32 if dt == _F32 else _F64) is not None


def _address(a):
    """The address of a C-contiguous array's first element (``a.ctypes.data`` costs 2 us)."""
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(a))
    except (TypeError, ValueError, BufferError):      # read-only, or an empty array
        return a.ctypes.data


def axpy(y, alpha, x):
    """``y = fma(alpha, x, y)`` in place through the BLAS, for C-contiguous arrays ``y`` and ``x``
    of one float dtype and size, not overlapping, and ``alpha`` a Python float that the dtype
    holds exactly. Returns False (having done nothing) where the BLAS path does not apply.
    The last ``size % 64`` elements go through a padded copy: a 64-element call is fused."""
    n = y.size
    if not n or alpha == 0 or x.dtype != y.dtype or x.size != n or not (
            x.flags.c_contiguous and y.flags.c_contiguous and y.flags.writeable):
        return False
    dt = _F32 if y.dtype == _F32 else _F64 if y.dtype == _F64 else None
    if dt is None or dt is _F32 and float(np.float32(alpha)) != alpha:
        return False
    fn = _STATE.get(dt, 0)
    if fn == 0:
        fn = _axpy_fn(dt)
    if fn is None:
        return False
    yp, xp = _address(y), _address(x)
    size = dt.itemsize
    if xp < yp + n * size and yp < xp + n * size:     # overlapping memory: leave it to NumPy
        return False
    m = n & -_BLOCK
    step = _CHUNK * size
    for i in range(0, m, _CHUNK):
        fn(min(_CHUNK, m - i), alpha, xp, 1, yp, 1)
        xp += step
        yp += step
    if m < n:
        pad = np.zeros((2, _BLOCK), dt)
        fy, fx = y.reshape(-1), x.reshape(-1)
        pad[0, :n - m] = fy[m:]
        pad[1, :n - m] = fx[m:]
        p = _address(pad)
        fn(_BLOCK, alpha, p + _BLOCK * size, 1, p, 1)
        fy[m:] = pad[0, :n - m]
    return True


def fma_number_array(s, v, c):
    """``s * v + c`` rounded once, for a Python float ``s``, a C-contiguous float32 or float64
    array ``v`` and ``c`` an array of ``v``'s shape and dtype or a Python float (both numbers
    held exactly by the dtype): a new array of ``v``'s shape, or None where the BLAS path does not
    apply."""
    dt = v.dtype
    if not v.flags.c_contiguous:
        return None
    if c.__class__ is np.ndarray:
        if c.shape != v.shape or c.dtype != dt:
            return None
        y = np.array(c, order="C", copy=True)
    else:
        if dt == _F32 and float(np.float32(c)) != c and c == c:
            return None
        y = np.full(v.shape, c, dt)
    return y if axpy(y, s, v) else None
