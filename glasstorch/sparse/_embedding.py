"""The sparse gradient of ``F.embedding(..., sparse=True)`` (torch's embedding_sparse_backward):
one entry per looked-up id, in lookup order, holding that position's upstream gradient row;
positions that looked up ``padding_idx`` are dropped.  Nothing is summed: the gradient is
uncoalesced, and the optimizer coalesces it."""
import numpy as np

from ._grad import SparseGrad


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
