"""``torch.sparse_csr_tensor(crow_indices, col_indices, values, size)``: a 2-D CSR matrix from its
three arrays (see ``_csr.py`` for the representation).  Row ``i`` holds entries
``crow[i]:crow[i+1]`` of ``col_indices`` / ``values``; they are kept in the given order (torch keeps
unsorted columns too when its invariant checks are off, and calls the matrix coalesced all
the same).  Without a size it is
``(len(crow) - 1, max(col) + 1)``.

torch checks the structure only under ``check_invariants=True`` and otherwise builds a tensor that
crashes or reads garbage later; glasstorch always raises torch's check error for a malformed
structure (wrong lengths, crow not starting at 0 / not ending at nnz / decreasing, a column out of
range), and checks for sorted, distinct columns only when asked, as torch.  Not implemented (they
raise NotImplementedError): int32 indices (torch keeps them int32), batched or hybrid tensors, and
autograd (requires_grad)."""
import numpy as np

from .._tensor import Tensor


def _sorted_msg(comp, plain, dim):
    return (f"`{plain}_indices[..., {comp}_indices[..., i - 1]:{comp}_indices[..., i]] for all i = 1, ..., {dim} are "
            "sorted and distinct along the last dimension values` is not satisfied.")


SORTED_MSG = _sorted_msg("crow", "col", "nrows")


def _index_array(x):
    arr = np.asarray(x._data if isinstance(x, Tensor) else x)
    return arr.astype(np.int64) if arr.dtype == np.bool_ else arr


def _check(comp, plain, nnz, size, sorted_too, csc=False):
    """torch's invariant errors, in torch's order, for CSR (``comp`` = crow_indices, ``plain`` = col_indices)
    or CSC (``csc``: ccol_indices and row_indices, the roles of rows and columns swapped)."""
    c, p, lines, others = ("ccol", "row", "columns", "nrows") if csc else ("crow", "col", "rows", "ncols")
    n_lines, n_others = (size[1], size[0]) if csc else size
    msg = _sorted_msg(c, p, "ncols" if csc else "nrows")
    if comp.shape[0] != n_lines + 1:
        raise RuntimeError(f"{c}_indices.shape[-1] must be equal to the number of {lines} + 1 (={n_lines + 1}), "
                           f"but got {comp.shape[0]}")
    if plain.shape[0] != nnz:
        raise RuntimeError(f"{p}_indices.shape[-1] must be equal to nnz (={nnz}) as defined by values.shape[0], "
                           f"but got {plain.shape[0]}")
    if comp[0] != 0:
        raise RuntimeError(f"`{c}_indices[..., 0] == 0` is not satisfied.")
    if comp[-1] != nnz:
        raise RuntimeError(f"`{c}_indices[..., -1] == nnz` is not satisfied.")
    if np.any(np.diff(comp) < 0):
        raise RuntimeError(msg)     # torch's check reports a decreasing compressed index this way
    if nnz and (plain.min() < 0 or plain.max() >= n_others):
        raise RuntimeError(f"`0 <= {p}_indices < {others}` is not satisfied.")
    if sorted_too and not _rows_sorted(comp, plain):
        raise RuntimeError(msg)


def _rows_sorted(crow, col):
    """Columns strictly increasing inside every row."""
    rows = np.repeat(np.arange(crow.shape[0] - 1), np.diff(crow))
    same_row = rows[1:] == rows[:-1]
    return not np.any(same_row & (col[1:] <= col[:-1]))


def parse_compressed(comp_in, plain_in, values, size, dtype, requires_grad, check_invariants, csc=False):
    """The steps torch's CSR and CSC constructors share, in its order (for CSC the roles of rows and
    columns swapped): the beta warning, the index arrays, the values, the default size, the invariant
    checks.  Returns (compressed indices, plain indices, values, size)."""
    from .._creation import tensor
    from .._user_warning import warn_once
    from ._coo import _invariants_unset
    from ._coo_checks import ENABLED
    name, short = ("sparse_csc_tensor", "CSC") if csc else ("sparse_csr_tensor", "CSR")
    if check_invariants is None:
        _invariants_unset()
    warn_once("sparse_csr_beta", "Sparse CSR tensor support is in beta state. If you miss a functionality in the "
              "sparse tensor support, please submit a feature request to https://github.com/pytorch/pytorch/issues. "
              "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/SparseCsrTensorImpl.cpp:49.)")
    comp, plain = _index_array(comp_in), _index_array(plain_in)
    if not csc and comp.dtype != plain.dtype and (comp.dtype.kind not in "iu" or plain.dtype.kind not in "iu"):
        from .._dtype import _SCALAR_TYPES as names
        raise RuntimeError(f"crow_indices and col_indices must have the same dtype, bot got "
                           f"{names[comp.dtype.name]} and {names[plain.dtype.name]}, respectively")
    if comp.dtype != np.int64 or plain.dtype != np.int64:
        raise NotImplementedError(f"glasstorch: {name} with indices that are not int64 is not implemented")
    vals_t = values if isinstance(values, Tensor) else tensor(values)
    if requires_grad or vals_t.requires_grad:
        raise NotImplementedError(f"glasstorch: autograd through sparse {short} tensors is not implemented")
    vals = np.array(vals_t._data, dtype=None if dtype is None else dtype.np)
    checked = ENABLED[0] if check_invariants is None else check_invariants
    if checked and size is not None and comp.ndim == plain.ndim and vals.ndim >= comp.ndim:
        # torch's first invariant check of a given size: its rank is batch (index rank - 1) + 2 + dense
        # dimensions (unchecked, torch builds the tensor; glasstorch refuses it as not implemented)
        batch, dense = comp.ndim - 1, vals.ndim - comp.ndim
        if len(size) != batch + 2 + dense:
            raise RuntimeError(f"tensor dimensionality must be sum of batch, base, and dense dimensionalities "
                               f"(={batch} + 2 + {dense}) but got {len(size)}")
    if comp.ndim != 1 or plain.ndim != 1 or vals.ndim != 1 or (size is not None and len(size) != 2):
        raise NotImplementedError(f"glasstorch: batched or hybrid sparse {short} tensors are not implemented")
    if size is None:
        lines, others = comp.shape[0] - 1, int(plain.max()) + 1 if plain.shape[0] else 0
        size = (others, lines) if csc else (lines, others)
    size = tuple(int(s) for s in size)
    on = ENABLED[0] if check_invariants is None else check_invariants
    _check(comp, plain, vals.shape[0], size, bool(on), csc=csc)
    return comp, plain, vals, size


def sparse_csr_tensor(crow_indices, col_indices, values, size=None, *, dtype=None, device=None,
                      pin_memory=False, requires_grad=False, check_invariants=None):
    """A CSR matrix with rows ``crow_indices`` (nrows + 1), ``col_indices`` (nnz), ``values`` (nnz)."""
    from ._csr import csr_from_coo
    crow, col, vals, size = parse_compressed(crow_indices, col_indices, values, size, dtype, requires_grad,
                                             check_invariants)
    rows = np.repeat(np.arange(size[0], dtype=np.int64), np.diff(crow))
    # marked coalesced even with unsorted columns: torch's to_sparse() of it claims coalesced too
    return csr_from_coo(np.stack([rows, col.copy()]), vals, size)
