"""var, std, var_mean, std_mean: the second moment about the mean, and its square root.

``correction`` (torch's newer spelling of ``unbiased``) is subtracted from the element count:
1 gives the sample variance, 0 the population variance.
"""
import builtins

import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, as_array, record1
from .reduction import dims_of, restore_dims
from .shape import is_array


class VarBackward0(Node):
    """y = sum((x - mean)^2) / (N - c)   ->   dx = g * 2 (x - mean) / (N - c)"""
    __slots__ = ("axes", "keepdim", "denom")

    def backward(self, g):
        x, = self.saved()
        g = restore_dims(g, self.axes, self.keepdim)
        mean = x.mean(self.axes, keepdims=True) if is_array(x) else x.mean(self.axes, keepdim=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g * (x - mean) * 2.0 / self.denom,)


class StdBackward0(Node):
    """y = sqrt(var(x))   ->   dx = g * (x - mean) / ((N - c) * y)"""
    __slots__ = ("axes", "keepdim", "denom")

    def backward(self, g):
        x, y = self.saved()
        g = restore_dims(g, self.axes, self.keepdim)
        y = restore_dims(y, self.axes, self.keepdim)
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
        raise RuntimeError("std and var only support floating point and complex dtypes")
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


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var("var", input, dim, unbiased, keepdim, correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var("std", input, dim, unbiased, keepdim, correction)


def _check_float(name, input):
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{name} only support floating point and complex dtypes")


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    from .reduction import mean
    _check_float("var_mean", input)
    d, _ = _var_args(dim, unbiased, correction)
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, d, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    from .reduction import mean
    _check_float("std_mean", input)
    d, _ = _var_args(dim, unbiased, correction)
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, d, keepdim)



__all__ = ["var", "std", "var_mean", "std_mean"]
