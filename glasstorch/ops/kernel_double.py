"""Backward kernels recorded as one node each, as torch records them under ``create_graph``.

torch computes many first-order gradients with a dedicated kernel (``sigmoid_backward``,
``_softmax_backward_data``, ``elu_backward``, ...).  When a graph of the backward is recorded, the
kernel's output hangs from ``<Kernel>Backward0`` (``SigmoidBackwardBackward0``), whose own
derivatives derivatives.yaml gives.  glasstorch does the same: the first-order value is the
kernel's, computed on the arrays (so a MAML inner step or a gradient penalty sees torch's exact
first-order numbers), and the node below records how to differentiate it again.

sigmoid_backward(g, y) = g (1 - y) y:
    dg = sigmoid_backward(gg, y),   dy = gg g (1 - 2 y)
_softmax_backward_data(g, y, d) = y (g - sum_d(g y)):
    dg = _softmax_backward_data(gg, y, d),   dy = g gg - sum_d(y g) gg - g sum_d(y gg)
_log_softmax_backward_data(g, y, d) = g - exp(y) sum_d(g):
    dg = gg - sum_d(gg exp(y)),   dy = -sum_d(g) exp(y) gg
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, as_array, record


def is_arr(v):
    return isinstance(v, (np.ndarray, np.generic))


def with_tensors(fn, *values):
    """``fn`` written with tensor ops (so that it is recorded when a graph of it is wanted), applied
    to arrays too: they are wrapped (no graph: plain backward runs without grad mode), and the
    result's arrays come back."""
    if not is_arr(values[0]):
        return fn(*values)
    r = fn(*[_wrap(np.asarray(v)) for v in values])
    return tuple(t._data for t in r) if isinstance(r, tuple) else r._data


def hang(node_cls, value, inputs, **attrs):
    """The kernel's array ``value`` as a tensor whose grad_fn is ``node_cls`` (edges to ``inputs``,
    which it also saves), when a graph is being recorded through any of them."""
    r = _wrap(as_array(value))
    if GRAD.enabled and any(getattr(v, "_rg", False) for v in inputs):
        node = node_cls()
        for k, v in attrs.items():
            setattr(node, k, v)
        node.save(*inputs)
        record(node, r, *inputs)
    return r


def kernel_backward(node_cls, first, g, x, **attrs):
    """``first.kernel`` (the first-order node's backward kernel) on arrays, or recorded on tensors as
    ``node_cls``, the node that knows how to differentiate it again."""
    if is_arr(g):
        return first.kernel(g, x, **attrs)
    return hang(node_cls, first.kernel(g._data, x._data, **attrs), (g, x), first=first, **attrs)


# ---- sigmoid -------------------------------------------------------------------------------------
def sigmoid_grad(g, y):
    """torch's sigmoid_backward kernel on arrays."""
    return g * (1 - y) * y


def sigmoid_backward(g, y):
    """sigmoid_backward on arrays, or on tensors recorded as SigmoidBackwardBackward0."""
    if is_arr(g):
        return sigmoid_grad(g, y)
    return hang(SigmoidBackwardBackward0, sigmoid_grad(g._data, y._data), (g, y))


class SigmoidBackwardBackward0(Node):
    """z = g (1 - y) y   ->   dg = sigmoid_backward(gg, y),   dy = gg g (1 - 2 y)"""
    __slots__ = ()

    def backward(self, gg):
        g, y = self.saved()
        return sigmoid_backward(gg, y), gg * g * (-2 * y + 1)


# ---- softmax / log_softmax -----------------------------------------------------------------------
class SoftmaxBackwardDataBackward0(Node):
    """z = y (g - sum(g y))   ->   dg = z(gg, y),   dy = g gg - sum(y g) gg - g sum(y gg)"""
    __slots__ = ("first",)

    def backward(self, gg):
        g, y = self.saved()
        d = self.first.dim
        dy = with_tensors(lambda gg, g, y: g * gg - (y * g).sum(d, keepdim=True) * gg - g * (y * gg).sum(d, keepdim=True),
                          gg, g, y)
        return kernel_backward(SoftmaxBackwardDataBackward0, self.first, gg, y), dy


class LogSoftmaxBackwardDataBackward0(Node):
    """z = g - exp(y) sum(g)   ->   dg = gg - sum(gg exp(y)),   dy = -sum(g) exp(y) gg"""
    __slots__ = ("first",)

    def backward(self, gg):
        g, y = self.saved()
        d = self.first.dim
        return with_tensors(lambda gg, g, y: (gg - (gg * y.exp()).sum(d, keepdim=True),
                                              -g.sum(d, keepdim=True) * y.exp() * gg), gg, g, y)
