"""``torch.sparse_compressed_tensor(compressed_indices, plain_indices, values, size, *, layout)``: the
constructor behind ``sparse_csr_tensor`` and ``sparse_csc_tensor``, the layout choosing which.

For ``layout=torch.sparse_csr`` the compressed indices are the row pointers (``crow_indices``) and the
plain ones the column indices; for ``torch.sparse_csc`` the column pointers and row indices.  torch
warns about the unset invariant checks before it looks at the layout, then refuses any layout that is
not compressed ("... but got Strided").  glasstorch has no block layouts (sparse_bsr / sparse_bsc).
"""
from ._csc_ctor import sparse_csc_tensor
from ._csr_ctor import sparse_csr_tensor

# c10::Layout's names, as torch's error prints them
_LAYOUT_NAMES = {"torch.strided": "Strided", "torch.sparse_coo": "Sparse", "torch._mkldnn": "Mkldnn",
                 "torch.jagged": "Jagged"}


def sparse_compressed_tensor(compressed_indices, plain_indices, values, size=None, *, dtype=None, layout=None,
                             device=None, pin_memory=False, requires_grad=False, check_invariants=None):
    """A CSR (``layout=torch.sparse_csr``) or CSC (``torch.sparse_csc``) matrix from its three arrays."""
    import glasstorch
    from ._coo import _invariants_unset
    if check_invariants is None:
        _invariants_unset()
    if layout is glasstorch.sparse_csr:
        make = sparse_csr_tensor
    elif layout is glasstorch.sparse_csc:
        make = sparse_csc_tensor
    else:
        got = "none" if layout is None else _LAYOUT_NAMES.get(str(layout), str(layout))
        raise RuntimeError(f"sparse_compressed_tensor expected sparse compressed tensor layout but got {got}")
    return make(compressed_indices, plain_indices, values, size, dtype=dtype, device=device, pin_memory=pin_memory,
                requires_grad=requires_grad, check_invariants=check_invariants)
