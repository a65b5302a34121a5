"""Cumulative ops along one dim: cumsum and cumprod (integers accumulate in int64, as torch).

torch's CPU kernel keeps the running value in the accumulate type of the output dtype -- double for
float32 and float64, float for float16 -- and rounds each output from it; so do these."""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1
from .reduction import acc_dtype
from .shape import is_array
from .._tensor import _wrap_dim


def _running(fn, x, d, odt):
    """np.cumsum / np.cumprod of x along d into dtype odt, through torch's accumulator."""
    odt = np.dtype(odt)
    if odt.kind != "f":
        return fn(x, axis=d, dtype=odt)
    acc = np.float32 if odt == np.float16 else np.float64
    return fn(x, axis=d, dtype=acc).astype(odt)


class CumsumBackward0(Node):
    """y = cumsum(x, d)   ->   dx = reverse cumsum of g along d"""
    __slots__ = ("dim",)

    def backward(self, g):
        d = self.dim
        if is_array(g):
            return (np.flip(_running(np.cumsum, np.flip(g, d), d, g.dtype), d),)
        return (g.flip(d).cumsum(d).flip(d),)


from ._layout import contig_of  # noqa: E402


def cumsum(input, dim, *, dtype=None, out=None):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    odt = acc_dtype(x, dtype)
    r = _wrap(contig_of(_running(np.cumsum, x, d, odt), x) if x.ndim else x.astype(odt))
    if GRAD.enabled and input._rg:
        node = CumsumBackward0()
        node.dim = d if x.ndim else 0
        record1(node, r, input)
    return r


class CumprodBackward0(Node):
    """y = cumprod(x, d)   ->   dx_k = sum_{j>=k} g_j * dy_j/dx_k  (torch's formulas: cumprod_grad.py)"""
    __slots__ = ("dim",)
    _complex_ready = True         # cumprod_backward conjugates x and y itself, as torch's formula does

    def backward(self, g):
        x, y = self.saved()
        return (cumprod_backward(g, x, y, self.dim),)


from .cumprod_grad import cumprod_backward  # noqa: E402


def cumprod(input, dim, *, dtype=None, out=None):
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    odt = acc_dtype(x, dtype)
    r = _wrap(contig_of(_running(np.cumprod, x, d, odt), x) if x.ndim else x.astype(odt))
    if GRAD.enabled and input._rg:
        node = CumprodBackward0()
        node.dim = d if x.ndim else 0
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r



__all__ = ["cumsum", "cumprod"]
