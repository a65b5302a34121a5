"""``torch.sparse.softmax`` / ``torch.sparse.log_softmax`` of a COO tensor: unstored entries count
as -inf, so each slice along ``dim`` is normalised over the entries it stores.

The input is coalesced first; the output holds the same indices, coalesced.  Along a sparse dim the
stored entries that differ only in ``dim`` form a pool (in coalesced order), and, as torch's CPU
kernel, each pool takes its max, sums ``exp(v - max)`` one entry at a time, then multiplies by the
reciprocal of the sum (softmax) or subtracts ``max + log(sum)`` (log_softmax).  Along a dense dim it
is the dense softmax of the values.

torch's float32 results differ from glasstorch's in the last bit or two: its kernel's rounding could
not be reproduced (computing in double, as here, matches it most often), so tests compare with rtol 1e-6.

Gradients (``SparseSoftmaxBackward0`` / ``SparseLogSoftmaxBackward0``), per pool, at the output's
indices (an unstored upstream gradient counts as 0):

    softmax:      dx_i = y_i * (g_i - sum_j y_j g_j)
    log_softmax:  dx_i = g_i - exp(y_i) * sum_j g_j
"""
import numpy as np

from .._tensor import _wrap_dim
from ..autograd.graph import FREED, Node
from ..ops import _libm
from ..ops.inplace import type_name
from ._coo import SparseTensor, _T_wrap, _linear, make


def _pools(idx, size, dim):
    """Pool number of each stored entry: its index with ``dim`` dropped, numbered by first appearance."""
    keep = [d for d in range(idx.shape[0]) if d != dim]
    key = _linear(idx[keep], [size[d] for d in keep]) if keep else np.zeros(idx.shape[1], np.int64)
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    return inv.reshape(-1), len(first)


def _forward(vals, idx, size, dim, log):
    sd = idx.shape[0]
    if dim >= sd:                              # a dense dim: the dense (log_)softmax of the values
        fn = "log_softmax" if log else "softmax"
        return getattr(_T_wrap(vals), fn)(dim - sd + 1)._data
    pool, n = _pools(idx, size, dim)
    v = vals.astype(np.float64)                # torch's kernel works in the accumulate type (double)
    mx = np.full((n,) + vals.shape[1:], -np.inf)
    np.maximum.at(mx, pool, v)
    e = np.exp(v - mx[pool])
    sums = np.zeros_like(mx)
    np.add.at(sums, pool, e)                   # one entry at a time, in pool order
    out = v - (mx + np.log(sums))[pool] if log else e * (1.0 / sums)[pool]
    return out.astype(vals.dtype)


def _softmax(input, dim, dtype, log):
    from ..autograd.grad_mode import GRAD
    name = "log_softmax" if log else "softmax"
    if not isinstance(input, SparseTensor):
        raise NotImplementedError(
            f"Could not run 'aten::_sparse_{name}' with arguments from the 'CPU' backend. This could be because "
            "the operator doesn't exist for this backend, or was omitted during the selective/custom build "
            "process (if using custom build).")
    raw_dim, dim = dim, _wrap_dim(dim, len(input._size))
    if dtype is not None:
        input = input.to(dtype)
    if input._vals.dtype.kind != "f":
        raise NotImplementedError(f"\"{name}\" not implemented for '{type_name(input._vals.dtype)}'")
    c = input.coalesce()
    out = make(c._idx.copy(), _forward(c._vals, c._idx, c._size, dim, log), c._size, True)
    if GRAD.enabled and input._rg:
        from ._autograd import _record_sparse
        node = SparseLogSoftmaxBackward0() if log else SparseSoftmaxBackward0()
        node.save(out._idx, out._vals, out._size, raw_dim)
        _record_sparse(node, out, input)
    return out


def softmax(input, dim, *, dtype=None):
    """softmax(s)_i = exp(s_i) / sum_j exp(s_j) over the entries stored along ``dim``"""
    return _softmax(input, dim, dtype, False)


def log_softmax(input, dim, *, dtype=None):
    """log_softmax(s)_i = s_i - log(sum_j exp(s_j)) over the entries stored along ``dim``"""
    return _softmax(input, dim, dtype, True)


class _Backward(Node):
    __slots__ = ()
    LOG = False

    def backward(self, g):
        from ._autograd import _dense
        from ._grad import SparseGrad
        if self._saved is None:
            raise RuntimeError(FREED)
        idx, y, size, dim = self._saved
        gv = _dense(g)[tuple(idx)].astype(y.dtype, copy=False)   # the upstream gradient at y's entries
        sd = idx.shape[0]
        if dim < 0:     # torch's backward takes the dim unwrapped: no index is dropped, each entry is a pool
            pool, n = np.arange(idx.shape[1]), idx.shape[1]
        elif dim >= sd:                       # dense dim: the dense softmax backward on the values
            ax = dim - sd + 1
            if self.LOG:
                dx = gv - _libm.exp(y) * gv.sum(axis=ax, keepdims=True)
            else:
                dx = y * (gv - (y * gv).sum(axis=ax, keepdims=True))
        else:
            pool, n = _pools(idx, size, dim)
        if dim < sd:
            tmp = np.zeros((n,) + y.shape[1:], y.dtype)
            np.subtract.at(tmp, pool, gv if self.LOG else y * gv)   # tmp = -sum, one entry at a time
            dx = gv + np.exp(y) * tmp[pool] if self.LOG else y * (gv + tmp[pool])
        return (SparseGrad(idx.copy(), dx, size, True),)


class SparseSoftmaxBackward0(_Backward):
    """y = softmax(s) along dim   ->   ds_i = y_i * (g_i - sum_j y_j g_j)"""
    __slots__ = ()


class SparseLogSoftmaxBackward0(_Backward):
    """y = log_softmax(s) along dim   ->   ds_i = g_i - exp(y_i) * sum_j g_j"""
    __slots__ = ()
    LOG = True
