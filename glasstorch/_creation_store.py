"""``torch.tensor(data, dtype=<an integer type>)`` (and the legacy ``torch.LongTensor(data)``) of nested
data that holds NumPy scalars, NumPy arrays or tensors.

Given a dtype, torch infers nothing: it walks into lists, tuples, NumPy arrays and tensors alike, and
stores every leaf as it stores a Python number (tensor_new.cpp: recursive_store -> store_scalar ->
unpackIntegral):

    a float (Python's, or NumPy's float64, a float subclass):  checked_convert<T>(double)
    anything else:  checked_convert<T>(PyLong_AsLongLong(leaf)), which takes the leaf's ``__index__``,
                    so a float32 scalar, a NumPy bool or a floating tensor is a TypeError

and checked_convert refuses a value outside T's range: "value cannot be converted to type uint8
without overflow" (``_creation_range.checked_flat``).  A NumPy array or tensor given as the whole data is
not walked: it is cast, wrapping as a C cast does.
"""
import operator

import numpy as np

from ._creation_range import checked_flat
from ._tensor import Tensor


def _leaves(obj, depth, out):
    if depth == 0:
        out.append(obj)
    elif isinstance(obj, Tensor):                    # a tensor's rows are 0-d tensors at the bottom
        for i in range(obj.shape[0]):
            _leaves(obj[i], depth - 1, out)
    else:                                            # lists, tuples, and arrays (their items: NumPy scalars)
        if isinstance(obj, np.ndarray):
            from ._creation_seq import warn_arrays_in_list
            warn_arrays_in_list()
        for y in obj:
            _leaves(y, depth - 1, out)


def _unpack(leaf):
    """The Python number ``unpackIntegral`` reads from ``leaf`` (a 0-d array reads as its scalar)."""
    if isinstance(leaf, float):
        return float(leaf)
    return operator.index(leaf)


def _unpack_bool(leaf):
    """THPUtils_unpackNumberAsBool: floats, complexes and NumPy bools by their value, the rest by
    ``__index__`` (no range check)."""
    if isinstance(leaf, (float, complex, np.bool_)):
        return bool(leaf != 0)
    return operator.index(leaf) != 0


def integral_leaves(data, depth, want):
    """The values of nested ``data`` (``depth`` levels deep) stored into integer or bool dtype ``want``, as
    a flat list ready for ``np.array(..., want)``, or torch's error for the first leaf that does not fit."""
    flat = []
    _leaves(data, depth, flat)
    if np.dtype(want).kind == "b":
        return [_unpack_bool(v) for v in flat]
    return checked_flat([_unpack(v) for v in flat], np.dtype(want))


def refuse_complex(want):
    """A complex number stored into real dtype ``want``: unpackIntegral's ``__index__``, or
    ``PyFloat_AsDouble``, refuses it (a bool takes it: nonzero is True; no ``want``: inferred)."""
    if want is None:
        return
    kind = np.dtype(want).kind
    if kind in "iu":
        raise TypeError("'complex' object cannot be interpreted as an integer")
    if kind == "f":
        raise TypeError("must be real number, not complex")


def checked_numbers(flat, want, kind):
    """``flat`` (Python numbers, or NumPy scalars of a dtype torch does not infer, ``uint64``: those
    unpacked as torch unpacks them) checked for storing into dtype ``want``; ``kind`` is the leaves' widest
    kind ("c" when a complex is among them)."""
    dt = np.dtype(want)
    if dt.kind in "iu":
        return checked_flat([_unpack(v) if isinstance(v, np.generic) else v for v in flat], dt)
    if kind == "c" and dt.kind == "f":
        refuse_complex(dt)
    return flat
