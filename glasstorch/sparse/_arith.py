"""Arithmetic on COO tensors, in torch's order of operations (``SparseTensorMath.cpp``).

sparse + sparse: when both values arrays are contiguous, torch walks the two index lists once, as
a merge of sorted lists (even when they are not sorted), adding the heads where they are equal:
the result is coalesced only when both inputs were.  Otherwise it concatenates indices and values
(and coalesces if that leaves more entries than elements).

dense + sparse: each stored entry is added into the dense copy with an axpy (one fused
multiply-add per element), in nnz order; an uncoalesced operand with non-contiguous values is
coalesced first.
"""
import numpy as np

from .._rng_fma import fma64
from ..optim._functional import fma as _fma32


def fma(a, b, c):
    """a*b + c rounded once, as torch's axpy computes it in float32 and float64 alike."""
    if np.asarray(c).dtype == np.float64:
        return fma64(np.float64(a), b, c)
    return _fma32(a, b, c)
from ._coo import SparseTensor, coalesce_arrays, make, _linear

ADD_SPARSE_DENSE = "add(sparse, dense) is not supported. Use add(dense, sparse) instead."


def _promote(a, b):
    """torch's promotion of two NumPy dtypes (float32 with int64 stays float32; NumPy widens it)."""
    from .._dtype import FROM_NP, _promote_pair
    return _promote_pair(FROM_NP[np.dtype(a)], FROM_NP[np.dtype(b)]).np


def merge_arrays(ti, tv, si, sv, alpha, size):
    """torch's add_out_sparse_contiguous: (indices, values) of t + alpha * s."""
    dt = _promote(tv.dtype, sv.dtype)
    tv, sv = tv.astype(dt, copy=False), sv.astype(dt, copy=False)
    a = dt.type(alpha)
    tl, sl = _linear(ti, size).tolist(), _linear(si, size).tolist()
    nt, ns = len(tl), len(sl)
    take_t, take_s = [], []        # for each result entry: t's row or -1, s's row or -1
    i = j = 0
    while i < nt or j < ns:
        if i >= nt:
            cmp = -1
        elif j >= ns:
            cmp = 1
        else:
            cmp = (tl[i] < sl[j]) - (tl[i] > sl[j])
        take_t.append(i if cmp >= 0 else -1)
        take_s.append(j if cmp <= 0 else -1)
        i += cmp >= 0
        j += cmp <= 0
    take_t, take_s = np.array(take_t, np.int64), np.array(take_s, np.int64)
    zero = np.zeros((len(take_t),) + sv.shape[1:], dt)
    has_t = take_t >= 0
    vals = zero.copy()
    vals[has_t] = zero[has_t] + tv[take_t[has_t]]        # axpy(1, t, 0): -0.0 comes out +0.0
    has_s = take_s >= 0
    vals[has_s] = fma(a, sv[take_s[has_s]], vals[has_s]) if alpha != 1 else vals[has_s] + sv[take_s[has_s]]
    idx = np.where(has_t, ti[:, np.maximum(take_t, 0)], si[:, np.maximum(take_s, 0)])
    return idx, vals


def add_arrays(t, s, alpha=1):
    """(indices, values, coalesced) of sparse ``t`` + alpha * sparse ``s`` (torch's add_out_sparse_cpu)."""
    if t._size != s._size:
        raise RuntimeError(f"add: expected sizes of 'self' and 'other' to match, but {list(t._size)} != "
                           f"{list(s._size)}")
    if s._vals.shape[0] == 0:
        return t._idx.copy(), t._vals.copy(), t._coal
    if t._vals.shape[0] == 0:
        vals = s._vals * s._vals.dtype.type(alpha) if alpha != 1 else s._vals.copy()
        return s._idx.copy(), vals, s._coal
    if t._vals.flags.c_contiguous and s._vals.flags.c_contiguous:
        idx, vals = merge_arrays(t._idx, t._vals, s._idx, s._vals, alpha, t._size)
        return idx, vals, t._coal and s._coal
    sv = s._vals if alpha == 1 else s._vals * s._vals.dtype.type(alpha)
    dt = _promote(t._vals.dtype, sv.dtype)
    idx = np.concatenate([t._idx, s._idx], axis=1)
    vals = np.concatenate([t._vals.astype(dt, copy=False), sv.astype(dt, copy=False)])
    if vals.shape[0] > int(np.prod(t._size)):
        idx, vals = coalesce_arrays(idx, vals, t._size)
        return idx, vals, True
    return idx, vals, False


def add(t, other, alpha=1, sub=False):
    if not isinstance(other, SparseTensor):
        raise RuntimeError(ADD_SPARSE_DENSE)
    from ._arith_grad import record_add
    idx, vals, coal = add_arrays(t, other, alpha)
    return record_add(make(idx, vals, t._size, coal), t, other, alpha, sub)


def add_(t, other, alpha=1):
    if not isinstance(other, SparseTensor):
        raise RuntimeError(ADD_SPARSE_DENSE)
    t._idx, vals, t._coal = add_arrays(t, other, alpha)
    t._vals = vals.astype(t._vals.dtype, copy=False)
    t._vc[0] += 1
    return t


def dense_add_arrays(d, idx, vals, coalesced, alpha=1):
    """A new array: dense ``d`` + alpha * the sparse (idx, vals), torch's add_out_dense_sparse_cpu."""
    dt = _promote(d.dtype, vals.dtype)
    r = np.array(d, dtype=dt)
    nnz = vals.shape[0]
    if nnz == 0:
        return r
    vals = vals.astype(dt, copy=False)
    if not (coalesced or nnz == 1) and not vals.flags.c_contiguous:
        idx, vals = coalesce_arrays(idx, vals, d.shape)     # torch's slow path sums duplicates first
        coalesced = True
    a = dt.type(alpha)
    if coalesced or nnz == 1:
        rounds = [np.arange(vals.shape[0])]
    else:
        # the k-th occurrence of every index in round k: a repeated index is added to in nnz order
        lin = _linear(idx, d.shape)
        order = np.argsort(lin, kind="stable")
        slin = lin[order]
        start = np.concatenate(([True], slin[1:] != slin[:-1]))
        pos = np.arange(len(slin)) - np.maximum.accumulate(np.where(start, np.arange(len(slin)), 0))
        rank = np.empty_like(pos)
        rank[order] = pos
        rounds = [np.nonzero(rank == k)[0] for k in range(int(rank.max()) + 1)]
    for rows in rounds:
        where = tuple(idx[:, rows])
        r[where] = fma(a, vals[rows], r[where]) if alpha != 1 else r[where] + vals[rows]
    return r


def dense_add(d, s, alpha=1):
    """dense + sparse -> dense (the reflected ``+`` and the optimizers' ``param.add_(sparse)``)."""
    from .._tensor import Tensor, _wrap
    arr = d._data if isinstance(d, Tensor) else np.asarray(d)
    if arr.ndim == 0 and not isinstance(d, Tensor):
        raise RuntimeError(ADD_SPARSE_DENSE)
    if arr.shape != s._size:
        raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size {list(arr.shape)} "
                           f"while other has size {list(s._size)} (FYI: dense-sparse addition does not currently "
                           "support broadcasting)")
    return _wrap(dense_add_arrays(arr, s._idx, s._vals, s._coal, alpha))


def dense_add_(d, s, alpha=1):
    """``d.add_(s, alpha)`` for dense ``d``: in place, as torch's optimizers use it."""
    d._data[...] = dense_add_arrays(d._data, s._idx, s._vals, s._coal, alpha)
    d._vc[0] += 1
    return d


def _scalar_values(t, other, op):
    from .._tensor import Tensor, _wrap
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and getattr(other, "requires_grad", False):
        # torch records a gradient for ``other`` too; glasstorch records one for the sparse operand
        # only (_arith_grad.py), and a result without that graph would silently lose the gradient
        raise NotImplementedError("glasstorch: autograd through sparse * or / into the number or dense "
                                  "tensor operand is not implemented")
    if isinstance(other, SparseTensor):
        raise NotImplementedError("glasstorch: sparse * sparse is not implemented")
    if isinstance(other, Tensor) and other.dim() != 0:
        # sparse * dense: each stored value times the (broadcast) dense element at its index; the
        # indices and the coalesced flag are kept, as torch's
        d = other._data
        if np.broadcast_shapes(d.shape, t._size) != tuple(t._size):
            raise NotImplementedError("glasstorch: sparse * dense with a dense operand larger than the sparse one")
        picked = np.broadcast_to(d, t._size)[tuple(t._idx)]
        return op(_wrap(t._vals), _wrap(np.ascontiguousarray(picked)))._data
    return op(_wrap(t._vals), other)._data      # the dense op's dtype promotion and rounding


def mul(t, other):
    if isinstance(other, SparseTensor):
        from ._mul_sparse import mul_sparse_sparse
        return mul_sparse_sparse(t, other)
    from ._arith_grad import record
    out = make(t._idx.copy(), _scalar_values(t, other, lambda v, o: v * o), t._size, t._coal)
    return record("mul", out, t, other)


def div(t, other):
    from .._tensor import Tensor
    if isinstance(other, Tensor) and not isinstance(other, SparseTensor) and other.dim() != 0:
        raise RuntimeError("Sparse division requires a scalar or zero-dim dense tensor divisor "
                           f"(got shape {list(other.shape)} for divisor)")
    from ._arith_grad import record
    out = make(t._idx.copy(), _scalar_values(t, other, lambda v, o: v / o), t._size, t._coal)
    return record("div", out, t, other)


def layout_add(a, b, alpha=1, inplace=False):
    """``a.add(b, alpha=alpha)`` (``add_`` when ``inplace``) for any mix of layouts, as torch dispatches
    it: sparse + sparse stays sparse, dense + sparse adds entry by entry, sparse + dense raises.
    The optimizers use it where a gradient or a buffer may be sparse."""
    if isinstance(a, SparseTensor):
        return add_(a, b, alpha) if inplace else add(a, b, alpha)
    if isinstance(b, SparseTensor):
        return dense_add_(a, b, alpha) if inplace else dense_add(a, b, alpha)
    return a.add_(b, alpha=alpha) if inplace else a.add(b, alpha=alpha)
