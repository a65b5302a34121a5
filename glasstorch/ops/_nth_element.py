"""Which of several equal values the whole-tensor ``median()``/``nanmedian()`` return.

torch's CPU ``median_impl`` copies the tensor and reads the middle slot (of the non-NaN values, for
nanmedian) after ``std::nth_element`` with NaN counted as the largest value.  Equal values are
interchangeable except for the sign of a zero: the median of [-0., 0., 1., 0., 2., -3.] is ``-0.``
in torch, and which zero lands in the middle slot depends on libstdc++'s swaps.  ``middle_value``
replays them (introselect: median-of-three pivot, unguarded partition, heap select once the depth
limit is spent, insertion sort below four items) on a Python list; the callers only need it when
the median is a zero and both signs of zero are present, so the Python loop stays rare.
"""

def _lt(a, b):
    """torch's comparator: a < b, with NaN above every number."""
    return a < b or (b != b and a == a)


def _adjust_heap(v, base, hole, n, value):
    top = hole
    child = hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        if _lt(v[base + child], v[base + child - 1]):
            child -= 1
        v[base + hole] = v[base + child]
        hole = child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        v[base + hole] = v[base + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and _lt(v[base + parent], value):
        v[base + hole] = v[base + parent]
        hole = parent
        parent = (hole - 1) // 2
    v[base + hole] = value


def _heap_select(v, first, middle, last):
    n = middle - first
    if n >= 2:
        parent = (n - 2) // 2
        while True:
            _adjust_heap(v, first, parent, n, v[first + parent])
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if _lt(v[i], v[first]):
            value = v[i]
            v[i] = v[first]
            _adjust_heap(v, first, 0, n, value)


def _move_median_to_first(v, result, a, b, c):
    if _lt(v[a], v[b]):
        if _lt(v[b], v[c]):
            m = b
        elif _lt(v[a], v[c]):
            m = c
        else:
            m = a
    elif _lt(v[a], v[c]):
        m = a
    elif _lt(v[b], v[c]):
        m = c
    else:
        m = b
    v[result], v[m] = v[m], v[result]


def _unguarded_partition(v, first, last, pivot):
    p = v[pivot]
    while True:
        while _lt(v[first], p):
            first += 1
        last -= 1
        while _lt(p, v[last]):
            last -= 1
        if not first < last:
            return first
        v[first], v[last] = v[last], v[first]
        first += 1


def _insertion_sort(v, first, last):
    for i in range(first + 1, last):
        val = v[i]
        if _lt(val, v[first]):
            v[first + 1:i + 1] = v[first:i]
            v[first] = val
        else:
            j = i
            while _lt(val, v[j - 1]):
                v[j] = v[j - 1]
                j -= 1
            v[j] = val


def nth_element(v, nth, first=0, last=None):
    """libstdc++'s std::nth_element(v[first:last], nth) with torch's comparator, in place."""
    last = len(v) if last is None else last
    if first == last or nth == last:
        return
    depth = 2 * ((last - first).bit_length() - 1)      # 2 * std::__lg(n)
    while last - first > 3:
        if depth == 0:
            _heap_select(v, first, nth + 1, last)
            v[first], v[nth] = v[nth], v[first]
            return
        depth -= 1
        mid = first + (last - first) // 2
        _move_median_to_first(v, first, first + 1, mid, last - 1)
        cut = _unguarded_partition(v, first + 1, last, first)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(v, first, last)


def middle_value(flat, ignore_nan):
    """The value torch's median_impl reads (NumPy scalar of ``flat``'s dtype), for a 1-d float array
    without NaN (median) or with at least one non-NaN value (nanmedian)."""
    v = flat.tolist()
    n = len(v) - (sum(1 for a in v if a != a) if ignore_nan else 0)
    mid = (n - 1) // 2
    nth_element(v, mid)
    return flat.dtype.type(v[mid])


def needs_replay(flat, value):
    """Whether ``value``, the median found by sorting, could be another zero in torch: it is a zero and
    both signs of zero are in ``flat``."""
    if value != 0 or flat.dtype.kind != "f":
        return False
    import numpy as np
    zeros = flat[flat == 0]
    neg = np.signbit(zeros)
    return bool(neg.any()) and not bool(neg.all())


def pick_zero(flat, value, ignore_nan):
    """``value`` (the median found by sorting), or the zero torch's nth_element leaves in the middle
    slot when ``value`` is a zero and both signs of zero are in ``flat``."""
    return middle_value(flat, ignore_nan) if needs_replay(flat, value) else value
