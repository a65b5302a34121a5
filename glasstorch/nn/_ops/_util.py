"""Small helpers the nn ops share: reductions, dtype names, views, erf."""
import math

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, Tensor, _wrap, record, record1  # noqa: F401
from ...ops.inplace import type_name
from ...ops.reduction import sum_all, mean_all

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def get_enum(reduction):
    """torch's ``_Reduction.get_enum`` check, which the F losses run before any arithmetic: the name
    ('elementwise_mean' warns that it is deprecated and means 'mean'), else torch's ValueError."""
    if reduction == "elementwise_mean":
        import warnings
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return "mean"
    check_reduction(reduction)
    return reduction


def legacy_reduction(size_average, reduce, reduction):
    """torch's mapping of the deprecated ``size_average``/``reduce`` flags to ``reduction``.  Its warning
    names the caller's line, as torch's ``legacy_get_string`` (stacklevel=2) does: the default filter shows
    it once per place, and torch's places are one for all loss modules (``_Loss.__init__``) and one per
    functional loss (see ``legacy_reduction_enum`` for those sharing one)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    import warnings
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                  stacklevel=2)
    return ret


def legacy_reduction_enum(size_average, reduce, reduction):
    """``legacy_reduction`` for the losses torch converts with ``_Reduction.legacy_get_enum`` (kl_div, the
    binary cross entropies, the margin, hinge, cosine and triplet losses): their warning then names this
    one line, as torch's all name legacy_get_enum's, so the default filter shows it once among them."""
    return legacy_reduction(size_average, reduce, reduction)


def reduce(loss, reduction):
    """Apply ``reduction`` to an elementwise loss array (mean in the array's own precision)."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.asarray(sum_all(loss), dtype=loss.dtype)
    return np.asarray(mean_all(loss), dtype=loss.dtype)


def reduce_tensor(loss, reduction):
    """A loss tensor's reduction, recorded as the ops it is (MeanBackward0, SumBackward0)."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def reduce_grad(g, shape, reduction, dtype):
    """The upstream gradient of a reduced loss, spread back over the elementwise loss."""
    if reduction == "none":
        return g
    n = 1
    for s in shape:
        n *= s
    if not isinstance(g, (np.ndarray, np.generic)):
        # a Tensor: backward under create_graph, so the spreading must be recorded too
        return (g / n if reduction == "mean" and n else g).expand(shape)
    if reduction == "mean":
        g = g / dtype.type(n) if n else g
    return np.broadcast_to(g, shape)


def scalar_name(a):
    return type_name(a.dtype)


def view(t, *shape):
    """``t.view(shape)`` through the op surface (ViewBackward0)."""
    from ...ops.shape import view as _view
    return _view(t, shape)


def reshape(t, *shape):
    from ...ops.shape import reshape as _reshape
    return _reshape(t, shape)


_erf_scalar = np.frompyfunc(math.erf, 1, 1)


def erf(x):
    """erf elementwise, correctly rounded in float64 (NumPy has no erf ufunc)."""
    return np.asarray(_erf_scalar(np.asarray(x, np.float64))).astype(np.float64)


def mean_of(t, dims, keepdim=False):
    from ...ops.reduction import mean
    return mean(t, dims, keepdim)
