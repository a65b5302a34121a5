"""The sparse-layout methods of a dense (strided) tensor: ``to_sparse``/``to_dense``, and torch's
errors for the ones that only a sparse tensor has (``glasstorch/sparse/_coo.py`` overrides them)."""


def _layout_error(name, what="sparse coordinate tensor layout"):
    return RuntimeError(f"{name} expected {what} but got Strided")


def _check_dense_to_sparse(t, name, blocksize, dense_dim):
    """torch's dense_to_sparse checks: blocksize is two ints and only for the blocked layouts; dense_dim
    within [0, dim] for COO, [0, dim - 2] for the compressed layouts."""
    shown = {None: "Sparse", "sparse_coo": "Sparse", "sparse_csr": "SparseCsr", "sparse_csc": "SparseCsc"}
    if blocksize is not None:
        if len(blocksize) != 2:
            raise RuntimeError(f"dense_to_sparse: blocksize needs to be a tuple of size 2, but got {len(blocksize)}")
        if name in shown:
            raise RuntimeError(f"dense_to_sparse: conversion from Strided to {shown[name]} with blocksize "
                               "argument given is not supported")
    if dense_dim is not None:
        top = t.dim() - (0 if name in (None, "sparse_coo") else 2)
        if not 0 <= dense_dim <= top:
            raise RuntimeError(f"dense_to_sparse: dense_dim argument must be in [0,{top}] range, "
                               f"but {dense_dim} is given")


class TensorSparse:
    __slots__ = ()

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        from .sparse._coo import dense_to_sparse
        from .sparse._csr import sparse_csr
        if sparse_dim is not None and (layout is not None or blocksize is not None or dense_dim is not None):
            # torch's two overloads: to_sparse(int sparse_dim) and to_sparse(*, layout, blocksize, dense_dim)
            raise TypeError("to_sparse() takes 0 positional arguments but 1 was given")
        name = getattr(layout, "name", None)
        if name == "strided":
            return self
        _check_dense_to_sparse(self, name, blocksize, dense_dim)
        if layout is sparse_csr:
            return self.to_sparse_csr(dense_dim)
        if name == "sparse_csc":
            return self.to_sparse_csc() if dense_dim is None else self.to_sparse_csc(dense_dim)
        if dense_dim is not None:           # COO: the leading dims sparse, the last dense_dim dense
            sparse_dim = self.dim() - dense_dim
        from .sparse._autograd import sparsified
        return sparsified(dense_to_sparse(self, sparse_dim), self, sparse_dim)

    def to_sparse_coo(self):
        return self.to_sparse()

    def to_sparse_csr(self, dense_dim=None):
        from .sparse._csr import to_sparse_csr
        return to_sparse_csr(self, dense_dim)

    def to_dense(self, dtype=None, *, masked_grad=None):
        return self if dtype is None else self.to(dtype)

    def coalesce(self):
        raise _layout_error("coalesce")

    def is_coalesced(self):
        raise _layout_error("is_coalesced")

    def indices(self):
        raise _layout_error("indices")

    def values(self):
        raise _layout_error("values", "sparse tensor layout")

    def sparse_dim(self):
        return 0

    def dense_dim(self):
        return self.dim()
