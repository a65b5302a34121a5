"""Tensor methods for the special functions and assorted ops (``x.lgamma()``, ``x.nansum()``, ``3 in x`` ...)."""
from . import _ops_index as O


class TensorMore:
    __slots__ = ()

    def lgamma(self):
        return O.special_fns.lgamma(self)

    def digamma(self):
        return O.special_fns.digamma(self)

    def polygamma(self, n):
        return O.special_fns.polygamma(n, self)

    def logit(self, eps=None):
        return O.special_fns.logit(self, eps)

    def sinc(self):
        return O.special_fns.sinc(self)

    def heaviside(self, values):
        return O.special_fns.heaviside(self, values)

    def i0(self):
        return O.special_more.i0(self)

    def igamma(self, other):
        return O.special_more.igamma(self, other)

    def igammac(self, other):
        return O.special_more.igammac(self, other)

    def logaddexp2(self, other):
        O.binary_more.tensors_only("logaddexp2", self, other, method=True)
        return O.special_more.logaddexp2(self, other)

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        return O.misc_more.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        return O.misc_more.nanmean(self, dim, keepdim, dtype=dtype)

    def take_along_dim(self, indices, dim=None):
        return O.misc_more.take_along_dim(self, indices, dim)

    def inner(self, other):
        return O.misc_more.inner(self, other)

    def ravel(self):
        return O.shape.ravel(self)

    def hardshrink(self, lambd=0.5):
        from .nn._ops.shrink import hardshrink
        return hardshrink(self, lambd)

    def prelu(self, weight):
        from .nn._ops.activation import prelu
        return prelu(self, weight)

    def __contains__(self, element):
        """``element in t``: whether any entry equals it."""
        from ._tensor import Tensor
        if not isinstance(element, (Tensor, int, float, bool)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                               f"{type(element)}.")
        return bool((self == element).any())
