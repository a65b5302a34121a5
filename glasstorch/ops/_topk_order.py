"""The order torch's CPU ``topk`` gives: which of several equal values it picks, and in what order.

torch fills a (value, index) queue per slice and then, comparing values only (NaN counts as the largest
in both directions), calls one of GCC libstdc++'s unstable algorithms:

* ``k * 64 <= n``: ``std::partial_sort(q, q + k, q + n)``: a heap of the first k, every later element
  smaller than the heap's top replaces it (``__heap_select``), then ``sort_heap``;
* otherwise ``std::nth_element(q, q + k - 1, q + n)`` (introselect: median-of-three partitions while more
  than 3 elements remain, heap-select after ``2*floor(log2 n)`` levels, then insertion sort), followed,
  when ``sorted=True``, by ``std::sort(q, q + k - 1)``: the k-th element is already in place.

This module replays those steps (``_introsort.py`` has the shared pieces).  Comparisons are on dense
ranks, rank 0 being the value topk wants first.  A sorted result whose chosen values each occur once in
the slice is the stable order, so only slices with ties there (or ``sorted=False``) are replayed.
"""
import numpy as np

from ._introsort import _adjust_heap, _insertion_sort, _introsort_loop, _median_to_first, _partition


def _heap_select(k, ix, first, middle, last):
    """``__heap_select``: the heap [first, middle) ends up holding the smallest (middle - first) ranks."""
    n = middle - first
    if n >= 2:
        for parent in range((n - 2) // 2, -1, -1):
            _adjust_heap(k, ix, first, parent, n, (k[first + parent], ix[first + parent]))
    for i in range(middle, last):
        if k[i] < k[first]:
            value = (k[i], ix[i])
            k[i], ix[i] = k[first], ix[first]
            _adjust_heap(k, ix, first, 0, n, value)


def _sort_heap(k, ix, first, last):
    while last - first > 1:
        last -= 1
        value = (k[last], ix[last])
        k[last], ix[last] = k[first], ix[first]
        _adjust_heap(k, ix, first, 0, last - first, value)


def _std_sort(k, ix, first, last):
    n = last - first
    if n > 1:
        _introsort_loop(k, ix, first, last, 2 * (n.bit_length() - 1))
        _insertion_sort(k, ix, first, last)


def _nth_element(k, ix, nth, last, insertion_sort=_insertion_sort):
    """``std::nth_element(q, q + nth, q + last)`` (introselect); ``insertion_sort`` finishes the last
    few elements (nanmedian passes one that compares NaN keys as the C++ comparator does)."""
    first = 0
    if nth == last:
        return
    depth = 2 * (last.bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(k, ix, first, nth + 1, last)
            k[first], k[nth] = k[nth], k[first]
            ix[first], ix[nth] = ix[nth], ix[first]
            return
        depth -= 1
        mid = first + (last - first) // 2
        _median_to_first(k, ix, first, first + 1, mid, last - 1)
        cut = _partition(k, ix, first + 1, last, first)
        if cut <= nth:
            first = cut
        else:
            last = cut
    insertion_sort(k, ix, first, last)


def topk_queue_order(ranks, kk, sorted_):
    """The first ``kk`` indices torch's topk queue holds for integer keys ``ranks`` (a list)."""
    n = len(ranks)
    k, ix = list(ranks), list(range(n))
    if kk * 64 <= n:
        _heap_select(k, ix, 0, kk, n)
        _sort_heap(k, ix, 0, kk)
    else:
        _nth_element(k, ix, kk - 1, n)
        if sorted_:
            _std_sort(k, ix, 0, kk - 1)
    return ix[:kk]


def topk_order(x, axis, kk, largest, sorted_, stable_order):
    """torch's topk indices (``kk`` along ``axis``) of ``x``, given its stable full ordering (NaN first
    when ``largest``, last otherwise)."""
    n = x.shape[axis]
    head = np.take(stable_order, range(kk), axis=axis)
    if kk == 0 or x.size == 0:
        return head
    xs = np.moveaxis(x, axis, -1).reshape(-1, n)
    so = np.moveaxis(stable_order, axis, -1).reshape(-1, n)
    xsorted = np.take_along_axis(xs, so, 1)
    same = xsorted[:, 1:] == xsorted[:, :-1]
    if xsorted.dtype.kind == "f":
        nan = np.isnan(xsorted)
        same |= nan[:, 1:] & nan[:, :-1]
    # the unsorted introselect result has its own order even without ties
    replay = np.ones(len(xs), bool) if (not sorted_ and kk * 64 > n and n > 3) else same[:, :kk].any(axis=1)
    rows = np.flatnonzero(replay)
    if rows.size == 0:
        return head
    out = np.moveaxis(head, axis, -1).reshape(-1, kk).copy()
    for r in rows:
        ranks = np.empty(n, np.int64)
        ranks[so[r]] = np.concatenate(([0], np.cumsum(~same[r])))
        out[r] = topk_queue_order(ranks.tolist(), kk, sorted_)
    shape = list(np.moveaxis(head, axis, -1).shape)
    return np.moveaxis(out.reshape(shape), -1, axis)
