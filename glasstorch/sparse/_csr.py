"""Sparse CSR matrices (``Tensor.to_sparse_csr()``): ``crow_indices`` (rows + 1), ``col_indices``
and ``values`` (nnz) of a 2-D matrix, entries sorted by row then column.

``SparseCsrTensor`` keeps the same entries in COO form as well (``_idx``, ``_vals``, coalesced), so it
reuses the COO class's metadata and dense view; what differs is the layout, ``is_sparse`` (False,
as torch's), the accessors, the repr, and the product with a dense matrix or vector (each row's
products added in column order, without FMA: torch's CPU kernel for a matrix, bit for bit; for a
vector torch calls MKL's sparse mv, whose vectorised order this does not replay: last bits differ).  Only 2-D matrices without autograd
history are supported: a batched CSR tensor or one that requires grad raises NotImplementedError.
"""
import numpy as np

from .. import _dtype as _dt
from .. import _printing
from .._runtime import layout
from ._coo import SparseTensor, _T_wrap, make

sparse_csr = layout("sparse_csr")


class SparseCsrTensor(SparseTensor):
    __slots__ = ()

    @property
    def is_sparse(self):
        return False

    @property
    def is_sparse_csr(self):
        return True

    @property
    def layout(self):
        return sparse_csr

    def crow_indices(self):
        """crow[i] = number of stored entries in rows < i."""
        counts = np.bincount(self._idx[0], minlength=self._size[0])
        return _T_wrap(np.concatenate(([0], np.cumsum(counts))).astype(np.int64))

    def col_indices(self):
        return _T_wrap(self._idx[1].copy())

    def values(self):
        return _T_wrap(self._vals)

    def to_sparse_csr(self, dense_dim=None):
        return self

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        if layout is sparse_csr:
            return self
        if getattr(layout, "name", None) == "sparse_csc":
            return self.to_sparse_csc()
        return make(self._idx.copy(), self._vals.copy(), self._size, True)

    def to_sparse_coo(self):
        return self.to_sparse()

    def clone(self, *, memory_format=None):
        return csr_from_coo(self._idx.copy(), self._vals.copy(), self._size)

    def detach(self):
        return csr_from_coo(self._idx, self._vals, self._size)

    def __matmul__(self, other):
        return csr_matmul(self, other)

    matmul = mm = __matmul__

    def __repr__(self, *, tensor_contents=None):
        return csr_repr(self)


def csr_from_coo(idx, vals, size):
    """A CSR matrix holding the coalesced COO arrays ``idx`` (2, nnz) and ``vals`` (no copy)."""
    t = make(idx, vals, size, True)
    t.__class__ = SparseCsrTensor
    return t


def to_sparse_csr(x, dense_dim=None):
    """``Tensor.to_sparse_csr()`` of a dense matrix or a COO matrix."""
    from .._user_warning import warn_once
    warn_once("sparse_csr_beta", "Sparse CSR tensor support is in beta state. If you miss a functionality in the "
              "sparse tensor support, please submit a feature request to https://github.com/pytorch/pytorch/issues. "
              "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/SparseCsrTensorImpl.cpp:49.)")
    if dense_dim:           # 0 dense dims is the default layout
        raise NotImplementedError("glasstorch: to_sparse_csr with dense_dim is not implemented")
    if isinstance(x, SparseTensor):
        if len(x._size) != 2 or x._vals.ndim != 1:
            raise NotImplementedError("glasstorch: to_sparse_csr of a batched or hybrid tensor is not implemented")
        c = x.coalesce()
        return csr_from_coo(c._idx.copy(), c._vals.copy(), c._size)
    d = x._data
    if d.ndim == 1:          # torch reads the missing column dimension
        raise IndexError(f"select(): index 1 out of range for tensor of size [{d.shape[0]}, 1] at dimension 1")
    if d.ndim != 2:
        raise NotImplementedError("glasstorch: batched sparse CSR tensors are not implemented")
    nz = np.nonzero(d)
    return csr_from_coo(np.array(nz, dtype=np.int64).reshape(2, -1), np.ascontiguousarray(d[nz]), d.shape)


def csr_matmul(a, other, layout_name="SparseCsr"):
    """CSR ``a`` @ dense ``other`` (a matrix, or a vector: a one-column matrix) -> dense, no autograd.
    ``layout_name``: the layout torch's errors name (a CSC matrix multiplies through its CSR form)."""
    from ._mm import _accumulate, check_sparse_dense
    from ..ops.inplace import type_name
    if isinstance(other, SparseTensor):
        from ._csr_ops import compressed_mm
        return compressed_mm(a, other)
    if a._rg or other._rg:
        raise NotImplementedError("glasstorch: autograd through sparse CSR products is not implemented")
    if other.ndim == 1:
        if other.shape[0] != a._size[1]:
            raise RuntimeError(f"size mismatch, got input ({a._size[0]}), mat ({a._size[0]}x{a._size[1]}), "
                               f"vec ({other.shape[0]})")
        vd, md = other._data.dtype, a._vals.dtype
        if vd != md:
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {type_name(vd)}, "
                               f"{type_name(md)}, and {type_name(vd)}")
        _mkl_types(md, "addmv_out_sparse_csr_impl_mkl")
        return csr_matmul(a, other.unsqueeze(1)).squeeze(1)
    if other.ndim == 2 and other.shape[0] != a._size[1]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a._size[0]}x{a._size[1]} and "
                           f"{other.shape[0]}x{other.shape[1]})")
    if other.ndim > 2:
        raise RuntimeError(f"expand is unsupported for {layout_name} tensors")
    check_sparse_dense(a, other)
    _mkl_types(a._vals.dtype, "addmm_out_sparse_csr_impl_mkl")
    return _T_wrap(_accumulate(a._idx[0], a._idx[1], a._vals, a._size[0], other._data, fused=False))


def _mkl_types(dt, kernel):
    """torch multiplies a CSR matrix through MKL, which takes float, double and the complex types only."""
    if dt.kind not in "fc" or dt.itemsize < 4:
        from .._dtype import _SCALAR_TYPES
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_SCALAR_TYPES[dt.name]}'")


def csr_repr(t, index_arrays=None, layout_name="sparse_csr"):
    """torch's repr: crow_indices, col_indices and values, one per line, then the suffixes, which
    (unlike the COO layout's) continue the values line until it is full.  ``index_arrays``: another
    compressed layout's (name, array, name, array) (CSC: ccol_indices, row_indices)."""
    opts = _printing.PRINT_OPTS
    indent = len("tensor(")
    parts = []
    n0, a0, n1, a1 = index_arrays or ("crow_indices", t.crow_indices()._data, "col_indices", t._idx[1])
    for name, arr in ((n0, a0), (n1, a1), ("values", t._vals)):
        prefix = f"{name}=tensor("
        body = _printing._tensor_body(arr, indent + len(prefix), opts) if arr.size else "[]"
        if arr.size == 0:
            body += f", size={tuple(arr.shape)}"
        parts.append(prefix + body + ")")
    text = "tensor(" + (",\n" + " " * indent).join(parts)
    suffixes = [f"size={tuple(t._size)}", f"nnz={t._vals.shape[0]}"]
    vd = t._vals.dtype
    if not (vd == _dt.DEFAULT.float.np or _dt.is_default_complex(vd) or vd.name in ("int64", "bool")):
        suffixes.append(f"dtype=torch.{_dt.FROM_NP[vd].name}")
    suffixes.append(f"layout=torch.{layout_name}")
    return _printing._add_suffixes(text, suffixes, indent, opts.linewidth)
