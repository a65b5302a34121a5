"""Numbers in derivative formulas as torch's C++ writes them, for backward passes recorded under
create_graph: ``t + 1`` and ``2 * t`` go through the ``.Scalar`` overloads (``AddBackward1``,
``MulBackward1``), ``1 - t`` is C++'s ``operator-(Scalar, Tensor)`` -- ``empty_like(t).fill_(1).sub_(t)``,
a ``SubBackward0`` -- and ``t.pow(2)`` is a ``PowBackward0``, where the same Python expression on
glasstorch tensors would record ``AddBackward0`` / ``MulBackward0`` / ``RsubBackward1``.

Each helper takes the NumPy array of a plain backward too and then computes exactly what the formula
computed before (the values are the same either way; only the recorded graph differs)."""
import numpy as np

from .scalar_arith import add_scalar, mul_scalar, sub_scalar
from ._half_grad_scalar import times as _half_times


def _plain(t):
    return isinstance(t, (np.ndarray, np.generic))


def plus(t, c):
    """t + c (``add.Scalar``)"""
    return t + c if _plain(t) else add_scalar(t, c)


def minus(t, c):
    """t - c (``sub.Scalar``)"""
    return t - c if _plain(t) else sub_scalar(t, c)


def times(t, c):
    """t * c, c a number (``mul.Scalar``; float16 reads c in float32, as torch's kernel)"""
    return _half_times(t, c) if _plain(t) else mul_scalar(t, c)


def number_minus(c, t):
    """c - t, C++'s ``operator-(Scalar, Tensor)``: a tensor filled with c, minus t in place"""
    if _plain(t):
        return c - t
    import glasstorch
    return glasstorch.full_like(t, c).sub_(t)


def square(t):
    """t.pow(2) (torch computes it as t * t)"""
    return t * t if _plain(t) else t.pow(2)


def max_min_grads(g, a, b, loses_a, loses_b):
    """maximum / minimum under create_graph, as derivatives.yaml: ``where(a == b, grad / 2, grad)`` (a
    ``div.Scalar``) then ``masked_fill_`` where the operand lost (WhereBackward0 under
    MaskedFillBackward0; the values are those of the NumPy form)."""
    import glasstorch
    from .scalar_arith import div_scalar
    tie = a == b
    return (glasstorch.where(tie, div_scalar(g, 2), g).masked_fill_(loses_a, 0),
            glasstorch.where(tie, div_scalar(g, 2), g).masked_fill_(loses_b, 0))


def fmax_fmin_grads(g, pick_a):
    """fmax / fmin under create_graph: ``grad.masked_fill(mask, 0)`` for each operand (MaskedFillBackward0)."""
    return g.masked_fill(~pick_a, 0), g.masked_fill(pick_a, 0)
