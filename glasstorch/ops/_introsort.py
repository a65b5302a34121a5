"""The order torch's CPU ``sort(stable=False)`` gives to ties.

torch sorts each slice with ``std::sort`` (GCC's libstdc++ introsort) on (value, index) pairs, comparing
values only.  Introsort is not stable, so equal values come out in an order that depends on the
algorithm's exact moves; programs see it (``pack_padded_sequence(enforce_sorted=False)`` orders the
batch by ``sort(lengths, descending=True)``).  This module replays libstdc++'s steps on the slice:

* introsort loop: while a range holds more than 16 elements, move the median of (first+1, mid, last-1)
  to ``first``, Hoare-partition the rest around it (``__unguarded_partition``), recurse on the right
  part and loop on the left; after ``2*floor(log2 n)`` levels the range is heap-sorted instead;
* a final insertion sort (stable, so it keeps the order of ties the loop left).

Comparisons are on dense ranks of the values: ``less(a, b) = rank(a) < rank(b)``, with NaN ranked
above every number, as torch's ``KeyValueCompAsc`` (descending compares ``rank(a) > rank(b)``).
Slices with no ties, or of at most 16 elements (insertion sort only), give the stable order, so
NumPy's stable argsort answers them without the replay.
"""
import numpy as np

_THRESHOLD = 16


def _median_to_first(k, ix, result, a, b, c):
    """``__move_median_to_first``: swap the median of k[a], k[b], k[c] into ``result``."""
    if k[a] < k[b]:
        if k[b] < k[c]:
            m = b
        elif k[a] < k[c]:
            m = c
        else:
            m = a
    elif k[a] < k[c]:
        m = a
    elif k[b] < k[c]:
        m = c
    else:
        m = b
    k[result], k[m] = k[m], k[result]
    ix[result], ix[m] = ix[m], ix[result]


def _partition(k, ix, first, last, pivot):
    """``__unguarded_partition``: Hoare partition of [first, last) around k[pivot]."""
    p = k[pivot]
    while True:
        while k[first] < p:
            first += 1
        last -= 1
        while p < k[last]:
            last -= 1
        if not first < last:
            return first
        k[first], k[last] = k[last], k[first]
        ix[first], ix[last] = ix[last], ix[first]
        first += 1


def _adjust_heap(k, ix, first, hole, length, value):
    """``__adjust_heap`` then ``__push_heap``: sift ``value`` down from ``hole`` in the heap at ``first``."""
    vk, vi = value
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if k[first + child] < k[first + child - 1]:
            child -= 1
        k[first + hole], ix[first + hole] = k[first + child], ix[first + child]
        hole = child
    if length & 1 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        k[first + hole], ix[first + hole] = k[first + child - 1], ix[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and k[first + parent] < vk:
        k[first + hole], ix[first + hole] = k[first + parent], ix[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    k[first + hole], ix[first + hole] = vk, vi


def _heap_sort(k, ix, first, last):
    """``__partial_sort(first, last, last)``: make_heap then sort_heap."""
    n = last - first
    if n >= 2:
        parent = (n - 2) // 2
        while True:
            _adjust_heap(k, ix, first, parent, n, (k[first + parent], ix[first + parent]))
            if parent == 0:
                break
            parent -= 1
    while last - first > 1:
        last -= 1
        value = (k[last], ix[last])
        k[last], ix[last] = k[first], ix[first]
        _adjust_heap(k, ix, first, 0, last - first, value)


def _introsort_loop(k, ix, first, last, depth):
    while last - first > _THRESHOLD:
        if depth == 0:
            _heap_sort(k, ix, first, last)
            return
        depth -= 1
        mid = first + (last - first) // 2
        _median_to_first(k, ix, first, first + 1, mid, last - 1)
        cut = _partition(k, ix, first + 1, last, first)
        _introsort_loop(k, ix, cut, last, depth)
        last = cut


def _insertion_sort(k, ix, first, last):
    """Stable: each element moves left past strictly greater ones only."""
    for i in range(first + 1, last):
        vk, vi = k[i], ix[i]
        j = i
        while j > first and vk < k[j - 1]:
            k[j], ix[j] = k[j - 1], ix[j - 1]
            j -= 1
        k[j], ix[j] = vk, vi


def std_sort_order(ranks):
    """The permutation ``std::sort`` leaves for integer keys ``ranks`` (a 1-d sequence), as a list."""
    k = list(ranks)
    n = len(k)
    ix = list(range(n))
    if n > 1:
        _introsort_loop(k, ix, 0, n, 2 * (n.bit_length() - 1))
        _insertion_sort(k, ix, 0, n)
    return ix


def unstable_order(x, axis, descending, stable_order):
    """torch's ``sort(stable=False)`` permutation of ``x`` along ``axis``.

    ``stable_order`` is the stable permutation (NumPy argsort, NaN largest); rows without ties or with
    at most 16 elements keep it, the others are replayed through ``std_sort_order``."""
    n = x.shape[axis] if x.ndim else 1
    if n <= _THRESHOLD or x.size == 0:
        return stable_order
    if x.dtype.kind in "iu" and not descending and x.ndim == 1 and n >= 32768:
        return stable_order  # torch uses FBGEMM's (stable) radix sort there
    xs = np.moveaxis(x, axis, -1).reshape(-1, n)
    so = np.moveaxis(stable_order, axis, -1).reshape(-1, n)
    xsorted = np.take_along_axis(xs, so, 1)
    if xsorted.dtype.kind == "f":
        nan = np.isnan(xsorted)
        same = (xsorted[:, 1:] == xsorted[:, :-1]) | (nan[:, 1:] & nan[:, :-1])
    else:
        same = xsorted[:, 1:] == xsorted[:, :-1]
    rows = np.flatnonzero(same.any(axis=1))
    if rows.size == 0:
        return stable_order
    out = so.copy()
    for r in rows:
        # dense rank along the asked order: the first (smallest, or largest when descending) value gets 0,
        # so torch's comparator (``<`` ascending, ``>`` descending, NaN largest) is ``<`` on these ranks
        ranks = np.empty(n, np.int64)
        ranks[so[r]] = np.concatenate(([0], np.cumsum(~same[r])))
        out[r] = std_sort_order(ranks.tolist())
    shape = list(np.moveaxis(x, axis, -1).shape)
    return np.moveaxis(out.reshape(shape), -1, axis)
