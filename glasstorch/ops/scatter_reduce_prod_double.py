"""scatter_reduce / index_reduce with reduce="prod" under ``create_graph``: torch's product gradients
written with Tensor ops, so that they carry their own graph (the folds in them are recorded
scatter_reduce calls, whose own backward is this one again).

    dx = g * prod(x with 0 -> 1, src) / (x with 0 -> 1)
    dsrc = g * prod(x, src with its lone zero -> 1)   at a src entry that is the only zero of its position,
           g * y / src                                 elsewhere (a zero src entry read as 1)

Where several zeros of src meet at one position, the src gradient is torch's ``Error`` node:
differentiating it raises torch's message.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import _wrap, record1

_SEVERAL_ZEROS = ("scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are scattered to "
                  "the same position in self")


class Error(Node):
    """torch's DelayedError: the values pass through; their gradient raises."""
    __slots__ = ("message",)

    def name(self):
        return "torch::autograd::Error"

    def backward(self, g):
        raise RuntimeError(self.message)


def prod_graph_grads(node, m, g1, x1, src, y1):
    """(dx, dsrc at the scattered entries) for the product, as recorded Tensors; ``g1``, ``x1``, ``y1`` are
    folded to at least 1-d (see gather._one_d), dsrc has the index's shape."""
    from .scatter_reduce import _reduce_op
    where, region, inc, cls = node.where, node.region, node.include_self, type(node)
    at = tuple(_wrap(np.asarray(w, np.int64)) for w in where)
    xd, s = x1._data, src._data[region]
    masked_x = x1.masked_fill(_wrap(xd == 0), 1)
    gx = g1 * _reduce_op(masked_x, src, where, region, "prod", inc, cls) / masked_x
    zero = s == 0
    nzero = np.zeros(xd.shape, np.int64)
    np.add.at(nzero, where, zero.astype(np.int64))
    nzero = nzero[where]
    single = zero & (nzero == 1)
    single_full = np.zeros(src._data.shape, bool)
    single_full[region] = single
    r_single = _reduce_op(x1, src.masked_fill(_wrap(single_full), 1), where, region, "prod", inc, cls)
    s_t = src[region] if region is not Ellipsis else src
    gs = m.where(_wrap(single), (g1 * r_single)[at], (g1 * y1)[at] / s_t.masked_fill(_wrap(zero), 1))
    if (nzero > 1).any():
        err = Error()
        err.message = _SEVERAL_ZEROS
        out = _wrap(gs._data)
        record1(err, out, gs)
        gs = out
    return gx, gs
