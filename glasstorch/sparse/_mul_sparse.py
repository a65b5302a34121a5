"""sparse * sparse (``torch.mul`` of two COO tensors of the same size), as torch's CPU kernels do it.

* either operand with nnz 0: an empty (nnz 0) result of the promoted dtype.
* both coalesced: a merge of the two sorted index lists; only the indices present in both are
  kept, each value ``a * b`` in the promoted dtype; the result is coalesced.
* otherwise (torch's hash-intersection kernel): one operand, the *source*, keeps all its entries,
  indices and order (and its coalesced flag); the other is the *lookup* operand: the coalesced one,
  or else the one with more entries (ties: the left one).  Each source value is
  ``sum_j source[i] * lookup[j]`` over the lookup's entries at the same index (0 where there is
  none), accumulated in float64 for floating point (int64 for integers) and rounded once to the
  promoted dtype.  So duplicates of an uncoalesced operand add up, but the result can hold
  explicit zeros and repeated indices.
* a 0-dim operand: a 0-dim dense factor (its values summed) of the other, whose entries stay.

Gradients through sparse * sparse are not implemented (NotImplementedError), nor broadcasting
over dense dimensions (hybrid tensors)."""
import numpy as np

from ._coo import _linear, make

INTERSECTION_SIZES = ("sparse_binary_op_intersection_cpu(): expects sparse inputs with equal dimensionality, "
                      "number of sparse dimensions, and shape of sparse dimensions")


def _check(a, b):
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and (a.requires_grad or b.requires_grad):
        raise NotImplementedError("glasstorch: autograd through sparse * sparse is not implemented")
    if a._size != b._size or a._idx.shape[0] != b._idx.shape[0]:
        raise RuntimeError(INTERSECTION_SIZES)     # torch's broadcasting kernel needs equal sparse shapes
    if a._vals.ndim != 1 or b._vals.ndim != 1:
        raise NotImplementedError("glasstorch: sparse * sparse of hybrid tensors is not implemented")


def mul_sparse_sparse(a, b):
    """a * b for COO tensors ``a`` and ``b``."""
    if not b._size or not a._size:
        return _times_zero_dim(a, b)
    _check(a, b)
    from .. import _dtype as _dt
    dt = np.dtype(_dt.promote_types(_dt.FROM_NP[a._vals.dtype], _dt.FROM_NP[b._vals.dtype]).np)
    if a._vals.shape[0] == 0 or b._vals.shape[0] == 0:
        return make(np.empty((len(a._size), 0), np.int64), np.empty((0,), dt), a._size, True)
    if a._coal and b._coal:
        return _merge(a, b, dt)
    return _intersection(a, b, dt)


def _times_zero_dim(a, b):
    """One operand 0-dim: its value (summed if repeated, 0 if none) is a 0-dim dense factor of the other,
    which keeps its entries; between two 0-dim tensors the coalesced one is the factor when the right
    one is not coalesced."""
    from .._tensor import _wrap
    from ._arith import mul
    zero, other = (b, a) if not b._size else (a, b)
    if not zero._coal and other._coal and not other._size:
        zero, other = other, zero
    scalar = _wrap(np.asarray(zero._vals.sum(dtype=zero._vals.dtype)))
    return mul(other, scalar)


def _merge(a, b, dt):
    """Both coalesced: the common indices, in order; values a * b in the promoted dtype."""
    la, lb = _linear(a._idx, a._size), _linear(b._idx, b._size)
    common, ia, ib = np.intersect1d(la, lb, assume_unique=True, return_indices=True)
    vals = a._vals[ia].astype(dt) * b._vals[ib].astype(dt)
    return make(np.ascontiguousarray(a._idx[:, ia]), vals, a._size, True)


def _pick_source(a, b):
    """(source, lookup): the lookup is the coalesced operand, else the one with more entries."""
    if a._coal != b._coal:
        return (b, a) if a._coal else (a, b)
    larger, smaller = (a, b) if a._vals.shape[0] >= b._vals.shape[0] else (b, a)
    if larger._vals.shape[0] // int(np.prod(larger._size)) > 50:   # torch coalesces a crowded lookup
        larger = larger.coalesce()
    return smaller, larger


def _intersection(a, b, dt):
    src, look = _pick_source(a, b)
    acc = np.float64 if dt.kind == "f" else (np.complex128 if dt.kind == "c" else np.int64)
    lh = _linear(look._idx, look._size)
    if look._coal:
        order = np.arange(lh.shape[0])
    else:                      # torch sorts the lookup's linear indices with its (unstable) sort
        order = np.argsort(lh, kind="stable")
        if lh.shape[0] > 16 and (np.diff(lh[order]) == 0).any():
            from ..ops._introsort import std_sort_order
            order = std_sort_order(np.unique(lh, return_inverse=True)[1])
    sorted_h = lh[order]
    sh = _linear(src._idx, src._size)
    lo, hi = np.searchsorted(sorted_h, sh, "left"), np.searchsorted(sorted_h, sh, "right")
    sv = src._vals.astype(dt).astype(acc)
    lv = look._vals.astype(dt).astype(acc)[order]
    out = np.zeros(sh.shape[0], acc)
    for k in range(int((hi - lo).max(initial=0))):        # the k-th match of every source entry, in turn
        has = hi - lo > k
        out[has] += sv[has] * lv[lo[has] + k]
    return make(src._idx.copy(), out.astype(dt), src._size, src._coal)
