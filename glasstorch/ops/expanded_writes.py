"""Writes into an expanded tensor (several elements on one memory location).  torch refuses most in-place
ops there (``INTERNAL_OVERLAP``), but lets ``fill_`` / ``zero_`` through silently, and ``masked_fill_``,
``index_fill_`` and ``index_put_`` (so ``x[mask] = v``, ``x[idx] = v``) with a deprecation warning; each
writes only the elements it selects, in order, so the last write to a shared location wins."""
import numpy as np

_WARN = ("Use of {op}_ on expanded tensors is deprecated. Please clone() the tensor before performing this operation. "
         "This also applies to advanced indexing e.g. tensor[{what}] = {value} (Triggered internally at "
         "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:{line}.)")
_LINES = {"masked_fill": ("mask", "scalar", 2450), "index_fill": ("mask", "scalar", 1913),
          "index_put": ("indices", "tensor", 976)}


def has_internal_overlap(a):
    """torch's MemOverlap::Yes: a dim of more than one element with stride 0."""
    return bool(a.size) and 0 in a.strides and any(st == 0 and n > 1 for st, n in zip(a.strides, a.shape))


def warn_expanded(op):
    from .._user_warning import warn_at_caller
    what, value, line = _LINES[op]
    warn_at_caller(_WARN.format(op=op, what=what, value=value, line=line))


def write_where(mask):
    """A writer for ``commit``: copy the result into the elements ``mask`` selects (one value for all)."""
    def write(td, rd):
        np.copyto(td, rd, casting="unsafe", where=np.broadcast_to(mask, td.shape))
    return write


def index_fill_mask(shape, dim, index):
    """The elements ``index_fill_`` writes: those whose coordinate along ``dim`` is in ``index``."""
    if not shape:
        return np.ones((), np.bool_)
    n = shape[dim]
    hit = np.zeros(n, np.bool_)
    i = np.asarray(index).reshape(-1).astype(np.int64)
    hit[np.where(i < 0, i + n, i)] = True
    return hit.reshape((n,) + (1,) * (len(shape) - dim - 1))


def index_put_writer(sel, v, accumulate):
    """A writer for ``commit``: index_put_'s values written (or added) in index order at the flat
    positions ``sel`` of the written tensor."""
    def write(td, rd):
        at = np.unravel_index(sel, td.shape)
        vals = np.broadcast_to(np.asarray(v), sel.shape).astype(td.dtype)
        if accumulate:
            np.add.at(td, at, vals)
        else:
            td[at] = vals
    return write


def check_setitem(target, adv, value, check_expand):
    """``x[index] = value`` when the part written (``target``, after the ints and slices) is expanded:
    without tensor indices torch copies (or fills from a 0-d tensor) into it and refuses; with them
    index_put_ writes, with its warning (and masked_fill_'s, for one mask and one value)."""
    if not has_internal_overlap(target):
        return
    if adv is None:
        if check_expand is not None:
            check_expand()               # (the value's size is checked first)
        from .inplace import INTERNAL_OVERLAP
        raise RuntimeError(INTERNAL_OVERLAP)
    warn_expanded("index_put")
    used = [a for a in adv if a is not None and not isinstance(a, slice) and a is not Ellipsis]
    if np.size(value) == 1 and len(used) == 1 and used[0].dtype == np.bool_:
        warn_expanded("masked_fill")
