"""Masks and flat indices: masked_fill, masked_select, take, nonzero, argwhere (gather.py re-exports them)."""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record, record1, needs_grad
from .shape import is_array
from ._index_dtype import checked_index
from ._scalar_cast import checked_scalar
from .._arg_parser import _is_scalar
from .._arg_refuse import not_a_tensor


class MaskedFillBackward0(Node):
    """y = x.masked_fill(mask, v)   ->   dx = where(mask, 0, g)"""
    __slots__ = ("mask",)

    def backward(self, g):
        m = self.m
        if not is_array(g):      # create_graph: torch's grad.masked_fill(mask, 0), a MaskedFillBackward0 again
            return (g.masked_fill(m.tensor(self.mask), 0.0),)
        return (m.where(self.mask, 0.0, g),)


class MaskedFillBackward1(MaskedFillBackward0):
    """y = x.masked_fill(mask, v) (v a 0-d tensor)   ->   dx = where(mask, 0, g),   dv = sum(g where mask)"""
    __slots__ = ()

    def backward(self, g):
        m = self.m
        mask = self.mask if is_array(g) else m.tensor(self.mask)
        if not is_array(g):
            return g.masked_fill(mask, 0.0), g.masked_select(mask).sum()
        # torch's masked_fill_backward: grad.masked_select(mask).sum(), added in that order
        picked = np.asarray(g)[np.broadcast_to(mask, np.shape(g))]
        return m.where(mask, 0.0, g), _wrap(np.ascontiguousarray(picked)).sum()._data


# masked_fill_ names the mask's dtype by its C++ type
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char"}


def _check_mask(mask, name):
    dt = mask._data.dtype
    if dt != np.bool_:
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype {_C_NAMES.get(dt.name, dt.name)}")


def masked_fill(input, mask, value):
    try:
        x = input._data
        mask._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if value.__class__ is not float and value.__class__ is not int and not isinstance(value, Tensor) \
            and not _is_scalar(value):     # an array, a list, a str, None: torch's parser refuses it
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    try:                # torch first expands self and mask to their common shape (mask is tensor a of the message)
        np.broadcast_shapes(mask._data.shape, x.shape)
    except ValueError:
        from ._common import broadcast_error
        raise broadcast_error(mask._data.shape, x.shape) from None
    is_t = isinstance(value, Tensor)
    if is_t and value._data.ndim:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value._data.ndim} dimension(s).")
    _check_mask(mask, "masked_fill_")
    v = checked_scalar(value._data.item() if is_t else value, x.dtype)   # (a 0-d tensor: its .item(), checked)
    out = np.where(mask._data, np.asarray(v).astype(x.dtype), x)
    from ._layout import contig_of
    r = _wrap(contig_of(out, x))       # torch's masked_fill: clone(contiguous_format), then fill
    if needs_grad(input, value if is_t else input):
        node = MaskedFillBackward1() if is_t else MaskedFillBackward0()
        node.mask = mask._data
        record(node, r, input, *((value,) if is_t else ()))
    return r


class MaskedSelectBackward0(Node):
    """y = x[mask] (broadcast)   ->   dx = zeros with g written where mask is true"""
    __slots__ = ("shape", "sel")
    _saved_names = ("mask", "self")

    def backward(self, g):
        from .index import add_at_positions
        self.saved()            # (torch saves the mask: freed after a backward, version-checked)
        return (add_at_positions(self.m, g, self.shape, self.sel, "MaskedScatterBackward0"),)


def masked_select(input, mask, *, out=None):
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    x = input._data
    try:
        shape = np.broadcast_shapes(x.shape, mask._data.shape)
    except ValueError:
        from ._common import broadcast_error
        raise broadcast_error(mask._data.shape, x.shape) from None
    note("masked_select", mask)
    m = np.broadcast_to(mask._data, shape)
    r = _wrap(np.broadcast_to(x, shape)[m])
    if GRAD.enabled and input._rg:
        from .index import positions
        node = MaskedSelectBackward0()
        node.shape = shape
        node.sel = positions(shape)[m]
        node.save(mask, input)          # (torch saves mask and self, in that order)
        record1(node, r, input)
    return r


class TakeBackward0(Node):
    """y = x.flatten()[i]   ->   dx = zeros with g added at i"""
    __slots__ = ("shape", "sel")
    _saved_names = ("self", "index")

    def backward(self, g):
        from .index import add_at_positions
        self.saved()            # (freed after a backward, version-checked: torch saves self and the index)
        return (add_at_positions(self.m, g, self.shape, self.sel, "PutBackward0"),)


def take(input, index):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    try:
        i = checked_index(index._data, "take")
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    n = x.size
    if i.size and n == 0:
        raise IndexError("take(): tried to take from an empty tensor")
    if i.size and (i.max() >= n or i.min() < -n):
        bad = int(i.max()) if i.max() >= n else int(i.min())
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    sel = np.where(i < 0, i + n, i)
    r = _wrap(x.reshape(-1)[sel])
    if GRAD.enabled and input._rg:
        node = TakeBackward0()
        node.shape, node.sel = x.shape, sel
        node.save(input, index)
        record1(node, r, input)
    return r


from .._empty_strides import index_rows  # noqa: E402  (nonzero's layout)
from .._vmap_dynamic import note  # noqa: E402


def nonzero(input, *, as_tuple=False, out=None):
    if as_tuple.__class__ is not bool:          # torch's parser takes a bool only
        raise TypeError(f"nonzero(): argument 'as_tuple' must be bool, not {type(as_tuple).__name__}")
    x = input._data
    note("nonzero_numpy" if as_tuple else "nonzero", input)
    if as_tuple:
        if x.ndim == 0:
            return (_wrap(np.nonzero(x.reshape(1))[0]),)
        return tuple(_wrap(i.astype(np.int64)) for i in np.nonzero(x))
    return _wrap(index_rows(np.argwhere(x)))


def argwhere(input):
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    return _wrap(index_rows(np.argwhere(x)))
