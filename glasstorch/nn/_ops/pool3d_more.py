"""``F.adaptive_max_pool3d`` (``AdaptiveMaxPool3DBackward0``) and ``F.max_unpool3d``
(``MaxUnpool3DBackward0``): the 2-d versions' rules over (D, H, W).  Indices are flat positions
in each (D, H, W) volume, as torch returns them."""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from .adaptive_max import _bins, _gather_at
from ...ops._complex_refuse import refuse
from . import pool_checks as pc

__all__ = ["adaptive_max_pool3d", "max_unpool3d"]


def _triple(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v, v)


class AdaptiveMaxPool3DBackward0(Node):
    """y = max over each bin, i its position   ->   dx = g added at i"""
    __slots__ = ("xshape", "indices")

    def backward(self, g):
        if not isinstance(g, np.ndarray):                 # create_graph: recorded, see linear_double
            from .linear_double import linear_double
            return (linear_double(self, g, self._pick),)
        arr = g
        pc.check_grad_nonempty(arr.shape, "adaptive_max_pool3d")
        lead = int(np.prod(self.xshape[:-3]))
        gx = np.zeros((lead, int(np.prod(self.xshape[-3:]))), arr.dtype)
        idx = self.indices.reshape(lead, int(np.prod(self.indices.shape[-3:])))
        rows = np.repeat(np.arange(lead), idx.shape[1])
        np.add.at(gx, (rows, idx.reshape(-1)), arr.reshape(-1))
        return (gx.reshape(self.xshape),)

    def _pick(self, a):
        """The forward's map on ``a`` (shaped as the input): the value at each bin's chosen position."""
        flat = a.reshape(self.xshape[:-3] + (-1,))
        return np.take_along_axis(flat, self.indices.reshape(self.indices.shape[:-3] + (-1,)), -1).reshape(
            self.indices.shape)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    x = input._data
    output_size = pc.list_with_default(output_size, x.shape)
    if x.ndim not in (4, 5):
        raise RuntimeError(f"adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: {pc.sizes(x.shape)}")
    pc.check_nonempty(x.shape, "adaptive_max_pool3d", range(1, x.ndim))
    if not isinstance(output_size, int) and len(output_size) != 3:
        raise RuntimeError("adaptive_max_pool3d(): internal error: output_size.size() must be 3")
    out = tuple(n if o is None else o for n, o in zip(x.shape[-3:], _triple(output_size)))
    pc.check_new_shape(x.shape[:-3] + out)
    if x.dtype.kind != "f":         # no integer, bool or complex kernel
        from ...ops._complex_refuse import not_implemented
        raise not_implemented("adaptive_max_pool3d_cpu", x.dtype)
    d, h, w = x.shape[-3:]
    flat = x.reshape(x.shape[:-3] + (d * h * w,))
    vals = np.empty(x.shape[:-3] + out, x.dtype)
    idx = np.empty(x.shape[:-3] + out, np.int64)
    pos = np.arange(d * h * w).reshape(d, h, w)
    for a, (d0, d1) in enumerate(_bins(d, out[0])):
        for b, (h0, h1) in enumerate(_bins(h, out[1])):
            for c, (w0, w1) in enumerate(_bins(w, out[2])):
                cells = pos[d0:d1, h0:h1, w0:w1].reshape(-1)
                win = flat[..., cells]
                k = np.argmax(win, axis=-1)        # the first maximum in (d, h, w) order; NaN wins
                idx[..., a, b, c] = cells[k]
                vals[..., a, b, c] = np.take_along_axis(win, k[..., None], -1)[..., 0]
    r = _wrap(vals)
    if GRAD.enabled and input._rg:
        node = AdaptiveMaxPool3DBackward0()
        node.xshape, node.indices = x.shape, idx
        record1(node, r, input)
    return (r, _wrap(idx)) if return_indices else r


class MaxUnpool3DBackward0(Node):
    """y = zeros with x written at its indices   ->   dx = g read at the indices"""
    __slots__ = ("indices",)

    def backward(self, g):
        if not isinstance(g, np.ndarray):    # create_graph: the same gather in Tensor ops, recorded
            return (_gather_at(g, self.indices, 3),)
        arr = g
        lead = arr.shape[:-3]
        gx = np.take_along_axis(arr.reshape(lead + (int(np.prod(arr.shape[-3:])),)),
                                self.indices.reshape(lead + (int(np.prod(self.indices.shape[-3:])),)), -1)
        return (gx.reshape(self.indices.shape),)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    x = input._data
    k = _triple(kernel_size)
    s = k if stride is None else _triple(stride)
    p = _triple(padding)
    from .unpool_size import check_unpool_indices, unpool_output_size
    if x.ndim < 3:              # torch's Python reads input.size()[-3]
        raise IndexError("tuple index out of range")
    size = unpool_output_size(x.shape[-3:], k, s, p, output_size)
    idx = indices._data
    pc.check_unpool(x.shape, idx.shape, idx.dtype, 3)
    lead = x.shape[:-3]
    n = size[0] * size[1] * size[2]
    flat_i = idx.reshape(lead + (int(np.prod(x.shape[-3:])),))
    check_unpool_indices(flat_i, size)
    out = np.zeros(lead + (n,), x.dtype)
    np.put_along_axis(out, flat_i, x.reshape(flat_i.shape), -1)
    r = _wrap(out.reshape(lead + size))
    if GRAD.enabled and input._rg:
        node = MaxUnpool3DBackward0()
        node.indices = idx
        record1(node, r, input)
    return r
