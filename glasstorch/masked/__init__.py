"""``torch.masked``: the masked reductions and normalizations of ``torch.masked._ops`` (strided tensors).

The prototype ``MaskedTensor`` subclass is not implemented: ``is_masked_tensor`` is False for every
glasstorch object, and importing ``MaskedTensor`` / ``masked_tensor`` / ``as_masked_tensor`` fails."""
from . import _ops  # noqa: F401
from ._ops import (_canonical_dim, _combine_input_and_mask, _input_mask, _reduction_identity,  # noqa: F401
                   amax, amin, argmax, argmin, cumprod, cumsum, log_softmax, logaddexp, logsumexp, mean, median,
                   norm, normalize, prod, softmax, softmin, std, sum, var)


def is_masked_tensor(obj, /):
    """True if ``obj`` is a MaskedTensor: never, as glasstorch has none."""
    return False


__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "is_masked_tensor", "log_softmax",
           "logaddexp", "logsumexp", "mean", "median", "norm", "normalize", "prod", "softmax", "softmin", "std",
           "sum", "var"]
