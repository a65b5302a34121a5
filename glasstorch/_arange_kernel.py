"""torch's CPU ``arange`` kernel for floating dtypes, value for value.

torch fills the output in parallel chunks (``parallel_for`` with a grain of 32768), and each chunk in
blocks of two SIMD vectors: a vector starting at index ``i`` holds

    base = start + step * i            (in the accumulation type: double for float32/64, float for half)
    lanes  base, base + 1*step, base + 2*step, ...     (base first rounded to the output dtype)

and the chunk's last elements (fewer than two vectors) are ``start + step * k`` one by one.  GCC
fuses each ``a + b * c`` into one fused multiply-add (FMA).  So the values are not ``start + k * step``
rounded once: ``arange(-3, 200, 2.7, dtype=float64)[3]`` is 5.1000000000000005, not
5.100000000000001.  The vectors are 32 bytes on every x86 machine (``vector_bytes``).
"""
import numpy as np

from ._rng_fma import fma64, fmaf

GRAIN = 32768


def vector_bytes():
    """Bytes per SIMD vector in torch's arange (and grid_sample) kernel: 32 on every x86 machine.
    Both kernels are registered with ``REGISTER_DISPATCH``, which leaves their AVX-512 slot empty, so
    a CPU that torch runs at its AVX512 capability still runs their AVX2 build (checked on an AMD Zen 5:
    600 random aranges, every value as this 32-byte model gives; a 64-byte model missed 552).  The
    DEFAULT build's vectors are 32 bytes too."""
    return 32


def _chunks(n, threads):
    """at::parallel_for's split of [0, n) over OpenMP threads."""
    if n <= GRAIN or threads <= 1:
        return [(0, n)]
    nt = min(threads, -(-n // GRAIN))
    size = -(-n // nt)
    return [(b, min(n, b + size)) for b in range(0, n, size)]


_EXACT = {2: 2.0 ** 11, 4: 2.0 ** 24, 8: 2.0 ** 53}     # integers every float16 / float32 / float64 holds


def arange_float(start, step, n, np_dtype, threads):
    """The n values of ``arange`` in a float dtype (float16, float32 or float64)."""
    size = np.dtype(np_dtype).itemsize
    s, st = float(start), float(step)
    if s.is_integer() and st.is_integer() and abs(s) + abs(st) * n <= _EXACT[size]:
        # whole numbers the dtype holds: every product and sum is exact, however torch groups them
        return (s + np.arange(n, dtype=np.float64) * st).astype(np_dtype)
    if size == 2:                 # half accumulates in float: start and step as floats
        s, st = np.float32(s), np.float32(st)
        fma, acc = fmaf, np.float32
    else:                         # float32 and float64 accumulate in double
        fma, acc = fma64, np.float64
    lanes = vector_bytes() // size
    out = np.empty(n, dtype=np_dtype)
    for b, e in _chunks(n, threads):
        full = (e - b) // (2 * lanes) * (2 * lanes)
        if full:                  # vectors: base = start + step * i, rounded to the dtype; lanes from it
            first = np.arange(b, b + full, lanes).astype(acc)
            base = np.asarray(fma(np.full(first.shape, st, acc), first, s)).astype(np_dtype)
            j = np.arange(1, lanes, dtype=acc)
            lane = np.asarray(fma(np.broadcast_to(j, (len(first), lanes - 1)), st,
                                  np.broadcast_to(base.astype(acc)[:, None], (len(first), lanes - 1))))
            block = out[b:b + full].reshape(-1, lanes)
            block[:, 0] = base                                   # lane 0 is the base itself
            block[:, 1:] = lane.astype(np_dtype)
        if b + full < e:          # the chunk's last elements, one by one: start + step * k
            k = np.arange(b + full, e).astype(acc)
            out[b + full:e] = np.asarray(fma(np.full(k.shape, st, acc), k, s)).astype(np_dtype)
    return out
