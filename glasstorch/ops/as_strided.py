"""``torch.as_strided(x, size, stride, storage_offset)``: a view with the given geometry into the
memory ``x`` lives in (its storage), wherever ``x`` itself starts; ``AsStridedBackward0``.

The storage is the NumPy array that owns ``x``'s memory (``ops/storage.py``); offsets count
elements from its first byte, as torch's do.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, record1
from .shape import as_view, is_array
from .storage import _root, storage_offset, stride as _stride


def _positions(size, stride, offset):
    """The storage index of every element of a view with this geometry (as an array of ``size``)."""
    pos = np.full((), offset, np.int64)
    for n, s in zip(size, stride):
        pos = pos[..., None] + np.arange(n, dtype=np.int64) * s
    return pos


def _check(x, size, stride, offset):
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    # torch needs no memory at all for an empty view, whatever the offset
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    have = _root(x).nbytes
    if need * x.itemsize > have:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {x.itemsize} requiring a storage size of {need * x.itemsize} are out of bounds "
                           f"for storage of size {have}")


class AsStridedBackward0(Node):
    """y = x.as_strided(size, stride, off)   ->   dx = (g scattered into x's storage, summed where
    y's elements share memory) read back with x's geometry, divided by how often x reads each element"""
    __slots__ = ("in_geom", "out_geom")

    def backward(self, g):
        pos_in, pos_out = _positions(*self.in_geom), _positions(*self.out_geom)
        n = int(max(pos_in.max(initial=-1), pos_out.max(initial=-1))) + 1
        # an input that itself overlaps (an expanded x) shares each storage gradient among its readers
        count = np.bincount(pos_in.reshape(-1), minlength=n)[pos_in]
        if is_array(g):
            flat = np.zeros(n, g.dtype)
            np.add.at(flat, pos_out.reshape(-1), g.reshape(-1))
            dx = flat[pos_in]
            return (dx / count.astype(g.dtype) if (count > 1).any() else dx,)
        # create_graph: torch's as_strided_backward, op for op -- g copied into a zeros storage through
        # the output's geometry (index_add where the output overlaps itself), that storage divided by
        # each element's readers where the input overlaps, then read with the input's geometry
        m = self.m
        flat = m.zeros(n, dtype=g.dtype)
        if np.unique(pos_out).size == pos_out.size:
            flat.as_strided(*self.out_geom).copy_(g)
        else:
            flat = flat.index_add(0, m.tensor(pos_out.reshape(-1)), g.reshape(-1))
        if (count > 1).any():
            readers = np.bincount(pos_in.reshape(-1), minlength=n)
            flat = flat / m.tensor(np.maximum(readers, 1).astype(np.float64)).to(g.dtype)
        return (flat.as_strided(*self.in_geom),)


def as_strided(input, size, stride, storage_offset=None):
    x = input._data
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    off = _offset_of(input) if storage_offset is None else int(storage_offset)
    _check(x, size, stride, off)
    # a view built on the owning array keeps NumPy's base chain to the storage, so the result's
    # storage_offset() and untyped_storage() read as torch's (np.lib.stride_tricks would break it)
    item = x.itemsize
    arr = np.ndarray(size, x.dtype, buffer=_root(x), offset=off * item if 0 not in size else 0,
                     strides=tuple(s * item for s in stride))
    r = as_view(input, arr)
    if GRAD.enabled and input._rg:
        node = AsStridedBackward0()
        node.in_geom = (x.shape, _stride(input), _offset_of(input))
        node.out_geom = (size, stride, off)
        record1(node, r, input)
    return r


def _offset_of(t):
    return storage_offset(t) if t._data.size else 0


__all__ = ["as_strided"]


class AsStridedBackward1(AsStridedBackward0):
    """y = x.as_strided_(size, stride, off)   ->   dx as for as_strided"""
    __slots__ = ()


def as_strided_(input, size, stride, storage_offset=None):
    """The in-place form: ``input`` itself takes the new geometry (same storage)."""
    from .inplace_more import _reshape_inplace
    return _reshape_inplace(input, as_strided(input, size, stride, storage_offset), AsStridedBackward1)


__all__ += ["as_strided_"]
