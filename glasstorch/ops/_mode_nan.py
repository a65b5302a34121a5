"""``torch.mode`` on a row holding NaN.

torch's CPU kernel ``std::sort``s the (value, index) pairs comparing values with a plain ``<``, then walks
the sorted pairs counting runs of ``==`` values: the first longest run wins, reported with the index of
its last pair.  Under a plain ``<`` a NaN compares false with everything, so libstdc++'s moves leave it
(and the numbers around it) where its exact steps put them, and every NaN is a run of its own.  This
replays those steps on Python floats, whose ``<`` is C's (rows without NaN take sorting.py's rank-based
path, which gives the same answer faster).
"""
from ._introsort import _THRESHOLD, _introsort_loop


def _unguarded_insert(k, ix, i):
    """``__unguarded_linear_insert``: move k[i] left past the elements it is ``<``."""
    vk, vi = k[i], ix[i]
    j = i
    while j > 0 and vk < k[j - 1]:      # (j > 0: C++ has no guard; a valid sort never needs one)
        k[j], ix[j] = k[j - 1], ix[j - 1]
        j -= 1
    k[j], ix[j] = vk, vi


def _final_insertion_sort(k, ix):
    """``__final_insertion_sort``: a guarded insertion sort of the first 16 (an element ``<`` the first
    goes straight to the front), an unguarded one of the rest."""
    n = len(k)
    for i in range(1, min(n, _THRESHOLD)):
        if k[i] < k[0]:
            vk, vi = k[i], ix[i]
            k[1:i + 1], ix[1:i + 1] = k[0:i], ix[0:i]
            k[0], ix[0] = vk, vi
        else:
            _unguarded_insert(k, ix, i)
    for i in range(_THRESHOLD, n):
        _unguarded_insert(k, ix, i)


def mode_row(row):
    """(value, index) torch's mode gives for the 1-d float array ``row``."""
    k, ix = row.tolist(), list(range(row.size))
    n = len(k)
    if n > 1:
        _introsort_loop(k, ix, 0, n, 2 * (n.bit_length() - 1))
        _final_insertion_sort(k, ix)
    best, best_i, run, most = 0.0, 0, 0, 0
    for i in range(n):
        run += 1
        if i == n - 1 or k[i] != k[i + 1]:
            if run > most:
                best, best_i, most = k[i], ix[i], run
            run = 0
    return best, best_i
