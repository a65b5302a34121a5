"""The gradient of the whole-tensor selections ``max()``, ``min()``, ``median()`` and ``nanmedian()``.

torch's derivatives.yaml gives all four ``evenly_distribute_backward(grad, self, result)``:

    mask = isnan(x)  if y is NaN  else  x == y
    dx   = zeros(x.shape).masked_fill_(mask, g / mask.sum())

so tied elements share g evenly (the median of [1, 2, 2, 3] sends g/2 to each 2, not g to the
first), and every other element is a +0.0 from the zeros, whatever g's sign (``amax``/``amin``
multiply g by the mask instead, and give -0.0 there: reduce_more's ``_ByCount``).  Under
create_graph the gradient is that masked_fill (MaskedFillBackward1) of g / count (DivBackward0).
"""
import numpy as np

from ..autograd.graph import Node
from .shape import is_array


def evenly_distribute(g, x, y, m):
    """dx for y = max/min/median/nanmedian(x): g / (number of ties) at each element equal to y."""
    if is_array(g) or np.isscalar(g):
        x = np.asarray(x)
        mask = np.isnan(x) if y != y else x == y
        out = np.zeros(x.shape, x.dtype)
        # torch divides g by the int64 count in g's float dtype (a NumPy int would widen it)
        n = np.count_nonzero(mask)
        if n:                       # (none in an empty tensor)
            out[mask] = np.asarray(g).dtype.type(g) / np.asarray(g).dtype.type(n)
        return out
    mask = x.isnan() if bool(y.isnan()) else x == y
    return m.zeros(x.shape, dtype=x.dtype).masked_fill(mask, g / mask.sum())


class _EvenlyDistributed(Node):
    """dx = zeros with g / (number of ties) written at every element equal to y (saved: self, result)"""
    __slots__ = ()
    _saved_names = ("self", "result")

    def backward(self, g):
        x, y = self.saved()
        return (evenly_distribute(g, x, y, self.m),)


class MaxBackward1(_EvenlyDistributed):
    """y = max(x)   ->   dx = zeros with g / (number of ties) at every element equal to y"""
    __slots__ = ()


class MinBackward1(_EvenlyDistributed):
    """y = min(x)   ->   dx = zeros with g / (number of ties) at every element equal to y"""
    __slots__ = ()
