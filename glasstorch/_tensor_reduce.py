"""Tensor methods that reduce or order: max/min, prod, var/std, norm, cumsum, all/any, sort, topk ...

Each method is a one-line call of an op in ``glasstorch/ops/``; ``Tensor`` inherits them through
``TensorSurface``.  ``O`` (glasstorch/_ops_index.py) loads each op module on first use.
"""
from . import _ops_index as O
from .ops._no_dim import KEEP as _KEEP, NO_DIM as _NO_DIM     # (a dim not given: see that file)


NOT_GIVEN = object()   # a sort whose ``stable`` was not passed (torch's SortBackward0, not SortBackward1)


class TensorReduce:
    __slots__ = ()

    # ---- reductions ----------------------------------------------------------------------------
    def max(self, dim=_NO_DIM, keepdim=_KEEP):
        return O.reduce_more.max(self, dim, keepdim)

    def min(self, dim=_NO_DIM, keepdim=_KEEP):
        return O.reduce_more.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return O.reduce_more.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return O.reduce_more.amin(self, dim, keepdim)

    def aminmax(self, *, dim=None, keepdim=False):
        return O.reduce_more.aminmax(self, dim=dim, keepdim=keepdim)

    def argmax(self, dim=None, keepdim=False):
        return O.reduce_more.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return O.reduce_more.argmin(self, dim, keepdim)

    def prod(self, dim=_NO_DIM, keepdim=_KEEP, *, dtype=None):
        return O.reduce_more.prod(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return O.moments.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return O.moments.std(self, dim, unbiased, keepdim, correction=correction)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return O.norms.norm(self, p, dim, keepdim, dtype)

    def dist(self, other, p=2):
        return O.norms.dist(self, other, p)

    def logsumexp(self, dim=_NO_DIM, keepdim=_KEEP):
        return O.reduce_more.logsumexp(self, dim, keepdim)

    def cumsum(self, dim, *, dtype=None):
        return O.cumulative.cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        return O.cumulative.cumprod(self, dim, dtype=dtype)

    def all(self, dim=None, keepdim=False):
        return O.reduce_more.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return O.reduce_more.any(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return O.reduce_more.count_nonzero(self, dim)

    def sort(self, dim=-1, descending=False, *, stable=NOT_GIVEN):
        # "not given" picks torch's grad_fn name (SortBackward0; SortBackward1 once stable= is passed)
        return O.sorting.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=NOT_GIVEN):
        return O.sorting.argsort(self, dim, descending, stable)

    def msort(self):
        return O.sorting.msort(self)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return O.sorting.topk(self, k, dim, largest, sorted)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return O.sorting.kthvalue(self, k, dim, keepdim)

    def median(self, dim=_NO_DIM, keepdim=_KEEP):
        return O.sorting.median(self, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return O.sorting.mode(self, dim, keepdim)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return O.sorting.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return O.sorting.unique_consecutive(self, return_inverse, return_counts, dim)

    def bincount(self, weights=None, minlength=0):
        return O.sorting.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):
        return O.sorting.histc(self, bins, min, max)
