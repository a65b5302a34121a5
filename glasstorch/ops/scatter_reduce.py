"""scatter_reduce and index_reduce: fold values into a tensor at indexed positions with sum, prod,
mean, amax or amin (``include_self`` decides whether the tensor's own value takes part).

index_reduce(d, i, src) is scatter_reduce(d, I, src) with I the index i spread over src's shape,
so both share one kernel.  Values fold in index order, as torch's CPU loop does."""
import numpy as np

from ..autograd.graph import Node
from ._common import Tensor, _wrap, record, needs_grad
from .gather import _check_gather, _full_index, _one_d
from .inplace import commit
from .shape import is_array
from .._tensor import _wrap_dim
from ._index_dtype import checked_index
from ._half_accumulate import accumulate_at
from ._complex_refuse import not_implemented, refuse

_REDUCES = ("sum", "prod", "mean", "amax", "amin")
_UFUNC = {"sum": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum, "mean": np.add}


def _identity(reduce, dt):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dt.kind == "b":                  # bool's lowest is False (-True would cast back to True)
        return reduce != "amax"
    big = np.inf if dt.kind == "f" else np.iinfo(dt).max if dt.kind in "iu" else True
    return -big if reduce == "amax" else big


def _fold(x, where, vals, reduce, include_self, wide=False):
    """The reduced tensor and, for the mean, how many values met at each position.  ``x`` is at least
    1-d here (a 0-d tensor comes as a 1-element view: see ``_one_d``)."""
    out = x.copy()
    hit = np.zeros(x.shape, bool)
    hit[where] = True
    if not include_self:
        out[hit] = _identity(reduce, x.dtype)
    if wide and reduce in ("sum", "prod", "mean"):     # scatter_reduce's float16: float32 sums (index_reduce's not)
        out = accumulate_at(_UFUNC[reduce], out, where, vals)
    else:
        _UFUNC[reduce].at(out, where, vals)
    count = None
    if reduce == "mean":
        count = np.ones(x.shape, np.int64) if include_self else np.zeros(x.shape, np.int64)
        np.add.at(count, where, 1)
        count[count == 0] = 1
        if x.dtype.kind in "fc":
            out = out / count.astype(x.dtype)
        else:
            out = np.floor_divide(out, count).astype(x.dtype)
    return out, count


class ScatterReduceBackward0(Node):
    """y = x.scatter_reduce(d, i, src, op)   ->   sum: dx = g, dsrc = g.gather(d, i);  mean: both over the
    count N;  amax/amin: g split evenly among the x and src entries equal to y;  prod: g y / x, g y / src"""
    __slots__ = ("where", "reduce", "include_self", "count", "src_shape", "region", "index_shape", "dim", "index",
                 "reduce_kind")

    def backward(self, g):
        x, src, y = self.saved()
        if self.reduce == "prod":       # torch's formula reads (zeros > 1).any().item(): refused in a vmap
            from .._vmap_dynamic import note
            note("item_internal", _wrap(np.concatenate([np.ravel(getattr(t, "_data", t)) for t in (x, src)])))
        if not is_array(g):     # create_graph: recorded (scatter_reduce_double.py)
            from .scatter_reduce_double import graph_grads
            out = graph_grads(self, self.m, g, x, src, y)
            if out is not None:
                return out
            g, x, src, y = g._data, x._data, src._data, y._data
        shape = x.shape              # a 0-d self was folded as a 1-element vector
        x, y, g = _one_d(x), _one_d(y), _one_d(g)
        where, red = self.where, self.reduce
        s = src[self.region]
        if red == "sum":
            gx, gs = g.copy(), g[where]
        elif red == "mean":
            n = self.count.astype(g.dtype)
            gx, gs = g / n, (g / n)[where]
        elif red in ("amax", "amin"):
            self_is = (x == y).astype(g.dtype)
            src_is = (s == y[where]).astype(g.dtype)
            n = self_is.copy()
            np.add.at(n, where, src_is)
            share = g / n
            gx, gs = self_is * share, src_is * share[where]
        else:
            gx, gs = _prod_grads(x, s, y, g, where, self.include_self)
        if not self.include_self:
            gx = gx.copy()
            gx[where] = 0
        gx = gx.reshape(shape)
        if self.index_shape != tuple(self.src_shape):     # an index smaller than src: torch's shapes
            from ._scatter_src_grad import reduce_src_grad
            return gx, reduce_src_grad(self, x, src, y, g)
        gsrc = np.zeros(self.src_shape, g.dtype)
        gsrc[self.region] = gs
        return gx, gsrc


def _prod_grads(x, s, y, g, where, include_self):
    """The product's gradients, exact where zeros make y / x undefined (torch's formula)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        masked_x = np.where(x == 0, 1, x)
        r_masked, _ = _fold(masked_x, where, s, "prod", include_self)
        gx = g * r_masked / masked_x
        zero = s == 0
        nzero = np.zeros(x.shape, g.dtype)
        np.add.at(nzero, where, zero.astype(g.dtype))
        nzero = nzero[where]
        single = zero & (nzero == 1)
        r_single, _ = _fold(x, where, np.where(single, 1, s), "prod", include_self)
        # (with several zeros at one position this is g * 0 / 1: a zero carrying g's sign, as torch's)
        gs = np.where(single, (g * r_single)[where], (g * y)[where] / np.where(zero, 1, s))
    return gx, gs


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    idx = checked_index(index._data, "scatter") if index._data.size else np.zeros(index._data.shape, np.int64)
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)      # torch takes the old names too
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if src._data.dtype != x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather(x, idx, d, "scatter", src._data, bounds=False)
    # the kernel: amax/amin refuse complex before the bounds check, mean refuses bool after it
    if idx.size and x.dtype.kind == "c" and reduce in ("amax", "amin"):
        raise not_implemented(f"scatter_gather_tensor_cpu_reduce_{reduce}", x.dtype)
    if idx.size:
        from .gather import check_bounds
        check_bounds(x, idx, d)
    if idx.size and x.dtype.kind == "b" and reduce == "mean":
        raise not_implemented(f"scatter_gather_tensor_cpu_reduce_{reduce}", x.dtype)
    if not idx.size:        # no kernel runs; mean still divides by the counts (floor division for bool: none)
        if reduce == "mean" and x.dtype.kind == "b":
            raise not_implemented("div_floor_cpu", x.dtype)
        nothing = np.zeros(0, np.int64)
        region = (nothing,) * src._data.ndim if src._data.ndim else Ellipsis
        return _reduce_op(input, src, (nothing,) * max(x.ndim, 1), region, reduce, include_self,
                          ScatterReduceBackward0, idx.shape)
    shape = idx.shape
    if idx.ndim == 0 or src._data.ndim == 0:
        # torch reads a 0-d index or src as one element along dim 0: folded as 1-element vectors (a 0-d
        # src through a view), the src gradient still checked against a 0-d index's own shape
        shape = idx.shape if src._data.ndim else (1,)
        idx = idx.reshape(1)
        src = src.reshape(1) if src._data.ndim == 0 else src
    region = tuple(slice(0, n) for n in idx.shape)
    return _reduce_op(input, src, _full_index(idx, d), region, reduce, include_self, ScatterReduceBackward0,
                      shape, (d, idx, "scatter"))


def _reduce_op(input, src, where, region, reduce, include_self, node_cls, index_shape=None, by=(None, None, None)):
    x = input._data
    out, count = _fold(_one_d(x), where, src._data[region], reduce, include_self,
                       wide=node_cls is ScatterReduceBackward0)
    r = _wrap(out.reshape(x.shape).astype(x.dtype, copy=False))
    if needs_grad(input, src):
        if x.dtype.kind == "c":
            raise RuntimeError("scatter_reduce does not support automatic differentiation for outputs with complex dtype.")
        from .inplace_more import original
        node = node_cls()
        node.where, node.reduce, node.include_self, node.count = where, reduce, include_self, count
        node.src_shape, node.region = src._data.shape, region
        node.index_shape = tuple(src._data.shape if index_shape is None else index_shape)
        node.dim, node.index, node.reduce_kind = by        # (the graph's formulas under create_graph)
        node.save(original(input), src, r, result_at=2)
        record(node, r, input, src)
    return r


class IndexReduceBackward0(ScatterReduceBackward0):
    """y = x.index_reduce(d, i, src, op): scatter_reduce's gradients with i spread over src's shape"""
    __slots__ = ()


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    x = input._data
    s = source._data
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    d = _wrap_dim(dim, x.ndim)
    from .index_checks import index_add as index_func_checks      # (torch's index_func_meta_impl, shared)
    i = index_func_checks(x, d, index, s, 1, "index_reduce", bounds=False)
    from ..autograd._no_forward_ad import refuse_forward_ad      # no forward formula; before the warning, as torch
    refuse_forward_ad("index_reduce", input, source)
    from .._user_warning import warn_once
    warn_once("index_reduce_beta", "index_reduce() is in beta and the API may change at any time. (Triggered "
              "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:1523.)")
    refuse("index_func_", x)
    if x.dtype == np.bool_:
        raise not_implemented("index_func_", x.dtype)
    from .index_checks import first_outside
    if first_outside(i, x.shape[d] if x.ndim else 1, False) is not None:    # (the kernel's check)
        raise IndexError("index out of range in self")
    full = np.broadcast_to(i.reshape((-1,) + (1,) * (s.ndim - d - 1)), s.shape) if s.ndim else i
    where = _full_index(full, d)
    region = tuple(slice(0, n) for n in s.shape)
    return _reduce_op(input, source, where, region, reduce, include_self, IndexReduceBackward0, None, (d, i, "index"))


def scatter_reduce_(input, dim, index, src, reduce, *, include_self=True):
    return commit(input, lambda: scatter_reduce(input, dim, index, src, reduce, include_self=include_self),
                  "scatter_reduce")


def index_reduce_(input, dim, index, source, reduce, *, include_self=True):
    return commit(input, lambda: index_reduce(input, dim, index, source, reduce, include_self=include_self),
                  "index_reduce")


__all__ = ["scatter_reduce", "index_reduce", "scatter_reduce_", "index_reduce_"]
_ = Tensor
