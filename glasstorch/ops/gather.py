"""Reading and writing by index tensors: index_select, gather, scatter, scatter_add, index_add,
index_fill, masked_fill, masked_select, take, nonzero, argwhere — and their in-place forms.

``gather``/``scatter`` index one dim with a tensor shaped like the output; we turn that into a
full NumPy advanced index (the other dims take their own position: ``np.indices``).
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record, record1, needs_grad
from .shape import is_array
from .inplace import commit, type_name  # noqa: F401  (type_name: re-exported)
from .._tensor import _wrap_dim
from ._index_dtype import checked_index
from . import index_checks
from ._scalar_cast import checked_scalar
from .._arg_refuse import not_a_tensor
from ._saved_indices import save_index as _save_index
from ._half_accumulate import accumulate_at


def _long_index(index, name):
    try:
        n = index._data.size
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if n == 0:       # torch checks an empty index for nothing (dtype, dims, sizes): nothing is read
        return np.zeros(index._data.shape, np.int64)
    return checked_index(index._data, "scatter" if name.startswith("scatter") else name)


def _one_d(a):
    """``a`` itself, or a 1-element view of it if it is 0-d: torch treats a 0-d tensor as having one
    position along dim 0, and NumPy cannot index a 0-d array by position."""
    return a.reshape(1) if a.ndim == 0 else a


def _full_index(idx, dim):
    """The NumPy index that picks ``x[..., idx[i, j, k], ...]`` (idx along ``dim``) at each position."""
    if idx.ndim == 0:                  # a 0-d index picks one position of a 1-d tensor, as torch
        return (idx,)
    grid = list(np.indices(idx.shape, sparse=True))
    grid[dim] = idx
    return tuple(grid)


# ---- index_select --------------------------------------------------------------------------------
class IndexSelectBackward0(Node):
    """y = x.index_select(d, i)   ->   dx = zeros.index_add(d, i, g)"""
    __slots__ = ("shape", "dim", "index")
    _saved_names = ("index", "attr:dim", "attr:self_sym_sizes")
    self_sym_sizes = property(lambda self: tuple(self.shape))

    def backward(self, g):
        self.saved()            # (freed after a backward, version-checked: torch saves the index)
        if is_array(g):
            out = np.zeros(self.shape, g.dtype)
            np.add.at(_one_d(out), (slice(None),) * self.dim + (self.index,), _one_d(g))
            return (out,)
        m = self.m
        return (m.zeros(self.shape, dtype=g.dtype).index_add(self.dim, m.tensor(self.index), g),)


def index_select(input, dim, index, *, out=None):
    try:
        sparse = input.is_sparse
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if sparse:
        from ..sparse._index_select import index_select as sparse_index_select
        return sparse_index_select(input, dim, index)
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    i = index_checks.index_select(x, d, index)
    r = _wrap(np.take(x, i, axis=d) if x.ndim else x.copy())
    if GRAD.enabled and input._rg:
        node = IndexSelectBackward0()
        node.shape, node.dim, node.index = x.shape, d, i
        _save_index(node, index)
        record1(node, r, input)
    return r


# ---- gather / scatter ------------------------------------------------------------------------------
def _check_scatter(x, idx, d, src):
    """torch's scatter shape check: index within self off ``d``, and within src (if a tensor) everywhere."""
    if src is not None and idx.ndim != src.ndim and not (src.ndim <= 1 and idx.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if idx.size == 0:
        return
    dims = max(x.ndim, 1)             # torch counts a 0-d tensor as one position in one dim
    wrong = any(k != d and _extent(idx, k) > _extent(x, k) for k in range(dims))
    if not wrong and src is not None:
        wrong = any(_extent(idx, k) > _extent(src, k) for k in range(dims))
    if wrong:
        tail = "" if src is None else f" and to be no larger size than src {list(src.shape)}"
        raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(x.shape)} apart "
                           f"from dimension {d}{tail}")


def _extent(a, k):
    return a.shape[k] if a.ndim else 1


def _check_gather(x, idx, d, name, src=None, bounds=True):
    if idx.size == 0:
        return
    if idx.ndim != x.ndim and not (x.ndim <= 1 and idx.ndim <= 1):
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {'input' if name == 'gather' else 'self'} tensor")
    if name != "gather":
        _check_scatter(x, idx, d, src)
    for k in range(idx.ndim if name == "gather" else 0):
        if k != d and idx.shape[k] > x.shape[k]:
            raise RuntimeError(f"Size does not match at dimension {k} expected index {list(idx.shape)} to be no "
                               f"larger than {'self' if name == 'gather' else 'self'} {list(x.shape)} apart from "
                               f"dimension {d}")
    if bounds:              # (the kernel's check: after the op's own dtype and reduce checks)
        check_bounds(x, idx, d)


def check_bounds(x, idx, d):
    size = x.shape[d] if x.ndim else 1
    bad = index_checks.first_outside(idx, size, False)
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {size}")


class GatherBackward0(Node):
    """y = x.gather(d, i)   ->   dx = zeros.scatter_add(d, i, g)"""
    __slots__ = ("shape", "dim", "index", "sparse_grad")
    _saved_names = ("self", "index", "attr:dim", "attr:sparse_grad")

    def backward(self, g):
        self.saved()            # (freed after a backward, version-checked: torch saves self and index)
        if is_array(g):
            out = np.zeros(self.shape, g.dtype)
            np.add.at(_one_d(out), _full_index(self.index, self.dim), g)
            return (out,)
        m = self.m
        return (m.zeros(self.shape, dtype=g.dtype).scatter_add(self.dim, m.tensor(self.index), g),)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    idx = _long_index(index, "gather")
    _check_gather(x, idx, d, "gather")
    r = _one_d(x)[_full_index(idx, d)] if idx.size else np.empty(idx.shape, x.dtype)
    if not idx.flags.c_contiguous:
        from ._layout import contig
        r = contig(r)               # torch's gather output: empty(index.shape), contiguous
    r = _wrap(r)
    if GRAD.enabled and input._rg:
        node = GatherBackward0()
        node.shape, node.dim, node.index, node.sparse_grad = x.shape, d, idx, sparse_grad
        _save_index(node, input, index)
        record1(node, r, input)
    return r


class ScatterBackward1(Node):
    """y = x.scatter(d, i, v) (v a number)   ->   dx = g with the scattered positions zeroed"""
    __slots__ = ("dim", "index", "src_shape")

    def backward(self, g):
        self.saved()            # (torch saves the index: freed after a backward, version-checked)
        where = _full_index(self.index, self.dim)
        if is_array(g):
            gx = np.array(g)
            _one_d(gx)[where] = 0
            return (gx,)
        m = self.m
        return (g.scatter(self.dim, m.tensor(self.index), 0.0),)


class ScatterBackward0(ScatterBackward1):
    """y = x.scatter(d, i, src)   ->   dx = g zeroed at i,   dsrc = g.gather(d, i)"""
    __slots__ = ()

    def backward(self, g):
        gx, = ScatterBackward1.backward(self, g)
        return gx, _src_grad(self, g)


def _src_grad(node, g):
    """The gradient of a scatter's ``src``: torch's g.gather(d, i), index-shaped (_scatter_src_grad.py)."""
    if tuple(node.index.shape) != tuple(node.src_shape):
        from ._scatter_src_grad import check
        check(node, node.index.shape)
    if is_array(g):
        if node.index.size == 0:
            return np.zeros(node.index.shape, g.dtype)
        return _one_d(g)[_full_index(node.index, node.dim)]
    return g.gather(node.dim, node.m.tensor(node.index))


def _src_values(s, idx):
    """The part of ``src`` a scatter reads: its leading block of the index's shape (a 0-d src or
    index: its first value)."""
    if s.ndim == 0 or idx.ndim == 0:
        return _one_d(s)[:1].reshape(idx.shape)
    return s[tuple(slice(0, n) for n in idx.shape)]


def scatter(input, dim, index, src=None, *, value=None, reduce=None, _op="scatter"):
    if src is None and value is None:       # neither src nor value: no overload of torch's takes the call
        from .._arg_refuse import refuse
        refuse(TypeError(f"{_op}() missing 1 required positional argument: 'src'"))
    if src is None:
        src = value
    is_t = isinstance(src, Tensor)
    if reduce is not None and is_t:
        from .._user_warning import warn_once
        warn_once("scatter_reduce_arg", "The reduce argument of torch.scatter with Tensor src is deprecated and will "
                  "be removed in a future PyTorch release. Use torch.scatter_reduce instead for more reduction "
                  "options. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
                  "TensorAdvancedIndexing.cpp:225.)")
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    idx = _long_index(index, "scatter")
    if is_t and src._data.dtype != x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather(x, idx, d, "scatter", src._data if is_t else None, bounds=False)
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if idx.size:
        check_bounds(x, idx, d)
    out = x.copy()
    if idx.size:            # an empty index writes nothing (and torch checks nothing more)
        where = _full_index(idx, d)
        vals = _src_values(src._data, idx) if is_t else x.dtype.type(checked_scalar(src, x.dtype))  # must fit
        if reduce is None:
            _one_d(out)[where] = vals
        elif reduce == "add":
            np.add.at(_one_d(out), where, vals)
        else:
            np.multiply.at(_one_d(out), where, vals)
    r = _wrap(out)
    if reduce is not None:      # torch has no derivative for the reduce overloads: a NotImplemented node
        from ._no_derivative import record_not_implemented
        return record_not_implemented(_op, r, input, *((src,) if is_t else ()))
    if needs_grad(input, src if is_t else input):
        node = ScatterBackward0() if is_t else ScatterBackward1()
        node.dim, node.index = d, idx
        node.src_shape = src._data.shape if is_t else None
        _save_index(node, index)
        record(node, r, input, *((src,) if is_t else ()))
    return r


class ScatterAddBackward0(Node):
    """y = x.scatter_add(d, i, src)   ->   dx = g,   dsrc = g.gather(d, i)"""
    __slots__ = ("dim", "index", "src_shape")
    _saved_names = ("index", "attr:dim")

    def backward(self, g):
        self.saved()            # (freed after a backward, version-checked: torch saves the index)
        return g, _src_grad(self, g)


def scatter_add(input, dim, index, src):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    idx = _long_index(index, "scatter_add")
    if src._data.dtype != x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather(x, idx, d, "scatter_add", src._data)
    out = x.copy()
    if idx.size:    # (float16: added in float32, rounded once, as torch's kernel)
        out = accumulate_at(np.add, _one_d(out), _full_index(idx, d), _src_values(src._data, idx)).reshape(x.shape)
    r = _wrap(out)
    if needs_grad(input, src):
        node = ScatterAddBackward0()
        node.dim, node.index, node.src_shape = d, idx, src._data.shape
        _save_index(node, index)
        record(node, r, input, src)
    return r


# ---- index_add / index_fill ----------------------------------------------------------------------
class IndexAddBackward0(Node):
    """y = x.index_add(d, i, src, alpha)   ->   dx = g,   dsrc = alpha * g.index_select(d, i)"""
    __slots__ = ("dim", "index", "alpha", "src_shape")

    def backward(self, g):
        self.saved()            # (freed after a backward, version-checked: torch saves index and source)
        if is_array(g):
            gs = np.take(g, self.index, axis=self.dim) if g.ndim else g.copy()
            return g, (gs if self.alpha == 1 else gs * self.alpha)
        from ._index_add_fma import graph_source_grad      # (create_graph: torch's recorded formula)
        return g, graph_source_grad(self, g)


def index_add(input, dim, index, source, *, alpha=1):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    s = source._data
    i = index_checks.index_add(x, d, index, s, alpha)
    if x.dtype.kind in "iub":           # torch converts alpha to self's dtype first (2.5 -> 2 for ints)
        alpha = bool(alpha) if x.dtype.kind == "b" else int(alpha)
    out = x.copy()
    from ._index_add_fma import fused_index_add       # (alpha != 1: torch's fused multiply-add)
    if out.size and i.size and alpha == 1 and x.dtype == np.float16:    # (float32 sums, as scatter_add)
        out = accumulate_at(np.add, _one_d(out), (slice(None),) * d + (i,), _one_d(s)).reshape(x.shape)
    elif out.size and i.size and not (alpha != 1 and fused_index_add(out, d, i, s, alpha)):
        np.add.at(_one_d(out), (slice(None),) * d + (i,), _one_d(s) if alpha == 1 else _one_d(s) * alpha)
    r = _wrap(out)
    if needs_grad(input, source):
        node = IndexAddBackward0()
        node.dim, node.index, node.alpha, node.src_shape = d, i, alpha, tuple(s.shape)
        _save_index(node, index, source)
        record(node, r, input, source)
    return r


class IndexFillBackward0(Node):
    """y = x.index_fill(d, i, v)   ->   dx = g with the filled slices zeroed"""
    __slots__ = ("dim", "index")

    def backward(self, g):
        self.saved()            # (torch saves the index: freed after a backward, version-checked)
        if is_array(g):
            gx = np.array(g)
            _one_d(gx)[(slice(None),) * self.dim + (self.index,)] = 0
            return (gx,)
        return (g.index_fill(self.dim, self.m.tensor(self.index), 0.0),)


class IndexFillBackward1(IndexFillBackward0):
    """y = x.index_fill(d, i, v), v a 0-d tensor   ->   dx = g with the filled slices zeroed,
    dv = g.index_select(d, unique(i)).sum()"""
    __slots__ = ()

    def backward(self, g):
        gx, = IndexFillBackward0.backward(self, g)
        idx = np.unique(np.asarray(self.index).reshape(-1))
        if is_array(g):
            gv = _wrap(np.take(_one_d(np.asarray(g)), idx, axis=self.dim)).sum()._data
        else:
            gv = (g.reshape(1) if g.dim() == 0 else g).index_select(self.dim, self.m.tensor(idx)).sum()
        return gx, gv


def index_fill(input, dim, index, value):
    x = input._data
    is_t = isinstance(value, Tensor)
    if is_t and value._data.ndim:   # torch checks the value, then the index's dtype, then wraps the dim
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value._data.ndim} dimension(s).")
    checked_index(index._data, "index_fill")
    d = _wrap_dim(dim, x.ndim)
    i = index_checks.index_fill(x, d, index, value._data if is_t else value, is_t)
    from ._layout import clone
    out = clone(x)          # torch's index_fill: x.clone() (x's layout), then filled
    # a 0-d tensor value is read as a number (torch's value.item()), which must fit the dtype
    _one_d(out)[(slice(None),) * d + (i,)] = checked_scalar(value._data.item() if is_t else value, x.dtype)
    r = _wrap(out)
    if is_t and GRAD.enabled and (input._rg or value._rg):    # torch's index_fill.int_Tensor: value differentiable
        node = IndexFillBackward1()
        node.dim, node.index = d, i
        _save_index(node, index)
        record(node, r, input, value)
    elif GRAD.enabled and input._rg:
        node = IndexFillBackward0()
        node.dim, node.index = d, i
        _save_index(node, index)
        record1(node, r, input)
    return r


from .masks import (MaskedFillBackward0, MaskedFillBackward1, MaskedSelectBackward0, TakeBackward0,  # noqa: E402,F401
                    masked_fill, masked_select, take, nonzero, argwhere, _check_mask)


# ---- in-place forms --------------------------------------------------------------------------------
def masked_fill_(input, mask, value):
    # in place torch checks the value, then the mask's dtype, then broadcasts self (tensor a) with the mask
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value._data.ndim} dimension(s).")
    _check_mask(mask, "masked_fill_")
    try:
        np.broadcast_shapes(input._data.shape, mask._data.shape)
    except ValueError:
        from ._common import broadcast_error
        raise broadcast_error(input._data.shape, mask._data.shape) from None
    from .expanded_writes import write_where
    return commit(input, lambda: masked_fill(input, mask, value), "masked_fill", write_where(mask._data))


def index_add_(input, dim, index, source, *, alpha=1):
    return commit(input, lambda: index_add(input, dim, index, source, alpha=alpha), "index_add")


def index_fill_(input, dim, index, value):
    def write(td, rd):          # an expanded input: only the indexed slices are written (expanded_writes.py)
        from .expanded_writes import index_fill_mask, write_where
        write_where(index_fill_mask(td.shape, _wrap_dim(dim, td.ndim), index._data))(td, rd)
    return commit(input, lambda: index_fill(input, dim, index, value), "index_fill", write)


def scatter_(input, dim, index, src=None, *, value=None, reduce=None):
    return commit(input, lambda: scatter(input, dim, index, src, value=value, reduce=reduce, _op="scatter_"), "scatter")


def scatter_add_(input, dim, index, src):
    return commit(input, lambda: scatter_add(input, dim, index, src), "scatter_add")


__all__ = ["index_select", "gather", "scatter", "scatter_add", "index_add", "index_fill", "masked_fill",
           "masked_select", "take", "nonzero", "argwhere"]
