"""More reductions: max/min (whole, along a dim, binary), amax/amin, argmax/argmin, prod, logsumexp,
all/any, count_nonzero.  var/std live in ``moments.py``, the norms in ``norms.py``, cumsum/cumprod
in ``cumulative.py`` (re-exported here, where they used to be).

At ties, whole-tensor max/min and amax/amin share the gradient evenly between the tied elements;
max/min along a dim send it to the returned index only (torch's derivatives.yaml).
"""
import builtins

import numpy as np

from .._dtype import DEFAULT
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, as_array, record1, edge
from ._complex_refuse import not_implemented, refuse, refuse_aminmax, refuse_complex_reduction, refuse_msg
from .reduction import acc_dtype, axes_of, dims_of, restore_dims
from . import _prod_order
from .._runtime import get_num_threads
from .shape import is_array
from ._layout import contig_of
from .._tensor import _wrap_dim
from ._no_dim import KEEP, NO_DIM, keepdim_without_dim
from .._arg_parser import is_index
from .moments import var, std, var_mean, std_mean            # noqa: F401  (re-exported: old home)
from .norms import vector_norm, norm, dist                   # noqa: F401
from .cumulative import cumsum, cumprod                      # noqa: F401
from .._return_types import return_type
from .prod_double import prod_backward_recorded
from ._evenly import MaxBackward1, MinBackward1       # noqa: F401  (whole-tensor max/min: evenly split)
from ._saved_indices import _SelectAlong    # (max/min along a dim; sorting.py imports it from here)
from .._arg_refuse import not_a_tensor
from . import _logsumexp_order as _lse


def _ret(name):
    return return_type(name, ["values", "indices"])


max_ret, min_ret, sort_ret, topk_ret, kthvalue_ret, median_ret, mode_ret, cummax_ret, cummin_ret = (
    _ret(n) for n in ("max", "min", "sort", "topk", "kthvalue", "median", "mode", "cummax", "cummin"))
aminmax_ret = return_type("aminmax", ["min", "max"])     # prints as torch.return_types.aminmax(...)


# ---- max / min -----------------------------------------------------------------------------------
class _ByCount(Node):
    """torch's scale_grad_by_count: dx = g / (ties in the slice) * (x == y), for amax/amin"""
    __slots__ = ("axes", "keepdim")

    def backward(self, g):
        x, y = self.saved()
        y = restore_dims(y, self.axes, self.keepdim)
        g = restore_dims(g, self.axes, self.keepdim)
        # torch's mask is result == self: a nan slice matches nothing, its count is 0 and g / 0 * 0
        # makes the whole slice's gradient nan.  It multiplies by the mask (not where), so zeros keep
        # the sign of g
        mask = x == y
        if is_array(mask):
            count = mask.sum(axis=self.axes or None, keepdims=True)
            return ((g / count) * mask,)
        count = mask.sum(self.axes, keepdim=True) if self.axes else mask.sum()
        return ((g / count) * mask,)


class AmaxBackward0(_ByCount):
    """y = amax(x, dims)   ->   dx = g / (ties in the slice) at each element equal to its slice's max"""
    __slots__ = ()


class AminBackward0(_ByCount):
    """y = amin(x, dims)   ->   dx = g / (ties in the slice) at each element equal to its slice's min"""
    __slots__ = ()


class MaxBackward0(_SelectAlong):
    """(y, i) = max(x, d)   ->   dx = zeros with g written at the returned indices"""
    __slots__ = ()


class MinBackward0(_SelectAlong):
    """(y, i) = min(x, d)   ->   dx = zeros with g written at the returned indices"""
    __slots__ = ()


_EMPTY = ("{0}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with "
          "the 'dim' argument.")


def _extreme(name, input, dim, keepdim, other):
    if isinstance(dim, Tensor) or other is not None:
        from .binary_more import maximum, minimum
        return (maximum if name == "max" else minimum)(input, dim if other is None else other)
    x = input._data
    if x.dtype.kind == "c" and dim is None and x.size:   # (an empty one gets the missing-dim error below first)
        raise not_implemented(name + "_all", x.dtype)
    if dim is None:
        if x.size == 0:
            raise RuntimeError(_EMPTY.format(name))
        r = _wrap(as_array(np.max(x) if name == "max" else np.min(x)))
        if GRAD.enabled and input._rg:
            node = (MaxBackward1 if name == "max" else MinBackward1)()
            node.save(input, r, result_at=1)
            record1(node, r, input)
        return r
    d = _wrap_dim(dim, x.ndim)
    xd = x if x.ndim else x.reshape(1)
    if xd.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    if x.dtype.kind == "c":                  # (after the dim's checks)
        raise RuntimeError(f"{name}(): does not support complex input")
    idx = (np.argmax if name == "max" else np.argmin)(xd, axis=d, keepdims=True)
    vals = np.take_along_axis(xd, idx, d)
    if not keepdim or not x.ndim:
        vals, idx = np.squeeze(vals, d), np.squeeze(idx, d)
    if not x.ndim:
        vals, idx = vals.reshape(()), idx.reshape(())
    v = _wrap(vals)
    i = _wrap(idx.astype(np.int64))
    if GRAD.enabled and input._rg:
        node = (MaxBackward0 if name == "max" else MinBackward0)()
        node.shape, node.axis, node.keepdim = x.shape, d if x.ndim else 0, keepdim
        node.dim = int(dim) % 2 ** 64
        node.save(i)
        record1(node, v, input)
    return (max_ret if name == "max" else min_ret)(v, i)


def max(input, dim=NO_DIM, keepdim=KEEP, *, other=None, out=None):
    if dim is None:        # torch has no overload taking dim=None here: its parser refuses it
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if dim is NO_DIM:
        dim = None if keepdim is KEEP else keepdim_without_dim("max", input, keepdim)
    if keepdim is not KEEP and keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    return _extreme("max", input, dim, keepdim, other)


def min(input, dim=NO_DIM, keepdim=KEEP, *, other=None, out=None):
    if dim is None:        # torch has no overload taking dim=None here: its parser refuses it
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if dim is NO_DIM:
        dim = None if keepdim is KEEP else keepdim_without_dim("min", input, keepdim)
    if keepdim is not KEEP and keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    return _extreme("min", input, dim, keepdim, other)


def _amaxmin(name, node_cls, input, dim, keepdim):
    if keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    x = input._data
    if x.size == 0 and dim in (None, ()):      # no dim named: torch asks for one
        raise RuntimeError(_EMPTY.format(name))
    if x.size == 0:                           # each dim as given, before the repeated-dim check
        for d in (dim if isinstance(dim, (tuple, list)) else (dim,)):
            if x.shape[_wrap_dim(d, x.ndim)] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    axes = dims_of(dim if dim != () else None, x.ndim)
    refuse_complex_reduction(name[1:] + "_values_cpu", name, x, GRAD.enabled and input._rg)   # (after the dims)
    fn = np.max if name == "amax" else np.min
    r = _wrap(contig_of(as_array(fn(x, axis=axes if x.ndim else None, keepdims=keepdim)), x))
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.axes, node.keepdim = (axes if x.ndim else ()), keepdim
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


def amax(input, dim=(), keepdim=False, *, out=None):
    return _amaxmin("amax", AmaxBackward0, input, dim, keepdim)


def amin(input, dim=(), keepdim=False, *, out=None):
    return _amaxmin("amin", AminBackward0, input, dim, keepdim)


class AminmaxBackward0(Node):
    """(lo, hi) = aminmax(x)   ->   dx = amin's gradient from g_lo + amax's gradient from g_hi"""
    __slots__ = ("lo", "hi")
    _nout = 2
    # torch passes an unused output's gradient as undefined and leaves its term out: a zero-filled g
    # would add +0.0 to the other term's -0.0 entries (the engine's _fill keeps None for this node)
    materialize_grads = False

    def backward(self, gs):
        parts = [p.backward(g)[0] for p, g in zip((self.lo, self.hi), gs) if g is not None]
        return (parts[0] + parts[1] if len(parts) == 2 else parts[0],)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    if dim is not None and not is_index(dim):
        from .._arg_parser import tp_name
        raise TypeError(f"aminmax(): argument 'dim' must be int, not {tp_name(dim)}")
    if input._data.size == 0:
        if dim is None:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                               "no identity.")
        d = _wrap_dim(dim, input._data.ndim)
        if input._data.ndim and input._data.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
    refuse_aminmax(input._data, dim)
    from ..autograd.grad_mode import no_grad
    with no_grad():
        lo = amin(input, () if dim is None else dim, keepdim)
        hi = amax(input, () if dim is None else dim, keepdim)
    if GRAD.enabled and input._rg:
        node = AminmaxBackward0()
        node.lo, node.hi = AminBackward0(), AmaxBackward0()
        for nr, (part, r) in enumerate(((node.lo, lo), (node.hi, hi))):
            part.axes, part.keepdim = dims_of(dim, input._data.ndim) if input._data.ndim else (), keepdim
            part.save(input, r, result_at=1)
            part._own_outputs = {1: (node, nr)}      # torch's one node saved both results
        node.next_functions = (edge(input),)
        node._shape, node._dtype = [lo._data.shape, hi._data.shape], [lo._data.dtype, hi._data.dtype]
        for i, r in enumerate((lo, hi)):
            r.grad_fn, r._rg, r._out_nr = node, True, i
    return aminmax_ret(lo, hi)


def _arg(fn, name, input, dim, keepdim):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if dim is not None and dim.__class__ is not int:     # (the parser's check comes before the dtype's)
        from .._arg_refuse import int_arg
        dim = int_arg(dim)
    if keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if x.dtype.kind in "cb":
        raise RuntimeError(f"{name}(): does not support {'bool' if x.dtype.kind == 'b' else 'complex'} input")
    if dim is None:
        if x.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = fn(x.reshape(-1))
        return _wrap(np.asarray(r, np.int64).reshape((1,) * x.ndim if keepdim else ()))
    d = _wrap_dim(dim, x.ndim)
    if not x.ndim:
        return _wrap(np.asarray(0, np.int64))
    if x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return _wrap(contig_of(fn(x, axis=d, keepdims=keepdim).astype(np.int64), x))


def argmax(input, dim=None, keepdim=False):
    return _arg(np.argmax, "argmax", input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    return _arg(np.argmin, "argmin", input, dim, keepdim)


# ---- prod ----------------------------------------------------------------------------------------
def _others_product(x, axis):
    """For each element, the product of all *other* elements along ``axis`` (exact with zeros)."""
    n = x.shape[axis]
    if n == 0:                                   # nothing to multiply: an empty gradient
        return np.ones_like(x)
    ones = np.ones_like(np.take(x, [0], axis=axis))
    left = np.cumprod(np.concatenate([ones, np.take(x, range(n - 1), axis=axis)], axis=axis), axis=axis)
    rev = np.flip(x, axis)
    right = np.flip(np.cumprod(np.concatenate([ones, np.take(rev, range(n - 1), axis=axis)], axis=axis),
                               axis=axis), axis)
    return left * right


class ProdBackward0(Node):
    """y = prod(x)   ->   dx = g * (product of all other elements)"""
    __slots__ = ()

    def backward(self, g):
        x, y = self.saved()
        if is_array(g):
            # torch's prod_backward: g * (y / x) without zeros; with two or more zeros every
            # gradient is 0; with one, the products of the others (cumulative both ways)
            zeros = np.count_nonzero(x == 0)
            if not zeros:
                return (g * (y / x),)
            if zeros > 1:
                return (np.zeros_like(x),)
            return (g * _others_product(x.reshape(-1), 0).reshape(x.shape),)
        return (prod_backward_recorded(g, x, y, None),)


class ProdBackward1(Node):
    """y = prod(x, d)   ->   dx = g * (product of the other elements along d)"""
    __slots__ = ("dim", "keepdim")

    def backward(self, g):
        x, y = self.saved()
        g = restore_dims(g, (self.dim,), self.keepdim)
        if is_array(g):
            if not (x == 0).any():              # torch's prod_backward: g * (y / x) without zeros
                return (g * (restore_dims(y, (self.dim,), self.keepdim) / x),)
            return (g * _others_product(x, self.dim),)
        return (prod_backward_recorded(g, x, restore_dims(y, (self.dim,), self.keepdim), self.dim),)


def prod(input, dim=NO_DIM, keepdim=KEEP, *, dtype=None):
    if dim is None:        # torch has no overload taking dim=None here: its parser refuses it
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if dim is NO_DIM:
        dim = None if keepdim is KEEP else keepdim_without_dim("prod", input, keepdim, dtype=dtype)
    if keepdim is not KEEP and keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    odt = acc_dtype(x, dtype)
    # floats multiply in torch's order and their own dtype (float16 rounds every step: _prod_order.py)
    if dim is None:
        r = _wrap(as_array(_prod_order.values(x, None, False, odt, get_num_threads())))
        node_cls, d = ProdBackward0, None
    else:
        d = _wrap_dim(dim, x.ndim)
        r = _wrap(contig_of(as_array(_prod_order.values(x, d, keepdim, odt, get_num_threads())), x))
        node_cls = ProdBackward1
    if GRAD.enabled and input._rg:
        node = node_cls()
        if d is not None:
            node.dim, node.keepdim = (d if x.ndim else 0), (keepdim or not x.ndim)
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


# ---- logsumexp, cumulative ops ------------------------------------------------------------------
class LogsumexpBackward0(Node):
    """y = log(sum(exp(x)))   ->   dx = g * exp(x - y)"""
    __slots__ = ("axes", "keepdim")

    def backward(self, g):
        x, y = self.saved()
        g = restore_dims(g, self.axes, self.keepdim)
        y = restore_dims(y, self.axes, self.keepdim)
        return (g * _lse.exp_of(x - y),)       # (at::exp: _logsumexp_order.py)


def logsumexp(input, dim=NO_DIM, keepdim=KEEP, *, out=None):
    if dim is NO_DIM:                       # (torch's parser words "missing dim" its own way)
        keepdim_without_dim("logsumexp", input, keepdim)
    if dim is None or keepdim is not KEEP and keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    x = input._data
    if x.dtype.kind not in "fc":
        x = x.astype(DEFAULT.float.np)
    axes = axes_of(dim, x.ndim)
    if isinstance(dim, (tuple, list)) and not dim and x.ndim and x.size and keepdim is not True:
        # torch sums every dim into a 0-d result, then adds the kept-dim maxes to it in place: its error
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape [{', '.join(['1'] * x.ndim)}]")
    if not x.ndim:
        r = _wrap(x.copy())
    else:
        # complex: shifted by the largest real part, as torch does
        xr = x.real if x.dtype.kind == "c" else x
        mx = np.max(xr, axis=axes, keepdims=True) if x.size else np.zeros((1,) * x.ndim, xr.dtype)
        mx = np.where(np.isinf(mx), 0, mx)
        with np.errstate(divide="ignore"):
            s = _lse.log_sum_exp(x, tuple(axes), mx)
        r = _wrap(contig_of(as_array(s if keepdim else np.squeeze(s, axes)).astype(x.dtype, copy=False), x))
    if GRAD.enabled and input._rg:
        node = LogsumexpBackward0()
        node.axes, node.keepdim = axes, keepdim
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


# ---- boolean reductions ---------------------------------------------------------------------------
def _logical(fn, input, dim, keepdim):
    if keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    x = input._data
    if isinstance(dim, (tuple, list)) and not dim:      # dim=(): nothing reduced, each element tested
        axes = ()
    else:
        axes = None if dim is None else axes_of(dim, x.ndim) or None
    r = as_array(fn(x, axis=axes, keepdims=keepdim))
    return _wrap(contig_of(as_array(r.astype(np.uint8) if x.dtype == np.uint8 else r), x))


def all(input, dim=None, keepdim=False, *, out=None):
    return _logical(np.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False, *, out=None):
    return _logical(np.any, input, dim, keepdim)


def count_nonzero(input, dim=None):
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    axes = None if dim is None else axes_of(dim, x.ndim) or None
    return _wrap(contig_of(as_array(np.count_nonzero(x, axis=axes)).astype(np.int64), x))

