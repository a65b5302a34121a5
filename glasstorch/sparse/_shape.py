"""Transposes and permutes of sparse COO tensors (torch's transpose_/permute_sparse_coo).

Swapping two sparse dims swaps two rows of ``indices``; the result is a copy (torch transposes a
clone) and no longer coalesced, since its indices are no longer sorted.  Like the other sparse ops
here, these record no autograd history.
"""
import numpy as np

from .._tensor import _wrap_dim


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


def transpose(t, dim0, dim1):
    return transpose_(t.clone(), dim0, dim1)


def t_(t):
    _check_t(t, "t_()")
    return transpose_(t, 0, 0 if len(t._size) < 2 else 1)


def t(t):
    _check_t(t, "t()")
    return transpose(t, 0, 0 if len(t._size) < 2 else 1)


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
    return make(idx, vals, size, t._coal and (n == 0 or dims[0] == 0))


def T(t):
    n = len(t._size)
    if n == 2:
        return transpose(t, 0, 1)
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
