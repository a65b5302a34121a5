"""Range checks of ``torch.tensor(list, dtype=...)``: every Python number read from the nested lists
is converted as torch's tensor constructor does.

    int beyond int64 (into any dtype but bool / floating): ValueError "Overflow when unpacking long long"
    int into an integer dtype:   signed lo <= v <= hi; unsigned -hi <= v <= hi (negatives wrap)
    float into an integer dtype: lo <= v <= hi, nan never fits; then truncated toward zero
    else: RuntimeError "value cannot be converted to type int8 without overflow"
    complex into an integer dtype: TypeError "'complex' object cannot be interpreted as an integer"
Floating and bool dtypes take anything (a float too big for float16 becomes inf)."""
import math

import numpy as np

_LONG_MIN, _LONG_MAX = -2 ** 63, 2 ** 63 - 1


def checked_flat(flat, dt):
    """``flat`` (Python scalars) made ready for ``np.array(flat, dtype=dt)``, or torch's error."""
    dt = np.dtype(dt)
    if dt.kind not in "iu":
        return flat
    info = np.iinfo(dt)
    lo, hi = int(info.min), int(info.max)
    unsigned = dt.kind == "u"
    out = None
    for i, v in enumerate(flat):
        if type(v) is complex:
            raise TypeError("'complex' object cannot be interpreted as an integer")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            continue
        if isinstance(v, int):
            if not _LONG_MIN <= v <= _LONG_MAX:
                raise ValueError("Overflow when unpacking long long")
            bad = v > hi or (-v > hi if unsigned and v < 0 else v < lo)
            if not bad and unsigned and v < 0:
                out = list(flat) if out is None else out
                out[i] = v % (hi + 1)
        else:
            bad = math.isnan(v) or v < lo or v > hi
            if not bad and (unsigned and v < 0):
                out = list(flat) if out is None else out
                out[i] = int(v) % (hi + 1)
        if bad:
            raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")
    return flat if out is None else out
