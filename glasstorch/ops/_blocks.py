"""Elementwise kernels over a large array, block by block.

The bit-exact SLEEF and fma emulations keep a dozen or more temporaries per element (float64 rows,
error terms): over a whole large array those are fresh memory on every pass (page faults, cache
misses) and cost more than the arithmetic.  Cut into blocks of 32768 elements, they stay in the
cache; the results are the same, element by element."""
import numpy as np

BLOCK = 1 << 15


def flat_blocks(fn, flat, dtype, block=BLOCK):
    """``fn(flat)`` for an elementwise ``fn`` of a 1-d array, computed block by block."""
    if flat.size <= block:
        return fn(flat)
    out = np.empty(flat.size, dtype)
    for i in range(0, flat.size, block):
        out[i:i + block] = fn(flat[i:i + block])
    return out


def flat_blocks2(fn, a, b, dtype, block=BLOCK):
    """``fn(a, b)`` for an elementwise ``fn`` of a 1-d array ``a`` and ``b``, alike or 0-d (one number
    for all), block by block."""
    if a.size <= block:
        return fn(a, b)
    out = np.empty(a.size, dtype)
    for i in range(0, a.size, block):
        out[i:i + block] = fn(a[i:i + block], b if not b.ndim else b[i:i + block])
    return out
