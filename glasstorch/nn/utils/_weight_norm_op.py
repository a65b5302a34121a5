"""torch's fused weight-norm kernel for a norm per slice of the first or last dim
(``_weight_norm_interface``, ``WeightNormInterfaceBackward0``): the arithmetic in _weight_norm_kernel.py."""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from ...ops.shape import is_array
from . import _weight_norm_kernel as _kernel


def _axes(v, dim):
    return tuple(i for i in range(v.ndim) if i != dim)


class WeightNormInterfaceBackward0(Node):
    """w = v g / n, n = ||v|| per slice   ->   dg = <g_w, v> / n,   dv = (g / n)(g_w - v dg / n)"""
    __slots__ = ("dim",)

    def backward(self, gw):
        g, v, norm = self.saved()
        axes = _axes(v, self.dim)
        if not is_array(gw):
            # create_graph: the same formula in Tensor ops, recorded.  As torch's
            # _weight_norm_differentiable_backward, the saved norm counts as a constant (torch's own
            # gradgradcheck of _weight_norm fails for that reason: the terms through ||v|| are missing)
            n = norm.reshape(tuple(norm.shape))
            grad_g = (gw * v).sum(axes, keepdim=True) / n
            grad_v = (g.reshape(tuple(n.shape)) / n) * (gw - v * (grad_g / n))
            return grad_v, grad_g.reshape(tuple(g.shape))
        # torch's kernel: its reduction orders and its one FMA (_weight_norm_kernel.py)
        return _kernel.backward(gw, v, g, norm, self.dim)


def weight_norm_interface(v, g, dim, with_norm=False):
    """torch's ``_weight_norm_interface``: w (and, ``with_norm``, the norm, float32 for float16 v)."""
    a = v._data
    d = dim % a.ndim
    shape = [1] * a.ndim
    shape[d] = a.shape[d]
    # the norm in the accumulation type: float32 for a float16 weight, as torch's opmath
    w, norm = _kernel.forward(a, g._data.reshape(shape), d)
    r = _wrap(w)
    if GRAD.enabled and (v.requires_grad or g.requires_grad):
        node = WeightNormInterfaceBackward0()
        node.dim = d
        node.save(g, v, _wrap(norm))      # torch's order (g_ before v_): an in-place change to both reports g
        record(node, r, v, g)
    return (r, _wrap(norm)) if with_norm else r
