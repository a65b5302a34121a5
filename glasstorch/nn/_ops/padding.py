"""``F.pad``: constant padding records ``ConstantPadNdBackward0``; reflect, replicate and circular
use NumPy's modes and scatter the gradient back through the same index map."""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1

_NP_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _widths(ndim, pad):
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {ndim}")
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return widths


class ConstantPadNdBackward0(Node):
    """y = pad(x, c)   ->   dx = g cropped back to x (negative pads crop, so their g is zero-filled)"""
    __slots__ = ("widths", "xshape")

    def backward(self, g):
        idx, out_idx = [], []
        gx = np.zeros(self.xshape, g.dtype)
        for (lo, hi), n in zip(self.widths, self.xshape):
            src0, dst0 = max(lo, 0), max(-lo, 0)
            length = n - dst0 - max(-hi, 0)
            idx.append(slice(src0, src0 + length))
            out_idx.append(slice(dst0, dst0 + length))
        gx[tuple(out_idx)] = g[tuple(idx)]
        return (gx,)


class _IndexPadBackward(Node):
    """y = x[index map]   ->   dx = scatter-add of g through the map"""
    __slots__ = ("index", "xshape")

    def backward(self, g):
        gx = np.bincount(self.index.ravel(), weights=g.ravel(), minlength=int(np.prod(self.xshape)))
        return (gx.astype(g.dtype).reshape(self.xshape),)


class ReflectionPad2DBackward0(_IndexPadBackward):
    __slots__ = ()


class ReplicationPad2DBackward0(_IndexPadBackward):
    __slots__ = ()


class ReflectionPad1DBackward0(_IndexPadBackward):
    __slots__ = ()


class ReplicationPad1DBackward0(_IndexPadBackward):
    __slots__ = ()


def pad(input, pad, mode="constant", value=None):
    x = input._data
    widths = _widths(x.ndim, tuple(pad))
    if mode == "constant":
        pos = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
        out = np.pad(x, pos, constant_values=0 if value is None else value)
        crop = tuple(slice(max(-lo, 0), out.shape[i] - max(-hi, 0)) for i, (lo, hi) in enumerate(widths))
        r = _wrap(np.ascontiguousarray(out[crop]))
        if GRAD.enabled and input._rg:
            node = ConstantPadNdBackward0()
            node.widths, node.xshape = widths, x.shape
            record1(node, r, input)
        return r
    if mode not in _NP_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    index = np.pad(np.arange(x.size).reshape(x.shape), widths, mode=_NP_MODES[mode])
    r = _wrap(x.reshape(-1)[index])
    if GRAD.enabled and input._rg:
        n = len(pad) // 2
        kind = {"reflect": "Reflection", "replicate": "Replication", "circular": "Replication"}[mode]
        cls = {"Reflection": {1: ReflectionPad1DBackward0, 2: ReflectionPad2DBackward0},
               "Replication": {1: ReplicationPad1DBackward0, 2: ReplicationPad2DBackward0}}[kind].get(n, _IndexPadBackward)
        node = cls()
        node.index, node.xshape = index, x.shape
        record1(node, r, input)
    return r
