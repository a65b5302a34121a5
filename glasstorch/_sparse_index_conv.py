"""``torch._convert_indices_from_coo_to_csr`` / ``_convert_indices_from_csr_to_coo``: row indices to
compressed row pointers and back.  Graph libraries call them directly (PyTorch Geometric's
``index2ptr`` / ``ptr2index``), not only through ``to_sparse_csr``.

coo -> csr:  ``out[r] = #{i : input[i] < r}`` for a sorted ``input`` (length ``size + 1``);
csr -> coo:  ``row i`` repeated ``crow[i + 1] - crow[i]`` times, stacked over ``col`` (``[col, row]``
when ``transpose``), batch indices first for batched pointers.
"""
import numpy as np

from ._tensor import _wrap

__all__ = ["_convert_indices_from_coo_to_csr", "_convert_indices_from_csr_to_coo"]


def _bool_flag(fn, name, value):
    if value.__class__ is not bool:
        raise TypeError(f"{fn}(): argument '{name}' must be bool, not {type(value).__name__}")


def coalesced_flag(value):
    """The argument of a sparse COO tensor's ``_coalesced_``: a bool, as torch's parser insists."""
    if value.__class__ is not bool:
        raise TypeError(f"_coalesced_(): argument 'coalesced' (position 1) must be bool, not {type(value).__name__}")
    return value


def _integral(kernel, a):
    if a.dtype.kind not in "iu":
        from .ops._complex_refuse import not_implemented
        raise not_implemented(kernel, a.dtype)


def _coo_to_csr_kernel(rows, size):
    """torch's CPU kernel step for step: zeros up to ``rows[0]``, a pointer written at each rise of the
    (carried) current value, ``numel`` after the last value.  For sorted rows in range this is a
    ``searchsorted``; otherwise the loop gives what torch's does (writes past the end are dropped,
    where torch's are undefined)."""
    n = rows.size
    out = np.zeros(size + 1, np.int64)
    if n == 0:
        return out
    r = rows.astype(np.int64)
    if (r[0] >= 0 and r[-1] < size and (n < 2 or (np.diff(r) >= 0).all())):
        return np.searchsorted(r, np.arange(size + 1), side="left").astype(np.int64)
    out[:max(0, min(int(r[0]), size) + 1)] = 0
    cur = int(r[0])
    for i in range(n - 1):
        nxt = int(r[i + 1])
        while cur < nxt:
            if 0 <= cur + 1 <= size:
                out[cur + 1] = i + 1
            cur += 1
    out[max(0, int(r[-1]) + 1):] = n
    return out


def _convert_indices_from_coo_to_csr(input, size, *, out_int32=False, out=None):
    """Compressed row pointers (``size + 1`` of them) of the sorted row indices ``input``."""
    _bool_flag("_convert_indices_from_coo_to_csr", "out_int32", out_int32)
    a = input._data
    if a.ndim > 1:
        raise RuntimeError(f"Input is supposed to be a vector, but got {a.ndim} dimensional tensor.")
    _integral("convert_indices_from_coo_to_csr_cpu", a)
    r = _wrap(_coo_to_csr_kernel(a.reshape(-1), int(size)).astype(np.int32 if out_int32 else np.int64))
    if out is not None:
        out.resize_(r.shape).copy_(r)
        return out
    return r


def _convert_indices_from_csr_to_coo(crow_indices, col_indices, *, out_int32=False, transpose=False, out=None):
    """The ``(ndim + 1, nnz)`` COO indices of compressed (possibly batched) rows."""
    _bool_flag("_convert_indices_from_csr_to_coo", "out_int32", out_int32)
    _bool_flag("_convert_indices_from_csr_to_coo", "transpose", transpose)
    crow, col = crow_indices._data, col_indices._data
    if crow.ndim != col.ndim:
        # (torch's message names crow_indices' dimensionality twice)
        raise RuntimeError("crow_indices and col_indices are supposed to have the same dimensionality, but got "
                           f"{crow.ndim} and {crow.ndim} dimensional tensors, respectively.")
    _integral("convert_indices_from_csr_to_coo_cpu", crow)
    dt = np.int32 if out_int32 else np.int64
    batch = crow.shape[:-1]
    nnz = col.shape[-1] if col.ndim else 1
    flat = crow.reshape(-1, crow.shape[-1]).astype(np.int64) if crow.ndim else crow.reshape(1, 1).astype(np.int64)
    rows = [np.repeat(np.arange(f.size - 1), np.diff(f))[:nnz] for f in flat]
    rows = np.concatenate([np.pad(r, (0, nnz - r.size)) for r in rows]) if rows else np.zeros(0, np.int64)
    lead = np.indices(batch).reshape(len(batch), -1) if batch else np.zeros((0, 1), np.int64)
    lead = np.repeat(lead, nnz, axis=1)
    c = col.reshape(-1).astype(np.int64)
    pair = (c, rows) if transpose else (rows, c)
    r = _wrap(np.concatenate([lead.astype(np.int64), np.stack(pair)]).astype(dt))
    if out is not None:
        out.resize_(r.shape).copy_(r)
        return out
    return r
