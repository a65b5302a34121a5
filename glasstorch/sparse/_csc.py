"""Sparse CSC matrices (``Tensor.to_sparse_csc()``, the transpose of a CSR matrix): ``ccol_indices``
(columns + 1), ``row_indices`` and ``values`` (nnz) of a 2-D matrix, entries sorted by column then row.

Like ``SparseCsrTensor`` (``_csr.py``), ``SparseCscTensor`` keeps its entries in COO form, ``_idx``
(2, nnz) = (rows, cols), but in column-major order, so the COO class's metadata and dense view serve
as they are.  A transpose swaps the two index rows and the class: the transpose of a CSR matrix is
the CSC matrix with the same three arrays (torch's ``t()`` of a compressed matrix only relabels
them), and back.  Products with a dense matrix go through the CSR form of the same matrix, as
torch's CPU kernel converts a CSC operand.  Only 2-D matrices without autograd history, as for CSR.

The compressed accessors refuse the other layouts with torch's message: ``crow_indices`` /
``col_indices`` want a row-compressed tensor, ``ccol_indices`` / ``row_indices`` a column-compressed one.
"""
import numpy as np

from .._runtime import layout
from .._tensor import Tensor, _wrap_dim
from ._coo import SparseTensor, _T_wrap, make
from ._csr import SparseCsrTensor, csr_from_coo, csr_repr, sparse_csr

sparse_csc = layout("sparse_csc")

_LAYOUT_NAMES = {"strided": "Strided", "sparse_coo": "Sparse", "sparse_csr": "SparseCsr", "sparse_csc": "SparseCsc"}


def _refuse(name, want):
    def method(self):
        got = _LAYOUT_NAMES[self.layout.name]
        raise RuntimeError(f"{name} expected sparse {want} compressed tensor layout but got {got}")
    method.__name__ = name
    return method


class SparseCscTensor(SparseTensor):
    __slots__ = ()

    @property
    def is_sparse(self):
        return False

    @property
    def layout(self):
        return sparse_csc

    def ccol_indices(self):
        """ccol[j] = number of stored entries in columns < j."""
        counts = np.bincount(self._idx[1], minlength=self._size[1])
        return _T_wrap(np.concatenate(([0], np.cumsum(counts))).astype(np.int64))

    def row_indices(self):
        return _T_wrap(self._idx[0].copy())

    def values(self):
        return _T_wrap(self._vals)

    def to_sparse_csc(self, dense_dim=None):
        return self

    def to_sparse_csr(self, dense_dim=None):
        idx, vals = _row_major(self._idx, self._vals, self._size)
        return csr_from_coo(idx, vals, self._size)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        if layout is sparse_csc:
            return self
        if layout is sparse_csr:
            return self.to_sparse_csr()
        # torch keeps the column-major order and flags the COO tensor coalesced only for one entry
        return make(self._idx.copy(), self._vals.copy(), self._size, self._vals.shape[0] == 1)

    def to_sparse_coo(self):
        return self.to_sparse()

    def clone(self, *, memory_format=None):
        return csc_from_coo(self._idx.copy(), self._vals.copy(), self._size)

    def detach(self):
        return csc_from_coo(self._idx, self._vals, self._size)

    def __matmul__(self, other):
        from ._csr import csr_matmul
        if isinstance(other, SparseTensor):
            from ._csr_ops import compressed_mm
            return compressed_mm(self, other)
        return csr_matmul(self.to_sparse_csr(), other, "SparseCsc")

    matmul = mm = __matmul__

    def __repr__(self, *, tensor_contents=None):
        return csr_repr(self, ("ccol_indices", self.ccol_indices()._data, "row_indices", self._idx[0]),
                        "sparse_csc")


def csc_from_coo(idx, vals, size):
    """A CSC matrix holding the column-major COO arrays ``idx`` (2, nnz) and ``vals`` (no copy)."""
    t = make(idx, vals, size, True)
    t.__class__ = SparseCscTensor
    return t


def _row_major(idx, vals, size):
    order = np.lexsort((idx[1], idx[0]))
    return idx[:, order], vals[order]


def _col_major(idx, vals, size):
    order = np.lexsort((idx[0], idx[1]))
    return idx[:, order], vals[order]


def to_sparse_csc(x, dense_dim=None):
    """``Tensor.to_sparse_csc()`` of a dense, COO or CSR matrix."""
    from .._user_warning import warn_once
    warn_once("sparse_csr_beta", "Sparse CSR tensor support is in beta state. If you miss a functionality in the "
              "sparse tensor support, please submit a feature request to https://github.com/pytorch/pytorch/issues. "
              "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/SparseCsrTensorImpl.cpp:49.)")
    if dense_dim:           # 0 dense dims is the default layout
        raise NotImplementedError("glasstorch: to_sparse_csc with dense_dim is not implemented")
    if isinstance(x, SparseTensor):
        if len(x._size) != 2 or x._vals.ndim != 1:
            raise NotImplementedError("glasstorch: to_sparse_csc of a batched or hybrid tensor is not implemented")
        c = x if isinstance(x, SparseCsrTensor) else x.coalesce()
        idx, vals = _col_major(c._idx, c._vals, c._size)
        return csc_from_coo(idx.copy(), vals.copy(), c._size)
    d = x._data
    if d.ndim < 2:          # torch reads the missing column dimension
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(d.ndim, 1)}, "
                         f"{max(d.ndim, 1) - 1}], but got 1)")
    if d.ndim != 2:
        raise NotImplementedError("glasstorch: batched sparse CSC tensors are not implemented")
    cols, rows = np.nonzero(d.T)
    idx = np.array([rows, cols], dtype=np.int64).reshape(2, -1)
    return csc_from_coo(idx, np.ascontiguousarray(d[rows, cols]), d.shape)


def compressed_transpose(t, dim0, dim1):
    """``transpose`` of a CSR / CSC matrix: the other compressed layout over the same arrays (the
    same two dims: the matrix itself)."""
    d0, d1 = _wrap_dim(dim0, 2), _wrap_dim(dim1, 2)
    if d0 == d1:
        return t
    idx = np.stack([t._idx[1], t._idx[0]])
    size = (t._size[1], t._size[0])
    if isinstance(t, SparseCscTensor):
        return csr_from_coo(idx, t._vals, size)
    return csc_from_coo(idx, t._vals, size)


def _install():
    Tensor.to_sparse_csc = lambda self, dense_dim=None: to_sparse_csc(self, dense_dim)
    SparseTensor.to_sparse_csc = lambda self, dense_dim=None: to_sparse_csc(self, dense_dim)
    for cls in (Tensor, SparseTensor, SparseCscTensor):
        if "crow_indices" not in cls.__dict__:
            cls.crow_indices = _refuse("crow_indices", "row")
            cls.col_indices = _refuse("col_indices", "row")
    for cls in (Tensor, SparseTensor, SparseCsrTensor):
        if "ccol_indices" not in cls.__dict__:
            cls.ccol_indices = _refuse("ccol_indices", "column")
            cls.row_indices = _refuse("row_indices", "column")
    for cls in (SparseCsrTensor, SparseCscTensor):
        cls.t = lambda self: compressed_transpose(self, 0, 1)
        cls.transpose = cls.swapaxes = cls.swapdims = compressed_transpose
        cls.mT = property(lambda self: compressed_transpose(self, -2, -1))
        cls.T = property(_T_refused)


def _T_refused(self):
    """torch's ``.T`` is a permute, which compressed layouts lack (its fallback reaches as_strided)."""
    from ._coo import not_on_sparse
    raise not_on_sparse("aten::as_strided", "SparseCsrCPU")


_install()
