"""``torch.sparse_coo_tensor``'s invariant checks and its size-only form; ``to_sparse``'s argument checks;
``copy.deepcopy`` of a COO tensor.

* ``check_invariants=True`` (or inside ``torch.sparse.check_sparse_tensor_invariants()``, or after its
  ``enable()``): each sparse dim's indices must be >= 0 and < the size there, checked dim by dim as
  torch does.  Without a size, torch infers it from the indices and still refuses negative ones.
* ``torch.sparse_coo_tensor(size)`` / ``torch.sparse_coo_tensor(size=size)``: an empty tensor (nnz 0,
  every dim sparse) of the default dtype.
"""
import numpy as np

ENABLED = [False]          # torch._C._check_sparse_tensor_invariants()


def check(idx, size, check_invariants):
    """Raise torch's error for indices out of range (``size`` None: negative indices only)."""
    on = ENABLED[0] if check_invariants is None else check_invariants
    if not on and size is not None:
        return
    for d in range(idx.shape[0]):
        if not idx.shape[1]:
            break
        low = int(idx[d].min())
        if low < 0:
            raise RuntimeError(f"found negative index {low} for dim {d}")
        high = int(idx[d].max())
        if size is not None and high >= size[d]:
            raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} but found "
                               f"index {high}")


def check_shapes(idx, vals, size):
    """torch's shape checks of ``sparse_coo_tensor(indices, values[, size])``, in its order; returns the
    values, a 0-d one made 1-d as torch does.  With a size, torch sizes the empty tensor first (sparse_dim
    is ``indices.size(0)`` whatever its rank, dense_dim ``values.dim() - 1``), then sets indices and values
    into it; without one, it reads the size off the indices, which must be 2-d for that."""
    if vals.ndim == 0:
        vals = vals.reshape(1)
    if idx.ndim == 0 and size is not None:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if size is not None:
        size = tuple(int(n) for n in size)
        sd, dd = idx.shape[0], vals.ndim - 1
        if len(size) != sd + dd:
            raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(size)}, "
                               f"sparse_dim = {sd}, dense_dim = {dd}")
        if any(n < 0 for n in size):
            raise RuntimeError("numel: integer multiplication overflow")
    if idx.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(idx.shape)}")
    if idx.shape[1] != vals.shape[0]:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: {idx.shape[1]}, "
                           f"nnz from values: {vals.shape[0]}")
    if size is not None and tuple(vals.shape[1:]) != size[idx.shape[0]:]:
        raise RuntimeError(f"values has incorrect size, expected {[vals.shape[0], *size[idx.shape[0]:]]}, "
                           f"got {list(vals.shape)}")
    return vals


def size_only(size, dtype, requires_grad):
    """The empty sparse tensor of ``torch.sparse_coo_tensor(size)``."""
    from .._tensor import Tensor
    from .. import _dtype
    from ._coo import make
    if isinstance(size, Tensor):
        raise TypeError("sparse_coo_tensor(): argument 'size' (position 1) must be tuple of ints, not Tensor")
    size = tuple(int(s) for s in size)
    dt = (dtype or _dtype.get_default_dtype()).np
    return make(np.zeros((len(size), 0), np.int64), np.zeros((0,), dt), size, True, bool(requires_grad))


def check_sparse_dim(d, sd):
    """``x.to_sparse(sparse_dim)`` of a dense array ``d``: torch's range checks."""
    if not 0 <= sd <= d.ndim:
        raise RuntimeError(f"dense_to_sparse: sparse_dim argument must be in [0,{d.ndim}] range, but {sd} is given")
    if sd == 0 and d.ndim:
        raise RuntimeError("dense_to_sparse: sparse_dim argument must be in >0 when self.dim()>0")


def sparse_to_sparse(t, sparse_dim, layout):
    """``s.to_sparse(...)`` of a COO tensor: itself, its dense form for the strided layout, or torch's error
    for another sparse_dim."""
    if sparse_dim is not None and sparse_dim != t._idx.shape[0]:
        raise RuntimeError("to_sparse: conversion from Sparse to Sparse with sparse_dim argument !=self.sparse_dim() "
                           "is not supported")
    if layout is not None and layout.name == "strided":
        return t.to_dense()
    if layout is not None and layout.name in ("sparse_csr", "sparse_csc"):
        return getattr(t, "to_" + layout.name)()
    return t


def deepcopy(t, memo):
    """A leaf's copy is a leaf (requiring grad as it does); a non-leaf is refused as a dense one is."""
    from .._tensor import Tensor
    from ._coo import make
    if t.grad_fn is not None:
        Tensor.__deepcopy__(t, memo)        # (raises torch's message)
    if id(t) not in memo:
        memo[id(t)] = make(t._idx.copy(), t._vals.copy(), t._size, t._coal, t._rg)
    return memo[id(t)]
