"""torch's argument checks for the ops that read or write along one dim by an index vector:
index_select, index_add, index_fill, index_copy; and the bounds check of gather/scatter.

Each returns the index as a flat int64 array once everything torch checks has passed, raising
torch's exception type and message otherwise, in torch's order (which differs from op to op: the
orders and texts below were read off torch 2.13's errors, tests/parity/test_index_checks.py).
A 0-d ``self`` counts as having one position along dim 0, as in torch.
"""
import numpy as np

from ._index_dtype import checked_index
from .inplace import type_name
from .._arg_refuse import not_a_tensor


def _size(x, d):
    return x.shape[d] if x.ndim else 1


def first_outside(i, size, negative_ok):
    """The first entry of ``i`` (flat, in order) outside ``[0, size)`` (``[-size, size)`` when
    ``negative_ok``), or None."""
    low = -size if negative_ok else 0
    bad = (i < low) | (i >= size)
    if not bad.any():
        return None
    return int(i.reshape(-1)[np.argmax(bad.reshape(-1))])


def index_select(x, d, index):
    try:
        a = index._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if a.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if x.ndim == 0 and a.size != 1:        # checked before the index's dtype
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {a.size} value(s)")
    i = checked_index(a, "index_select").reshape(-1)
    bad = first_outside(i, _size(x, d), False)
    if bad is not None:
        # torch's CPU kernel (self >= 2-d): an empty self, and its fast path for dim 1, check in other words
        if x.ndim > 1 and (d == 1 or x.size == 0):
            if x.size == 0 and x.shape[d] == 0:
                raise RuntimeError("index_select(): self indexing axis dim should be positive")
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={x.shape[d]}")
        raise IndexError("index out of range in self")
    return i


def _shape_without(shape, d):
    s = list(shape)
    del s[d]
    return s


def index_add(x, d, index, s, alpha, name="index_add", bounds=True):
    """index_add's checks; torch's index_reduce shares them (index_func_meta_impl), ``name`` in the texts,
    and checks the bounds later, in its kernel (``bounds=False``: not here)."""
    a = index._data
    if a.ndim > 1:
        raise IndexError(f"{name}_(): Index is supposed to be a vector, but got dim: {a.ndim} with type: "
                         f"{type_name(a.dtype)} and size: {list(a.shape)}")
    i = checked_index(a, name).reshape(-1)
    if s.dtype != x.dtype:
        raise RuntimeError(f"{name}_(): self ({type_name(x.dtype)}) and source ({type_name(s.dtype)}) must have "
                           f"the same scalar type")
    if not (d == 0 or d < s.ndim):
        raise RuntimeError(f"{name}_(): Indexing dim {d} is out of bounds of the source tensor with dim {s.ndim}")
    if s.ndim == 0 and i.size != 1:      # torch's message reads source.size(0) of a 0-d source
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if i.size != (s.shape[d] if s.ndim else 1):
        raise RuntimeError(f"{name}_(): Number of indices ({i.size}) should be equal to source.size(dim): "
                           f"({s.shape[d]}), for dim: {d}")
    both = s.ndim and x.ndim
    if (_shape_without(x.shape, d) if both else list(x.shape)) != (_shape_without(s.shape, d) if both else list(s.shape)):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(x.shape)} source.shape = {list(s.shape)}")
    if not bounds:
        return i
    if x.ndim > 1:
        if i.size == 0 or x.size == 0:
            return i
        # torch adds with scatter_add (and raises its message) along the first or last dim when alpha
        # is 1 and the index int64; otherwise slice by slice
        bad = first_outside(i, x.shape[d], False)
        if bad is not None and name == "index_add" and d in (0, x.ndim - 1) and alpha == 1 and a.dtype == np.int64:
            raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {x.shape[d]}")
    else:
        bad = first_outside(i, _size(x, d), False)
    if bad is not None:
        raise IndexError("index out of range in self")
    return i


def index_fill(x, d, index, value, is_tensor):
    if is_tensor and value.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    a = index._data
    i = checked_index(a, "index_fill")
    if a.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    i = i.reshape(-1)
    size = _size(x, d)
    bad = first_outside(i, size, True)
    if bad is not None:
        raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {size}")
    return i


def _sliced(shape, d):
    """The shape without dim ``d`` (a 0-d shape stays empty), as torch's index_copy compares them."""
    return _shape_without(shape, d) if shape else []


def index_copy(x, d, index, s):
    a = index._data
    if a.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {a.ndim})")
    n = a.size
    if s.ndim == 0 and n != 1:
        raise IndexError(f"index_copy_(): When source is scalar, index should have one element (got {n})")
    if s.ndim != x.ndim and s.ndim and x.ndim:
        raise IndexError(f"index_copy_(): When source and destination are not scalars, their dimensionality must "
                         f"match. Source dimensionality ({s.ndim}), destination dimensionality ({x.ndim})")
    i = checked_index(a, "index_copy").reshape(-1)
    if s.dtype != x.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{type_name(x.dtype)} and (source) {type_name(s.dtype)}")
    xs, ss = _sliced(x.shape, d), _sliced(s.shape, d)
    if xs != ss:
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination slice "
                           f"shape: {' '.join(map(str, xs))} at dimension {d} and source slice shape: "
                           f"{' '.join(map(str, ss))} at dimension 0.")
    if s.ndim and n != s.shape[d]:
        raise IndexError(f"index_copy_(): Number of indices ({n}) should be equal to source.size(dim) ({s.shape[d]})")
    size = _size(x, d)
    bad = first_outside(i, size, False)
    if bad is not None:
        raise IndexError(f"index_copy_(): index {bad} is out of bounds for dimension {d} with size {size}")
    return i
