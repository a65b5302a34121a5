"""Writing values into a tensor: ``fill_``, ``zero_``, ``copy_``.

The filled tensor's old values no longer matter, so no gradient flows to them; ``fill_`` with a 0-d
tensor value sends the summed gradient to it (``FillBackward3``; a number: ``FillBackward2``), and
``copy_`` sends the gradient to the source.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record, as_array, broadcast_error
from .inplace import check_inplace, check_overlap, can_cast, type_name, writes_through_view, rebase_view, \
    views_follow
from ._scalar_cast import checked_scalar
from .. import _func_captures as _captures
from .._func_captures import LEVELS as _CAPTURE_LEVELS
from .._functorch_active import DEPTH as _FUNCTORCH_DEPTH


class FillBackward2(Node):
    """x.fill_(v), v a number   ->   dx = 0"""
    __slots__ = ()

    def backward(self, g):
        return (self.m.zeros_like(g),)


class ZeroBackward0(FillBackward2):
    """x.zero_()   ->   dx = 0"""
    __slots__ = ()


class FillBackward3(Node):
    """x.fill_(v), v a 0-d tensor   ->   dx = 0,   dv = sum(g)   (a whole-tensor sum: torch's order)"""
    __slots__ = ()

    def backward(self, g):
        total = _wrap(np.asarray(g)).sum()._data if isinstance(g, np.ndarray) else g.sum()
        return self.m.zeros_like(g), total


class FillBackward0(FillBackward2):
    """y = fill(x, v), v a number   ->   dx = 0"""
    __slots__ = ()


class FillBackward1(FillBackward3):
    """y = fill(x, v), v a 0-d tensor   ->   dx = 0,   dv = sum(g)"""
    __slots__ = ()


def _write(t, value):
    """Fill ``t``'s array with ``value`` (a number, or a 0-d tensor, which is returned)."""
    src = value if isinstance(value, Tensor) else None
    if src is not None:
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        value = value._data
    elif t._data.dtype != np.float16 or t._data.size != 1:
        value = checked_scalar(value, t._data.dtype)   # torch's one-element float16 fill: unchecked (-> inf)
    t._data[...] = value
    return src


def fill(input, value):
    """``torch.fill``: a copy of ``input`` filled with ``value`` (FillBackward0 / FillBackward1)."""
    out = _wrap(input._data.copy(order="K"))
    src = _write(out, value)
    if GRAD.enabled and (input._rg or src is not None and src._rg):
        if src is not None:
            record(FillBackward1(), out, input, src)
        else:
            record(FillBackward0(), out, input)
    return out


def fill_(t, value, _zero=False):
    if t._is_meta:                       # nothing to write on the meta device
        return t
    if _CAPTURE_LEVELS:
        _captures.check(t, "aten::zero_" if _zero else "aten::fill_.Tensor" if isinstance(value, Tensor)
                        else "aten::fill_.Scalar")
    if _FUNCTORCH_DEPTH[1]:
        from .._vmap_inplace_target import written
        if written("fill", t, value):
            return t
    if isinstance(value, Tensor) and value._data.ndim:
        _write(t, value)                 # (torch's value check comes first)
    check_inplace(t, expanded_ok=not isinstance(value, Tensor),    # torch fills an expanded tensor with a number
                  others=(value,) if isinstance(value, Tensor) else ())
    src = _write(t, value)
    t._vc[0] += 1
    if GRAD.enabled and (t._rg and t.grad_fn is not None or src is not None and src._rg):
        if src is not None:
            node = record(FillBackward3(), t, t, src).grad_fn
        else:
            node = record(ZeroBackward0() if _zero else FillBackward2(), t, t).grad_fn
        if writes_through_view(t):
            rebase_view(t, node)      # the base changed too: it gets CopySlices, as after any in-place op
    if t._base is not None or t.__dict__:
        views_follow(t)
    return t


class CopyBackwards(Node):
    """x.copy_(src)   ->   dx = 0,   dsrc = g"""
    __slots__ = ()

    def name(self):
        return "torch::autograd::CopyBackwards"      # torch's C++ name, as its name() gives

    def backward(self, g):
        return self.m.zeros_like(g), g


def copy_(t, src):
    if t._is_meta:                       # nothing to write on the meta device
        return t
    if _CAPTURE_LEVELS:
        _captures.check(t, "aten::copy_")
    if _FUNCTORCH_DEPTH[1]:
        from .._vmap_inplace_target import check as _vmap_target_check
        if _vmap_target_check("copy", t, (src,)):
            return t        # (made once, by vmap's first entry: _vmap_inplace_target.py)
    # torch's copy_: the result requires grad only in a floating or complex tensor
    src_rg = isinstance(src, Tensor) and src._rg and t._data.dtype.kind in "fc"
    check_inplace(t, others=(src,) if src_rg else ())
    check_overlap(t, src)
    s = src._data if isinstance(src, Tensor) else np.asarray(src)
    if s.dtype.kind == "c" and t._data.dtype.kind != "c":
        from .conversion import _complex_to_real
        s = _complex_to_real(s)          # torch's copy keeps the real part, with its once-per-process warning
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
    if GRAD.enabled and (t._rg or src_rg):
        node = record(CopyBackwards(), t, t, src).grad_fn
        if writes_through_view(t):
            rebase_view(t, node)      # copying into a view changes its base: CopySlices, as torch records
    if t._base is not None or t.__dict__:
        views_follow(t)
    return t


__all__ = ["fill", "fill_", "copy_", "can_cast", "type_name", "_wrap", "as_array"]
