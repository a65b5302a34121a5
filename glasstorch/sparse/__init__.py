"""``torch.sparse`` and the COO layout: ``torch.sparse_coo_tensor``, ``Tensor.to_sparse()``,
sparse gradients from ``nn.Embedding(sparse=True)`` (see ``_coo.py`` for the representation)."""
from ._coo import SparseTensor, sparse_coo, sparse_coo_tensor  # noqa: F401  (SparseTensor: for isinstance checks)
from ._csr import sparse_csr  # noqa: F401  (Tensor.to_sparse_csr(): the CSR layout)
from . import _grad  # noqa: F401  (registers sparse gradients with the backward engine)
from . import _unary  # noqa: F401  (s.abs(), s.sqrt(), s.pow(2) ... stay sparse)
from . import _shape, _convert  # noqa: F401  (s.t(), s.transpose(), s.double(), s.to(...) stay sparse)
from . import _select  # noqa: F401  (s[i], s.select(), s.unsqueeze() stay sparse)

__all__ = ["sparse_coo", "sparse_coo_tensor", "mm", "sum", "addmm", "softmax", "log_softmax", "check_sparse_tensor_invariants"]

from ._mm import mm, addmm  # noqa: E402,F401
from ._softmax import softmax, log_softmax  # noqa: E402,F401
import glasstorch as torch  # noqa: E402,F401  (torch/sparse imports torch: old code calls torch.sparse.torch.eye)


def sum(input, dim=None, dtype=None):
    if dim is not None:
        from ._reduce import sparse_sum
        return sparse_sum(input, dim, dtype)
    return input.sum(dtype=dtype)


class check_sparse_tensor_invariants:
    """Accepted for compatibility; glasstorch checks sparse tensors' invariants anyway."""

    def __init__(self, enable=True):
        self._on = enable

    @staticmethod
    def is_enabled():
        return False

    @staticmethod
    def enable():
        pass

    @staticmethod
    def disable():
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        return fn
