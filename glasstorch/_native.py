"""Two process settings that NumPy leaves to the C libraries underneath it.

1. **Memory.**  Every NumPy result is a fresh ``malloc``.  glibc hands large freed blocks straight
   back to the kernel (``munmap``, heap trimming), so the next array of the same size is faulted in
   page by page again; for arrays of a few hundred kilobytes that costs several times the arithmetic
   (an SGD step on a 100k-element weight measured 5x slower).  torch's CPU allocator keeps its
   blocks; ``tune_malloc`` asks glibc to do the same: blocks below 32 MiB come from the heap, and up
   to 64 MiB of freed heap stays mapped.  Set ``GLASSTORCH_MALLOC=default`` to leave glibc alone.
2. **BLAS threads.**  ``torch.set_num_threads`` must reach the BLAS under ``numpy.matmul``.
   threadpoolctl does that when it is installed; otherwise ``set_blas_threads`` calls OpenBLAS's
   own setter in the libraries this process has loaded.
"""
import ctypes
import os
import sys

_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3


def tune_malloc():
    if not sys.platform.startswith("linux") or os.environ.get("GLASSTORCH_MALLOC") == "default":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):       # musl and other C libraries: nothing to tune
        return False
    ok = mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    ok &= mallopt(_M_TOP_PAD, 64 << 20)
    ok &= mallopt(_M_TRIM_THRESHOLD, 128 << 20)
    return bool(ok)


_OPENBLAS = None


def _openblas_setters():
    """``openblas_set_num_threads`` (with the suffixes NumPy's wheels add) of every OpenBLAS loaded."""
    found = []
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line.rsplit("/", 1)[-1].lower()}
    except OSError:
        return found
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("openblas_set_num_threads", "openblas_set_num_threads64_",
                     "scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads"):
            fn = getattr(lib, name, None)
            if fn is not None:
                found.append(fn)
                break
    return found


def set_blas_threads(n):
    global _OPENBLAS
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(n)
        return
    except ImportError:
        pass
    if _OPENBLAS is None:
        _OPENBLAS = _openblas_setters()
    for fn in _OPENBLAS:
        fn(ctypes.c_int(n))
