"""Weighted histograms added up as torch's CPU kernel adds them (``HistogramKernel.cpp``).

torch splits the points into one chunk per thread once there are more than ``HISTOGRAM_GRAIN_SIZE / D``
(200 / D, for D coordinates) of them: at most ``get_num_threads()`` chunks of ``ceil(N / chunks)`` points.
Each chunk adds its points' weights, in order, into a histogram of its own; the per-thread histograms
(one per thread, the unused ones zero) are then summed over the thread dim.  Counts are exact in any
order; weights are not.
"""
import numpy as np

from .._runtime import get_num_threads
from ._sum_order import outer_sums

_GRAIN = 200


def add_weights(shape, index, keep, w, dtype):
    """The weighted histogram of ``shape``: point i (where ``keep[i]``) adds ``w[i]`` at ``index`` (a tuple
    of per-dim bin arrays, one entry per point)."""
    n, threads = keep.size, get_num_threads()
    grain = _GRAIN // len(index)                # torch's grain is per coordinate: 200 / D points
    tasks = 1 if n < grain or threads == 1 else min(threads, -(-n // grain))
    chunk = -(-n // tasks) if n else 0
    parts = np.zeros((threads,) + tuple(shape), dtype)
    for t in range(tasks):
        part = slice(t * chunk, min(n, (t + 1) * chunk))
        k = keep[part]
        np.add.at(parts[t], tuple(i[part][k] for i in index), w[part][k])
    return outer_sums(parts.reshape(threads, -1)).reshape(shape)
