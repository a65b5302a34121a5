"""Reductions: sum and mean over all elements or over ``dim`` (with ``keepdim``).

Their backward spreads the gradient back over the reduced axes; they save shapes, not tensors,
so a second backward through them works, as in torch.
"""
import math
import warnings

import numpy as np

from .._dtype import int64, to_dtype, FROM_NP
from ..autograd.graph import Node
from ._common import GRAD, _F32, _F64, _wrap, as_array, record1
from .inplace import type_name
from . import _parallel, _sum_order
from .._runtime import get_num_threads

_BIG = _parallel.MIN_SIZE
from .._tensor import _wrap_dim
from ._no_dim import KEEP, NO_DIM, keepdim_without_dim


def dims_of(dim, ndim):
    """``dim`` (int, tuple, list or None) as a sorted tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if dim.__class__ is int:
        return (_wrap_dim(dim, ndim),)
    if isinstance(dim, (tuple, list)):      # (_wrap_dim refuses what torch's parser refuses)
        axes = tuple(_wrap_dim(d, ndim) for d in dim)
        if len(set(axes)) != len(axes):
            d = next(a for a in axes if axes.count(a) > 1)
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        return tuple(sorted(axes)) if axes else tuple(range(ndim))
    return (_wrap_dim(dim, ndim),)


def axes_of(dim, ndim):
    """``dims_of``, with a 0-d tensor's dims checked as torch checks them (in [-1, 0]), then ()."""
    axes = dims_of(dim, ndim)
    return axes if ndim else ()


def restore_dims(g, axes, keepdim):
    """``g`` with the reduced axes put back (size 1) when keepdim was False."""
    if keepdim or not axes:
        return g
    if isinstance(g, (np.ndarray, np.generic)):
        return np.expand_dims(g, axes)
    for a in axes:
        g = g.unsqueeze(a)
    return g


def expand_back(g, shape, axes, keepdim):
    """Undo a reduction's shape change: put the reduced axes back (size 1), then broadcast."""
    g = restore_dims(g, axes, keepdim)
    if isinstance(g, (np.ndarray, np.generic)):
        return np.broadcast_to(g, shape)
    return g.expand(shape)


class SumBackward0(Node):
    """y = sum(x)   ->   dx = g broadcast to x's shape"""
    __slots__ = ("shape",)

    def backward(self, g):
        return (expand_back(g, self.shape, (), True),)


class SumBackward1(Node):
    """y = sum(x, dims)   ->   dx = g with the summed dims restored, broadcast to x's shape"""
    __slots__ = ("shape", "axes", "keepdim", "dim")        # dim: the dims as the caller wrote them

    def backward(self, g):
        return (expand_back(g, self.shape, self.axes, self.keepdim),)


def acc_dtype(x, dtype):
    """The dtype a sum or product accumulates in: ``dtype`` if given, int64 for bools and integers."""
    if dtype is not None:
        return to_dtype(dtype).np
    return np.int64 if x.dtype.kind in "biu" else x.dtype


_reduce_add = np.add.reduce


def _add_reduce(x, axes, keepdim, dtype):
    """np.add.reduce (positional arguments: the cheapest call), large arrays on several threads."""
    if x.size < _BIG:
        return _reduce_add(x, axes, dtype, None, keepdim)
    return _parallel.add_reduce(x, axes if axes is not None else tuple(range(x.ndim)), keepdim, dtype)


def sum(input, dim=NO_DIM, keepdim=KEEP, *, dtype=None, axis=None, keepdims=None, out=None):
    """torch.sum (``out=`` is handled around it, see _out.py)."""
    return tensor_sum(input, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)


def tensor_sum(input, dim=NO_DIM, keepdim=KEEP, *, dtype=None, axis=None, keepdims=None):
    """torch.sum and Tensor.sum (the method, ops/_hot.py's ``sum``, takes its one-NumPy-call case first)."""
    x = input._data
    odt = x.dtype
    if dim.__class__ is int and dtype is None and axis is None and keepdims is None and (odt is _F32 or odt is _F64):
        # the common x.sum(1) on a small float tensor: one NumPy call, no dtype or dims to work out
        nd = x.ndim
        if -nd <= dim < nd and x.size < _BIG and (keepdim is KEEP or keepdim is False or keepdim is True):
            # whole sums (vectors, columns), sums over dim 0 and short last-dim rows follow torch's order
            # (_sum_over); the rest is one NumPy call
            r = _sum_over(x, dim, keepdim) if x.size == x.shape[dim] or -nd <= dim < nd - 1 and dim != -1 or \
                x.flags.c_contiguous or _strided_rows(x) else _reduce_add(x, dim, None, None, keepdim)
            return _summed(r, input, dim + nd if dim < 0 else dim, keepdim, dim)
    if dim is NO_DIM:                   # no dim given: torch's no-dim overload, which takes no keepdim
        if (keepdim is not KEEP or keepdims is not None) and axis is None:
            keepdim_without_dim("sum", input, keepdim if keepdims is None else keepdims, dtype=dtype)
        dim = None
    if keepdim is not KEEP and keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if axis is not None:
        if dim is not None:
            raise TypeError("sum() got an unexpected keyword argument 'axis'")
        dim = axis
    if keepdims is not None:
        if keepdim is not KEEP or keepdims is not False and keepdims is not True:   # both spellings, or not a
            from .._arg_refuse import refuse as refuse_call                         # bool: torch's parser refuses
            refuse_call(TypeError("argument 'keepdim' must be bool"))
        keepdim = keepdims
    if dtype is not None or odt.kind != "f":
        odt = acc_dtype(x, dtype)
        if x.dtype != odt:
            x = x.astype(odt)
    if dim is None and not keepdim:         # (keepdim: every dim, kept as size 1, below)
        # torch converts the input to ``dtype`` first (make_reduction's self.to), then sums it in its order
        r = _wrap(as_array(sum_all(x) if dtype is None or odt is _F32 or odt is _F64
                           else _add_reduce(x, None, False, odt)))
        if GRAD.enabled and input._rg:
            node = SumBackward0()
            node.shape = input._data.shape
            record1(node, r, input)
        return r
    nd = x.ndim
    if dim.__class__ is int and -nd <= dim < nd:
        axes = (dim + nd if dim < 0 else dim,)
    else:
        axes = dims_of(dim, nd)
    # no conversion, or a float dtype asked for (torch reduces the converted tensor): torch's orders apply
    own = x is input._data or dtype is not None and (odt is _F32 or odt is _F64)
    if nd and own and _whole(x.shape, axes):    # a whole-tensor sum, in its order
        r = as_array(sum_all(x)).reshape(_reduced_shape(x.shape, axes, keepdim))
    elif own and (lead := _leading(x, axes, keepdim)) is not None:
        r = lead
    elif own and (n := _trailing_rows(x, axes)):     # x.sum((-2, -1)): one row per output, torch's order
        r = _sum_order.inner_sums(x.reshape(-1, n)).reshape(_reduced_shape(x.shape, axes, keepdim))
    elif nd and own and len(axes) == 1 and (odt is _F32 or odt is _F64) and x.size < _BIG:
        r = _sum_over(x, axes[0], keepdim)      # x.sum([1]) adds as x.sum(1) does (torch: one overload)
    elif nd and own and (odt is _F32 or odt is _F64) and x.size < _BIG and x.flags.c_contiguous and \
            (r := _sum_order.sandwich_sums(x, set(axes))) is not None:
        r = r.reshape(_reduced_shape(x.shape, axes, keepdim))
    elif odt == np.float16:                     # torch adds half in float (its opmath type), rounds once
        r = _add_reduce(x, axes if nd else None, keepdim, np.float32).astype(np.float16)
    elif x.size < _BIG:
        r = _reduce_add(x, axes if nd else None, odt, None, keepdim)
    else:
        r = _add_reduce(x, axes if nd else None, keepdim, odt)
    return _summed(r, input, axes if nd else (), keepdim, dim)


def _contiguous_rows(x, dim):
    """The row length when ``dim`` is the last axis of a C-contiguous float32/float64 array with rows of
    two or more (torch sums each row in the order _sum_order.inner_sums follows: scalar code for rows
    shorter than one AVX2 vector, four vector accumulators and a cascade for longer ones), else 0."""
    n = x.shape[-1] if x.ndim else 0
    if (dim == -1 or dim == x.ndim - 1) and 1 < n and x.dtype.char in "fd" and (x.flags.c_contiguous
                                                                               or _strided_rows(x)):
        return n
    return 0


def _strided_rows(x):
    """Rows of unit stride whose other axes step forward (a column slice ``x[:, a:b]``, a transpose of
    leading axes, ``unfold`` windows): torch's reduction still runs each row as a contiguous one (measured
    bit for bit), but for float32 rows of 5 to 7 that overlap with step 1 (``unfold(0, 5, 1)``), which it
    loops otherwise (not modelled)."""
    item = x.itemsize
    if x.strides[-1] != item:
        return False
    steps = [st for st, k in zip(x.strides[:-1], x.shape[:-1]) if k > 1]
    if any(st < item for st in steps):
        return False
    return not (item == 4 and 4 < x.shape[-1] < 8 and item in steps)


def _trailing_rows(x, axes):
    """The row length when ``axes`` (two or more) are the trailing dims of a small C-contiguous
    float32/float64 array: TensorIterator coalesces them into one inner dim, summed as a row
    (``_sum_order.inner_sums``: measured bit for bit, e.g. a (8, 512, 7, 7) global average pool); else 0."""
    nd = x.ndim
    if len(axes) < 2 or sorted(axes) != list(range(nd - len(axes), nd)) or x.dtype.char not in "fd" \
            or not x.flags.c_contiguous or x.size >= _BIG:
        return 0
    n = math.prod(x.shape[nd - len(axes):])
    return n if n > 1 and x.size > n else 0


def _whole(shape, axes):
    """Whether a reduction over ``axes`` takes in every element: the axes it keeps have size 1
    (torch drops those, so ``x.sum(0)`` of an (n, 1) tensor adds in the order of ``x.sum()``)."""
    return bool(shape) and all(n == 1 for i, n in enumerate(shape) if i not in axes) and 0 not in shape


def _reduced_shape(shape, axes, keepdim):
    return tuple(1 if i in axes else n for i, n in enumerate(shape)) if keepdim else \
        tuple(n for i, n in enumerate(shape) if i not in axes)


def _sum_over(x, dim, keepdim):
    """``x`` summed over one axis: a whole tensor (a vector, an (n, 1) column), leading dims and the rows
    of a contiguous array in torch's order, else NumPy's (within rounding, see docs/differences.md)."""
    if x.size == x.shape[dim] and x.size:
        return as_array(sum_all(x)).reshape(_reduced_shape(x.shape, (dim % x.ndim,), keepdim))
    lead = _leading(x, (dim % x.ndim,), keepdim)
    if lead is not None:
        return lead
    n = _contiguous_rows(x, dim)
    if n:
        rows = np.ascontiguousarray(x).reshape(-1, n)     # (strided rows: NumPy's order follows memory)
        return _sum_order.inner_sums(rows).reshape(x.shape[:-1] + ((1,) if keepdim else ()))
    if x.flags.c_contiguous and x.dtype.char in "fd" and x.size < _BIG and \
            (r := _sum_order.sandwich_sums(x, {dim % x.ndim})) is not None:     # (B, n, 1).sum(1): rows
        return r.reshape(_reduced_shape(x.shape, (dim % x.ndim,), keepdim))
    return _reduce_add(x, dim, None, None, keepdim)


def _leading(x, axes, keepdim):
    """A sum over ``axes`` that keep the last axis (``x.sum(0)``: a batch summed per feature; ``x.sum(1)``
    of a (B, n, c) tensor) in torch's order (``_sum_order.axes_sum``, as the gradient of a bias or of
    a broadcast tensor is summed too), or None where not modelled."""
    if not axes or max(axes) >= x.ndim - 1:        # (a 0-d tensor's x.sum([]): no axes at all)
        return None
    s = _sum_order.axes_sum(x, set(axes))
    return s if s is None or not keepdim else s.reshape(_reduced_shape(x.shape, axes, True))


from ._layout import contig  # noqa: E402


def _summed(r, input, axes, keepdim, dim=None):
    """The tensor for a sum over ``axes`` (a tuple, or one axis as an int), its SumBackward1 recorded (``dim``:
    the dims as written, which torch's node keeps as ``_saved_dim``)."""
    x = input._data
    r = _wrap(r if r.__class__ is np.ndarray and x.flags.c_contiguous and x.size else contig(np.asarray(r)))
    if GRAD.enabled and input._rg:
        node = SumBackward1()
        node.shape = input._data.shape
        node.axes = (axes,) if axes.__class__ is int else axes
        node.keepdim = keepdim
        node.dim = dim
        record1(node, r, input)
    return r


class MeanBackward0(Node):
    """y = mean(x)   ->   dx = g broadcast to x's shape, / numel"""
    __slots__ = ("shape", "n")

    def backward(self, g):
        return (expand_back(g, self.shape, (), True) / self.n,)


class MeanBackward1(Node):
    """y = mean(x, dims)   ->   dx = g restored and broadcast, / (elements per mean)"""
    __slots__ = ("shape", "axes", "keepdim", "n", "dim")

    def backward(self, g):
        return (expand_back(g, self.shape, self.axes, self.keepdim) / self.n,)


def sum_all(x):
    """The sum of all of ``x``'s elements in its own dtype: float32/float64 in the order torch adds
    them (_sum_order.py: the last bit matches, so printed sums do), anything else with NumPy."""
    if x.dtype.char in "fd" and x.size > 1:
        r = _sum_order.total(x, get_num_threads())
        if r is not None:
            return r
    elif x.dtype.char in "FD" and x.size > 1:
        from ._sum_order_complex import total          # complex lanes: each part as a float row
        r = total(x, get_num_threads())
        if r is not None:
            return r
    return _add_reduce(x, None, False, x.dtype)


def mean_all(x):
    """The mean of all of ``x``'s elements as torch's CPU kernel takes it: its sum, divided by n."""
    if x.dtype.char in "fdFD" and x.size:
        return as_array(sum_all(x)) / x.dtype.type(x.size)
    return _mean(x, None, False)


def _mean(x, axes, keepdim):
    """float16 is averaged in float32; large arrays are summed on several threads."""
    acc = np.float32 if x.dtype == np.float16 else None
    if x.size == 0:                           # nan, as torch, without NumPy's "Mean of empty slice" warning
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.mean(x, axis=axes, keepdims=keepdim, dtype=acc)
    if x.size < _BIG:
        return np.mean(x, axis=axes, keepdims=keepdim, dtype=acc)
    n = x.size
    if axes is not None:
        n = 1
        for a in axes:
            n *= x.shape[a]
    total = _parallel.add_reduce(x, axes if axes is not None else tuple(range(x.ndim)), keepdim, acc or x.dtype)
    return np.true_divide(total, n, dtype=acc or x.dtype)


def mean(input, dim=NO_DIM, keepdim=KEEP, *, dtype=None, axis=None, keepdims=None, out=None):
    """torch.mean (``out=`` is handled around it, see _out.py)."""
    return tensor_mean(input, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)


def tensor_mean(input, dim=NO_DIM, keepdim=KEEP, *, dtype=None, axis=None, keepdims=None):
    """Tensor.mean, bound as the method itself."""
    if dim is NO_DIM:                   # no dim given: torch's no-dim overload, which takes no keepdim
        if (keepdim is not KEEP or keepdims is not None) and axis is None:
            keepdim_without_dim("mean", input, keepdim if keepdims is None else keepdims, dtype=dtype)
        dim = None
    if keepdim is not KEEP and keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if axis is not None:
        if dim is not None:
            raise TypeError("mean() got an unexpected keyword argument 'axis'")
        dim = axis
    if keepdims is not None:
        if keepdim is not KEEP or keepdims is not False and keepdims is not True:   # both spellings, or not a
            from .._arg_refuse import refuse as refuse_call                         # bool: torch's parser refuses
            refuse_call(TypeError("argument 'keepdim' must be bool"))
        keepdim = keepdims
    x = input._data
    if dtype is not None:
        want = to_dtype(dtype).np
        if want.kind not in "fc":
            raise RuntimeError("mean(): could not infer output dtype. Optional dtype must be either a floating "
                               f"point or complex dtype. Got: {type_name(want)}")
        x = x.astype(want)
    elif x.dtype.kind not in "fc":
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {type_name(x.dtype)}")
    if dim is None and not keepdim:
        r = _wrap(as_array(mean_all(x)).astype(x.dtype, copy=False))
        if GRAD.enabled and input._rg:
            node = MeanBackward0()
            node.shape = x.shape
            node.n = x.size
            record1(node, r, input)
        return r
    axes = dims_of(dim, x.ndim)
    if x.ndim and _whole(x.shape, axes):              # a whole-tensor mean, in its order
        r = _wrap(as_array(mean_all(x)).astype(x.dtype, copy=False).reshape(_reduced_shape(x.shape, axes, keepdim)))
    elif len(axes) == 1 and _contiguous_rows(x, axes[0]):   # contiguous rows: torch's sum, then / n
        r = _wrap(_sum_over(x, axes[0], keepdim) / x.dtype.type(x.shape[-1]))
    elif (lead := _leading(x, axes, keepdim)) is not None:   # a block of dims: torch's sum, then / n
        r = _wrap(lead / x.dtype.type(math.prod(x.shape[a] for a in axes)))
    elif n := _trailing_rows(x, axes):                      # trailing dims: their rows' sums, then / n
        r = _wrap((_sum_order.inner_sums(x.reshape(-1, n)) / x.dtype.type(n)).reshape(
            _reduced_shape(x.shape, axes, keepdim)))
    elif x.dtype.char in "fd" and x.flags.c_contiguous and x.size < _BIG and \
            (s := _sum_order.sandwich_sums(x, set(axes))) is not None:    # (N, C, L).mean([0, 2])
        r = _wrap((s / x.dtype.type(math.prod(x.shape[a] for a in axes))).reshape(
            _reduced_shape(x.shape, axes, keepdim)))
    else:
        r = _wrap(as_array(_mean(x, axes if x.ndim else None, keepdim)).astype(x.dtype, copy=False))
    if not (x.flags.c_contiguous and x.size):         # torch's reductions allocate contiguous outputs
        r._data = contig(r._data)
    if GRAD.enabled and input._rg:
        node = MeanBackward1()
        node.shape = x.shape
        node.axes = axes if x.ndim else ()
        node.keepdim = keepdim
        node.dim = dim
        n = 1
        for a in node.axes:
            n *= x.shape[a]
        node.n = n
        record1(node, r, input)
    return r


__all__ = ["sum", "mean", "dims_of", "restore_dims", "expand_back", "acc_dtype", "int64", "FROM_NP"]

# as methods they are Tensor.sum / Tensor.mean: argument errors name them so
tensor_sum.__name__ = tensor_sum.__qualname__ = "sum"
tensor_mean.__name__ = tensor_mean.__qualname__ = "mean"
