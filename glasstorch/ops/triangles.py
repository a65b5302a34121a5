"""Triangles and diagonals by copying: tril, triu, diag, diag_embed, trace (join.py re-exports them)."""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1
from .shape import is_array
from .views import DiagonalBackward0, _diag_view


class TrilBackward0(Node):
    """y = tril(x, k)   ->   dx = tril(g, k)"""
    __slots__ = ("k",)

    def backward(self, g):
        return (np.tril(g, self.k) if is_array(g) else g.tril(self.k),)


class TriuBackward0(Node):
    """y = triu(x, k)   ->   dx = triu(g, k)"""
    __slots__ = ("k",)

    def backward(self, g):
        return (np.triu(g, self.k) if is_array(g) else g.triu(self.k),)


def _tri(fn, node_cls, input, diagonal):
    if diagonal.__class__ is not int:
        from .._arg_refuse import int_arg
        diagonal = int_arg(diagonal, "diagonal")
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"{fn.__name__}: input tensor must have at least 2 dimensions")
    from ._layout import contig_of
    r = _wrap(contig_of(fn(x, diagonal), x))       # torch's tril/triu outputs: contiguous
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.k = diagonal
        record1(node, r, input)
    return r


def tril(input, diagonal=0, *, out=None):
    return _tri(np.tril, TrilBackward0, input, diagonal)


def triu(input, diagonal=0, *, out=None):
    return _tri(np.triu, TriuBackward0, input, diagonal)


class DiagEmbedBackward0(Node):
    """y = diag_embed(x, k)   ->   dx = the k-th diagonal of g (over the last two dims)"""
    __slots__ = ("k", "d1", "d2")

    def backward(self, g):
        d1, d2 = getattr(self, "d1", -2), getattr(self, "d2", -1)
        if is_array(g):
            return (np.diagonal(g, self.k, d1, d2).copy(),)
        return (g.diagonal(self.k, d1, d2),)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    if offset.__class__ is not int or dim1.__class__ is not int or dim2.__class__ is not int:
        from .._arg_refuse import refusal
        err = refusal()             # torch's parser refuses wrong types before any check
        if err is not None:
            raise err
    x = input._data
    n = x.shape[-1] + abs(offset) if x.ndim else 1
    out = np.zeros(x.shape[:-1] + (n, n), x.dtype)
    from .views import _diag_view
    _diag_view(out, offset, out.ndim - 2, out.ndim - 1)[...] = x
    from .._tensor import _wrap_dim
    d1, d2 = _wrap_dim(dim1, x.ndim + 1), _wrap_dim(dim2, x.ndim + 1)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if (d1, d2) != (out.ndim - 2, out.ndim - 1):
        out = np.ascontiguousarray(np.moveaxis(out, (-2, -1), (d1, d2)))
    r = _wrap(out)
    if GRAD.enabled and input._rg:
        node = DiagEmbedBackward0()
        node.k, node.d1, node.d2 = offset, d1, d2
        record1(node, r, input)
    return r


def diag(input, diagonal=0, *, out=None):
    n = input._data.ndim
    if n == 1:
        return diag_embed(input, diagonal)
    if n != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")
    x = input._data
    r = _wrap(_diag_view(x, diagonal, 0, 1).copy())
    if GRAD.enabled and input._rg:
        node = DiagonalBackward0_copy()
        node.shape, node.offset, node.d1, node.d2 = x.shape, diagonal, 0, 1
        record1(node, r, input)
    return r


class DiagonalBackward0_copy(DiagonalBackward0):
    """y = diag(X) (a copy of the diagonal)   ->   dX = zeros with g on the diagonal"""
    __slots__ = ()


class TraceBackward0(Node):
    """t = sum(diag(X))   ->   dX = zeros with g on the diagonal"""
    __slots__ = ("shape",)

    def backward(self, g):
        m = self.m
        if isinstance(g, (np.ndarray, np.generic)):
            out = np.zeros(self.shape, np.asarray(g).dtype)
            np.fill_diagonal(out, g)
            return (out,)
        # torch's trace_backward: zeros(n m).index_fill_(0, arange(0, n m, m + 1), g).view(n, m)
        rows, cols = self.shape
        flat = m.zeros(rows * cols, dtype=g.dtype)
        flat = flat.index_fill(0, m.arange(min(rows, cols)) * (cols + 1), g)
        return (flat.view(rows, cols),)


_TRACE_ACC = {"f": np.float64, "c": np.complex128, "e": np.float32}


def trace(input):
    x = input._data
    if x.dtype.kind == "b":             # torch's dtype dispatch comes before the shape check
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if x.ndim != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim " + str(x.ndim))
    d = np.diagonal(x)
    if x.dtype.kind in "iu":                 # integers sum as int64, as torch's sum does
        r = np.asarray(np.sum(d, dtype=np.int64))
    else:                                    # one running sum in the accumulate type (double for float)
        acc = _TRACE_ACC.get(x.dtype.char, _TRACE_ACC.get(x.dtype.kind, np.float64))
        r = np.asarray(np.cumsum(d, dtype=acc)[-1] if d.size else 0, x.dtype)   # cumsum: a sequential sum
    out = _wrap(r)
    if GRAD.enabled and input._rg:
        node = TraceBackward0()
        node.shape = x.shape
        record1(node, out, input)
    return out
