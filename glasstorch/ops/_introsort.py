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
NumPy's stable argsort answers them without the replay.  Within a replay, a range holding no tied
element is sorted at once, large ranges are partitioned with NumPy (``_partition_np``) and small ones
on Python lists, and the final insertion sort is a stable argsort of what the loop left.
"""
import numpy as np

_THRESHOLD = 16
_SMALL = 512          # ranges up to this size are replayed on Python lists, larger ones with NumPy


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


def _partition_np(k, ix, first, last, pivot):
    """``__unguarded_partition`` of [first, last) around k[pivot], with NumPy.

    Its scans stop, left to right, at the elements >= the pivot (list A) and, right to left, at those
    <= it (list B), and it swaps A[t] with B[t] while A[t] < B[t]: the stops of a scan never meet an
    element the other scan moved before the two cross.  It returns min(A[T], B[T-1]) for the first T
    that does not swap (where the left scan stops: on A[T], or on the big element swapped to B[T-1])."""
    p = k[pivot]
    seg = k[first:last]
    a = np.flatnonzero(seg >= p) + first
    b = np.flatnonzero(seg <= p)[::-1] + first
    m = min(a.size, b.size)
    crossed = np.flatnonzero(a[:m] >= b[:m])
    t = int(crossed[0]) if crossed.size else m
    if t:
        sa, sb = a[:t], b[:t]
        k[sa], k[sb] = k[sb], k[sa]
        ix[sa], ix[sb] = ix[sb], ix[sa]
    cut = int(a[t]) if t < a.size else last
    return min(cut, int(b[t - 1])) if t else cut


def _introsort_loop_np(k, ix, first, last, depth, tied):
    while last - first > _THRESHOLD:
        if not tied[k[first:last]].any():
            # no element here equals any other element anywhere: whatever the moves, this range ends
            # up sorted and unmixed with the others, so sort it at once
            o = np.argsort(k[first:last], kind="stable")
            k[first:last], ix[first:last] = k[first:last][o], ix[first:last][o]
            return
        if depth == 0 or last - first <= _SMALL:
            # small ranges go faster as Python lists (NumPy's per-call cost would dominate)
            kl, il = k[first:last].tolist(), ix[first:last].tolist()
            _introsort_loop(kl, il, 0, last - first, depth)
            k[first:last], ix[first:last] = kl, il
            return
        depth -= 1
        mid = first + (last - first) // 2
        _median_to_first(k, ix, first, first + 1, mid, last - 1)
        cut = _partition_np(k, ix, first + 1, last, first)
        _introsort_loop_np(k, ix, cut, last, depth, tied)
        last = cut


def std_sort_order(ranks):
    """The permutation ``std::sort`` leaves for integer keys ``ranks`` (a 1-d sequence of dense ranks)."""
    k = np.array(ranks, dtype=np.int64)
    n = k.size
    ix = np.arange(n)
    if n > 1:
        tied = np.bincount(k) > 1
        _introsort_loop_np(k, ix, 0, n, 2 * (n.bit_length() - 1), tied)
        # the final insertion sort is stable: the stable order of what the loop left
        ix = ix[np.argsort(k, kind="stable")]
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
        out[r] = std_sort_order(ranks)
    shape = list(np.moveaxis(x, axis, -1).shape)
    return np.moveaxis(out.reshape(shape), -1, axis)
