"""softmax and log_softmax along a dim (the tensor methods and ``torch.softmax``; ``nn.functional``
builds on them).  Both subtract the maximum first so ``exp`` cannot overflow.
"""
import numpy as np

from .._dtype import to_dtype
from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1
from . import _libm
from .inplace import type_name
from .._tensor import _wrap_dim


class SoftmaxBackward0(Node):
    """y = exp(x) / sum(exp(x))   ->   dx = y * (g - sum(g * y))"""
    __slots__ = ("dim",)
    _saved_names = ("result", "attr:dim")

    def backward(self, g):
        y, = self.saved()
        d = self.dim
        s = (g * y).sum(d, keepdims=True) if isinstance(g, (np.ndarray, np.generic)) else (g * y).sum(d, keepdim=True)
        return (y * (g - s),)


class LogSoftmaxBackward0(Node):
    """y = x - log(sum(exp(x)))   ->   dx = g - exp(y) * sum(g)"""
    __slots__ = ("dim",)
    _saved_names = ("result", "attr:dim")

    def backward(self, g):
        y, = self.saved()
        d = self.dim
        s = g.sum(d, keepdims=True) if isinstance(g, (np.ndarray, np.generic)) else g.sum(d, keepdim=True)
        return (g - self.m.exp(y) * s,)


def _prepare(input, dim, dtype, name):
    if dim is ...:          # the default that marks "not given" (torch's parser words this error its own way)
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    if dim is None:
        from .._arg_refuse import refused
        raise refused(TypeError(f"{name}(): argument 'dim' must be int, not NoneType"))
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if dtype is not None:
        x = x.astype(to_dtype(dtype).np)
    d = _wrap_dim(dim, x.ndim)           # (the dim first; the dtype only matters when there are elements)
    if x.dtype.kind != "f" and x.size:      # (torch's kernel for the last dim, or its general one)
        kernel = f"{name}_lastdim_kernel_impl" if x.ndim < 2 or d == x.ndim - 1 else f"{name}_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(x.dtype)}'")
    return x, d


def _shifted(x, d):
    if x.ndim == 0:
        return x - x
    # an infinite maximum is subtracted as it is: a row holding +inf gives nan throughout, as in torch
    m = np.max(x, axis=d, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
    return x - m


from ._layout import contig_of  # noqa: E402
from .._arg_refuse import not_a_tensor  # noqa: E402


def softmax(input, dim=..., dtype=None, *, _stacklevel=3):
    x, d = _prepare(input, dim, dtype, "softmax")
    if x.dtype.kind != "f":                 # (empty: nothing to compute, torch returns it as it is)
        return _wrap(x.copy())
    w = x.astype(np.float32) if x.dtype == np.float16 else x      # half works in float32, as torch
    with np.errstate(invalid="ignore", over="ignore"):
        e = _libm.exp(_shifted(w, d))
        # torch multiplies by the reciprocal of the sum (one division per row, not per element)
        y = e * (w.dtype.type(1) / np.sum(e, axis=d if x.ndim else None, keepdims=True))
    r = _wrap(contig_of(np.asarray(y, x.dtype), input._data))     # torch's softmax output: contiguous
    if GRAD.enabled and input._rg:
        node = SoftmaxBackward0()
        node.dim = d if x.ndim else None
        node.save(r, result_at=0)
        record1(node, r, input)
    return r


def _log_softmax_plain(x, d):
    """log_softmax of a float32/float64 array: the general path's arithmetic, step for step, in fewer
    NumPy calls (this is every classifier's loss)."""
    with np.errstate(over="ignore", invalid="ignore"):     # (inf - inf; numbers near the dtype's range)
        s = x - x.max(axis=d, keepdims=True)
    e = _libm.exp(s)
    return s - _libm.log(e.sum(axis=d, keepdims=True))


def log_softmax(input, dim=..., dtype=None, *, _stacklevel=3):
    x, d = _prepare(input, dim, dtype, "log_softmax")
    if x.dtype.kind != "f":                 # (empty: nothing to compute, torch returns it as it is)
        return _wrap(x.copy())
    if x.dtype.char in "fd" and x.ndim and x.size:
        return _log_softmax_result(_log_softmax_plain(x, d), d, input)
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    with np.errstate(invalid="ignore", divide="ignore"):
        s = _shifted(w, d)
        lse = np.sum(_libm.exp(s), axis=d if x.ndim else None, keepdims=True)
        if x.dtype == np.float16 and x.ndim and d == x.ndim - 1:
            # torch's last-dim half kernel keeps the sum, then its log, in half
            lse = _libm.log(lse.astype(np.float16).astype(np.float32)).astype(np.float16).astype(np.float32)
        else:
            lse = _libm.log(lse)
        y = s - lse
    return _log_softmax_result(np.asarray(y, x.dtype), d if x.ndim else None, input)


def _log_softmax_result(y, d, input):
    r = _wrap(contig_of(y, input._data))
    if GRAD.enabled and input._rg:
        node = LogSoftmaxBackward0()
        node.dim = d
        node.save(r, result_at=0)
        record1(node, r, input)
    return r


__all__ = ["softmax", "log_softmax"]
