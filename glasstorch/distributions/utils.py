"""Helpers shared by the distributions: broadcasting parameters, probs <-> logits."""
import numbers
from functools import update_wrapper

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
        update_wrapper(self, fn)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            # read on the class it is both a lazy_property (argument validation skips it) and a property
            # (documentation tools and libraries that look for properties find one), as torch hands out
            return _lazy_property_and_property(self.wrapped)
        with _t.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """What a lazy_property gives when read on its class."""

    def __init__(self, fn):
        property.__init__(self, fn)


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


def _sum_rightmost(value, dim):
    """Sums out the ``dim`` rightmost dimensions of ``value``."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:-dim] + (-1,)).sum(-1)


def _tril_mask(n, diag):
    arange = _t.arange(n)
    return arange < arange.view(-1, 1) + (diag + 1)


def tril_matrix_to_vec(mat, diag=0):
    """The entries on and below diagonal ``diag`` of the last two dims, row by row."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag)]


def vec_to_tril_matrix(vec, diag=0):
    """The inverse: a D x D matrix, zero above diagonal ``diag``, filled row by row from ``vec``
    (D the positive root of D^2 + (1 + 2 diag) D - |diag| (diag + 1) - 2 len(vec) = 0)."""
    a = 1 + 2 * diag
    n = (-a + (a ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > _t.finfo(vec.dtype).eps:
        raise ValueError(f"The size of last dimension is {vec.shape[-1]} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    n = round(n)
    mat = vec.new_zeros(vec.shape[:-1] + _t.Size((n, n)))
    mat[..., _tril_mask(n, diag)] = vec
    return mat


def __getattr__(name):
    # torch.distributions.utils exports torch.overrides.is_tensor_like; importing glasstorch.overrides switches
    # the __torch_function__ checks on, so it is fetched only when asked for
    if name == "is_tensor_like":
        from glasstorch.overrides import is_tensor_like
        return is_tensor_like
    raise AttributeError(f"module 'torch.distributions.utils' has no attribute '{name}'")
