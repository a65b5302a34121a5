"""The sparse gradient of ``F.embedding(..., sparse=True)`` (torch's embedding_sparse_backward):
one entry per looked-up id, in lookup order, holding that position's upstream gradient row;
positions that looked up ``padding_idx`` are dropped.  Nothing is summed: the gradient is
uncoalesced, and the optimizer coalesces it.  ``F.embedding_bag(..., sparse=True)`` first gives
each position its bag's gradient row (scaled as the bag's mode says), then does the same."""
import numpy as np

from ._grad import SparseGrad


FREQ = "embedding_backward: scale_grad_by_freq not supported with sparse gradients"


def sparse_embedding_grad(g, idx, num, padding_idx):
    d = g.shape[-1]
    ids = idx.reshape(-1)
    if padding_idx is not None:
        keep = (idx != padding_idx)
        ids = idx[keep]
        rows = g[keep]                    # a gathered copy: contiguous, as torch's grad.index(c)
    else:
        rows = g
    if rows.size == 0:
        return SparseGrad(np.empty((1, 0), np.int64), np.empty((0, d), g.dtype), (num, d))
    # reshape keeps a view where it can, so an expanded gradient (from .sum()) stays
    # non-contiguous, as in torch: that decides how later additions combine (see _arith.py)
    return SparseGrad(ids.astype(np.int64).reshape(1, -1), rows.reshape(-1, d), (num, d))


def sparse_bag_grad(g, idx, bag, size, mean, psw, keep, num):
    """torch's _embedding_bag_sparse_backward: ``g.index_select(0, offset2bag)``, times
    ``(1 / bag_size)[offset2bag]`` for the mean (the reciprocal rounded in g's dtype, then a
    multiply) or times the per-sample weights; positions holding padding_idx are dropped."""
    rows = g[bag]
    if mean:
        with np.errstate(divide="ignore"):        # an empty bag has no position to scale
            inv = g.dtype.type(1) / size.astype(g.dtype)
        rows *= inv[bag][:, None]
    if psw is not None:
        rows *= psw.astype(g.dtype, copy=False)[:, None]
    if not keep.all():
        idx, rows = idx[keep], rows[keep]
    if rows.size == 0:
        return SparseGrad(np.empty((1, 0), np.int64), np.empty((0, g.shape[1]), g.dtype), (num, g.shape[1]))
    return SparseGrad(idx.astype(np.int64).reshape(1, -1), rows, (num, g.shape[1]))
