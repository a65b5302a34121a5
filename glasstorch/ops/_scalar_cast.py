"""A Python number written into a tensor (``fill_``, ``full``, ``masked_fill``, ``x[i] = v`` ...) is
converted as c10's ``checked_convert``: it must fit the dtype's range, or torch raises
``value cannot be converted to type T without overflow``.

Ranges (lo, hi are the dtype's limits):
    float v into an integer dtype:   lo <= v <= hi  (nan never fits); then truncated toward zero
    int v into an unsigned dtype:    -hi <= v <= hi (negatives wrap: v mod 2**bits, so uint8 -1 -> 255)
    int v into a signed dtype:       lo <= v <= hi
    any v into a floating dtype:     |v| <= max, or v is inf / nan
    anything into bool:              no check
Tensor values are never checked (they are cast, wrapping)."""
import math

import numpy as np

# torch's C++ type names in the message
_CNAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
           "float16": "c10::Half", "float32": "float", "float64": "double",
           "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def checked_scalar(value, npdt):
    """``value`` converted to a Python number that NumPy stores in ``npdt`` exactly as torch would."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, complex) and npdt.kind not in "cb":
        if value.imag != 0:                 # a complex value fits a real dtype only without imaginary part
            raise _overflow(npdt)
        value = value.real
    if not isinstance(value, (int, float)) or isinstance(value, bool) or npdt.kind == "b":
        return value
    if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 64:
        from .._dtype import int_overflow
        raise int_overflow(value)             # Python's own int -> int64 / uint64 parse
    if npdt.kind in "iu":
        info = np.iinfo(npdt)
        if isinstance(value, float):
            if math.isnan(value) or not float(info.min) <= value <= float(info.max):
                raise _overflow(npdt)
            if value == 2.0 ** 63 and npdt.kind == "i":
                # float(int64 max) rounds up to 2**63, which passes the check; x86's conversion then
                # gives the "integer indefinite" value, int64's minimum
                return int(info.min)
            return int(value)
        if value > info.max or value < (-int(info.max) if npdt.kind == "u" else info.min):
            raise _overflow(npdt)
        return value % (int(info.max) + 1) if value < 0 and npdt.kind == "u" else value
    if npdt.kind in "fc":
        if not (math.isinf(value) or math.isnan(value)) and abs(value) > float(np.finfo(npdt).max):
            raise _overflow(npdt)
    return value


def _overflow(npdt):
    return RuntimeError(f"value cannot be converted to type {_CNAMES.get(npdt.name, npdt.name)} without overflow")
