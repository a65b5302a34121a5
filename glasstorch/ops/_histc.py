"""torch.histc: equal-width bins over [min, max] (the data's span when min == max), counted as torch's
CPU kernel counts them.

torch builds the edges with ``linspace`` in the input's dtype (its ends: lo and hi in that dtype)
and maps each value x in [left, right] to ``int((x - left) * bins / (right - left))``, every step in
the input's dtype (the last edge belongs to the last bin).  It does not look at the edges again, so a
value just at an inner edge may land one bin off from what an exact search (``np.histogram``) says;
that is what torch prints, so it is what this computes.
"""
import numpy as np

from ._common import _wrap
from ._complex_refuse import refuse


# the names Scalar's checked conversions give the integer types (int32 is declared as ``int``)
_C_INT = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t"}


def _cfmt(v, nan_sign):
    """A double as C++'s ``ostream <<`` prints it (6 significant digits; NaN carries its sign)."""
    if v != v:
        return "-nan" if nan_sign else "nan"
    return f"{v:g}"


def _data_range(x):
    """torch's ``aminmax`` of all of x as doubles: starts from the dtype's finite extremes (so a
    lone inf reads as the largest finite value on the other side); a NaN makes both NaN, with the
    sign bit set unless x is a single element (the vectorised min/max build an all-ones NaN)."""
    flat = x.reshape(-1)
    nan = np.isnan(flat)
    if nan.any():
        sign = bool(np.signbit(flat[nan][0])) if flat.size == 1 else True
        return float("nan"), float("nan"), sign
    fi = np.finfo(x.dtype)
    return float(min(flat.min(), fi.max)), float(max(flat.max(), fi.min)), False


def histc(input, bins=100, min=0, max=0, *, out=None):
    """hist[i] = #{x : i = int((x - lo) * bins / (hi - lo))}, x in [lo, hi] (x == hi in the last bin)"""
    if bins.__class__ is not int:       # torch's parser takes an int64_t (not a float, not a bool)
        from .._arg_refuse import int_arg
        bins = int_arg(bins, "bins")
    import numbers
    if not all(isinstance(v, (numbers.Number, np.ndarray, np.generic)) or hasattr(v, "_data") for v in (min, max)):
        from .._arg_refuse import refuse as refuse_call
        refuse_call()                   # (a Scalar's place: torch's parser error)
    x = input._data
    # torch's order, whatever the dtype: the bins, the range (the data's, when min == max: aminmax, which
    # refuses complex), its checks, then linspace writes the edges in the input's dtype (a checked
    # conversion for integers; no bool kernel), and only then the histogram kernel's float dispatch
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if x.dtype.kind == "c" and float(min) == float(max) and x.size:
        refuse("aminmax_cpu", x)
    lo, hi, nan_sign = float(min), float(max), False
    if lo == hi and x.size:
        lo, hi, nan_sign = _data_range(x) if x.dtype.kind == "f" else (float(x.min()), float(x.max()), False)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_cfmt(lo, nan_sign)}, {_cfmt(hi, nan_sign)}] is not finite")
    if not lo < hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if x.dtype.kind != "f":
        from .inplace import type_name
        if x.dtype.kind in "iu":
            info = np.iinfo(x.dtype)        # (compared as C++ does, with the limits made doubles)
            if not (float(info.min) <= lo <= float(info.max) and float(info.min) <= hi <= float(info.max)):
                raise RuntimeError(f"value cannot be converted to type {_C_INT[x.dtype.name]} without overflow")
        raise NotImplementedError(f"\"{'linspace_cpu' if x.dtype == np.bool_ else 'histogram_cpu'}\" not "
                                  f"implemented for '{type_name(x.dtype)}'")
    left, right = x.dtype.type(lo), x.dtype.type(hi)     # linspace's first and last edges, exactly
    flat = x.reshape(-1)
    v = flat[(flat >= left) & (flat <= right)]            # (NaN fails both)
    with np.errstate(all="ignore"):
        pos = ((v - left) * x.dtype.type(bins) / (right - left)).astype(np.int64)
    pos[pos == bins] = bins - 1
    return _wrap(np.bincount(pos, minlength=bins).astype(x.dtype))
