"""``F.cosine_similarity``, ``F.pairwise_distance`` and the latter's norm (``NormBackward1``, torch's
``at::norm(x, p, dim, keepdim)``):

    y = (sum_i |x_i|^p)^(1/p)   ->   dx_i = g x_i |x_i|^(p-2) / y^(p-1)    (0 where y == 0)
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1


class NormBackward1(Node):
    """see the module docstring; p = 1 gives g sign(x), p = 2 gives g x / y"""
    __slots__ = ("p", "dim", "keepdim")

    def backward(self, g):
        x, y = self.saved()
        m, p = self.m, self.p
        if not self.keepdim:
            arrays = isinstance(g, (np.ndarray, np.generic))    # a 0-d result's gradient may be a NumPy scalar
            for d in self.dim:        # ascending, so each lands where it was reduced
                g = np.expand_dims(g, d) if arrays else g.unsqueeze(d)
                y = np.expand_dims(y, d) if isinstance(y, (np.ndarray, np.generic)) else y.unsqueeze(d)
        if p == 1:             # sgn(x) = x / |x|: sign for real x, the unit phase for complex
            if not np.iscomplexobj(x._data if hasattr(x, "_data") else x):
                return (g * m.sign(x),)
            ax = m.abs(x)
            return (m.where(ax == 0, 0 * x, g * x / ax),)
        if p == 2:
            return (m.where(y == 0, 0 * x, g * x / y),)
        return (m.where(y == 0, 0 * x, g * x * m.abs(x) ** (p - 2) / y ** (p - 1)),)


def norm(input, p, dim, keepdim=False):
    """``dim``: an int or a sequence of ints (torch.frobenius_norm reduces several)."""
    x = input._data
    dim = tuple(sorted(d % x.ndim for d in dim)) if isinstance(dim, (tuple, list)) else (dim % x.ndim,)
    # |x| of a complex x first: the norm is real (float32 for complex64)
    xd = np.abs(x).astype(np.float64)
    y = np.sqrt((xd * xd).sum(dim, keepdims=keepdim)) if p == 2 else (xd ** p).sum(dim, keepdims=keepdim) ** (1 / p)
    real = np.dtype(np.float32) if x.dtype == np.complex64 else np.dtype(np.float64) if x.dtype.kind == "c" else x.dtype
    r = _wrap(np.asarray(y, real))
    if GRAD.enabled and input._rg:
        node = NormBackward1()
        node.p, node.dim, node.keepdim = p, dim, keepdim
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum((x1 / |x1|) (x2 / |x2|)) over ``dim``, as torch: broadcast first, each norm clamped to
    ``eps`` without the clamp entering the gradient."""
    import glasstorch as g
    try:
        dt = g.promote_types(x1.dtype, x2.dtype)
    except AttributeError:      # a non-tensor (an ndarray's dtype is NumPy's): torch's parser error
        from ..._arg_refuse import not_tensor
        not_tensor()
        raise
    if not dt.is_floating_point:
        from ...ops.inplace import type_name
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {type_name(dt.np)}")
    # integer / bool inputs are first cast to the common dtype (vector_norm takes floats only)
    common = g.result_type(x1, x2)
    x1, x2 = [x.to(common) if not (x.dtype.is_floating_point or x.dtype.is_complex) else x for x in (x1, x2)]
    try:
        shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    except ValueError:
        from ...ops._common import broadcast_error
        raise broadcast_error(tuple(x1.shape), tuple(x2.shape)) from None
    x1, x2 = x1.expand(*shape), x2.expand(*shape)

    def unit(x):
        n = g.linalg.vector_norm(x, 2, dim, True)
        clamped = g.clamp_min(n.detach(), eps)
        return x / (n + (clamped - n.detach()))
    return (unit(x1) * unit(x2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """|x1 - x2 + eps|_p over the last dimension (``NormBackward1``)."""
    if p in (1, 2) or (p > 0 and p != float("inf")):
        return norm(x1 - x2 + eps, p, -1, keepdim)
    import glasstorch as g
    return g.linalg.vector_norm(x1 - x2 + eps, p, -1, keepdim)
