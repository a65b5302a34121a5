"""Order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, and the counting
ops unique, unique_consecutive, bincount, histc.

Sorting puts NaN after every number, as torch does on CPU; ``stable=True`` keeps ties in their order,
``stable=False`` orders them as torch's introsort does (``_introsort.py``), and ``topk`` picks among ties
as its partial_sort / nth_element do (``_topk_order.py``); the gradient of a
value-selecting op goes to the index it selected.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, as_array, record1
from ._complex_refuse import refuse, refuse_complex_reduction, refuse_msg
from ._introsort import std_sort_order, unstable_order
from ._topk_order import topk_order
from ._quickselect import kth_indices
from ._evenly import _EvenlyDistributed
from ._nth_element import pick_zero
from ._unique_groups import check_unique_dim_sizes, sorted_groups as _sorted_groups
from ._saved_indices import stable_overload as _stable_overload
from .reduce_more import _SelectAlong, sort_ret, topk_ret, kthvalue_ret, median_ret, mode_ret
from .._tensor import _wrap_dim
from .._vmap_dynamic import note
from ._no_dim import KEEP, NO_DIM, keepdim_without_dim
from ._complex_refuse import not_implemented
from .._tensor_reduce import NOT_GIVEN as _NOT_GIVEN   # stable= passed or not picks the grad_fn name
from .._arg_refuse import not_a_tensor


def _order(x, axis, descending, stable=True):
    """Sorting permutation along ``axis``; NaN counts as the largest value.  Ties keep their order when
    ``stable``, else they come out as torch's ``std::sort`` leaves them."""
    if x.dtype == np.bool_:
        x = x.astype(np.int8)
    if not stable:
        return unstable_order(x, axis, descending, _order(x, axis, descending))
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    if x.dtype.kind == "f":
        # NaN is the largest value, so it leads a descending sort
        key = np.where(np.isnan(x), -np.inf, -x.astype(np.float64))
        return np.argsort(key, axis=axis, kind="stable")
    return np.argsort(-x.astype(np.int64), axis=axis, kind="stable")


class SortBackward0(_SelectAlong):
    """(y, i) = sort(x, d)   ->   dx = zeros with g written back at i"""
    __slots__ = ()
    _saved_names = ("indices", "attr:dim", "attr:self_sym_sizes")     # (no keepdim: torch's sort has none)


class SortBackward1(_SelectAlong):
    """sort called with ``stable=`` given (torch's ``sort.stable`` overload): the same backward as SortBackward0"""
    __slots__ = ()
    _saved_names = SortBackward0._saved_names


class TopkBackward0(_SelectAlong):
    """(y, i) = topk(x, k, d)   ->   dx = zeros with g written back at i"""
    __slots__ = ()
    _saved_names = SortBackward0._saved_names


class KthvalueBackward0(_SelectAlong):
    """(y, i) = kthvalue(x, k, d)   ->   dx = zeros with g written at i"""
    __slots__ = ()


class MedianBackward1(_SelectAlong):
    """(y, i) = median(x, d)   ->   dx = zeros with g written at i"""
    __slots__ = ()


class ModeBackward0(_SelectAlong):
    """(y, i) = mode(x, d)   ->   dx = zeros with g written at i"""
    __slots__ = ()


def _pick(node_cls, input, vals, idx, d, keepdim, ret, dim=None):
    x = input._data
    v = _wrap(as_array(vals))
    idx = as_array(idx)
    # sort's indices are already a fresh int64 array in x's layout (kept); the others' may be views: copied
    i = _wrap(idx if node_cls in (SortBackward0, SortBackward1) and idx.dtype == np.int64 else idx.astype(np.int64))
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.shape, node.axis, node.keepdim = (x.shape if x.ndim else (1,)), d, keepdim
        node.dim = (d if dim is None else int(dim)) % 2 ** 64      # torch's _saved_dim: the dim passed, unsigned
        if not x.ndim:
            node.shape, node.axis = (), 0
        node.save(i)        # the returned indices, as torch saves them
        record1(node, v, input)
    return ret(v, i)


def _1d(x):
    return x if x.ndim else x.reshape(1)




from ._layout import preserve, preserve_of  # noqa: E402

_NO_COMPLEX_SORT = " Sort does not support complex dtypes on CPU"     # (torch's leading space)


def sort(input, dim=-1, descending=False, stable=_NOT_GIVEN, *, out=None):
    if descending is not False and descending is not True or stable is not _NOT_GIVEN and stable is not False \
            and stable is not True:     # torch's parser takes bools only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if stable is not _NOT_GIVEN and (dim != -1 or descending is not False):
        _stable_overload()
    node_cls = SortBackward0 if stable is _NOT_GIVEN else SortBackward1
    stable = False if stable is _NOT_GIVEN else stable
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    refuse_msg(RuntimeError, _NO_COMPLEX_SORT, x)         # (after the dim's check)
    xd = _1d(x)
    o = _order(xd, d, descending, bool(stable))
    vals = np.take_along_axis(xd, o, d)
    if not x.ndim:
        vals, o = vals.reshape(()), o.reshape(())
    elif not (x.flags.c_contiguous and x.size):     # torch's sort fills empty_like(x) (x's layout)
        vals, o = preserve(vals, x), preserve(o, x)
    return _pick(node_cls, input, vals, o, d, True, sort_ret, dim)


def argsort(input, dim=-1, descending=False, stable=_NOT_GIVEN):
    if stable is not _NOT_GIVEN and (dim != -1 or descending is not False):
        _stable_overload()
    stable = False if stable is _NOT_GIVEN else stable
    if descending is not False and descending is not True or stable is not False and stable is not True:
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    d = _wrap_dim(dim, x.ndim)
    refuse_msg(RuntimeError, _NO_COMPLEX_SORT, x)
    r = _order(_1d(x), d, descending, bool(stable)).astype(np.int64).reshape(x.shape)
    return _wrap(preserve_of(r, x) if x.ndim else r)      # sort's indices: empty_like(x)'s layout


def msort(input, *, out=None):
    return sort(input, 0).values


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    if k.__class__ is not int:
        from .._arg_refuse import int_arg
        k = int_arg(k, "k")
    if largest is not True and largest is not False or sorted is not True and sorted is not False:
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    xd = _1d(x)
    if not 0 <= k <= xd.shape[d]:
        raise RuntimeError("selected index k out of range")
    refuse_msg(RuntimeError, " topk does not support complex dtypes on CPU", x)      # (after dim and k)
    if x.dtype.kind == "b":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    o = topk_order(xd, d, k if x.ndim else 1, largest, sorted, _order(xd, d, largest))   # (0-d: itself, even k=0)
    vals = np.take_along_axis(xd, o, d)
    if not x.ndim:
        vals, o = vals.reshape(()), o.reshape(())
    return _pick(TopkBackward0, input, vals, o, d, True, topk_ret, dim)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    if k.__class__ is not int:          # torch's parser: a SymInt (2.0 is refused, np.int64(2) taken)
        from .._arg_refuse import int_arg
        k = int_arg(k, "k")
    if keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    xd = _1d(x)
    if xd.shape[d] == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= xd.shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    # (checked last, as torch does; a 0-d tensor is copied, whatever its dtype)
    refuse_complex_reduction("kthvalue_cpu", "kthvalue", x, GRAD.enabled and input._rg, bool(x.ndim), bools=True)
    o = kth_indices(xd.astype(np.int8) if xd.dtype == np.bool_ else xd, d, k - 1, _order(xd, d, False))
    vals = np.take_along_axis(xd, o, d)
    if not keepdim or not x.ndim:
        vals, o = np.squeeze(vals, d), np.squeeze(o, d)
    return _pick(KthvalueBackward0, input, vals, o, d, keepdim, kthvalue_ret, dim)


class MedianBackward0(_EvenlyDistributed):
    """y = median(x) (the lower middle value)   ->   dx = zeros with g / (number of ties) at every
    element equal to y (every NaN when y is NaN): torch's evenly_distribute_backward (_evenly.py)"""
    __slots__ = ()


def median(input, dim=NO_DIM, keepdim=KEEP, *, out=None):
    x = input._data
    if dim is None:        # torch has no overload taking dim=None here: its parser refuses it
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if dim is NO_DIM:
        dim = None if keepdim is KEEP else keepdim_without_dim("median", input, keepdim)
    if keepdim is not KEEP and keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if dim is None and x.size and x.dtype.kind in "cb":    # (no bool kernel either; with a dim: below)
        raise not_implemented("median_cpu", x.dtype)
    if dim is None:
        flat = x.reshape(-1)
        if flat.size == 0:          # NaN, still recorded: its gradient is an empty one
            r = _wrap(np.asarray(np.nan, np.float32)).to(input.dtype)     # torch: full({}, NAN).to(dtype)
        else:
            o = _order(flat, 0, False)
            has_nan = flat.dtype.kind == "f" and np.isnan(flat).any()
            pos = int(np.argmax(np.isnan(flat))) if has_nan else int(o[(flat.size - 1) // 2])
            r = _wrap(np.asarray(flat[pos] if has_nan else pick_zero(flat, flat[pos], False)))  # (which zero: torch's)
        if GRAD.enabled and input._rg:
            refuse_complex_reduction("median_cpu", "median", x, True, False)    # (an empty complex input)
            node = MedianBackward0()
            node.save(input, r, result_at=1)
            record1(node, r, input)
        return r
    d = _wrap_dim(dim, x.ndim)
    xd = _1d(x)
    n = xd.shape[d]
    if xd.shape[d] == 0:                    # (checked before the dtype)
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    if x.dtype.kind in "cb":
        raise not_implemented("median_out", x.dtype)
    o = _order(xd, d, False)
    mid = np.take(o, [(n - 1) // 2], axis=d)
    if xd.dtype.kind == "f":
        nan_any = np.isnan(xd).any(axis=d, keepdims=True)
        first_nan = np.argmax(np.isnan(xd), axis=d, keepdims=True)
        mid = np.where(nan_any, first_nan, mid)
    vals = np.take_along_axis(xd, mid, d)
    if not keepdim or not x.ndim:
        vals, mid = np.squeeze(vals, d), np.squeeze(mid, d)
    return _pick(MedianBackward1, input, vals, mid, d, keepdim, median_ret, dim)


def mode(input, dim=-1, keepdim=False, *, out=None):
    if keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    xm = np.moveaxis(_1d(x), d, -1)
    if xm.shape[-1] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    refuse_complex_reduction("mode_cpu", "mode", x, GRAD.enabled and input._rg, bool(x.size and x.ndim))  # (copies)
    rows = xm.reshape(-1, xm.shape[-1])
    vals = np.empty(rows.shape[0], x.dtype)
    idx = np.empty(rows.shape[0], np.int64)
    for k, row in enumerate(rows):
        if row.dtype.kind == "f" and np.isnan(row).any():
            from ._mode_nan import mode_row         # NaN compares false: libstdc++'s moves, replayed
            vals[k], idx[k] = mode_row(row)
            continue
        u, inv, c = np.unique(row, return_inverse=True, return_counts=True)
        j = np.argmax(c)                        # the smallest of the most frequent values
        vals[k] = u[j]
        if row.size <= 16 or (u.dtype.kind == "f" and np.isnan(u[-1])):
            hit = row == u[j] if u[j] == u[j] else np.isnan(row)
            idx[k] = np.nonzero(hit)[0][-1]     # insertion sort keeps ties in order: the last one
        else:
            # torch std::sorts (value, index) pairs and reports the index ending the mode's run
            idx[k] = std_sort_order(inv.tolist())[int(c[:j].sum() + c[j]) - 1]
    shape = xm.shape[:-1]
    vals, idx = vals.reshape(shape), idx.reshape(shape)
    if keepdim and x.ndim:
        vals, idx = np.expand_dims(vals, d), np.expand_dims(idx, d)
    return _pick(ModeBackward0, input, vals, idx, d, keepdim, mode_ret, dim)


_UNIQUE_DIM = "unique_dim(Tensor input, int64_t dim, bool sorted=True, bool return_inverse=False, bool return_counts=False)"


def _unique_refuse(input, sorted, return_inverse, return_counts, dim):
    """torch.unique's Python calls ``_unique2(input, sorted=..., ...)`` (``unique_dim(input, dim, ...)`` with a
    dim): that parser's error, where it refuses the call."""
    from .._arg_parser import parser_error
    kw = {"sorted": sorted, "return_inverse": return_inverse, "return_counts": return_counts}
    err = parser_error((_UNIQUE2,), (input,), kw) if dim is None else parser_error((_UNIQUE_DIM,), (input, dim), kw)
    if err is not None:
        raise err


_UNIQUE2 = "_unique2(Tensor input, bool sorted=True, bool return_inverse=False, bool return_counts=False)"


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    x = getattr(input, "_data", None)
    if x is None or sorted.__class__ is not bool or return_inverse.__class__ is not bool \
            or return_counts.__class__ is not bool:
        _unique_refuse(input, sorted, return_inverse, return_counts, dim)
        x = input._data
    refuse("unique" if dim is None else "unique_dim", x)
    note("_unique2" if dim is None else "unique_dim", input)
    if dim is None:
        first, inv, cnt = _sorted_groups(x.reshape(-1, 1))
        u, inv = x.reshape(-1)[first], inv.reshape(x.shape)
    else:
        if dim.__class__ is not int:        # torch.unique calls torch.unique_dim(input, dim, ...): its parser
            _unique_refuse(input, sorted, return_inverse, return_counts, dim)
            dim = int(dim)
        if x.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = _wrap_dim(dim, x.ndim)
        check_unique_dim_sizes(x, d)
        first, inv, cnt = _sorted_groups(np.moveaxis(x, d, 0).reshape(x.shape[d], -1) if x.size else
                                         np.zeros((0, 1), x.dtype))
        u = np.ascontiguousarray(np.take(x, first, axis=d))
    from ._no_derivative import Unique2Backward0, UniqueDimBackward0, record_no_derivative
    out = [record_no_derivative(Unique2Backward0 if dim is None else UniqueDimBackward0, _wrap(u), input)]
    if return_inverse:
        out.append(_wrap(inv.astype(np.int64)))
    if return_counts:
        out.append(_wrap(cnt.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    # torch takes dim=0 of a 1-d tensor down the dim-less path, kernel name included
    refuse("unique" if dim is None or dim == 0 and input._data.ndim == 1 else "unique_dim", input._data)
    note("unique_consecutive", input)
    from ._no_derivative import UniqueConsecutiveBackward0, record_no_derivative
    out = _unique_consecutive(input, return_inverse, return_counts, dim)
    record_no_derivative(UniqueConsecutiveBackward0, out[0] if isinstance(out, tuple) else out, input)
    return out


def _unique_consecutive(input, return_inverse, return_counts, dim):
    if dim is not None:
        return _unique_consecutive_dim(input._data, return_inverse, return_counts, dim)
    flat = input._data.reshape(-1)
    if flat.size == 0:
        starts = np.zeros(0, np.int64)
    else:
        starts = np.concatenate([[0], np.nonzero(flat[1:] != flat[:-1])[0] + 1])
    out = [_wrap(flat[starts])]
    if return_inverse:
        out.append(_wrap((np.cumsum(np.isin(np.arange(flat.size), starts)) - 1).reshape(input._data.shape)))
    if return_counts:
        out.append(_wrap(np.diff(np.append(starts, flat.size)).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _unique_consecutive_dim(x, return_inverse, return_counts, dim):
    """Runs of equal slices along ``dim`` (NaN never equals NaN, as torch compares)."""
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _wrap_dim(dim, x.ndim)
    check_unique_dim_sizes(x, d)            # (torch's unique_dim template, as unique's)
    xm = np.moveaxis(x, d, 0).reshape(x.shape[d], int(np.prod(x.shape)) // max(x.shape[d], 1))
    n = xm.shape[0]
    if n == 0:
        starts = np.zeros(0, np.int64)
    else:
        change = np.any(xm[1:] != xm[:-1], axis=1) if xm.shape[1] else np.zeros(n - 1, bool)
        starts = np.concatenate([[0], np.nonzero(change)[0] + 1]).astype(np.int64)
    out = [_wrap(np.ascontiguousarray(np.take(x, starts, axis=d)))]
    if return_inverse:
        inv = np.zeros(n, np.int64)
        inv[starts[1:]] = 1
        out.append(_wrap(np.cumsum(inv)))
    if return_counts:
        out.append(_wrap(np.diff(np.append(starts, n)).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input, weights=None, minlength=0):
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if minlength.__class__ is not int:      # torch's parser: a SymInt (2.0 is refused)
        from .._arg_refuse import int_arg
        minlength = int_arg(minlength, "minlength")
    if x.dtype.kind not in "iu":
        from ._complex_refuse import not_implemented
        raise not_implemented("bincount_cpu", x.dtype)
    if x.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if x.size and x.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights._data.ndim != 1 or weights._data.shape[0] != x.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _wrap(np.bincount(x, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.dtype == np.float32:       # torch adds float weights one by one in float32, any other dtype in double
        r = np.zeros(max(int(x.max()) + 1 if x.size else 0, minlength), np.float32)
        np.add.at(r, x, w)
    else:
        r = np.bincount(x, weights=w.astype(np.float64), minlength=minlength)
    from ._no_derivative import record_not_implemented
    return record_not_implemented("bincount", _wrap(r), weights)


from ._histc import histc  # noqa: E402  (torch's bin arithmetic, in its own module)


__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "mode", "unique", "unique_consecutive",
           "bincount", "histc"]
