"""Strides, storage and contiguity of sparse tensors, as torch reports them.

A COO tensor has no strided storage of its own (its data lives in ``indices`` and ``values``): torch's
``SparseTensorImpl`` reports a zero stride for every dim and a storage offset of 0, is never contiguous,
and refuses its storage and data pointer.  ``contiguous()`` falls through to a clone in that memory
format, which the sparse clone refuses.  A CSR or CSC tensor refuses strides and contiguity outright.
"""
from .._tensor import _wrap_dim

_FORMAT_NAMES = {"contiguous_format": "Contiguous", "channels_last": "ChannelsLast",
                 "channels_last_3d": "ChannelsLast3d", "preserve_format": "Preserve"}


def _compressed(t):
    """"CSR" / "CSC" for a compressed matrix (torch names it in its errors), else None."""
    return {"sparse_csr": "CSR", "sparse_csc": "CSC"}.get(t.layout.name)


def _no_storage(t):
    kind = "SparseCsrTensorImpl" if _compressed(t) else "SparseTensorImpl"
    return NotImplementedError(f"Cannot access storage of {kind}")


def stride(self, dim=None):
    if _compressed(self):
        raise RuntimeError(f"Sparse {_compressed(self)} tensors do not have strides")
    if dim is None:
        return (0,) * len(self._size)
    _wrap_dim(dim, len(self._size))
    return 0


def is_contiguous(self, memory_format=None):
    if _compressed(self):
        raise RuntimeError(f"Sparse {_compressed(self)} tensors do not have is_contiguous")
    return False


def contiguous(self, memory_format=None):
    name = "contiguous_format" if memory_format is None else memory_format.name
    if name == "preserve_format":
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    if _compressed(self):
        raise RuntimeError(f"Sparse {_compressed(self)} tensors do not have is_contiguous")
    raise RuntimeError(f"unsupported memory format option {_FORMAT_NAMES[name]}")


def storage_offset(self):
    return 0


def data_ptr(self):
    raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")


def untyped_storage(self):
    raise _no_storage(self)


def storage(self):
    raise _no_storage(self)


def _install():
    from ._coo import SparseTensor
    for fn in (stride, is_contiguous, contiguous, storage_offset, data_ptr, untyped_storage, storage):
        setattr(SparseTensor, fn.__name__, fn)


_install()
