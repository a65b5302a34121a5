"""Elementwise methods of a CSR / CSC matrix keep its layout, as torch's compressed kernels do.

``SparseCsrTensor`` and ``SparseCscTensor`` inherit the COO class's methods, which compute on the
(coalesced) entries and return a COO tensor; these wrappers hand the same entries back in the
input's layout.  The ops torch has no compressed kernel for raise its "unsupported tensor layout:
SparseCsr" (SparseCsc) instead (sub, div, pow, square: torch builds them from kernels that only take
COO or strided operands).  ``csr + dense`` is dense, as torch's; ``csr * dense`` keeps the CSR
pattern, while a CSC matrix times any tensor is refused (torch's mul writes a CSR result).  Only the
method forms (``c.abs()``, ``c * 2``, ``-c``) are covered: a function form (``torch.abs(c)``) still
computes on the dense view.
"""
import numpy as np

from ._coo import SparseTensor
from ._csr import SparseCsrTensor, csr_from_coo
from ._unary import ZERO_PRESERVING

NAMES = {"sparse_csr": "SparseCsr", "sparse_csc": "SparseCsc"}
# zero-preserving unary ops torch has a CSR kernel for (square and nan_to_num: none)
UNARY = tuple(n for n in ZERO_PRESERVING if n not in ("square", "nan_to_num"))
CONVERSIONS = ("double", "float", "half", "bfloat16", "int", "long", "short", "bool", "to", "type")


def _as_layout(out, like):
    """A COO result of the inherited method back in ``like``'s compressed layout (any other result unchanged)."""
    if out.__class__ is not SparseTensor or len(out._size) != 2 or out._vals.ndim != 1:
        return out
    if like.layout.name == "sparse_csc":
        return out.to_sparse_csc()
    c = out if out._coal else out.coalesce()
    return csr_from_coo(c._idx, c._vals, c._size)


def _coo(t):
    """The COO tensor over a compressed matrix's arrays (no copy; a CSR matrix's order is coalesced), for
    the inherited COO methods, which call ``coalesce()`` (refused on a compressed matrix)."""
    if t.__class__ is SparseTensor or not isinstance(t, SparseTensor):
        return t
    from ._coo import make
    return make(t._idx, t._vals, t._size, t.layout.name == "sparse_csr")


def _keeping_layout(name):
    def method(self, *args, **kwargs):
        # looked up at call time: other modules install the COO methods after this one
        return _as_layout(getattr(SparseTensor, name)(_coo(self), *args, **kwargs), self)
    method.__name__ = name
    return method


def _mul(name):
    def method(self, other):
        if self.layout.name == "sparse_csc" and hasattr(other, "_data"):
            raise RuntimeError("Expected result Tensor to be of format CSR")
        return _as_layout(getattr(SparseTensor, name)(_coo(self), _coo(other)), self)
    method.__name__ = name
    return method


def _refused(name):
    def method(self, *args, **kwargs):
        raise RuntimeError(f"unsupported tensor layout: {NAMES[self.layout.name]}")
    method.__name__ = name
    return method


def _add(self, other, *, alpha=1):
    """csr + csr -> csr; csr + dense of the same shape -> dense (torch adds the entries into a copy of the
    dense operand); a number or a broadcast operand is refused, in torch's words (the dense side is its self)."""
    if not isinstance(other, SparseTensor):
        shape = list(getattr(other, "shape", ()))
        if shape != list(self._size):
            raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size {shape} while "
                               f"other has size {list(self._size)} (FYI: op2-sparse addition does not currently "
                               "support broadcasting)")
        return other.add(self.to_dense(), alpha=alpha) if alpha == 1 else other + self.to_dense() * alpha
    if other.layout is not self.layout and "sparse_csc" in (self.layout.name, other.layout.name):
        raise RuntimeError("crow_indices expected sparse row compressed tensor layout but got SparseCsc")
    return _as_layout(SparseTensor.add(_coo(self), _coo(other), alpha=alpha), self)


def _nan_to_num(self, *args, **kwargs):
    from ._coo import not_on_sparse
    raise not_on_sparse("aten::nan_to_num.out", "SparseCsrCPU")


LAYOUT_NAMES = {"sparse_coo": "Sparse", "sparse_csr": "SparseCsr", "sparse_csc": "SparseCsc", "strided": "Strided"}


def compressed_mm(a, b, result_layout=None):
    """``a @ b`` with a sparse ``b`` and a CSR / CSC operand: CSR @ CSR (either operand may be CSC, which
    torch converts) is a CSR matrix, each entry a * b added over k as ``sparse_sparse`` does; a COO
    operand is refused, naming torch's result layout (``result_layout``, else ``a``'s), then the operands'."""
    from ..ops.inplace import type_name
    from .._dtype import _SCALAR_TYPES
    la, lb = LAYOUT_NAMES[a.layout.name], LAYOUT_NAMES[b.layout.name]
    if "Sparse" in (la, lb):
        raise RuntimeError(f"addmm: computation on CPU is not implemented for {result_layout or la} + {la} @ {lb}")
    if a._size[1] != b._size[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a._size[0]}x{a._size[1]} and "
                           f"{b._size[0]}x{b._size[1]})")
    if a._vals.dtype != b._vals.dtype:       # (torch's kernel expects mat2's type)
        raise RuntimeError(f"expected scalar type {type_name(b._vals.dtype)} but found {type_name(a._vals.dtype)}")
    if a._vals.dtype.kind not in "fc" or a._vals.dtype.itemsize < 4:    # MKL's sparse kernel: float, double, complex
        raise NotImplementedError(f"\"addmm_out_sparse_csr_impl_mkl_sparse\" not implemented for "
                                  f"'{_SCALAR_TYPES[a._vals.dtype.name]}'")
    ai, av = _row_major_arrays(a)
    bi, bv = _row_major_arrays(b)
    b_start = np.searchsorted(bi[0], np.arange(b._size[0] + 1))
    rows, cols, vals = [], [], []
    for i in np.unique(ai[0]):
        acc = {}            # column -> sum; a row's columns stay in order of first appearance (MKL's)
        for e in np.flatnonzero(ai[0] == i):
            k, x = ai[1, e], av[e]
            for f in range(b_start[k], b_start[k + 1]):
                j = bi[1, f]
                acc[j] = acc[j] + x * bv[f] if j in acc else x * bv[f]
        rows += [i] * len(acc)
        cols += list(acc)
        vals += list(acc.values())
    idx = np.array([rows, cols], np.int64).reshape(2, -1)
    return csr_from_coo(idx, np.array(vals, av.dtype).reshape(-1), (a._size[0], b._size[1]))


def _row_major_arrays(t):
    """The entries of a compressed matrix in row-major order (a CSR matrix's own order)."""
    if t.layout.name == "sparse_csc":
        order = np.lexsort((t._idx[1], t._idx[0]))
        return t._idx[:, order], t._vals[order]
    return t._idx, t._vals


def _sum(self, dim=None, keepdim=False, *, dtype=None):
    """A full sum is a dense scalar; a sum over dims (keepdim only) is a CSR matrix with an entry for each
    output position that some stored entry reaches, added in storage order (a zero sum stays stored)."""
    from .._tensor import _wrap_dim
    from .._dtype import _SCALAR_TYPES
    if dim is None:
        return SparseTensor.sum(self, dtype=dtype)
    if self.layout.name == "sparse_csc":
        raise RuntimeError("Currently the only compressed sparse format supported for sum.dim_IntList is CSR, "
                           "but got layout SparseCsc")
    if not keepdim:
        raise RuntimeError("reduction operations on CSR tensors with keepdim=False is unsupported")
    dims = [dim] if isinstance(dim, int) else list(dim)
    dims = [_wrap_dim(d, 2) for d in dims] or [0, 1]
    if len(dims) == 2 and sorted(dims) != [0, 1]:
        raise RuntimeError("((dims[0] == 0 && dims[1] == 1) || (dims[0] == 1 && dims[1] == 0)) INTERNAL ASSERT "
                           "FAILED at \"/__w/pytorch/pytorch/aten/src/ATen/native/sparse/SparseCsrTensorMath.cpp\""
                           ":1305, please report a bug to PyTorch. ")
    vals = self._vals if dtype is None else self._vals.astype(dtype.np)
    if dtype is None and vals.dtype.kind in "iu":          # integers add up in int64, as a dense sum
        vals = vals.astype(np.int64)
    if vals.dtype.kind == "b":
        raise NotImplementedError(f"\"_sparse_csr_sum_cpu\" not implemented for '{_SCALAR_TYPES['bool']}'")
    rows, cols = self._idx
    keep_rows, keep_cols = 0 not in dims, 1 not in dims
    key = (rows if keep_rows else 0) * (self._size[1] if keep_cols else 1) + (cols if keep_cols else 0)
    key = np.broadcast_to(key, vals.shape)
    uniq, inv = np.unique(key, return_inverse=True)
    acc = np.zeros(uniq.shape[0], vals.dtype)
    np.add.at(acc, inv, vals)
    n_cols = self._size[1] if keep_cols else 1
    size = (self._size[0] if keep_rows else 1, n_cols)
    idx = np.stack([uniq // n_cols, uniq % n_cols]).astype(np.int64).reshape(2, -1)
    return csr_from_coo(idx, acc, size)


def _install():
    from ._csc import SparseCscTensor
    for cls in (SparseCsrTensor, SparseCscTensor):
        for name in UNARY + CONVERSIONS + ("neg", "__neg__", "negative"):
            if hasattr(SparseTensor, name):
                setattr(cls, name, _keeping_layout(name))
        for name in ("mul", "__mul__", "__rmul__", "multiply"):
            setattr(cls, name, _mul(name))
        cls.add = cls.__add__ = cls.__radd__ = _add
        cls.sum = _sum
        cls.nan_to_num = _nan_to_num
        for name in ("sub", "__sub__", "__rsub__", "subtract", "div", "__truediv__", "divide", "true_divide", "pow",
                     "__pow__", "square"):
            setattr(cls, name, _refused(name))


_install()
