"""The grouping step of torch.unique (flat and ``dim=``), kept apart from ops/sorting.py."""
import numpy as np


def sorted_groups(rows):
    """torch's sort-based unique over the rows of a 2-D array: a stable sort, then groups of rows equal
    by ``==`` (every NaN a value of its own; 0.0 and -0.0 one value).  Returns each group's first row
    in the input (whose signed zero torch keeps), each row's group, and the group sizes."""
    if rows.shape[1] == 1:          # flat: one key; equal ints are alike, so only floats need a stable sort
        order = np.argsort(rows[:, 0], kind="stable" if rows.dtype.kind in "fc" else None)
        s = rows[order, 0]
        ne = s[1:] != s[:-1]
    else:
        order = np.lexsort(rows.T[::-1]) if rows.shape[1] else np.arange(rows.shape[0])
        s = rows[order]
        ne = np.any(s[1:] != s[:-1], axis=1) if rows.shape[1] else False
    new = np.ones(len(s), bool)
    new[1:] = ne
    starts = np.flatnonzero(new)
    inv = np.empty(len(s), np.int64)
    inv[order] = np.cumsum(new) - 1
    return order[starts], inv, np.diff(np.append(starts, len(s)))


def check_unique_dim_sizes(x, d):
    """torch's ``_unique_dim_cpu_template`` checks, which ``unique(dim=)`` and ``unique_consecutive(dim=)``
    share: an empty array ``x`` may have one zero-sized dimension, the selected one ``d``."""
    if x.size == 0 and x.shape[d]:
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
    if x.size == 0 and x.shape.count(0) > 1:
        raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be applied ")
