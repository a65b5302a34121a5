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

from ._csr_ctor import parse_compressed


def sparse_csc_tensor(ccol_indices, row_indices, values, size=None, *, dtype=None, device=None,
                      pin_memory=False, requires_grad=False, check_invariants=None):
    """A CSC matrix with columns ``ccol_indices`` (ncols + 1), ``row_indices`` (nnz), ``values`` (nnz)."""
    from ._csc import csc_from_coo
    ccol, row, vals, size = parse_compressed(ccol_indices, row_indices, values, size, dtype, requires_grad,
                                             check_invariants, csc=True)
    cols = np.repeat(np.arange(size[1], dtype=np.int64), np.diff(ccol))
    return csc_from_coo(np.stack([row.copy(), cols]), vals, size)
