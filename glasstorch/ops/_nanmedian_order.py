"""Which index torch's CPU ``nanmedian(x, dim)`` reports for a slice where every value is NaN.

torch fills an index vector ``0..n-1`` per slice and calls GCC libstdc++'s ``std::nth_element`` on it
at ``(n - num_nan - 1) / 2`` (C++ division: position 0 when every value is NaN).  Where some value is a
number, its comparator is a total order (NaN last, ties by index), so the stable sort answers.  Where
every value is NaN, each comparison is false, and the index that lands at position 0 depends only on
introselect's exact moves; this module replays them with NaN keys (Python's float ``<`` is false for
them too, as the C++ comparator is).
"""
from functools import lru_cache

from ._topk_order import _nth_element


def _insertion_sort(k, ix, first, last):
    """libstdc++ ``__insertion_sort``: an element less than the first jumps to the front at once,
    any other moves left while it is less than its left neighbour (NaN stops both)."""
    for i in range(first + 1, last):
        vk, vi = k[i], ix[i]
        if vk < k[first]:
            k[first + 1:i + 1], ix[first + 1:i + 1] = k[first:i], ix[first:i]
            k[first], ix[first] = vk, vi
            continue
        j = i
        while vk < k[j - 1]:
            k[j], ix[j] = k[j - 1], ix[j - 1]
            j -= 1
        k[j], ix[j] = vk, vi


@lru_cache(maxsize=64)
def all_nan_index(n):
    """torch's nanmedian index for a slice of ``n`` NaNs (``n >= 1``)."""
    k, ix = [float("nan")] * n, list(range(n))
    _nth_element(k, ix, 0, n, _insertion_sort)
    return ix[0]
