"""Tensor methods for linear algebra under torch's older names (``A.det()``, ``A.inverse()`` ...)."""
from . import _ops_index as O


class TensorLinalg:
    __slots__ = ()

    def det(self):
        return O.linalg_more.det(self)

    def inverse(self):
        return O.linalg_more.inverse(self)

    def logdet(self):
        return O.linalg_more.logdet(self)

    def slogdet(self):
        return O.linalg_more.slogdet(self)

    def pinverse(self, rcond=1e-15):
        return O.linalg_more.pinverse(self, rcond)

    def svd(self, some=True, compute_uv=True):
        from ._typed_args import check_all
        check_all("svd", ("some", some, "bool", 1), ("compute_uv", compute_uv, "bool", 2))
        return O.linalg_more.svd(self, some, compute_uv)

    def matrix_power(self, n):
        return O.linalg_more.matrix_power(self, O.linalg_more.int_exponent(n, "matrix_power", 1))

    def cholesky(self, upper=False):
        from ._typed_args import check
        check("cholesky", "upper", upper, position=1)
        return O.linalg_more.cholesky(self, upper)

    def qr(self, some=True):
        return O.linalg_more.qr(self, some)
