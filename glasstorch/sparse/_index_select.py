"""``index_select`` on a sparse COO tensor, with the result's entries in torch's order.

Along a dense dimension the values are indexed and the indices kept.  Along a sparse dimension the
result holds, for every pair (position p of ``index``, stored entry j) with ``index[p] ==
indices[dim, j]``, entry j's values at its indices with ``indices[dim]`` replaced by p.  torch emits
those pairs in one of two orders, chosen by its kernel's cost estimates (``_position_major``):
grouped by position (p ascending, then j ascending), or grouped by entry (j, then p).  The result
is flagged coalesced only when it has fewer than two entries.

A gradient is recorded as torch does (``IndexSelectBackward0``), and its backward fails as torch's
does: there is no sparse ``index_add_``.
"""
import math

import numpy as np

from ..ops._common import GRAD
from ..ops.sorting import _order
from .._runtime import get_num_threads
from ._coo import failing_node

_GRAIN = 32768                   # torch's parallel grain: the thread count of each pass follows from it
_BRUTE = 2 << 14                 # nnz * len(index) up to this: torch compares every pair


IndexSelectBackward0 = failing_node("IndexSelectBackward0", "aten::index_add_")


def _threads(n):
    return max(1, min(-(-n // _GRAIN), get_num_threads()))


def _chunk_counts(keys, size):
    """Per-thread histograms of ``keys`` (torch's count tables): (threads, size)."""
    n = _threads(keys.size)
    step = -(-keys.size // n)
    return np.stack([np.bincount(keys[t * step:(t + 1) * step], minlength=size) for t in range(n)])


def _position_major(dim_idx, index, size, dim, coalesced, brute):
    """Whether torch's kernel groups the pairs by position of ``index`` (else by stored entry)."""
    nnz, n_index = dim_idx.size, index.size
    if brute:
        return nnz >= n_index                     # all pairs compared: the longer list is the inner loop
    t_nnz, t_index = _threads(nnz), _threads(n_index)
    if nnz <= size:                               # sort one list, binary-search the other
        return (nnz // t_nnz <= n_index // t_index
                or (coalesced and dim == 0
                    and n_index * math.log2(nnz) / t_index <= (nnz // t_nnz + n_index) * math.log2(n_index)))
    # count sort of both lists: compare the largest per-thread share of the copying
    dim_counts, index_counts = _chunk_counts(dim_idx, size), _chunk_counts(index, size)
    index_work = int((index_counts @ dim_counts.sum(0)).max()) * n_index // t_index
    dim_work = int((dim_counts @ index_counts.sum(0)).max()) * nnz // t_nnz
    return index_work <= dim_work


def _matches(keys, probes, stable):
    """For each probe in order, the positions in ``keys`` holding its value: (probe number, key position)
    of every match.  The positions of one value come ascending when ``stable``, else in the order
    torch's ``sort()`` (std::sort) leaves equal keys."""
    order = np.argsort(keys, kind="stable") if stable else _order(keys, 0, False, stable=False)
    ordered = keys[order]
    lo, hi = np.searchsorted(ordered, probes, "left"), np.searchsorted(ordered, probes, "right")
    counts = hi - lo
    total = int(counts.sum())
    starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    return np.repeat(np.arange(probes.size), counts), order[starts + np.arange(total)]


def _checked_index(t, dim, index):
    from .._tensor import _wrap_dim
    nd = len(t._size)
    if nd == 0:
        raise IndexError("index_select() cannot be applied to a 0-dim tensor.")
    a = getattr(index, "_data", None)
    if a is None or a.ndim != 1 or a.dtype != np.int64 or getattr(index, "is_sparse", False):
        raise IndexError("index_select() argument index must be 1-D strided (non-sparse) long-tensor.")
    return _wrap_dim(dim, nd), a


def index_select(t, dim, index):
    """``t.index_select(dim, index)`` for a sparse COO ``t``."""
    from ._coo import make
    dim, a = _checked_index(t, dim, index)
    sdim, size = t._idx.shape[0], t._size[dim]
    if dim >= sdim:                               # torch gathers the values along the dense dimension
        vdim = dim - sdim + 1
        bad = (a < 0) | (a >= size)
        if bad.any():
            raise RuntimeError(f"index {int(a[np.argmax(bad)])} is out of bounds for dimension {vdim} with size {size}")
        vals = np.take(t._vals, a, axis=vdim)
        idx = t._idx                              # shared, as torch shares it
    else:
        bad = (a < -size) | (a >= size)
        if bad.any():
            raise IndexError(f"index_select(): index contains {int(a[np.argmax(bad)])} that is out of range for "
                             f"tensor of size {list(t._size)} at dimension {dim}")
        pos_vals = np.where(a < 0, a + size, a)
        dim_idx = t._idx[dim]
        nnz = dim_idx.size
        # which list torch sorts: none when comparing all pairs (few of them) or counting (nnz > size);
        # else the one searched in, unless it is a coalesced tensor's (sorted) first row
        brute = nnz <= _BRUTE and a.size <= _BRUTE and nnz * a.size <= _BRUTE
        stable = brute or nnz > size
        if a.size == 0:
            pos, sel = a, a
        elif _position_major(dim_idx, pos_vals, size, dim, t._coal, brute):
            pos, sel = _matches(dim_idx, pos_vals, stable or (t._coal and dim == 0))
        else:
            sel, pos = _matches(pos_vals, dim_idx, stable)
        idx = t._idx[:, sel]
        idx[dim] = pos
        vals = t._vals[sel]
    size_out = list(t._size)
    size_out[dim] = a.size
    out = make(idx, vals, size_out, vals.shape[0] < 2)
    if GRAD.enabled and t._rg:
        from ._autograd import _record_sparse
        _record_sparse(IndexSelectBackward0(), out, t)
    return out
