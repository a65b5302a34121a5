"""``torch.sparse_coo_tensor``'s invariant checks and its size-only form.

* ``check_invariants=True`` (or inside ``torch.sparse.check_sparse_tensor_invariants()``, or after its
  ``enable()``): each sparse dim's indices must be >= 0 and < the size there, checked dim by dim as
  torch does.  Without a size, torch infers it from the indices and still refuses negative ones.
* ``torch.sparse_coo_tensor(size)`` / ``torch.sparse_coo_tensor(size=size)``: an empty tensor (nnz 0,
  every dim sparse) of the default dtype.
"""
import numpy as np

ENABLED = [False]          # torch._C._check_sparse_tensor_invariants()


def check(idx, size, check_invariants):
    """Raise torch's error for indices out of range (``size`` None: negative indices only)."""
    on = ENABLED[0] if check_invariants is None else check_invariants
    if not on and size is not None:
        return
    for d in range(idx.shape[0]):
        if not idx.shape[1]:
            break
        low = int(idx[d].min())
        if low < 0:
            raise RuntimeError(f"found negative index {low} for dim {d}")
        high = int(idx[d].max())
        if size is not None and high >= size[d]:
            raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} but found "
                               f"index {high}")


def size_only(size, dtype, requires_grad):
    """The empty sparse tensor of ``torch.sparse_coo_tensor(size)``."""
    from .._tensor import Tensor
    from .. import _dtype
    from ._coo import make
    if isinstance(size, Tensor):
        raise TypeError("sparse_coo_tensor(): argument 'size' (position 1) must be tuple of ints, not Tensor")
    size = tuple(int(s) for s in size)
    dt = (dtype or _dtype.get_default_dtype()).np
    return make(np.zeros((len(size), 0), np.int64), np.zeros((0,), dt), size, True, bool(requires_grad))
