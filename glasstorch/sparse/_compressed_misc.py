"""The rest of a CSR / CSC matrix's Tensor surface, as torch's SparseCsr kernels answer it.

- Indexing: integers (and integer 0-d tensors) select rows / columns and full slices ``:`` skip a
  dim, giving the COO result torch gives (``c[0]`` is a 1-D COO row, ``c[i, j]`` a 0-d dense tensor);
  anything else (a partial slice, ``None``, ``...``, a tensor or list) is torch's "Sparse CSR tensors do
  not have strides".  (The COO class's indexing, inherited, recursed forever on a CSR matrix.)
- The COO-only accessors (``indices``, ``coalesce``, ``is_coalesced``, ``_indices``, ``_values``),
  comparisons, ``narrow``, ``index_select``, ``numpy`` and ``to_dense(dtype)`` raise torch's errors.
- Pickling keeps the layout (the COO class's reduction rebuilt a COO tensor); ``copy.deepcopy`` is
  torch's "Cannot access storage of SparseCsrTensorImpl".
"""
import numbers

import numpy as np

from .._tensor import Tensor
from ._coo import not_on_sparse
from ._csc import SparseCscTensor, csc_from_coo
from ._csr import SparseCsrTensor, csr_from_coo
from ._csr_ops import NAMES as _LONG, _refused as _unsupported

_SHORT = {"sparse_csr": "CSR", "sparse_csc": "CSC"}


def _no_strides(t):
    return RuntimeError(f"Sparse {_SHORT[t.layout.name]} tensors do not have strides")


def getitem(t, key):
    from ._select import getitem as coo_getitem
    items = list(key) if isinstance(key, tuple) else [key]
    out = []
    for k in items:
        if isinstance(k, Tensor) and k.ndim == 0 and k._data.dtype.kind in "iu" and k._data.dtype != np.uint8:
            k = int(k)          # (an integer 0-d tensor indexes as its value; uint8 and bool would be masks)
        if isinstance(k, numbers.Integral) and not isinstance(k, (bool, np.bool_)):
            out.append(int(k))
        elif isinstance(k, slice) and k == slice(None):
            out.append(k)
        else:
            raise _no_strides(t)
    return coo_getitem(t.to_sparse(), tuple(out))


def _coo_only(name):
    def method(self, *args, **kwargs):
        raise RuntimeError(f"{name} expected sparse coordinate tensor layout but got {_LONG[self.layout.name]}")
    method.__name__ = name
    return method


def _dispatch_refused(name, op):
    def method(self, *args, **kwargs):
        raise not_on_sparse(op, "SparseCsrCPU")
    method.__name__ = name
    return method


def narrow(self, dim, start, length):
    raise _no_strides(self)


def numpy(self, *, force=False):
    raise TypeError(f"can't convert {_LONG[self.layout.name]} layout tensor to numpy. Use Tensor.to_dense() first.")


def to_dense(self, dtype=None, *, masked_grad=None):
    from .._tensor import _wrap
    if dtype is not None:
        raise RuntimeError("dtype argument is not supported by sparse_csr_to_dense")
    return _wrap(self._data)


def __deepcopy__(self, memo):
    raise NotImplementedError("Cannot access storage of SparseCsrTensorImpl")


def _rebuild_compressed(layout_name, idx, vals, size):
    """A CSR / CSC matrix from its pickled COO-form arrays (entries in the layout's own order)."""
    make = csr_from_coo if layout_name == "sparse_csr" else csc_from_coo
    return make(idx, vals, size)


def __reduce_ex__(self, proto):
    return (_rebuild_compressed, (self.layout.name, self._idx, self._vals, self._size))


def _install():
    for cls in (SparseCsrTensor, SparseCscTensor):
        cls.__getitem__ = getitem
        for name in ("indices", "coalesce", "is_coalesced"):
            setattr(cls, name, _coo_only(name))
        cls._indices = _dispatch_refused("_indices", "aten::_indices")
        cls._values = _dispatch_refused("_values", "aten::_values")
        cls.index_select = _dispatch_refused("index_select", "aten::index_select")
        for name in ("eq", "ne", "lt", "le", "gt", "ge", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
            setattr(cls, name, _unsupported(name))
        cls.__hash__ = Tensor.__hash__          # (defining __eq__ would otherwise drop it)
        cls.narrow = narrow
        cls.numpy = numpy
        cls.to_dense = to_dense
        cls.__deepcopy__ = __deepcopy__
        cls.__reduce_ex__ = __reduce_ex__


_install()
