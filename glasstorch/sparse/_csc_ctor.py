"""``torch.sparse_csc_tensor(ccol_indices, row_indices, values, size)``: a 2-D CSC matrix from its three
arrays (``_csc.py`` has the representation).  Column ``j`` holds entries ``ccol[j]:ccol[j+1]`` of
``row_indices`` / ``values``, kept in the given order.  Without a size it is
``(max(row) + 1, len(ccol) - 1)``.

The checks mirror ``sparse_csr_tensor``'s (``_csr_ctor.py``) with the roles of rows and columns
swapped, in torch's words (ccol_indices, row_indices, ncols, nrows): glasstorch always refuses a
malformed structure, which torch builds unchecked unless asked, and checks for sorted, distinct rows
only when asked.  Not implemented (NotImplementedError), as for CSR: int32 indices, batched or hybrid
tensors, autograd.
"""
import numpy as np

from .._tensor import Tensor
from ._csr_ctor import _check, _index_array


def sparse_csc_tensor(ccol_indices, row_indices, values, size=None, *, dtype=None, device=None,
                      pin_memory=False, requires_grad=False, check_invariants=None):
    """A CSC matrix with columns ``ccol_indices`` (ncols + 1), ``row_indices`` (nnz), ``values`` (nnz)."""
    from .._creation import tensor
    from .._user_warning import warn_once
    from ._coo import _invariants_unset
    from ._coo_checks import ENABLED
    from ._csc import csc_from_coo
    if check_invariants is None:
        _invariants_unset()
    warn_once("sparse_csr_beta", "Sparse CSR tensor support is in beta state. If you miss a functionality in the "
              "sparse tensor support, please submit a feature request to https://github.com/pytorch/pytorch/issues. "
              "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/SparseCsrTensorImpl.cpp:49.)")
    ccol, row = _index_array(ccol_indices), _index_array(row_indices)
    if ccol.dtype != np.int64 or row.dtype != np.int64:
        raise NotImplementedError("glasstorch: sparse_csc_tensor with indices that are not int64 is not implemented")
    vals_t = values if isinstance(values, Tensor) else tensor(values)
    if requires_grad or vals_t.requires_grad:
        raise NotImplementedError("glasstorch: autograd through sparse CSC tensors is not implemented")
    vals = np.array(vals_t._data, dtype=None if dtype is None else dtype.np)
    if ccol.ndim != 1 or row.ndim != 1 or vals.ndim != 1 or (size is not None and len(size) != 2):
        raise NotImplementedError("glasstorch: batched or hybrid sparse CSC tensors are not implemented")
    nnz = vals.shape[0]
    if size is None:
        size = (int(row.max()) + 1 if row.shape[0] else 0, ccol.shape[0] - 1)
    size = tuple(int(s) for s in size)
    on = ENABLED[0] if check_invariants is None else check_invariants
    _check(ccol, row, nnz, size, bool(on), csc=True)
    cols = np.repeat(np.arange(size[1], dtype=np.int64), np.diff(ccol))
    return csc_from_coo(np.stack([row.copy(), cols]), vals, size)
