"""dtype conversions of sparse COO tensors (``to``, ``double()``, ``type()`` ...): the values change
dtype, the layout stays sparse (the dense ``Tensor`` methods would densify).  A conversion of a tensor
that requires grad to a floating or complex dtype records torch's ``ToCopyBackward0``: the gradient cast
back to the input's dtype, sparse if it came sparse.
"""
import numpy as np

from ..autograd.graph import Node
from .. import _dtype as _dt

LAYOUT_ERROR = ("to(options) doesn't support converting to a different layout, but got self.layout being Sparse "
                "and options.layout set as Strided")


def to(t, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    from .._device import check_device
    from ..ops.conversion import to_args
    dtype, device = to_args(args, dtype, device)
    check_device(device)
    return convert(t, None if dtype is None else _dt.to_dtype(dtype), copy)


def convert(t, dtype, copy=False):
    """``t`` itself when nothing changes (as torch), else a sparse tensor with cast values."""
    from ._coo import make
    if (dtype is None or dtype.np == t._vals.dtype) and not copy:
        return t
    vals = t._vals.astype(t._vals.dtype if dtype is None else dtype.np)
    out = make(t._idx.copy(), vals, t._size, t._coal)
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and t._rg and vals.dtype.kind in "fc":
        from ._autograd import _record_sparse
        node = ToCopyBackward0()
        node.dtype = t._vals.dtype
        _record_sparse(node, out, t)
    return out


class ToCopyBackward0(Node):
    """y = x.to(dtype)   ->   dx = g.to(x.dtype), in g's layout"""
    __slots__ = ("dtype",)

    def backward(self, g):
        from ._grad import SparseGrad
        if g.__class__ is SparseGrad:
            return (SparseGrad(g.idx, g.vals.astype(self.dtype), g.shape, g.coalesced),)
        return (np.asarray(g).astype(self.dtype),)


def legacy_type(t, dtype=None):
    """``t.type()``: 'torch.sparse.FloatTensor'; ``t.type('torch.sparse.DoubleTensor')`` converts."""
    from ..ops.conversion import _LEGACY, _LEGACY_BY_DTYPE, legacy_type as dense_legacy_type
    if dtype is None:
        return _LEGACY_BY_DTYPE[t.dtype.name].replace("torch.", "torch.sparse.", 1)
    if isinstance(dtype, str):
        if dtype.replace("torch.sparse.", "torch.", 1) in _LEGACY:
            return convert(t, _LEGACY[dtype.replace("torch.sparse.", "torch.", 1)])
        return dense_legacy_type(t, dtype)          # its errors
    legacy = getattr(dtype, "_legacy_dtype", None)
    return convert(t, legacy if legacy is not None else _dt.to_dtype(dtype))


def type_as(t, other):
    """``t.type_as(other)``: torch converts to all of ``other``'s options, its layout included."""
    if not other.is_sparse:
        raise RuntimeError(LAYOUT_ERROR)
    return convert(t, other.dtype)


def _install():
    """``to``/``type``/``type_as`` as methods of ``SparseTensor`` (``float()``, ``double()`` ... call ``to``)."""
    from ._coo import SparseTensor
    SparseTensor.to = to
    SparseTensor.type = lambda self, dtype=None, non_blocking=False, **kwargs: legacy_type(self, dtype)
    SparseTensor.type_as = type_as


_install()
