"""The 2-norm over a contiguous last dim in the order torch's CPU kernel sums the squares.

torch's vectorised ``norm_cpu`` path (p=2, float/double, reduction over the innermost contiguous
dim) keeps one 32-byte register of partial sums (8 float lanes, 4 double lanes): lane j gets
x[j]^2 + x[j+L]^2 + ... (products rounded, then added: no fused multiply-add).  The lanes are
then added left to right; the leftover elements follow, four at a time as rounded squares added
in order (the compiler vectorises the squaring) and the last ones with fused multiply-adds.
NumPy's pairwise sum rounds differently in about a fifth of the float32 cases.
"""
import numpy as np

from ._common import fma32
from .._rng_fma import fma64


def norm2_lastdim(a):
    """sqrt(sum(a**2, axis=-1)) for a float32/float64 array, rounded as torch rounds it."""
    dt = a.dtype
    lanes = 32 // dt.itemsize
    n = a.shape[-1]
    rows = a.reshape(-1, n)
    nv = n - n % lanes
    if nv:
        blocks = rows[:, :nv].reshape(rows.shape[0], nv // lanes, lanes)
        # a reduction over a non-innermost axis adds the blocks one after another, lane by lane
        part = np.add.reduce(blocks * blocks, axis=1)
        acc = part[:, 0].copy()
        for j in range(1, lanes):
            acc += part[:, j]
    else:
        acc = np.zeros(rows.shape[0], dt)
    d = nv
    while n - d >= 4:
        sq = rows[:, d:d + 4] * rows[:, d:d + 4]
        for j in range(4):
            acc += sq[:, j]
        d += 4
    fma = fma32 if dt == np.float32 else fma64
    for k in range(d, n):
        col = np.ascontiguousarray(rows[:, k])
        acc = np.asarray(fma(col, col, acc), dt)
    return np.sqrt(acc).reshape(a.shape[:-1])
