"""``torch.linalg.cross`` (and ``torch.cross`` through it): the 3-vector cross product along ``dim``,
with broadcasting, and its ``LinalgCrossBackward0`` node (the product is bilinear)."""
import numpy as np

from .autograd.graph import Node
from .ops._common import needs_grad, record


def cross(input, other, *, dim=-1, out=None):
    return cross_named(input, other, dim, out, "linalg_cross")


def cross_named(input, other, dim, out, name):
    """linalg.cross; a non-tensor ``out`` is refused naming ``name`` (``torch.cross`` is its own function to
    torch's argument parser, though it then runs linalg_cross_out)."""
    from .ops._common import is_tensor
    if not (is_tensor(input) and is_tensor(other)):        # (one overload: torch's single-argument error)
        from ._arg_parser import tp_name
        bad, pos, v = ("input", 1, input) if not is_tensor(input) else ("other", 2, other)
        raise TypeError(f"linalg_cross(): argument '{bad}' (position {pos}) must be Tensor, not {tp_name(v)}")
    if out is not None and not is_tensor(out):        # the argument parser's error, naming the called function
        from ._arg_parser import tp_name
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {tp_name(out)}")
    from .ops.views import select
    from .ops.join import stack
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    from ._tensor import _wrap_dim
    _wrap_dim(dim, input.dim())
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} and "
                           f"{other.shape[dim]}")
    if out is not None or input._data.dtype != other._data.dtype:
        from .ops._common import check_broadcast
        check_broadcast(tuple(input.shape), tuple(other.shape))
    if out is not None:       # torch's meta function checks out (its dtype is input's) before the kernel runs
        from ._linalg_out import check_out
        check_out("cross", input, out)
    if input._data.dtype == np.bool_:
        raise NotImplementedError("\"cross\" not implemented for 'Bool'")
    if input._data.dtype != other._data.dtype:     # torch's kernel takes one dtype, checked after the shapes
        from .ops.inplace import type_name
        raise RuntimeError(f"expected scalar type {type_name(input._data.dtype)} but found "
                           f"{type_name(other._data.dtype)}")
    from .autograd.grad_mode import no_grad
    def comp(t, i):
        return select(t, dim, i)
    with no_grad():
        a = [comp(input, i) for i in range(3)]
        b = [comp(other, i) for i in range(3)]
        r = stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]], dim)
    if r._data.dtype in (np.float32, np.float64):     # torch's kernel fuses each component: see _fused
        r._data[...] = _fused(input._data, other._data, dim)
    if needs_grad(input, other):
        node = LinalgCrossBackward0()
        node.dim = dim
        node.save(input, other)
        record(node, r, input, other)
    if out is not None:
        from .ops._out import check_out_overlap, write_out
        check_out_overlap("linalg_cross", out, (input, other))
        return write_out("linalg_cross", r, out)    # (torch.cross runs linalg_cross_out: its errors name that)
    return r


cross._handles_out = True     # (its out check sits among its other checks, in torch's order)


class LinalgCrossBackward0(Node):
    """c = a x b (bilinear):  da = b x g,  db = g x a, each summed back to its input's broadcast shape."""
    __slots__ = ("dim",)

    def backward(self, g):
        from .autograd.engine import sum_to
        a, b = self.saved()
        if isinstance(g, (np.ndarray, np.generic)):
            ga, gb = _fused(b, g, self.dim), _fused(g, a, self.dim)
        else:
            ga, gb = cross(b, g, dim=self.dim), cross(g, a, dim=self.dim)
        return sum_to(ga, tuple(a.shape)), sum_to(gb, tuple(b.shape))


def _fused(a, b, dim):
    """a x b along ``dim`` (broadcast) as torch's CPU kernel rounds it for float32/float64: each component is
    one fused multiply-add, c0 = fma(a1, b2, -(a2 b1)) (the compiler contracts a1*b2 - a2*b1)."""
    if a.dtype not in (np.float32, np.float64) or a.dtype != b.dtype:
        return np.cross(a, b, axisa=dim, axisb=dim, axisc=dim)
    if a.dtype == np.float32:
        from .ops._fma32 import fma32 as fma
    else:
        from ._rng_fma import fma64 as fma
    a, b = np.moveaxis(a, dim, -1), np.moveaxis(b, dim, -1)
    a, b = np.broadcast_arrays(a, b)
    c = [fma(a[..., i], b[..., j], -(a[..., j] * b[..., i])).astype(a.dtype, copy=False)
         for i, j in ((1, 2), (2, 0), (0, 1))]
    return np.moveaxis(np.stack(c, -1), -1, dim)
