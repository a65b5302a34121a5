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
    """Whether nested lists/tuples ``data`` hold one of those sequences somewhere."""
    if _walks_into(data, bytes_too):
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
    data = as_lists(data)
    return scan_fn(data, want) + (data,)
