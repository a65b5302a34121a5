"""``ContinuousBernoulli(probs | logits)`` on [0, 1] (Loaiza-Ganem and Cunningham, 2019):
p(x) = C(l) l^x (1 - l)^(1 - x), C(l) = 2 atanh(1 - 2l) / (1 - 2l) and C(1/2) = 2.

Near l = 1/2 the closed forms divide 0 by 0, so inside ``lims`` the normaliser, mean and
variance use Taylor expansions in (l - 1/2), and the closed forms see l clamped to lims[0]."""
import math
import numbers

import glasstorch as _t
import glasstorch.nn.functional as F
from . import constraints
from .exp_family import ExponentialFamily
from .utils import binary_logits, broadcast_all, clamp_probs, lazy_property, logits_to_probs

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(ExponentialFamily):
    """density C(p) p^x (1-p)^(1-x) on [0, 1], C(p) the normalizing constant."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            scalar = isinstance(probs, numbers.Number)
            (self.probs,) = broadcast_all(probs)
            # torch checks probs here (before clamping) whenever validate_args is given at all
            if validate_args is not None and not self.arg_constraints["probs"].check(self.probs).all():
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        else:
            scalar = isinstance(logits, numbers.Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        self._lims = lims
        super().__init__(_t.Size() if scalar else self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(ContinuousBernoulli, batch_shape, _instance, ("probs", "logits"))
        new._lims = self._lims
        # as in torch, logits win when both have been computed
        new._param = new.__dict__["logits"] if "logits" in self.__dict__ else new.__dict__["probs"]
        return new

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)

    def _outside_unstable_region(self):
        return _t.max(_t.le(self.probs, self._lims[0]), _t.gt(self.probs, self._lims[1]))

    def _cut_probs(self):
        """probs outside the unstable region, lims[0] inside it (where the Taylor forms take over)."""
        return _t.where(self._outside_unstable_region(), self.probs, self._lims[0] * _t.ones_like(self.probs))

    def _cont_bern_log_norm(self):
        """log C(l) = log|log(1-l) - log l| - log|1 - 2l|; near 1/2: log 2 + 4/3 x + 104/45 x^2, x = (l-1/2)^2."""
        cut = self._cut_probs()
        below = _t.where(_t.le(cut, 0.5), cut, _t.zeros_like(cut))
        above = _t.where(_t.ge(cut, 0.5), cut, _t.ones_like(cut))
        log_norm = _t.log(_t.abs(_t.log1p(-cut) - _t.log(cut))) - _t.where(
            _t.le(cut, 0.5), _t.log1p(-2.0 * below), _t.log(2.0 * above - 1.0))
        x = _t.pow(self.probs - 0.5, 2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return _t.where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self):
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / (_t.log1p(-cut) - _t.log(cut))
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * _t.pow(x, 2)) * x
        return _t.where(self._outside_unstable_region(), mus, taylor)

    @property
    def stddev(self):
        return _t.sqrt(self.variance)

    @property
    def variance(self):
        cut = self._cut_probs()
        vars_ = cut * (cut - 1.0) / _t.pow(1.0 - 2.0 * cut, 2) + 1.0 / _t.pow(_t.log1p(-cut) - _t.log(cut), 2)
        x = _t.pow(self.probs - 0.5, 2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return _t.where(self._outside_unstable_region(), vars_, taylor)

    logits = binary_logits

    @lazy_property
    def probs(self):
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    @property
    def param_shape(self):
        return self._param.size()

    def sample(self, sample_shape=_t.Size()):
        shape = self._extended_shape(sample_shape)
        u = _t.rand(shape, dtype=self.probs.dtype)
        with _t.no_grad():
            return self.icdf(u)

    def rsample(self, sample_shape=_t.Size()):
        """The inverse cdf of one uniform draw per element."""
        shape = self._extended_shape(sample_shape)
        return self.icdf(_t.rand(shape, dtype=self.probs.dtype))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none") + self._cont_bern_log_norm()

    def cdf(self, value):
        """(l^x (1-l)^(1-x) + l - 1) / (2l - 1); x itself in the unstable region."""
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (_t.pow(cut, value) * _t.pow(1.0 - cut, 1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = _t.where(self._outside_unstable_region(), cdfs, value)
        return _t.where(_t.le(value, 0.0), _t.zeros_like(value),
                        _t.where(_t.ge(value, 1.0), _t.ones_like(value), unbounded))

    def icdf(self, value):
        """x = (log1p(-l + u(2l - 1)) - log1p(-l)) / (log l - log1p(-l)); u itself in the unstable region."""
        cut = self._cut_probs()
        return _t.where(self._outside_unstable_region(),
                        (_t.log1p(-cut + value * (2.0 * cut - 1.0)) - _t.log1p(-cut))
                        / (_t.log(cut) - _t.log1p(-cut)),
                        value)

    def entropy(self):
        log_probs0 = _t.log1p(-self.probs)
        log_probs1 = _t.log(self.probs)
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        """log((e^x - 1) / x) in the natural parameter; near 0: x/2 + x^2/24 - x^4/2880."""
        outside = _t.max(_t.le(x, self._lims[0] - 0.5), _t.gt(x, self._lims[1] - 0.5))
        cut = _t.where(outside, x, (self._lims[0] - 0.5) * _t.ones_like(x))
        log_norm = _t.log(_t.abs(_t.special.expm1(cut))) - _t.log(_t.abs(cut))
        taylor = 0.5 * x + _t.pow(x, 2) / 24.0 - _t.pow(x, 4) / 2880.0
        return _t.where(outside, log_norm, taylor)
