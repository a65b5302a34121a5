"""``torch.sparse`` and the COO layout: ``torch.sparse_coo_tensor``, ``Tensor.to_sparse()``,
sparse gradients from ``nn.Embedding(sparse=True)`` (see ``_coo.py`` for the representation)."""
from ._coo import SparseTensor, sparse_coo, sparse_coo_tensor
from . import _grad  # noqa: F401  (registers sparse gradients with the backward engine)

__all__ = ["sparse_coo", "sparse_coo_tensor", "mm", "sum", "check_sparse_tensor_invariants"]

def mm(mat1, mat2, reduce=None):
    """sparse @ dense -> dense (dense values; glasstorch does not record a graph through it)."""
    from .._tensor import _wrap
    if isinstance(mat2, SparseTensor):
        raise NotImplementedError("glasstorch: torch.sparse.mm with a sparse second operand")
    return _wrap(mat1._data @ mat2._data)


def sum(input, dim=None, dtype=None):
    if dim is not None:
        raise NotImplementedError("glasstorch: torch.sparse.sum over some dims is not implemented")
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
