"""The factories' ``layout=`` argument: ``torch.zeros(2, 3, layout=torch.sparse_coo)`` (and
``empty``, ``zeros_like``) make an empty sparse tensor, nnz 0, of that size; ``layout=torch.sparse_csr``
an empty CSR matrix (crow_indices all 0).  ``ones`` / ``full`` have no sparse form: torch refuses them."""
import numpy as np

from .. import _dtype as _dt


def is_sparse_layout(layout):
    """True for torch.sparse_coo / sparse_csr / sparse_csc (None and torch.strided mean dense)."""
    return layout is not None and getattr(layout, "name", "strided") in ("sparse_coo", "sparse_csr", "sparse_csc")


def sparse_zeros(shape, dtype, layout, requires_grad=False):
    """An all-zero tensor of ``shape`` in ``layout``: no stored entries."""
    from ._coo import make
    from ._csr import csr_from_coo
    shape = tuple(int(s) for s in shape)
    vd = (_dt.to_dtype(dtype) if dtype is not None else _dt.DEFAULT.float).np
    if layout.name in ("sparse_csr", "sparse_csc"):
        if len(shape) != 2:
            raise NotImplementedError("glasstorch: a batched or 1-D sparse CSR tensor is not implemented")
        from .._user_warning import warn_once
        warn_once("sparse_csr_beta", "Sparse CSR tensor support is in beta state. If you miss a functionality in "
                  "the sparse tensor support, please submit a feature request to "
                  "https://github.com/pytorch/pytorch/issues. (Triggered internally at "
                  "/__w/pytorch/pytorch/aten/src/ATen/SparseCsrTensorImpl.cpp:49.)")
        if layout.name == "sparse_csc":
            from ._csc import csc_from_coo
            return csc_from_coo(np.empty((2, 0), np.int64), np.empty((0,), vd), shape)
        return csr_from_coo(np.empty((2, 0), np.int64), np.empty((0,), vd), shape)
    return make(np.empty((len(shape), 0), np.int64), np.empty((0,), vd), shape, True, bool(requires_grad))


def refuse_full(layout):
    """``ones`` / ``full`` with a sparse COO layout: torch's error."""
    if layout is not None and getattr(layout, "name", "") == "sparse_coo":
        raise RuntimeError("full(...) is not implemented for sparse layout")
