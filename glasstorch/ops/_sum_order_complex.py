"""Complex sums in torch's order: the float order of ``_sum_order`` with complex lanes.

torch's AVX2 kernel holds 4 complex64 (2 complex128) numbers in a vector, so the real and the
imaginary parts are each added as a float row would be with that many lanes: four interleaved
accumulators, the cascade, the numbers past the last whole vector one by one to a scalar, then the
lanes in order.  Measured bit for bit against torch's ``x.sum()`` (AVX2 build)."""
import numpy as np

from ._sum_order import _GRAIN, _memory_order, _row_sum


def _row(flat):
    """The sum of a contiguous complex 1-D array as torch's kernel adds it (a 0-d array).  A vector of
    w complex numbers is 2w floats of the real view, so one float cascade over those 2w lanes keeps both
    parts' orders; the parts then differ only in the lanes and the leftovers they take."""
    w = 32 // flat.itemsize
    n = flat.size
    pairs = flat.view(flat.real.dtype).reshape(n, 2)
    nv = n // w
    if nv:
        lanes = _row_sum(pairs[None, :nv * w].reshape(1, nv, 2 * w))[0].reshape(w, 2)
        terms = np.concatenate([pairs[nv * w:], lanes])     # the leftovers to the scalar, then the lanes
    else:
        terms = pairs                                       # shorter than a vector: one after another
    out = np.empty((), flat.dtype)
    out.real, out.imag = np.add.accumulate(terms, axis=0)[-1] + 0.0
    return out


def total(x, threads):
    """``x.sum()`` of a complex64/complex128 array in torch's order (0-d), or None where the layout is not modelled."""
    flat = _memory_order(x)
    if flat is None:
        return None
    n = flat.size
    if n < _GRAIN or threads < 2:
        return _row(flat)
    used = min(threads, -(-n // _GRAIN))
    chunk = -(-n // used)
    parts = np.zeros(threads, flat.dtype)
    for t in range(used):
        parts[t] = _row(flat[t * chunk:(t + 1) * chunk])
    return _row(parts)
