"""``Tensor.unfold(dim, size, step)``: every window of ``size`` along ``dim``, ``step`` apart, as a view
whose windows run along a new last dim (``UnfoldBackward0``)."""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, record1
from .shape import as_view, is_array
from .._tensor import _wrap_dim


def _windows(x, d, size, step):
    n = (x.shape[d] - size) // step + 1
    shape = x.shape[:d] + (n,) + x.shape[d + 1:] + (size,)
    strides = x.strides[:d] + (x.strides[d] * step,) + x.strides[d + 1:] + (x.strides[d],)
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=x.flags.writeable)


class UnfoldBackward0(Node):
    """y = x.unfold(d, size, step)   ->   dx = g summed back over every window each element is in"""
    __slots__ = ("shape", "dim", "size", "step", "in_shape")

    def backward(self, g):
        pos = _windows(np.arange(int(np.prod(self.shape))).reshape(self.shape), self.dim, self.size, self.step)
        if is_array(g):
            out = np.zeros(int(np.prod(self.shape)), g.dtype)
            np.add.at(out, pos.reshape(-1), g.reshape(-1))
            return (out.reshape(self.in_shape),)
        if len(self.in_shape) == len(self.shape):
            # create_graph: torch's unfold_backward op, recorded with its own derivative node
            from .kernel_double import hang
            from .slice_double import UnfoldBackwardBackward0
            out = np.zeros(int(np.prod(self.shape)), g._data.dtype)
            np.add.at(out, pos.reshape(-1), g._data.reshape(-1))
            return (hang(UnfoldBackwardBackward0, out.reshape(self.in_shape), (g,), dim=self.dim, size=self.size,
                         step=self.step),)
        m = self.m
        out = m.zeros(int(np.prod(self.shape)), dtype=g.dtype)
        return (out.index_add(0, m.tensor(np.ascontiguousarray(pos).reshape(-1)), g.reshape(-1)).reshape(self.in_shape),)


def unfold(input, dimension, size, step):
    if not (dimension.__class__ is int and size.__class__ is int and step.__class__ is int):
        from .._arg_parser import parser_error        # torch's message ("must be int, not float")
        err = parser_error(("unfold(int64_t dimension, int64_t size, int64_t step)",), (dimension, size, step))
        if err is not None:
            raise err
        dimension, size, step = int(dimension), int(size), int(step)   # NumPy or 0-d tensor integers
    x = input._data
    zero_d = x.ndim == 0
    if zero_d:          # a 0-d tensor unfolds as a 1-element one, into its one window: shape (size,)
        x = x.reshape(1)
    d = _wrap_dim(dimension, x.ndim)
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > x.shape[d]:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {x.shape[d]} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    w = _windows(x, d, size, step)
    r = as_view(input, w[0] if zero_d else w)
    if GRAD.enabled and input._rg:
        node = UnfoldBackward0()
        node.shape, node.dim, node.size, node.step = x.shape, d, size, step
        node.in_shape = input._data.shape
        record1(node, r, input)
    return r


__all__ = ["unfold"]
