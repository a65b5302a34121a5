"""More Tensor methods, one line each: running extremes, reducing scatters, indexed writes,
statistics and a few linear-algebra and numeric helpers (see the ops they call)."""
from . import _ops_index as O
from .ops._no_dim import KEEP as _KEEP, NO_DIM as _NO_DIM     # (a dim not given)


class TensorExtra:
    __slots__ = ()

    # ---- cumulative ------------------------------------------------------------------------------
    def cummax(self, dim):
        return O.cumulative_more.cummax(self, dim)

    def cummin(self, dim):
        return O.cumulative_more.cummin(self, dim)

    def logcumsumexp(self, dim):
        return O.cumulative_more.logcumsumexp(self, dim)

    def unfold(self, dimension, size, step):
        return O.unfold_view.unfold(self, dimension, size, step)

    # ---- reducing scatters -----------------------------------------------------------------------
    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return O.scatter_reduce.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return O.scatter_reduce.scatter_reduce_(self, dim, index, src, reduce, include_self=include_self)

    def index_reduce(self, dim, index, source, reduce, *, include_self=True):
        return O.scatter_reduce.index_reduce(self, dim, index, source, reduce, include_self=include_self)

    def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
        return O.scatter_reduce.index_reduce_(self, dim, index, source, reduce, include_self=include_self)

    # ---- indexed writes --------------------------------------------------------------------------
    def index_put(self, indices, values, accumulate=False):
        return O.index_put.index_put(self, indices, values, accumulate)

    def index_put_(self, indices, values, accumulate=False):
        return O.index_put.index_put_(self, indices, values, accumulate)

    def put(self, index, source, accumulate=False):
        return O.index_put.put(self, index, source, accumulate)

    def put_(self, index, source, accumulate=False):
        return O.index_put.put_(self, index, source, accumulate)

    def index_copy(self, dim, index, source):
        return O.index_put.index_copy(self, dim, index, source)

    def index_copy_(self, dim, index, source):
        return O.index_put.index_copy_(self, dim, index, source)

    def masked_scatter(self, mask, source):
        return O.index_put.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask, source):
        return O.index_put.masked_scatter_(self, mask, source)

    # ---- statistics ------------------------------------------------------------------------------
    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return O.stats.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return O.stats.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanmedian(self, dim=_NO_DIM, keepdim=_KEEP):
        return O.stats.nanmedian(self, dim, keepdim)

    def histogram(self, bins=100, *, range=None, weight=None, density=False):
        return O.stats.histogram(self, bins, range=range, weight=weight, density=density)

    def cov(self, *, correction=1, fweights=None, aweights=None):
        return O.stats.cov(self, correction=correction, fweights=fweights, aweights=aweights)

    def corrcoef(self):
        return O.stats.corrcoef(self)

    # ---- numeric helpers -------------------------------------------------------------------------
    def float_power(self, exponent):
        return O.misc_math.float_power(self, exponent)

    def frexp(self):
        return O.misc_math.frexp(self)

    def ldexp(self, other):
        return O.misc_math.ldexp(self, other)

    def renorm(self, p, dim, maxnorm):
        return O.misc_math.renorm(self, p, dim, maxnorm)

    def renorm_(self, p, dim, maxnorm):
        return O.misc_math.renorm_(self, p, dim, maxnorm)

    def matrix_exp(self):
        from ._linalg_more import matrix_exp
        return matrix_exp(self)

    def geqrf(self):
        from ._linalg_more import geqrf
        return geqrf(self)

    def ormqr(self, input2, input3, left=True, transpose=False):
        from ._linalg_ormqr import ormqr
        return ormqr(self, input2, input3, left, transpose)

    def cholesky_inverse(self, upper=False):
        from ._linalg_more import cholesky_inverse
        from ._typed_args import check
        check("cholesky_inverse", "upper", upper, position=1)
        return cholesky_inverse(self, upper)

    def new(self, *args, **kwargs):
        """The legacy constructor on a tensor: ``x.new(sizes...)`` (uninitialised) or ``x.new(data)``,
        in x's dtype (a tensor argument: an alias of it, which must have x's dtype)."""
        from ._legacy_ctor import construct
        return construct(args, kwargs, self.dtype, check_other=True, method=True)

    def cholesky_solve(self, input2, upper=False):
        from ._linalg_more import cholesky_solve
        from ._typed_args import check
        check("cholesky_solve", "upper", upper, position=2)
        return cholesky_solve(self, input2, upper)
