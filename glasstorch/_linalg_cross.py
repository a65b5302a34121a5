"""``torch.linalg.cross`` (and ``torch.cross`` through it): the 3-vector cross product along ``dim``,
with broadcasting, and its ``LinalgCrossBackward0`` node (the product is bilinear)."""
import numpy as np

from .autograd.graph import Node
from .ops._common import needs_grad, record


def cross(input, other, *, dim=-1, out=None):
    from .ops._common import is_tensor
    if not (is_tensor(input) and is_tensor(other)):        # (one overload: torch's single-argument error)
        from ._arg_parser import tp_name
        bad, pos, v = ("input", 1, input) if not is_tensor(input) else ("other", 2, other)
        raise TypeError(f"linalg_cross(): argument '{bad}' (position {pos}) must be Tensor, not {tp_name(v)}")
    from .ops.views import select
    from .ops.join import stack
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} and "
                           f"{other.shape[dim]}")
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
    return r


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
