"""The sparse-layout methods of a dense (strided) tensor: ``to_sparse``/``to_dense``, and torch's
errors for the ones that only a sparse tensor has (``glasstorch/sparse/_coo.py`` overrides them)."""


def _layout_error(name, what="sparse coordinate tensor layout"):
    return RuntimeError(f"{name} expected {what} but got Strided")


class TensorSparse:
    __slots__ = ()

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        from .sparse._coo import dense_to_sparse
        from .sparse._csr import sparse_csr
        if layout is sparse_csr:
            return self.to_sparse_csr()
        if getattr(layout, "name", None) == "sparse_csc":
            return self.to_sparse_csc()
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
