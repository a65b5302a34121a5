"""Writing values into a tensor: ``fill_``, ``zero_``, ``copy_``.

``fill_`` records ``FillBackward0``-style behaviour implicitly: the filled tensor's old values no
longer matter, so no gradient flows to them; ``copy_`` sends the gradient to the source.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record, as_array, broadcast_error
from .inplace import check_inplace, check_overlap, can_cast, type_name, rebase_view
from ._scalar_cast import checked_scalar


class FillBackward0(Node):
    """x.fill_(v)   ->   dx = 0"""
    __slots__ = ()

    def backward(self, g):
        return (self.m.zeros_like(g),)


class ZeroBackward0(FillBackward0):
    """x.zero_()   ->   dx = 0"""
    __slots__ = ()


def fill_(t, value):
    check_inplace(t)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        value = value._data
    else:
        value = checked_scalar(value, t._data.dtype)
    t._data[...] = value
    t._vc[0] += 1
    if GRAD.enabled and t._rg and t.grad_fn is not None:
        node = ZeroBackward0() if isinstance(value, (int, float)) and value == 0 else FillBackward0()
        record(node, t, t)
        base = t._base
        if base is not None and base._data is not t._data and np.shares_memory(base._data, t._data):
            rebase_view(t, node)      # the base changed too: it gets CopySlices, as after any in-place op
    return t


class CopyBackwards(Node):
    """x.copy_(src)   ->   dx = 0,   dsrc = g"""
    __slots__ = ()

    def backward(self, g):
        return self.m.zeros_like(g), g


def copy_(t, src):
    check_inplace(t)
    check_overlap(t, src)
    s = src._data if isinstance(src, Tensor) else np.asarray(src)
    try:
        b = np.broadcast_to(s, t._data.shape)
    except ValueError:
        try:
            shape = np.broadcast_shapes(s.shape, t._data.shape)
        except ValueError:  # the shapes do not broadcast at all: torch's size message, destination as a
            raise broadcast_error(t._data.shape, s.shape) from None
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
                           f"{list(shape)}") from None
    np.copyto(t._data, b, casting="unsafe")
    t._vc[0] += 1
    if GRAD.enabled and (t._rg or (isinstance(src, Tensor) and src._rg)):
        record(CopyBackwards(), t, t, src)
    return t


__all__ = ["fill_", "copy_", "can_cast", "type_name", "_wrap", "as_array"]
