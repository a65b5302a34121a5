"""torch's fused weight-norm kernel for a norm per slice of the first or last dim
(``_weight_norm_interface``, ``WeightNormInterfaceBackward0``), in the tensor's own dtype."""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from ...ops.shape import is_array


def _axes(v, dim):
    return tuple(i for i in range(v.ndim) if i != dim)


class WeightNormInterfaceBackward0(Node):
    """w = v g / n, n = ||v|| per slice   ->   dg = <g_w, v> / n,   dv = (g / n)(g_w - v dg / n)"""
    __slots__ = ("dim",)

    def backward(self, gw):
        v, g, norm = self.saved()
        axes = _axes(v, self.dim)
        if not is_array(gw):
            # create_graph: the same formula in Tensor ops, recorded.  As torch's
            # _weight_norm_differentiable_backward, the saved norm counts as a constant (torch's own
            # gradgradcheck of _weight_norm fails for that reason: the terms through ||v|| are missing)
            n = norm.reshape(tuple(norm.shape))
            grad_g = (gw * v).sum(axes, keepdim=True) / n
            grad_v = (g.reshape(tuple(n.shape)) / n) * (gw - v * (grad_g / n))
            return grad_v, grad_g.reshape(tuple(g.shape))
        dot = np.sum(gw * v, axis=axes, keepdims=True, dtype=v.dtype)
        n = norm.reshape(dot.shape)
        grad_g = (dot / n).astype(v.dtype)
        grad_v = ((g.reshape(dot.shape) / n) * (gw - v * (grad_g / n))).astype(v.dtype)
        return grad_v, grad_g.reshape(g.shape)


def weight_norm_interface(v, g, dim):
    a = v._data
    d = dim % a.ndim
    axes = _axes(a, d)
    norm = np.sqrt(np.sum(a * a, axis=axes, keepdims=True, dtype=a.dtype)).astype(a.dtype)
    w = (a * (g._data.reshape(norm.shape) / norm)).astype(a.dtype)
    r = _wrap(w)
    if GRAD.enabled and (v.requires_grad or g.requires_grad):
        node = WeightNormInterfaceBackward0()
        node.dim = d
        node.save(v, g, _wrap(norm))
        record(node, r, v, g)
    return r
