"""Helpers shared by the distributions: broadcasting parameters, probs <-> logits."""
import numbers

import glasstorch as _t
import glasstorch.nn.functional as F


def broadcast_all(*values):
    """Tensors of one broadcast shape; Python numbers become tensors of the tensors' dtype
    (the default float dtype when there are none)."""
    if not all(isinstance(v, (_t.Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, torch.Tensor or objects "
                         "implementing __torch_function__.")
    if not any(isinstance(v, _t.Tensor) for v in values):
        return tuple(_t.tensor(float(v), dtype=_t.get_default_dtype()) for v in values)
    like = next(v for v in values if isinstance(v, _t.Tensor))
    values = [v if isinstance(v, _t.Tensor) else _t.tensor(v, dtype=like.dtype) for v in values]
    return _t.broadcast_tensors(*values)


def clamp_probs(probs):
    eps = _t.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    ps = clamp_probs(probs)
    if is_binary:
        return _t.log(ps) - _t.log1p(-ps)
    return _t.log(ps)


def logits_to_probs(logits, is_binary=False):
    if is_binary:
        return _t.sigmoid(logits)
    return F.softmax(logits, dim=-1)


class lazy_property:
    """Computed on first access, then stored on the instance (``probs`` from ``logits``)."""

    def __init__(self, fn):
        self.wrapped = fn
        self.__doc__ = fn.__doc__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with _t.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _BinaryParams:
    """The lazy ``logits`` / ``probs`` pair shared by the distributions over two outcomes that are
    given by either one (Bernoulli, Binomial, Geometric ...): each is computed from the other on
    first use. The classes take the two descriptors as their own attributes (``binary_logits``,
    ``binary_probs``), as torch writes the same two properties in each of them."""

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)


binary_logits, binary_probs = _BinaryParams.__dict__["logits"], _BinaryParams.__dict__["probs"]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant (Gumbel's mean)


def _standard_normal(shape, dtype, device=None):
    """torch's helper: an empty tensor filled by ``normal_()`` (so the usual normal stream)."""
    return _t.empty(shape, dtype=dtype).normal_()
