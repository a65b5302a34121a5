"""The parts of ``F.cross_entropy`` beyond log_softmax + nll_loss: class-probability targets and label
smoothing, composed from ops as torch composes them (so the graph ends in the same nodes)."""
from ...ops._common import _wrap
from .loss import div_scalar
from ...ops.scalar_arith import add_scalar, mul_scalar


def check_label_smoothing(ls):
    if not ls <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {float(ls):g}")


def ce_probabilities(input, target, weight, reduction, ls, class_dim):
    """torch's cross_entropy_loss_prob_target: -sum(log_softmax(x) * t * w) over classes, then the
    reduction ("mean" divides by the number of samples); the weights, viewed along the class dim, are
    differentiable as any factor."""
    from ..functional import log_softmax
    from ..._arg_refuse import not_a_tensor
    try:
        weight is None or weight._data
    except AttributeError:          # not a tensor: torch's parser error (of cross_entropy_loss)
        not_a_tensor()
    n_classes = input.size(class_dim)
    if weight is not None and (weight.dim() != 1 or weight._data.size != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    logp = log_softmax(input, class_dim)
    if ls > 0:
        check_label_smoothing(ls)
        # C++'s target * (1 - ls) + ls / C: the .Scalar overloads (MulBackward1, AddBackward1)
        target = add_scalar(mul_scalar(target, 1 - ls), ls / n_classes)
    prod = logp * target
    if weight is not None:
        prod = prod * (weight.view([-1 if i == class_dim else 1 for i in range(logp.ndim)]) if logp.ndim > 1
                       else weight)
    if reduction == "mean":
        if logp.numel() == 0:           # torch fills the (empty) sum with nan rather than divide by 0
            return -prod.sum().fill_(float("nan"))
        return div_scalar(-prod.sum(), logp._data.size / n_classes)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum(class_dim)


def ce_smoothing(logp, target, weight, nll, reduction, ignore_index, ls, class_dim, n_classes):
    """torch's composite: (1 - ls) * nll + ls / C * (-sum of logp over classes, masked where
    ignored, reduced), with the ``.Scalar`` multiplies (MulBackward1) and an in-graph masked_fill."""
    from ...ops.scalar_arith import mul_scalar
    ignored = _wrap(target._data == ignore_index)
    lp = logp
    if weight is not None:
        lp = lp * weight.reshape([-1 if i == class_dim else 1 for i in range(logp.ndim)])
    # in place, as torch: a mask wider than the sum (a 1-d input's [1] target) is refused
    smooth = (-lp.sum(class_dim)).masked_fill_(ignored, 0.0)
    if reduction == "mean":
        if weight is not None:
            denom = weight.gather(0, target.masked_select(~ignored).flatten()).sum()
        else:
            denom = (~ignored).sum()
        smooth = smooth.sum() / denom
    elif reduction == "sum":
        smooth = smooth.sum()
    return mul_scalar(nll, 1 - ls) + mul_scalar(smooth, ls / n_classes)
