"""``torch.sparse`` and the COO layout: ``torch.sparse_coo_tensor``, ``Tensor.to_sparse()``,
sparse gradients from ``nn.Embedding(sparse=True)`` (see ``_coo.py`` for the representation)."""
from ._coo import SparseTensor, sparse_coo, sparse_coo_tensor  # noqa: F401  (SparseTensor: for isinstance checks)
from ._csr import sparse_csr  # noqa: F401  (Tensor.to_sparse_csr(): the CSR layout)
from ._csr_ctor import sparse_csr_tensor  # noqa: F401  (torch.sparse_csr_tensor)
from ._csc import sparse_csc  # noqa: F401  (Tensor.to_sparse_csc(), a compressed matrix's transpose)
from ._csc_ctor import sparse_csc_tensor  # noqa: F401  (torch.sparse_csc_tensor)
from . import _csr_ops  # noqa: F401  (c.abs(), c * 2, c + c ... stay CSR)
from . import _compressed_misc  # noqa: F401  (c[i], pickling, torch's errors for COO-only methods)
from . import _grad  # noqa: F401  (registers sparse gradients with the backward engine)
from . import _unary  # noqa: F401  (s.abs(), s.sqrt(), s.pow(2) ... stay sparse)
from . import _shape, _convert  # noqa: F401  (s.t(), s.transpose(), s.double(), s.to(...) stay sparse)
from . import _select  # noqa: F401  (s[i], s.select(), s.unsqueeze() stay sparse)
from . import _inplace  # noqa: F401  (s.div_(2), s.sqrt_(), s.copy_(t) ...; torch's error for the rest)
from . import _coo_checks  # (check_sparse_tensor_invariants' switch)
from . import _storage_meta  # noqa: F401  (zero strides, no storage or data pointer, never contiguous)

__all__ = ["sparse_coo", "sparse_coo_tensor", "mm", "sum", "addmm", "softmax", "log_softmax", "check_sparse_tensor_invariants"]

from ._mm import mm, addmm  # noqa: E402,F401
from ._softmax import softmax, log_softmax  # noqa: E402,F401
from ._legacy import (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor,  # noqa: E402,F401
                      CharTensor, ByteTensor)  # (torch.sparse.FloatTensor(indices, values, size): legacy)
from ._spdiags import spdiags  # noqa: E402,F401
from ._sampled_addmm import sampled_addmm  # noqa: E402,F401
import glasstorch as torch  # noqa: E402,F401  (torch/sparse imports torch: old code calls torch.sparse.torch.eye)


def sum(input, dim=None, dtype=None):
    if input.layout.name in ("sparse_csr", "sparse_csc"):        # torch's COO-only steps refuse them
        shown = "SparseCsr" if input.layout.name == "sparse_csr" else "SparseCsc"
        if dim is None:
            raise RuntimeError(f"coalesce expected sparse coordinate tensor layout but got {shown}")
        from ._coo import not_on_sparse
        raise not_on_sparse("aten::_indices", shown + "CPU")
    if dim is not None:
        from ._reduce import sparse_sum
        return sparse_sum(input, dim, dtype)
    # torch's _sparse_sum(input[, dtype]) is input.coalesce().values().sum([dtype]): its gradient reaches
    # the input sparse (ValuesBackward0), zero off the stored entries, unlike s.sum()'s dense one
    return input.coalesce().values().sum(dtype=dtype)


class check_sparse_tensor_invariants:
    """Turns sparse_coo_tensor's index checks on (``_coo_checks.py``): a context manager, a decorator, or
    ``enable()`` / ``disable()`` for the whole process."""

    def __init__(self, enable=True):
        self._on = enable

    @staticmethod
    def is_enabled():
        return _coo_checks.ENABLED[0]

    @staticmethod
    def enable():
        _coo_checks.ENABLED[0] = True

    @staticmethod
    def disable():
        _coo_checks.ENABLED[0] = False

    def __enter__(self):
        self._saved = _coo_checks.ENABLED[0]
        _coo_checks.ENABLED[0] = self._on
        return self

    def __exit__(self, *exc):
        _coo_checks.ENABLED[0] = self._saved
        return False

    def __call__(self, fn):
        def test_mth(*args, **kwargs):          # (torch's name for the wrapper)
            with check_sparse_tensor_invariants(self._on):
                return fn(*args, **kwargs)
        return test_mth
