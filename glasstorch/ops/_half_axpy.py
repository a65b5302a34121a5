"""``x + alpha * y`` (add / sub with ``alpha``) of float16, as torch's CPU kernel computes it.

torch's ufunc kernel takes ``alpha`` as float16 and runs two lambdas (ATen/native/ufunc/add.h):
the vector one, ``fmadd(other, alpha, self)`` in float32 lanes, rounded once to float16, over
blocks of two vectors (32 float16) of each inner row; the scalar one, ``self + alpha * other`` in
``c10::Half`` arithmetic, which rounds ``alpha * other`` to float16 before the sum, over the rest of
each row (and over every element when an operand is neither contiguous nor a broadcast scalar along
the inner dim, or the tensor is 0-d).  Which elements the scalar loop takes is
``_scalar_tail.loop_vector_mask``'s answer, with float16's block of 32.
"""
import numpy as np

from ._half_scalar import half_number, rounded
from ._scalar_tail import loop_vector_mask

_BLOCK = 32             # two Vectorized<Half> of 16 lanes (AVX2)


def half_axpy(x, y, alpha):
    """``x + alpha * y`` (``alpha`` a Python number, x / y float16 arrays or numbers) as float16."""
    a = half_number(alpha)
    xf, yf = np.asarray(rounded(x), np.float32), np.asarray(rounded(y), np.float32)
    r = np.asarray((a * yf + xf).astype(np.float16))
    shape = r.shape
    if not r.size:
        return r
    from .._runtime import get_num_threads
    ops = [np.broadcast_to(np.asarray(v, np.float16), shape) for v in (x, y)]
    scalar = ~loop_vector_mask(ops, get_num_threads(), _BLOCK)
    if scalar.any():
        prod = (a * np.broadcast_to(yf, shape)[scalar]).astype(np.float16).astype(np.float32)
        r = np.array(r, copy=True) if not r.flags.writeable else r
        r[scalar] = (np.broadcast_to(xf, shape)[scalar] + prod).astype(np.float16)
    return r
