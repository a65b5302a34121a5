"""``F.threshold``: y = x if x > threshold else value (``ThresholdBackward0``; in place,
``ThresholdBackward1``, which masks by a saved copy of the original input, as torch's
``threshold_`` derivative uses ``self`` before the write)."""
import numpy as np

from ...autograd.graph import Node
from ...ops.inplace import commit
from ...ops.inplace_more import original
from .activation import _unary


class ThresholdBackward0(Node):
    """y = x if x > t else v   ->   dx = g where x > t, else 0"""
    __slots__ = ("threshold",)

    def backward(self, g):
        x, = self.saved()
        if self.m is np:
            return (np.where(x <= self.threshold, 0, g),)
        from .mask_double import mask_double
        return (mask_double(self, self.m.where(x <= self.threshold, 0, g), g, x),)


class ThresholdBackward1(ThresholdBackward0):
    """The in-place form: the mask comes from the input as it was before the write."""
    __slots__ = ()


def _threshold(input, threshold, value, node_cls):
    x = input._data
    if x.dtype.kind in "bc":
        from ...ops.inplace import type_name
        raise NotImplementedError(f"\"threshold_cpu\" not implemented for '{type_name(x.dtype)}'")
    t = x.dtype.type
    out = np.where(x <= t(threshold), t(value), x)
    return _unary(node_cls, input, out, input, threshold=threshold)


def threshold(input, threshold, value, inplace=False):
    if inplace:
        return threshold_(input, threshold, value)
    return _threshold(input, threshold, value, ThresholdBackward0)


def threshold_(input, threshold, value):
    return commit(input, lambda: _threshold(original(input), threshold, value, ThresholdBackward1), "threshold_")
