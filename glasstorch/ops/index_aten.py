"""``aten::index.Tensor`` when a 0-d integer tensor is among the indices.  ``x[t]`` reads such a tensor
as a Python integer (a view, SelectBackward0), but the aten operator takes every tensor as an advanced
index: broadcast with the others, the result a copy (IndexBackward0), ``None`` entries whole dims.
(TransformGetItemToIndex routes ``x[q_idx]`` here so that a mask function's result never aliases.)"""
import numpy as np

from ._common import GRAD, _wrap, record1
from .index import IndexBackward0, positions
from .index_layout import adv_result


def has_zero_d_int(indices):
    return any(i is not None and i.dim() == 0 and i.dtype.np.kind in "iu" and i.dtype.name != "uint8"
               for i in indices)


def index_tensor(input, indices):
    """y = x[adv] with NumPy's advanced-index rules (0-d indices included)  ->  dx = zeros, with g
    added at the indexed positions."""
    x = input._data
    if len(indices) > x.ndim:
        raise IndexError(f"too many indices for tensor of dimension {x.ndim} (got {len(indices)})")
    adv, n_tensors = [], 0
    for d, i in enumerate(indices):
        if i is None:
            adv.append(slice(None))
            continue
        if i.dtype.np.kind not in "iu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        a = np.asarray(i._data, dtype=np.int64)
        size = x.shape[d]
        bad = a[(a >= size) | (a < -size)]
        if bad.size:
            raise IndexError(f"index {int(bad.flat[0])} is out of bounds for dimension {n_tensors} with size {size}")
        adv.append(np.where(a < 0, a + size, a))
        n_tensors += 1
    adv = tuple(adv)
    r = _wrap(np.array(adv_result(x, adv), copy=True) if x.ndim else x[adv].copy())
    if not (GRAD.enabled and input._rg):
        return r
    node = IndexBackward0()
    node.shape = x.shape
    node.sel = positions(x.shape)[adv]
    node.save(*(i for i in indices if i is not None))     # (torch's node saves the index tensors)
    return record1(node, r, input)
