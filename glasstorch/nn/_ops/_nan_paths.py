"""A nan input in an activation's backward kernel: torch's ``cpu_kernel_vec`` runs a scalar lambda on each
row's leftover elements and a Vectorized one on the rest, and the two often test their bounds
differently (``x <= lo || x >= hi`` against ``lo < x < hi``), so a nan gets a different answer in each.
Which elements run as vectors: ``ops/_scalar_tail.loop_vector_mask``."""
import numpy as np


def vector_nans(g, x):
    """Bool array of x's shape: True at the nan elements of ``x`` that torch's vector loop takes (the
    kernel's operands are the upstream gradient ``g`` and ``x``); None when x holds no nan."""
    nan = np.isnan(x)
    if not nan.any():
        return None
    from ...ops._scalar_tail import loop_vector_mask
    from ..._runtime import get_num_threads
    gb = np.broadcast_to(g, x.shape)
    return nan & loop_vector_mask([gb, x], get_num_threads())
