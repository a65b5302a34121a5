"""``expand`` and its forms (``expand_as``, ``broadcast_to``): a view with torch's geometry, moved here from
``ops/shape.py``, which re-exports them."""
from ..autograd.graph import Node
from ._common import GRAD, record1
from .shape import sizes_arg, or_keyword, as_view
from .storage import stride as _stride
from ._restride import strided_view
from .._arg_refuse import not_a_tensor


# ---- expand --------------------------------------------------------------------------------------
class ExpandBackward0(Node):
    """y = x.expand(shape)   ->   dx = g summed back to x's shape (the engine does the summing)"""
    __slots__ = ()

    def backward(self, g):
        return (g,)


def expand(input, *sizes, size=None):
    sizes = sizes_arg(or_keyword(sizes, size, "size", "expand"), "expand")
    x = input._data
    if len(sizes) < x.ndim:
        from .inplace import type_name
        tn = type_name(x.dtype)       # torch prints the legacy Tensor name where one exists (not Bool, complex)
        tn = f"torch.{tn}Tensor" if tn in ("Float", "Double", "Half", "Char", "Byte", "Short", "Int", "Long") \
            else f"CPU{tn}Type"
        raise RuntimeError(f"expand({tn}{{{list(x.shape)}}}, size={list(sizes)}): "
                           f"the number of sizes provided ({len(sizes)}) must be greater or equal to the number "
                           f"of dimensions in the tensor ({x.ndim})")
    lead = len(sizes) - x.ndim
    old_st = _stride(input)
    target, st = [0] * len(sizes), [0] * len(sizes)
    for i in range(len(sizes) - 1, -1, -1):      # torch's inferExpandGeometry walks from the last dim
        s, j = sizes[i], i - lead
        cur = x.shape[j] if j >= 0 else 1
        stride = old_st[j] if j >= 0 else (target[i + 1] * st[i + 1] if i + 1 < len(sizes) else 0)
        if s == -1 and x.ndim == 0:
            pass        # torch takes a 0-dim tensor's target sizes as they are: -1 fails as a negative numel
        elif s == -1:
            if j < 0:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            s = cur
        elif cur != s:
            if cur != 1:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                                   f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                                   f"{list(x.shape)}")
            stride = 0
        target[i], st[i] = s, stride
    if any(n < 0 for n in target):
        raise RuntimeError("numel: integer multiplication overflow")
    r = as_view(input, strided_view(x, target, st))
    if GRAD.enabled and input._rg:
        record1(ExpandBackward0(), r, input)
    return r


def expand_as(input, other):
    try:
        shape = other._data.shape
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    return expand(input, shape)


def broadcast_to(input, size):
    return expand(input, size)
