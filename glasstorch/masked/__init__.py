"""``torch.masked``: reductions and normalizations that ignore the masked-out elements of a strided
tensor (``mask=``, a bool tensor broadcastable to the input).  See ``_ops.py``.  torch's prototype
``MaskedTensor`` class and the sparse layouts are not provided."""
from ._ops import (amax, amin, argmax, argmin, cumprod, cumsum, log_softmax, logaddexp, logsumexp, mean,  # noqa: F401
                   median, norm, normalize, prod, softmax, softmin, std, sum, var)
from . import _ops  # noqa: F401

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp", "logsumexp",
           "mean", "median", "norm", "normalize", "prod", "softmax", "softmin", "std", "sum", "var"]
