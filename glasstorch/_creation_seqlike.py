"""The sequences other than lists and tuples that torch's tensor constructors walk into.

torch's constructors take any object passing ``PySequence_Check`` (it has ``__getitem__`` and is no dict):
``range``, ``bytearray``, ``memoryview``, ``array.array`` give their items as Python numbers, at the top
level or nested (``torch.tensor([range(2), range(2)])``).  ``str`` and ``bytes`` are sequences too, but
torch's dtype inference refuses them ("new(): invalid data type 'bytes'"); only the legacy constructors,
which know their dtype and infer nothing, store a nested ``bytes`` as its byte values
(``torch.ByteTensor([b"ab", b"cd"])``).  A top-level str or bytes is refused by every constructor.
"""
import array

import numpy as np

_SEQUENCES = (range, bytearray, memoryview, array.array)


def is_sequence(x):
    """CPython's PySequence_Check (a NumPy scalar has ``__getitem__`` but no sequence slot)."""
    if isinstance(x, np.generic) and not isinstance(x, (np.void, np.str_, np.bytes_)):
        return False
    return not isinstance(x, dict) and hasattr(type(x), "__getitem__")


def _walks_into(x, bytes_too):
    return isinstance(x, _SEQUENCES) or (bytes_too and isinstance(x, bytes))


def contains_sequences(data, bytes_too=False):
    """Whether nested lists/tuples ``data`` hold one of those sequences (or any other) somewhere."""
    if _walks_into(data, bytes_too) or _generic(data):
        return True
    return isinstance(data, (list, tuple)) and any(contains_sequences(x, bytes_too) for x in data)


def as_lists(data, bytes_too=False):
    """``data`` with those sequences (and lists and tuples) as lists of their items."""
    if _walks_into(data, bytes_too) or isinstance(data, (list, tuple)):
        return [as_lists(x, bytes_too) for x in data]
    return data


def scan(scan_fn, data, want):
    """``scan_fn(data, want)`` (the element kind and shape), and the data it was read from: a failure on a
    nested sequence of those kinds is retried with them as lists (only then, to keep the common case fast)."""
    try:
        return scan_fn(data, want) + (data,)
    except (TypeError, RuntimeError):
        if not contains_sequences(data):
            raise
    if _contains_generic(data):
        from ._creation import _check_structure
        return scan_generic(scan_fn, _check_structure, data, want)
    data = as_lists(data)
    return scan_fn(data, want) + (data,)


def _generic(x):
    """A sequence torch reads by the protocol alone (a pandas Series or DataFrame, a user's class)."""
    from ._tensor import Tensor
    return (not isinstance(x, (list, tuple, str, bytes, np.ndarray, np.generic, Tensor) + _SEQUENCES)
            and is_sequence(x))


def _contains_generic(data):
    return _generic(data) or (isinstance(data, (list, tuple)) and any(_contains_generic(x) for x in data))


def _views(data, first):
    """Nested lists of ``data`` as torch reads it twice: its shape and dtype from items ``x[i]``
    (PySequence_GetItem), the values it stores from iterating (PySequence_Fast): a DataFrame's
    ``df[0]`` is a column, iterating it gives the column names."""
    if isinstance(data, _SEQUENCES):
        data = list(data)
    if isinstance(data, (list, tuple)):
        pairs = [_views(x, first and not i) for i, x in enumerate(data)]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    if not _generic(data):
        return data, data
    got = [_views(x, first and not i)[0] for i, x in enumerate(probed_list(data, first))]
    return got, [_views(x, False)[1] for x in data]


def _probe_first(data):
    """The shape torch reads along the first items (None where that chain reaches an array)."""
    shape = []
    while isinstance(data, (list, tuple) + _SEQUENCES) or _generic(data):
        shape.append(len(data))
        if not len(data):
            return shape
        if not _generic(data):
            data = data[0]
            continue
        try:
            data = data[0]
        except Exception:
            raise ValueError(f"could not determine the shape of object type '{type(data).__name__}'") from None
    return None if is_sequence(data) and not isinstance(data, (str, bytes)) else shape


def _values(data):
    if isinstance(data, (list, tuple) + _SEQUENCES) or _generic(data):
        return [_values(x) for x in data]
    return data


def scan_generic(scan_fn, check_fn, data, want):
    """``scan`` for data holding such sequences: the kind and shape from the items read by index,
    then the iterated values checked against that shape (torch's "not a sequence" and lengths)."""
    if want is None:
        got, values = _views(data, True)
    else:       # given a dtype torch infers none: only the shape probe reads items by index
        shape = _probe_first(data)
        got = values = _values(data)
        if shape is not None:       # the iterated values must fit the probed shape
            check_fn(values, shape, 0, np.dtype(want))
    kind, shape = scan_fn(got, want)
    check_fn(values, shape, 0, kind if want is None else np.dtype(want))
    return kind, shape, values


def probed_list(data, first=True):
    """Any other sequence as a list of ``data[i]`` (PySequence_GetItem, as torch reads the items whose
    dtype it infers: a pandas Series gives NumPy scalars there, Python numbers when iterated).

    torch probes the shape first, ``len(data)`` then ``data[0]``: an item 0 that cannot be read is its
    ValueError, whatever it raised (along the chain of first items only, where torch finds the shape);
    another item's error is raised as it is."""
    n = len(data)
    if n and first:
        try:
            item = data[0]
        except Exception:
            raise ValueError(f"could not determine the shape of object type '{type(data).__name__}'") from None
        return [item] + [data[i] for i in range(1, n)]
    return [data[i] for i in range(n)]
