"""Assorted torch functions tutorials reach for: ``nansum`` / ``nanmean``, ``searchsorted`` /
``bucketize``, ``isin``, ``triu_indices`` / ``tril_indices``, ``take_along_dim``, ``inner``."""
import numpy as np

from ._complex_refuse import not_implemented

from .._dtype import to_dtype, int64
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record1
from ._common import tensors_only
from .._arg_parser import _is_scalar
from .reduction import dims_of, expand_back
from .._arg_refuse import not_a_tensor


def _is_array(g):
    return isinstance(g, (np.ndarray, np.generic))


# ---- nan-ignoring reductions ------------------------------------------------------------------------
class NansumBackward0(Node):
    """y = sum of the non-nan x   ->   dx = g where x is not nan, else 0"""
    __slots__ = ("axes", "keepdim", "dim")       # dim: as the caller wrote it (torch's _saved_dim)

    def backward(self, g):
        x, = self.saved()
        g = expand_back(g, x.shape, self.axes, self.keepdim)
        # a product with the mask, as torch: a negative g keeps its sign on the zeros
        if _is_array(g):
            return ((g * ~np.isnan(x)).astype(x.dtype, copy=False),)
        return (g * x.isnan().logical_not(),)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """sum, counting nan as 0 (the same summation as ``sum``)."""
    if keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    from .reduction import sum as _sum
    from ..autograd.grad_mode import no_grad
    x = input._data
    if x.dtype.kind == "f":
        x = np.where(np.isnan(x), x.dtype.type(0), x)
    elif x.dtype.kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    with no_grad():
        r = _sum(_wrap(x), dim, keepdim, dtype=dtype)
    if GRAD.enabled and input._rg:
        node = NansumBackward0()
        node.axes, node.keepdim, node.dim = dims_of(dim, x.ndim) if x.ndim else (), keepdim, dim
        node.save(input)
        record1(node, r, input)
    return r


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """nansum / (number of non-nan elements), as torch composes it."""
    if keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    from .inplace import type_name
    if input._data.dtype.kind != "f":
        if input._data.dtype.kind == "c":          # torch's nanmean is nansum / count
            raise RuntimeError("nansum on CPU does not support complex inputs")
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{type_name(input._data.dtype)}")
    if dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError("nanmean(): could not infer output dtype. Optional dtype must be either a floating "
                           f"point or complex dtype. Got: {type_name(dtype.np)}")
    from .reduction import sum as _sum
    count = _sum(_wrap(~np.isnan(input._data)), dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / count


# ---- searching sorted sequences --------------------------------------------------------------------
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """For each value, the index where it would go in ``sorted_sequence`` (the last dim of each row)
    to keep it sorted: before equal values, or after them with ``right``/``side='right'``."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    try:
        seq = sorted_sequence._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    scalar = not isinstance(input, Tensor)
    if scalar and not _is_scalar(input):    # an array, a list, a str: torch's parser refuses it
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    vals = np.asarray(input) if scalar else input._data
    if vals.ndim == 0 and seq.ndim != 1:
        raise RuntimeError("torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension "
                           f"is 1, but we got boundaries tensor dim({seq.ndim}) and input value's dim(0) numel(1)")
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    _warn_non_contiguous(input, sorted_sequence, scalar)
    if sorter is not None:
        so = sorter._data
        if so.shape != seq.shape:
            raise RuntimeError("torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {list(seq.shape)}and got sorter tensor {list(so.shape)}")
        if so.dtype != np.int64:
            from .inplace import type_name
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                               f"{type_name(so.dtype)}")
        if so.size and (so.min() < 0 or so.max() >= seq.shape[-1]):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
        seq = np.take_along_axis(seq, so, -1)
    if seq.ndim > 1 and (scalar or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           "dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(seq.shape)} and input value tensor {list(vals.shape)}")
    # torch compares in the common dtype of the two (a Python number as a wrapped scalar: 3.5 against
    # int64 boundaries is float32 3.5; -1 against uint8 ones wraps to 255); it has no bool or complex
    # kernel (NumPy would order complex numbers lexicographically)
    from .._dtype import result_type
    common = result_type(sorted_sequence, input).np
    if common.kind in "bc":
        raise not_implemented("searchsorted_out_cpu", common)
    seq, vals = seq.astype(common, copy=False), vals.astype(common, copy=False)
    dt = np.int32 if out_int32 else np.int64
    if seq.ndim == 1:
        r = _bisect(seq[None], vals.reshape(1, -1), right).reshape(vals.shape)
    else:
        flat_s, flat_v = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
        r = _bisect(flat_s, flat_v, right).reshape(vals.shape)
    return _wrap(np.asarray(r, dt))


def _warn_non_contiguous(input, boundaries, scalar):
    """torch copies non-contiguous values / boundaries first, warning once per program for each."""
    from .._user_warning import warn_once
    for t, what, line in ((None if scalar else input, "input value", 32), (boundaries, "boundary", 38)):
        if t is not None and not t.is_contiguous():
            warn_once(f"searchsorted {what}",
                      f"torch.searchsorted(): {what} tensor is non-contiguous, this will lower the performance due to "
                      "extra data copy when converting non-contiguous tensor to contiguous, please use contiguous "
                      f"{what} tensor if possible. This message will only appear once per program. (Triggered "
                      f"internally at /__w/pytorch/pytorch/aten/src/ATen/native/BucketizationUtils.h:{line}.)")


def _bisect(seq, vals, right):
    """torch's binary search, row by row (``seq`` (R, n), ``vals`` (R, m)): lo moves past mid while
    ``not (seq[mid] >= v)`` (``right``: ``not (seq[mid] > v)``), so a NaN value, or a NaN met on the way,
    sends the search right -- unlike NumPy's searchsorted, which orders NaN last."""
    n = seq.shape[1]
    lo = np.zeros(vals.shape, np.int64)
    hi = np.full(vals.shape, n, np.int64)
    while n and (lo < hi).any():
        live = lo < hi
        mid = lo + ((hi - lo) >> 1)
        at = np.take_along_axis(seq, np.minimum(mid, n - 1), axis=1)
        past = ~(at > vals) if right else ~(at >= vals)
        lo = np.where(live & past, mid + 1, lo)
        hi = np.where(live & ~past, mid, hi)
    return lo


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value: i with boundaries[i-1] < x <= boundaries[i] (``right``: <= x <)."""
    if isinstance(input, (bool, int, float)) and isinstance(boundaries, Tensor):   # (Scalar self overload)
        input = _wrap(np.asarray(input))
    tensors_only('bucketize', input, boundaries)
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    e = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    for a in (e, t):            # torch has no bool or complex kernel; it checks the elements first
        if a.dtype.kind in "cb":    # (a Python complex number is ComplexDouble, True is Bool)
            from .inplace import type_name
            raise RuntimeError(f"Unsupported input type encountered for isin(): {type_name(a.dtype)}")
    return _wrap(np.asarray(np.isin(e, t, invert=invert)))


# ---- index helpers ----------------------------------------------------------------------------------
def _tri_indices(row, col, offset, dtype, lower):
    for name, n in (("row", row), ("col", col)):
        if n < 0:                      # (sic: torch's message has no space after "got")
            raise RuntimeError(f"{name} must be non-negative, got{n}")
    dt = to_dtype(dtype) if dtype is not None else int64
    if dt.np.kind not in "iu":
        raise RuntimeError(f"\"{'tril' if lower else 'triu'}_indices\" not implemented for '{repr(dt)[6:].capitalize()}'")
    r, c = np.tril_indices(row, offset, col) if lower else np.triu_indices(row, offset, col)
    return _wrap(np.stack([r, c]).astype(dt.np).reshape(2, -1))


def _need_row_col(name, row, col):
    """torch's parser message for a missing row / col (its plural and singular the other way round)."""
    missing = [f'"{a}"' for a, v in (("row", row), ("col", col)) if v is None]
    if missing:
        n = len(missing)
        raise TypeError(f"{name}() missing {n} required positional argument{'s' if n == 1 else ''}: "
                        + ", ".join(missing))


def tril_indices(row=None, col=None, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) coordinates of the lower triangle (on and below diagonal ``offset``), row by row."""
    _need_row_col("tril_indices", row, col)
    return _tri_indices(row, col, offset, dtype, True)


def triu_indices(row=None, col=None, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) coordinates of the upper triangle (on and above diagonal ``offset``), row by row."""
    _need_row_col("triu_indices", row, col)
    return _tri_indices(row, col, offset, dtype, False)


def take_along_dim(input, indices, dim=None, *, out=None):
    """``gather`` after broadcasting input and indices against each other except along ``dim``
    (dim None: both flattened)."""
    from .gather import gather
    if dim is None:         # torch views both flat (a layout view cannot take is refused, as by view)
        return gather(input.view(-1), 0, indices.view(-1))
    if dim.__class__ is not int:
        from .._arg_refuse import int_arg
        dim = int_arg(dim)
    x, i = input._data, indices._data
    if x.ndim != i.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {x.ndim} dimensions for input, and {i.ndim} dimensions for indices")
    if i.dtype != np.int64:
        from ._out import _NAMES
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_NAMES.get(i.dtype.name, i.dtype.name)}")
    from .._tensor import _wrap_dim
    d = _wrap_dim(dim, x.ndim)
    if x.ndim == 0:         # torch then reads size(0) of the 0-d tensors
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    xs, is_ = list(x.shape), list(i.shape)
    xs[d] = is_[d] = 1
    try:
        shape = list(np.broadcast_shapes(tuple(xs), tuple(is_)))
    except ValueError:
        from ._common import broadcast_error
        raise broadcast_error(tuple(xs), tuple(is_)) from None
    sx, si = list(shape), list(shape)
    sx[d], si[d] = x.shape[d], i.shape[d]
    src = input.expand(*sx)     # (always, as torch's helper: its graph has the ExpandBackward0 even for no change)
    idx = indices if tuple(si) == i.shape else indices.expand(*si)
    # torch 2.13 wraps the indices into range (Python's modulo), so -1 is the last and size + 1 the second
    if idx._data.size:
        size = x.shape[d]
        if size == 0:
            raise RuntimeError("ZeroDivisionError")
        idx = _wrap(np.remainder(idx._data, size))
    return gather(src, d, idx)


def inner(input, other, *, out=None):
    """The sum over the last dims of input and other (a product with a scalar)."""
    from .matmul import tensordot
    try:
        nx, ny = input._data.ndim, other._data.ndim
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if nx == 0 or ny == 0:
        return input * other
    return tensordot(input, other, dims=([-1], [-1]))
