"""Transposes and permutes of sparse COO tensors (torch's transpose_/permute_sparse_coo).

Swapping two sparse dims swaps two rows of ``indices``; the result is a copy (torch transposes a
clone) and no longer coalesced, since its indices are no longer sorted.  The out-of-place forms record
torch's nodes (TBackward0, TransposeBackward0, PermuteBackward0): the gradient permuted back, sparse if
it came sparse.
"""
import numpy as np

from .._tensor import _wrap_dim
from ..autograd.graph import Node


class _PermuteBack(Node):
    """y = x with its dims permuted by ``perm`` (y dim i is x dim perm[i])   ->   dx = g permuted back"""
    __slots__ = ("perm",)

    def backward(self, g):
        from ._grad import SparseGrad
        inv = [int(i) for i in np.argsort(self.perm)]
        if g.__class__ is not SparseGrad:
            return (np.transpose(np.asarray(g), inv),)
        sd = g.idx.shape[0]
        vals = np.transpose(g.vals, [0] + [d - sd + 1 for d in inv[sd:]])
        return (SparseGrad(g.idx[inv[:sd]], vals, [g.shape[d] for d in inv], False),)


TBackward0 = type("TBackward0", (_PermuteBack,), {"__slots__": ()})
TransposeBackward0 = type("TransposeBackward0", (_PermuteBack,), {"__slots__": ()})
PermuteBackward0 = type("PermuteBackward0", (_PermuteBack,), {"__slots__": ()})


def _recorded(out, src, node_cls, perm):
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and src._rg:
        from ._autograd import _record_sparse
        node = node_cls()
        node.perm = list(perm)
        _record_sparse(node, out, src)
    return out


def _swap(n, d0, d1):
    perm = list(range(n))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return perm


def _check_t(t, name):
    sd, dd = t._idx.shape[0], t._vals.ndim - 1
    if sd > 2 or dd != 0:
        raise RuntimeError(f"{name} expects a tensor with <= 2 sparse and 0 dense dimensions, but got {sd} sparse "
                           f"and {dd} dense dimensions")


def transpose_(t, dim0, dim1):
    n = len(t._size)
    d0, d1 = _wrap_dim(dim0, n), _wrap_dim(dim1, n)
    sd = t._idx.shape[0]
    if d0 >= sd or d1 >= sd:
        raise RuntimeError(f"sparse transpose: transposed dimensions must be sparse Got sparse_dim: {sd}, d0: {d0}, "
                           f"d1: {d1}")
    if d0 == d1:
        return t
    idx = t._idx.copy()
    idx[[d0, d1]] = idx[[d1, d0]]
    size = list(t._size)
    size[d0], size[d1] = size[d1], size[d0]
    t._idx, t._size, t._coal = idx, tuple(size), False
    t._vc[0] += 1
    return t


def transpose(t, dim0, dim1, node_cls=TransposeBackward0):
    n = len(t._size)
    out = transpose_(t.clone(), dim0, dim1)
    return _recorded(out, t, node_cls, _swap(n, _wrap_dim(dim0, n), _wrap_dim(dim1, n)))


def t_(t):
    _check_t(t, "t_()")
    return transpose_(t, 0, 0 if len(t._size) < 2 else 1)


def t(t):
    _check_t(t, "t()")
    return transpose(t, 0, 0 if len(t._size) < 2 else 1, TBackward0)


def permute(t, dims):
    from ._coo import make
    n = len(t._size)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    if n != len(dims):
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not match the length of "
                           f"the desired ordering of dimensions i.e. input.dim() = {n} is not equal to len(dims) = "
                           f"{len(dims)}")
    wrapped = [_wrap_dim(d, n) for d in dims]
    if len(set(wrapped)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    sd = t._idx.shape[0]
    if any(d >= sd for d in wrapped[:sd]):
        raise RuntimeError("permute(sparse_coo): transpositions between sparse and dense dimensions are not allowed."
                           "Only transpositions within sparse and dense dimensions are supported.")
    idx = t._idx[wrapped[:sd]]
    vals = np.transpose(t._vals, [0] + [d - sd + 1 for d in wrapped[sd:]])
    size = [t._size[d] for d in wrapped]
    return _recorded(make(idx, vals, size, t._coal and (n == 0 or dims[0] == 0)), t, PermuteBackward0, wrapped)


def T(t):
    n = len(t._size)
    if n == 2:
        return transpose(t, 0, 1, PermuteBackward0)      # (torch's .T is a permute, whatever the rank)
    if n != 0:
        import warnings
        from ..ops.views import T_WARNING
        warnings.warn(T_WARNING, UserWarning, stacklevel=3)
    return permute(t, tuple(range(n - 1, -1, -1)))


def mT(t):
    if len(t._size) < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {len(t._size)}-D "
                           "tensor.")
    return transpose(t, -2, -1)


def _install():
    """The transposes as methods of ``SparseTensor`` (the dense ones would densify)."""
    from ._coo import SparseTensor
    SparseTensor.t = t
    SparseTensor.t_ = t_
    SparseTensor.transpose = SparseTensor.swapaxes = SparseTensor.swapdims = transpose
    SparseTensor.transpose_ = transpose_
    SparseTensor.permute = lambda self, *dims: permute(self, dims)
    SparseTensor.T = property(T)
    SparseTensor.mT = property(mT)


_install()
