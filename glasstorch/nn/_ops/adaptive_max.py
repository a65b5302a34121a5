"""``F.adaptive_max_pool1d/2d`` (``AdaptiveMaxPool2DBackward0``) and ``F.max_unpool1d/2d``
(``MaxUnpool2DBackward0``).  Indices are flat positions in each (H, W) plane, as torch returns."""
import math

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from ...ops._complex_refuse import refuse
from . import pool_checks as pc
from ...ops.conversion import keep_format


def _bins(n, o):
    return [(math.floor(i * n / o), math.ceil((i + 1) * n / o)) for i in range(o)]


def _size2(output_size, shape):
    if isinstance(output_size, int):
        output_size = (output_size, output_size)
    return tuple(shape[i] if s is None else s for i, s in zip((-2, -1), output_size))


class AdaptiveMaxPool2DBackward0(Node):
    """y = max over each bin, i its position   ->   dx = g added at i"""
    __slots__ = ("xshape", "indices")

    def backward(self, g):
        if not isinstance(g, np.ndarray):                 # create_graph: recorded, see linear_double
            from .linear_double import linear_double
            return (linear_double(self, g, self._pick),)
        arr = g
        pc.check_grad_nonempty(arr.shape, "adaptive_max_pool2d")
        h, w = self.xshape[-2:]
        lead = arr.shape[:-2]
        gx = np.zeros((int(np.prod(lead)), h * w), arr.dtype)
        idx = self.indices.reshape(gx.shape[0], self.indices.shape[-2] * self.indices.shape[-1])
        rows = np.repeat(np.arange(gx.shape[0]), idx.shape[1])
        np.add.at(gx, (rows, idx.reshape(-1)), arr.reshape(-1))
        return (gx.reshape(self.xshape),)

    def _pick(self, a):
        """The forward's map on ``a`` (shaped as the input): the value at each bin's chosen position."""
        flat = a.reshape(self.xshape[:-2] + (-1,))
        idx = self.indices.reshape(self.indices.shape[:-2] + (-1,))
        return np.take_along_axis(flat, idx, -1).reshape(self.indices.shape)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    x = input._data
    output_size = pc.list_with_default(output_size, x.shape)
    if x.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: {pc.sizes(x.shape)}")
    pc.check_nonempty(x.shape, "adaptive_max_pool2d", range(1, x.ndim))
    if not isinstance(output_size, int) and len(output_size) != 2:
        raise RuntimeError("adaptive_max_pool2d(): internal error: output_size.size() must be 2")
    oh, ow = _size2(output_size, x.shape)
    pc.check_new_shape(x.shape[:-2] + (oh, ow))
    if x.dtype.kind != "f":         # no integer, bool or complex kernel
        from ...ops._complex_refuse import not_implemented
        raise not_implemented("adaptive_max_pool2d", x.dtype)
    h, w = x.shape[-2:]
    flat = x.reshape(x.shape[:-2] + (h * w,))
    vals = np.empty(x.shape[:-2] + (oh, ow), x.dtype)
    idx = np.empty(x.shape[:-2] + (oh, ow), np.int64)
    pos = np.arange(h * w).reshape(h, w)
    for i, (h0, h1) in enumerate(_bins(h, oh)):
        for j, (w0, w1) in enumerate(_bins(w, ow)):
            cells = pos[h0:h1, w0:w1].reshape(-1)
            win = flat[..., cells]
            # the first maximum in row-major order wins; a NaN beats everything (the last NaN)
            k = np.argmax(win, axis=-1)
            if x.dtype.kind == "f":
                nan = np.isnan(win)
                last_nan = win.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
                k = np.where(nan.any(-1), last_nan, k)
            idx[..., i, j] = cells[k]
            vals[..., i, j] = np.take_along_axis(win, k[..., None], -1)[..., 0]
    r = _wrap(keep_format(vals, x))
    if GRAD.enabled and input._rg:
        node = AdaptiveMaxPool2DBackward0()
        node.xshape, node.indices = x.shape, idx
        record1(node, r, input)
    return (r, _wrap(keep_format(idx, x))) if return_indices else r


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """torch: rank 2 or 3, one int, no empty non-batch dim, then the 2-d pool on ``unsqueeze(-2)``."""
    pc.parsed_output_size(output_size, "adaptive_max_pool1d")
    pc.check_dim_range(input.shape, 2, 4, "adaptive_max_pool1d")
    o = pc.one_int(output_size, "adaptive_max_pool1d", "output_size")
    pc.check_nonempty(tuple(input.shape), "adaptive_max_pool1d", range(1, input.dim()))
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, o), True)
    v, i = out[0].squeeze(-2), out[1].squeeze(-2)
    return (v, i) if return_indices else v


class MaxUnpool2DBackward0(Node):
    """y = zeros with x written at its indices   ->   dx = g read at the indices"""
    __slots__ = ("indices",)

    def backward(self, g):
        if not isinstance(g, np.ndarray):    # create_graph: the same gather in Tensor ops, recorded
            return (_gather_at(g, self.indices, 2),)
        arr = g
        lead = arr.shape[:-2]
        flat = arr.reshape(lead + (arr.shape[-2] * arr.shape[-1],))
        ind = self.indices.reshape(lead + (self.indices.shape[-2] * self.indices.shape[-1],))
        return (np.take_along_axis(flat, ind, -1).reshape(self.indices.shape),)


def _gather_at(g, indices, nd):
    """g (a Tensor) read at the flat positions ``indices`` of its last ``nd`` dimensions, by ``gather``."""
    lead = tuple(g.shape[:-nd])
    idx = _wrap(np.ascontiguousarray(indices.reshape(lead + (-1,)), np.int64))
    return g.reshape(lead + (-1,)).gather(-1, idx).reshape(indices.shape)


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    x = input._data
    k = _pair(kernel_size)
    s = k if stride is None else _pair(stride)
    p = _pair(padding)
    from .unpool_size import check_unpool_indices, unpool_output_size
    if x.ndim < 2:              # torch's Python reads input.size()[-2]
        raise IndexError("tuple index out of range")
    oh, ow = unpool_output_size(x.shape[-2:], k, s, p, output_size)
    idx = indices._data
    pc.check_unpool(x.shape, idx.shape, idx.dtype, 2)
    lead = x.shape[:-2]
    out = np.zeros(lead + (oh * ow,), x.dtype)
    flat_i = idx.reshape(lead + (x.shape[-2] * x.shape[-1],))
    check_unpool_indices(flat_i, (oh, ow))
    np.put_along_axis(out, flat_i, x.reshape(flat_i.shape), -1)
    r = _wrap(out.reshape(lead + (oh, ow)))
    if GRAD.enabled and input._rg:
        node = MaxUnpool2DBackward0()
        node.indices = idx
        record1(node, r, input)
    return r


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k = kernel_size[0] if isinstance(kernel_size, (tuple, list)) else kernel_size
    s = k if stride is None else (stride[0] if isinstance(stride, (tuple, list)) else stride)
    p = padding[0] if isinstance(padding, (tuple, list)) else padding
    from .unpool_size import unpool_output_size
    if input.dim() < 1:
        raise IndexError("tuple index out of range")
    size = unpool_output_size(input.shape[-1:], (k,), (s,), (p,), output_size)
    # torch unpools (L, 1) planes, so its index errors speak of "L x 1" volumes
    return max_unpool2d(input.unsqueeze(-1), indices.unsqueeze(-1), (k, 1), (s, 1), (p, 0),
                        size + (1,)).squeeze(-1)


__all__ = ["adaptive_max_pool1d", "adaptive_max_pool2d", "max_unpool1d", "max_unpool2d"]
