"""More reductions: max/min (whole, along a dim, binary), amax/amin, argmax/argmin, prod, var/std,
norm and vector_norm, logsumexp, cumsum/cumprod, all/any, count_nonzero.

At ties, whole-tensor max/min and amax/amin share the gradient evenly between the tied elements;
max/min along a dim send it to the returned index only (torch's derivatives.yaml).
"""
import builtins
import collections

import numpy as np

from .._dtype import to_dtype, DEFAULT
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, as_array, record, record1, needs_grad, binary_operands, edge
from .reduction import dims_of, expand_back
from .shape import is_array
from .._tensor import _wrap_dim


def _ret(name):
    cls = collections.namedtuple(name, ["values", "indices"])
    cls.__repr__ = lambda s: f"torch.return_types.{name}(\nvalues={s.values!r},\nindices={s.indices!r})"
    cls.__module__ = "torch.return_types"
    return cls


max_ret, min_ret, sort_ret, topk_ret, kthvalue_ret, median_ret, mode_ret, cummax_ret, cummin_ret = (
    _ret(n) for n in ("max", "min", "sort", "topk", "kthvalue", "median", "mode", "cummax", "cummin"))
aminmax_ret = collections.namedtuple("aminmax", ["min", "max"])


def _restore(g, shape, axes, keepdim):
    """``g`` with the reduced axes put back (size 1) when keepdim was False."""
    if keepdim or not axes:
        return g
    if is_array(g):
        return np.expand_dims(g, axes)
    for a in axes:
        g = g.unsqueeze(a)
    return g


# ---- max / min -----------------------------------------------------------------------------------
class MaxBackward1(Node):
    """y = max(x)   ->   dx = g / (number of ties) at every element equal to y"""
    __slots__ = ("axes", "keepdim")

    def backward(self, g):
        x, y = self.saved()
        m = self.m
        y = _restore(y, None, self.axes, self.keepdim)
        g = _restore(g, None, self.axes, self.keepdim)
        mask = (x == y) | ((x != x) & (y != y))
        # torch multiplies by the mask (not where), so zeros keep the sign of g
        if is_array(mask):
            count = mask.sum(axis=self.axes or None, keepdims=True)
            return ((g / count) * mask,)
        count = mask.sum(self.axes, keepdim=True) if self.axes else mask.sum()
        return ((g / count) * mask,)


class MinBackward1(MaxBackward1):
    """y = min(x)   ->   dx = g / (number of ties) at every element equal to y"""
    __slots__ = ()


class AmaxBackward0(MaxBackward1):
    """y = amax(x, dims)   ->   dx = g / (ties in the slice) at each element equal to its slice's max"""
    __slots__ = ()


class AminBackward0(MaxBackward1):
    """y = amin(x, dims)   ->   dx = g / (ties in the slice) at each element equal to its slice's min"""
    __slots__ = ()


class MaxBackward0(Node):
    """(y, i) = max(x, d)   ->   dx = zeros with g written at the returned indices"""
    __slots__ = ("shape", "dim", "keepdim", "index")

    def backward(self, gs):
        g = gs[0] if isinstance(gs, list) else gs
        idx = self.index if self.keepdim else np.expand_dims(self.index, self.dim)
        if is_array(g):
            out = np.zeros(self.shape, g.dtype)
            np.put_along_axis(out, idx, g if self.keepdim else np.expand_dims(g, self.dim), self.dim)
            return (out,)
        m = self.m
        g = g if self.keepdim else g.unsqueeze(self.dim)
        return (m.zeros(self.shape, dtype=g.dtype).scatter(self.dim, m.tensor(idx), g),)


class MinBackward0(MaxBackward0):
    """(y, i) = min(x, d)   ->   dx = zeros with g written at the returned indices"""
    __slots__ = ()


_EMPTY = ("{0}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with "
          "the 'dim' argument.")


def _extreme(name, input, dim, keepdim, other):
    if isinstance(dim, Tensor) or other is not None:
        from .binary_more import maximum, minimum
        return (maximum if name == "max" else minimum)(input, dim if other is None else other)
    x = input._data
    if x.dtype == np.bool_ and name in ("max", "min"):
        pass
    if dim is None:
        if x.size == 0:
            raise RuntimeError(_EMPTY.format(name))
        r = _wrap(as_array(np.max(x) if name == "max" else np.min(x)))
        if GRAD.enabled and input._rg:
            node = (MaxBackward1 if name == "max" else MinBackward1)()
            node.axes, node.keepdim = (), True
            node.save(input, r, result_at=1)
            record1(node, r, input)
        return r
    d = _wrap_dim(dim, x.ndim)
    xd = x if x.ndim else x.reshape(1)
    if xd.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
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
        node.shape, node.dim, node.keepdim = x.shape, d if x.ndim else 0, keepdim or not x.ndim
        node.index = idx.astype(np.int64)
        if not x.ndim:
            node.index = node.index.reshape(())
        record1(node, v, input)
    return (max_ret if name == "max" else min_ret)(v, i)


def max(input, dim=None, keepdim=False, *, other=None, out=None):
    return _extreme("max", input, dim, keepdim, other)


def min(input, dim=None, keepdim=False, *, other=None, out=None):
    return _extreme("min", input, dim, keepdim, other)


def _amaxmin(name, node_cls, input, dim, keepdim):
    x = input._data
    axes = dims_of(dim if dim != () else None, x.ndim)
    if x.size == 0 and builtins.any(x.shape[a] == 0 for a in axes) or (x.size == 0 and not axes):
        raise IndexError(f"{name}(): Expected reduction dim {axes[0] if axes else 0} to have non-zero size.")
    fn = np.max if name == "amax" else np.min
    r = _wrap(as_array(fn(x, axis=axes if x.ndim else None, keepdims=keepdim)))
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

    def backward(self, gs):
        return (self.lo.backward(gs[0])[0] + self.hi.backward(gs[1])[0],)


def aminmax(input, *, dim=None, keepdim=False):
    from ..autograd.grad_mode import no_grad
    with no_grad():
        lo = amin(input, () if dim is None else dim, keepdim)
        hi = amax(input, () if dim is None else dim, keepdim)
    if GRAD.enabled and input._rg:
        node = AminmaxBackward0()
        node.lo, node.hi = AminBackward0(), AmaxBackward0()
        for part, r in ((node.lo, lo), (node.hi, hi)):
            part.axes, part.keepdim = dims_of(dim, input._data.ndim) if input._data.ndim else (), keepdim
            part.save(input, r, result_at=1)
        node.next_functions = (edge(input),)
        node._shape, node._dtype = [lo._data.shape, hi._data.shape], [lo._data.dtype, hi._data.dtype]
        for i, r in enumerate((lo, hi)):
            r.grad_fn, r._rg, r._out_nr = node, True, i
    return aminmax_ret(lo, hi)


def _arg(fn, name, input, dim, keepdim):
    x = input._data
    if dim is None:
        if x.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = fn(x.reshape(-1))
        return _wrap(np.asarray(r, np.int64).reshape((1,) * x.ndim if keepdim else ()))
    d = _wrap_dim(dim, x.ndim)
    if not x.ndim:
        return _wrap(np.asarray(0, np.int64))
    if x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return _wrap(fn(x, axis=d, keepdims=keepdim).astype(np.int64))


def argmax(input, dim=None, keepdim=False):
    return _arg(np.argmax, "argmax", input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    return _arg(np.argmin, "argmin", input, dim, keepdim)


# ---- prod ----------------------------------------------------------------------------------------
def _others_product(x, axis):
    """For each element, the product of all *other* elements along ``axis`` (exact with zeros)."""
    n = x.shape[axis]
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
            return (g * _others_product(x.reshape(-1), 0).reshape(x.shape),)
        return (g * y / x,)      # recording a graph: the simple form (exact unless x has zeros)


class ProdBackward1(Node):
    """y = prod(x, d)   ->   dx = g * (product of the other elements along d)"""
    __slots__ = ("dim", "keepdim")

    def backward(self, g):
        x, y = self.saved()
        g = _restore(g, None, (self.dim,), self.keepdim)
        if is_array(g):
            return (g * _others_product(x, self.dim),)
        return (g * _restore(y, None, (self.dim,), self.keepdim) / x,)


def _acc_dtype(x, dtype):
    if dtype is not None:
        return to_dtype(dtype).np
    return np.int64 if x.dtype.kind in "biu" else x.dtype


def prod(input, dim=None, keepdim=False, *, dtype=None):
    x = input._data
    odt = _acc_dtype(x, dtype)
    if dim is None:
        r = _wrap(as_array(np.prod(x, dtype=odt)))
        node_cls, d = ProdBackward0, None
    else:
        d = _wrap_dim(dim, x.ndim)
        r = _wrap(as_array(np.prod(x, axis=d if x.ndim else None, keepdims=keepdim, dtype=odt)))
        node_cls = ProdBackward1
    if GRAD.enabled and input._rg:
        node = node_cls()
        if d is not None:
            node.dim, node.keepdim = (d if x.ndim else 0), (keepdim or not x.ndim)
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


# ---- var / std -----------------------------------------------------------------------------------
class VarBackward0(Node):
    """y = sum((x - mean)^2) / (N - c)   ->   dx = g * 2 (x - mean) / (N - c)"""
    __slots__ = ("axes", "keepdim", "denom")

    def backward(self, g):
        x, = self.saved()
        g = _restore(g, None, self.axes, self.keepdim)
        mean = x.mean(self.axes, keepdims=True) if is_array(x) else x.mean(self.axes, keepdim=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g * (x - mean) * 2.0 / self.denom,)


class StdBackward0(Node):
    """y = sqrt(var(x))   ->   dx = g * (x - mean) / ((N - c) * y)"""
    __slots__ = ("axes", "keepdim", "denom")

    def backward(self, g):
        x, y = self.saved()
        g = _restore(g, None, self.axes, self.keepdim)
        y = _restore(y, None, self.axes, self.keepdim)
        mean = x.mean(self.axes, keepdims=True) if is_array(x) else x.mean(self.axes, keepdim=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g * (x - mean) / (y * self.denom),)


def _var_args(dim, unbiased, correction):
    if isinstance(dim, bool):             # the legacy form var(unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def _var(name, input, dim, unbiased, keepdim, correction):
    dim, c = _var_args(dim, unbiased, correction)
    x = input._data
    if x.dtype.kind not in "f":
        raise RuntimeError(f"{name}(): input dtype should be either floating point or complex dtypes. Got "
                           f"{input.dtype.name.capitalize() if x.dtype.kind != 'i' else 'Long'} instead.")
    axes = dims_of(dim, x.ndim) if x.ndim else ()
    n = 1
    for a in axes:
        n *= x.shape[a]
    if not x.ndim:
        n = 1
    denom = n - c
    xf = x.astype(np.float32) if x.dtype == np.float16 else x
    mean = xf.mean(axis=axes, keepdims=True) if x.ndim else xf
    with np.errstate(divide="ignore", invalid="ignore"):
        # torch divides by max(0, N - correction): 0/0 gives nan, anything else / 0 gives inf
        v = as_array(np.sum((xf - mean) ** 2, axis=axes, keepdims=keepdim) / xf.dtype.type(builtins.max(denom, 0)))
        if name == "std":
            v = np.sqrt(v)
    if denom <= 0:
        import warnings
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      f"reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    r = _wrap(as_array(v).astype(x.dtype, copy=False))
    if GRAD.enabled and input._rg:
        node = (StdBackward0 if name == "std" else VarBackward0)()
        node.axes, node.keepdim, node.denom = axes, keepdim, denom
        if name == "std":
            node.save(input, r, result_at=1)
        else:
            node.save(input)
        record1(node, r, input)
    return r


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var("var", input, dim, unbiased, keepdim, correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var("std", input, dim, unbiased, keepdim, correction)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    from .reduction import mean
    d, _ = _var_args(dim, unbiased, correction)
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, d, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    from .reduction import mean
    d, _ = _var_args(dim, unbiased, correction)
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, d, keepdim)


# ---- norms ---------------------------------------------------------------------------------------
class LinalgVectorNormBackward0(Node):
    """y = (sum |x|^p)^(1/p)   ->   dx = g * sign(x) |x|^(p-1) / y^(p-1)  (p=inf: split among the maxima)"""
    __slots__ = ("ord", "axes", "keepdim")

    def backward(self, g):
        x, y = self.saved()
        m = self.m
        p = self.ord
        g = _restore(g, None, self.axes, self.keepdim)
        y = _restore(y, None, self.axes, self.keepdim)
        if p == 0:
            return (g * 0.0 * x,)
        if p == 1:
            return (g * m.sign(x),)
        if p == 2:
            return (m.where(y == 0, 0.0, g * x / y),)
        if p in (float("inf"), float("-inf")):
            ax = abs(x) if is_array(x) else x.abs()
            mask = ax == y
            cnt = mask.sum(axis=self.axes or None, keepdims=True) if is_array(mask) else \
                mask.sum(self.axes, keepdim=True)
            return (m.where(mask, g * m.sign(x) / cnt, 0.0),)
        ax = abs(x) if is_array(x) else x.abs()
        return (m.where(y == 0, 0.0, g * m.sign(x) * ax ** (p - 1) / y ** (p - 1)),)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    a = x._data
    if a.dtype.kind != "f":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{x.dtype.name.capitalize() if a.dtype.kind != 'i' else 'Long'}")
    if dtype is not None:
        a = a.astype(to_dtype(dtype).np)
    axes = dims_of(dim, a.ndim) if a.ndim and dim is not None else (tuple(range(a.ndim)) if a.ndim else None)
    p = float(ord)
    ab = np.abs(a)
    kw = dict(axis=axes, keepdims=keepdim)
    if p == float("inf"):
        v = np.max(ab, **kw) if ab.size else np.zeros(np.sum(ab, **kw).shape, ab.dtype)
    elif p == float("-inf"):
        v = np.min(ab, **kw)
    elif p == 0:
        v = np.sum(ab != 0, **kw).astype(a.dtype)
    elif p == 1:
        v = np.sum(ab, **kw)
    elif p == 2:
        v = np.sqrt(np.sum(ab * ab, **kw))
    else:
        v = np.sum(ab ** p, **kw) ** (1.0 / p)
    r = _wrap(as_array(v).astype(a.dtype, copy=False))
    if GRAD.enabled and x._rg:
        node = LinalgVectorNormBackward0()
        node.ord, node.axes, node.keepdim = p, (axes if axes is not None else ()), keepdim
        node.save(x, r, result_at=1)
        record1(node, r, x)
    return r


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        from ..linalg import matrix_norm
        return matrix_norm(input, "nuc", dim if dim is not None else (-2, -1), keepdim)
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


def dist(input, other, p=2):
    from .arithmetic import sub
    return vector_norm(sub(input, other), p)


# ---- logsumexp, cumulative ops ------------------------------------------------------------------
class LogsumexpBackward0(Node):
    """y = log(sum(exp(x)))   ->   dx = g * exp(x - y)"""
    __slots__ = ("axes", "keepdim")

    def backward(self, g):
        x, y = self.saved()
        g = _restore(g, None, self.axes, self.keepdim)
        y = _restore(y, None, self.axes, self.keepdim)
        return (g * self.m.exp(x - y),)


def logsumexp(input, dim, keepdim=False):
    x = input._data
    if x.dtype.kind != "f":
        x = x.astype(DEFAULT.float.np)
    axes = dims_of(dim, x.ndim) if x.ndim else ()
    if not x.ndim:
        r = _wrap(x.copy())
    else:
        mx = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
        mx = np.where(np.isinf(mx), 0, mx)
        with np.errstate(divide="ignore"):
            s = np.log(np.sum(np.exp(x - mx), axis=axes, keepdims=True)) + mx
        r = _wrap(as_array(s if keepdim else np.squeeze(s, axes)).astype(x.dtype, copy=False))
    if GRAD.enabled and input._rg:
        node = LogsumexpBackward0()
        node.axes, node.keepdim = axes, keepdim
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


class CumsumBackward0(Node):
    """y = cumsum(x, d)   ->   dx = reverse cumsum of g along d"""
    __slots__ = ("dim",)

    def backward(self, g):
        d = self.dim
        if is_array(g):
            return (np.flip(np.cumsum(np.flip(g, d), d), d),)
        return (g.flip(d).cumsum(d).flip(d),)


def cumsum(input, dim, *, dtype=None, out=None):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    odt = _acc_dtype(x, dtype)
    r = _wrap(np.cumsum(x, axis=d, dtype=odt) if x.ndim else x.astype(odt))
    if GRAD.enabled and input._rg:
        node = CumsumBackward0()
        node.dim = d if x.ndim else 0
        record1(node, r, input)
    return r


class CumprodBackward0(Node):
    """y = cumprod(x, d)   ->   dx_i = sum_{j>=i} g_j * y_j / x_i  (exact where x has no zeros)"""
    __slots__ = ("dim",)

    def backward(self, g):
        x, y = self.saved()
        d = self.dim
        if is_array(g):
            with np.errstate(divide="ignore", invalid="ignore"):
                rev = np.flip(np.cumsum(np.flip(g * y, d), d), d)
                out = rev / x
            if np.any(x == 0):
                out = _cumprod_grad_zeros(x, g, d)
            return (out,)
        return ((g * y).flip(d).cumsum(d).flip(d) / x,)


def _cumprod_grad_zeros(x, g, d):
    """The cumprod gradient by the definition, one position at a time (used only when x has zeros)."""
    xm = np.moveaxis(x, d, -1)
    gm = np.moveaxis(g, d, -1)
    n = xm.shape[-1]
    out = np.zeros_like(xm)
    for i in range(n):
        others = xm.copy()
        others[..., i] = 1
        cp = np.cumprod(others, axis=-1)
        out[..., i] = np.sum(gm[..., i:] * cp[..., i:], axis=-1)
    return np.moveaxis(out, -1, d)


def cumprod(input, dim, *, dtype=None, out=None):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    odt = _acc_dtype(x, dtype)
    r = _wrap(np.cumprod(x, axis=d, dtype=odt) if x.ndim else x.astype(odt))
    if GRAD.enabled and input._rg:
        node = CumprodBackward0()
        node.dim = d if x.ndim else 0
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


# ---- boolean reductions ---------------------------------------------------------------------------
def _logical(fn, input, dim, keepdim):
    x = input._data
    axes = dims_of(dim, x.ndim) if dim is not None and x.ndim else None
    r = as_array(fn(x, axis=axes, keepdims=keepdim))
    return _wrap(r.astype(np.uint8) if x.dtype == np.uint8 else r)


def all(input, dim=None, keepdim=False, *, out=None):
    return _logical(np.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False, *, out=None):
    return _logical(np.any, input, dim, keepdim)


def count_nonzero(input, dim=None):
    x = input._data
    axes = dims_of(dim, x.ndim) if dim is not None and x.ndim else None
    return _wrap(as_array(np.count_nonzero(x, axis=axes)).astype(np.int64))


__all__ = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin", "prod", "var", "std", "var_mean",
           "std_mean", "norm", "vector_norm", "dist", "logsumexp", "cumsum", "cumprod", "all", "any",
           "count_nonzero", "max_ret", "min_ret"]
