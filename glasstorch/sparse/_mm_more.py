"""``torch.hspmm``, ``torch.smm``, ``torch.sspaddmm`` (sparse @ dense with a sparse result) and
``dense.sparse_mask(s)``.

hspmm: the rows of ``mat1 @ mat2`` that ``mat1`` has entries in, as a hybrid tensor (one sparse dim, the
row; a dense row of values each), computed from the coalesced ``mat1`` entry by entry as torch's COO
worker does (``_mm._accumulate``).  smm spreads those rows over two sparse dims (every column of each
row stored, zeros included); sspaddmm puts them after ``beta * input``'s entries.  None is coalesced.
No autograd history is recorded (a grad-requiring input raises).
"""
import numpy as np

from ._coo import SparseTensor, make, not_on_sparse


def _not_on_dense(op):
    """torch's dispatcher error for a sparse-only op handed dense tensors (the 'CPU' backend)."""
    return NotImplementedError(str(not_on_sparse(op)).replace("'SparseCPU' backend", "'CPU' backend"))


def _no_grad(*ts):
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and any(getattr(t, "requires_grad", False) for t in ts):
        raise NotImplementedError("glasstorch: autograd through hspmm / smm / sspaddmm is not implemented")


def _rows(mat1, mat2, name, alpha=1, op=None):
    """(rows, their dense product rows) of sparse mat1 @ dense mat2; torch's checks, its messages naming
    hspmm or sspaddmm (smm goes through sspaddmm)."""
    from ._mm import _accumulate, check_sparse_dense
    if not isinstance(mat1, SparseTensor):
        raise _not_on_dense(f"aten::{name}")
    if mat1.layout is not _coo_layout():
        raise _compressed_error(op or name)
    for arg, t in ((2, mat1), (3, mat2)):         # before mm's checks: hspmm's own rank test names the argument
        if t.ndim != 2:
            raise RuntimeError(f"{name}: Argument #{arg}: matrices expected, got {t.ndim}D tensor")
    if mat1.ndim == 2 and mat2.ndim == 2 and mat2.shape[0] != mat1._size[1]:     # (before the dtype check)
        raise RuntimeError(f"{name}: Argument #3: Expected dim 0 size {mat1._size[1]}, got {mat2.shape[0]}")
    try:
        check_sparse_dense(mat1, mat2)
    except RuntimeError as e:
        raise RuntimeError(str(e).replace("addmm: Argument #3 (dense)", f"{name}: Argument #3")) from None
    _no_grad(mat1, mat2)
    c = mat1.coalesce()
    rows, inverse = np.unique(c._idx[0], return_inverse=True)
    v = c._vals * c._vals.dtype.type(alpha) if alpha != 1 else c._vals      # torch scales each entry first
    vals = _accumulate(inverse.reshape(-1), c._idx[1], v, rows.shape[0], mat2._data)
    return rows, vals


_ONLY_SPARSE = "tensor.sspaddmm(...) can only be called on sparse tensors"


def _coo_layout():
    import glasstorch
    return glasstorch.sparse_coo


def _compressed_error(name):
    """a CSR/CSC/BSR/BSC mat1: no hspmm or sspaddmm kernel for torch's SparseCsrCPU key (smm, whose
    output torch first allocates in mat1's layout, fails on that allocation instead)."""
    if name == "smm":
        return RuntimeError("torch.empty: Only batched sparse compressed (non-block) tensors are supported, "
                            "but got size [0]")
    return not_on_sparse("aten::sspaddmm.out" if name == "sspaddmm" else f"aten::{name}", "SparseCsrCPU")


def hspmm(mat1, mat2):
    """the rows of mat1 @ mat2 that mat1 has entries in: sparse dim 1, dense dim 1."""
    rows, vals = _rows(mat1, mat2, "hspmm")
    return make(rows[None].astype(np.int64), vals, (mat1._size[0], mat2.shape[1]), False)


def _spread(rows, vals, ncol):
    idx = np.stack([np.repeat(rows, ncol), np.tile(np.arange(ncol, dtype=np.int64), rows.shape[0])])
    return idx, vals.reshape(-1)


def smm(input, mat2):
    """mat1 @ mat2 as a sparse tensor: every column of each row mat1 has entries in."""
    if not isinstance(input, SparseTensor):
        raise RuntimeError(_ONLY_SPARSE)
    rows, vals = _rows(input, mat2, "sspaddmm", op="smm")
    idx, v = _spread(rows, vals, mat2.shape[1])
    return make(idx, v, (input._size[0], mat2.shape[1]), False)


def sspaddmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2): input's entries, then the product's rows (smm's layout)."""
    if not isinstance(input, SparseTensor):
        # torch's dense kernel refuses at once, or (sparse mat1) trips an internal assert reading input
        raise RuntimeError(_ONLY_SPARSE if not isinstance(mat1, SparseTensor) else
                           'self.is_sparse() INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/'
                           'SparseTensorUtils.h":28, please report a bug to PyTorch. _internal_get_SparseTensorImpl: '
                           'not a sparse tensor')
    if not isinstance(mat1, SparseTensor):
        raise RuntimeError("sspaddmm: expected 'mat1' to have sparse layout, got 'mat1' with layout Strided")
    rows, vals = _rows(mat1, mat2, "sspaddmm", alpha)
    size = (mat1._size[0], mat2.shape[1])
    if tuple(input._size) != size:
        raise RuntimeError(f"sspaddmm: Argument #1: Expected dim 0 size {size[0]}, got {input._size[0]}"
                           if input._size[0] != size[0] else
                           f"sspaddmm: Argument #1: Expected dim 1 size {size[1]}, got {input._size[1]}")
    idx, v = _spread(rows, vals, size[1])
    dt = input._vals.dtype
    ivals = input._vals * dt.type(beta) if beta != 1 else input._vals
    return make(np.concatenate([input._idx, idx], axis=1), np.concatenate([ivals, v.astype(dt, copy=False)]),
                size, False)


def sparse_mask(self, mask):
    """the entries of ``self`` at ``mask``'s indices (mask's order, repeats and coalesced flag kept)."""
    if not isinstance(mask, SparseTensor):
        raise _not_on_dense("aten::sparse_mask")
    if tuple(self.shape) != tuple(mask._size):
        raise RuntimeError(f"sparse_mask(): operands have incompatible sizes; self has size {list(self.shape)} "
                           f"but mask has size {list(mask._size)}")
    d = self._data
    return make(mask._idx.copy(), np.ascontiguousarray(d[tuple(mask._idx)]), mask._size, mask._coal)


def hsmm(mat1, mat2):
    """torch's old name for hspmm: the same op, its messages naming hspmm."""
    return hspmm(mat1, mat2)


def dsmm(input, mat2):
    """sparse @ dense as a dense tensor: torch routes it through mm, so grad_fn, checks and messages are mm's."""
    import glasstorch
    return glasstorch.mm(input, mat2)


def _sspaddmm_method(self, mat1, mat2, *, beta=1, alpha=1):
    return sspaddmm(self, mat1, mat2, beta=beta, alpha=alpha)


_sspaddmm_method.__name__ = _sspaddmm_method.__qualname__ = "sspaddmm"      # Tensor.sspaddmm, as torch names it


def install(namespace):
    """torch.hspmm / smm / sspaddmm / hsmm / dsmm, and Tensor.sparse_mask (a method dense tensors lacked)."""
    from .._tensor import Tensor
    for fn in (hspmm, smm, sspaddmm, hsmm, dsmm):
        fn.__module__, fn.__qualname__ = "glasstorch", fn.__name__
        namespace[fn.__name__] = fn
    Tensor.sparse_mask = sparse_mask
    Tensor.smm = SparseTensor.smm = smm          # (dense tensors have both methods in torch: they raise)
    Tensor.sspaddmm = SparseTensor.sspaddmm = _sspaddmm_method
