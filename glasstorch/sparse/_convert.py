"""dtype conversions of sparse COO tensors (``to``, ``double()``, ``type()`` ...): the values change
dtype, the layout stays sparse (the dense ``Tensor`` methods would densify).  As the other sparse
ops here, they record no autograd history.
"""
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
    return make(t._idx.copy(), vals, t._size, t._coal)


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
