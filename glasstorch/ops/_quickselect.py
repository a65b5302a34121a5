"""Which index ``kthvalue`` reports among ties: torch's CPU kernel runs Sedgewick's quickselect
(median-of-three pivot, NaN counted as the largest value) on a copy of each row, and reports the
index that the k-th slot then holds.  Rows without ties have one answer, found by a sort; only rows
with repeated values replay the quickselect's swaps here."""
import numpy as np


def _gt(x, y):
    """torch's ``gt_or_nan``: x > y, with NaN above every number."""
    return (x != x and y == y) or x > y


def quickselect_index(row, k):
    """The original index that quickselect leaves at position ``k`` (0-based) of ``row``."""
    vals = row.tolist()
    idx = list(range(len(vals)))

    def swap(i, j):
        vals[i], vals[j] = vals[j], vals[i]
        idx[i], idx[j] = idx[j], idx[i]

    lo, hi = 0, len(vals) - 1
    while True:
        if hi <= lo:
            return idx[k]
        if hi == lo + 1:
            if _gt(vals[lo], vals[hi]):
                swap(lo, hi)
            return idx[k]
        swap((lo + hi) >> 1, lo + 1)          # median of three: the pivot ends at vals[lo]
        if _gt(vals[lo + 1], vals[hi]):
            swap(lo + 1, hi)
        if _gt(vals[lo], vals[hi]):
            swap(lo, hi)
        if _gt(vals[lo + 1], vals[lo]):
            swap(lo + 1, lo)
        i, j, piv = lo + 1, hi, vals[lo]
        while True:
            i += 1
            while _gt(piv, vals[i]):
                i += 1
            j -= 1
            while _gt(vals[j], piv):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1


def kth_indices(x, axis, k, order):
    """Index of the k-th smallest (0-based ``k``) along ``axis``; ``order`` is a stable ascending
    argsort of ``x`` (NaN last), used wherever the row has no ties."""
    o = np.take(order, [k], axis=axis)
    xs = np.moveaxis(np.take_along_axis(x, order, axis), axis, -1)
    if xs.dtype.kind == "f":
        nan = np.isnan(xs)
        tied = ((xs[..., 1:] == xs[..., :-1]) | (nan[..., 1:] & nan[..., :-1])).any(-1)
    else:
        tied = (xs[..., 1:] == xs[..., :-1]).any(-1)
    if tied.any():
        rows = np.moveaxis(x, axis, -1)
        om = np.moveaxis(o, axis, -1)          # a view: writing it writes o
        for pos in np.ndindex(tied.shape):
            if tied[pos]:
                om[pos + (0,)] = quickselect_index(rows[pos], k)
    return o
