"""``F.cosine_similarity``, ``F.pairwise_distance`` and the latter's norm (``NormBackward1``, torch's
``at::norm(x, p, dim, keepdim)``):

    y = (sum_i |x_i|^p)^(1/p)   ->   dx_i = g x_i |x_i|^(p-2) / y^(p-1)    (0 where y == 0)

(value and gradient are linalg.vector_norm's: torch computes both with the same kernel and formula)
"""
import numpy as np

from ...ops._common import GRAD, _wrap, record1
from ...ops.norms import LinalgVectorNormBackward0, vector_norm
from ..._arg_refuse import not_a_tensor


class NormBackward1(LinalgVectorNormBackward0):
    """torch's norm_backward, the formula of linalg.vector_norm's node: p = 2 gives g * (x / y); for
    p = 0 torch gives no gradient at all"""
    __slots__ = ()

    def backward(self, g):
        return (None,) if self.ord == 0 else LinalgVectorNormBackward0.backward(self, g)


def norm(input, p, dim, keepdim=False):
    """``dim``: an int or a sequence of ints (torch.frobenius_norm reduces several).  The value is
    ``linalg.vector_norm``'s (torch's at::norm runs the same kernel, in the same order)."""
    x = input._data
    dim = tuple(sorted(d % x.ndim for d in dim)) if isinstance(dim, (tuple, list)) else (dim % x.ndim,)
    r = _wrap(vector_norm(_wrap(x), p, dim, keepdim)._data)
    if GRAD.enabled and input._rg:
        node = NormBackward1()
        node.ord, node.axes, node.keepdim = float(p), dim, keepdim
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum((x1 / |x1|) (x2 / |x2|)) over ``dim``, as torch: broadcast first, each norm clamped to
    ``eps`` without the clamp entering the gradient."""
    import glasstorch as g
    try:
        dt = g.promote_types(x1.dtype, x2.dtype)
    except (AttributeError, TypeError):      # a non-tensor (an ndarray's dtype is NumPy's): torch's parser error
        not_a_tensor()
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
    # expand_outplace: two tensors of one shape are used as they are (no ExpandBackward0), else both
    # are expanded
    if tuple(x1.shape) != tuple(x2.shape):
        x1, x2 = x1.expand(*shape), x2.expand(*shape)
    # torch's steps: each norm cloned, then clamped to eps in place under no_grad (the clamp stays out
    # of the gradient; the clone is what the division saves)
    n1 = g.linalg.vector_norm(x1, 2, dim, True).clone()
    n2 = g.linalg.vector_norm(x2, 2, dim, True).clone()
    with g.no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """|x1 - x2 + eps|_p over the last dimension (``NormBackward1``; eps through add.Scalar, AddBackward1)."""
    from ...ops.scalar_arith import add_scalar
    return norm(add_scalar(x1 - x2, eps), p, -1, keepdim)
