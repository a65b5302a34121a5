"""``GeneralizedPareto(loc, scale, concentration)`` = (mu, sigma, xi): survival function
(1 + xi z)^(-1/xi) with z = (x - mu) / sigma (exp(-z) at xi = 0); sampled by inverting the cdf
at u = rand."""
import math
import numbers

import glasstorch as _t
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    """density (1/scale) (1 + c z)^(-1/c - 1), z = (x - loc) / scale, c = ``concentration``."""
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        if all(isinstance(v, numbers.Number) for v in (loc, scale, concentration)):
            batch_shape = _t.Size()
        else:
            batch_shape = self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(GeneralizedPareto, _instance)
        batch_shape = _t.Size(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=_t.Size()):
        shape = self._extended_shape(sample_shape)
        u = _t.rand(shape, dtype=self.loc.dtype)
        return self.icdf(u)

    def _safe_concentration(self, zero_like):
        """(xi == 0 up to isclose, xi with those entries replaced by 1)."""
        eq_zero = _t.isclose(self.concentration, zero_like)
        return eq_zero, _t.where(eq_zero, _t.ones_like(self.concentration), self.concentration)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe_conc = self._safe_concentration(_t.tensor(0.0))
        y = 1 / safe_conc + _t.ones_like(z)
        where_nonzero = _t.where(y == 0, y, y * _t.log1p(safe_conc * z))
        log_scale = math.log(self.scale) if isinstance(self.scale, numbers.Real) else self.scale.log()
        return -log_scale - _t.where(eq_zero, z, where_nonzero)

    def log_survival_function(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe_conc = self._safe_concentration(_t.tensor(0.0))
        where_nonzero = -_t.log1p(safe_conc * z) / safe_conc
        return _t.where(eq_zero, -z, where_nonzero)

    def log_cdf(self, value):
        return _t.log1p(-_t.exp(self.log_survival_function(value)))

    def cdf(self, value):
        return _t.exp(self.log_cdf(value))

    def icdf(self, value):
        eq_zero, safe_conc = self._safe_concentration(_t.zeros_like(self.concentration))
        logu = _t.log1p(-value)
        where_nonzero = self.loc + self.scale / safe_conc * _t.expm1(-safe_conc * logu)
        where_zero = self.loc - self.scale * logu
        return _t.where(eq_zero, where_zero, where_nonzero)

    def _z(self, x):
        return (x - self.loc) / self.scale

    @property
    def mean(self):
        valid = self.concentration < 1
        safe_conc = _t.where(valid, self.concentration, 0.5)
        return _t.where(valid, self.loc + self.scale / (1 - safe_conc), math.nan)

    @property
    def variance(self):
        valid = self.concentration < 0.5
        safe_conc = _t.where(valid, self.concentration, 0.25)
        result = self.scale ** 2 / ((1 - safe_conc) ** 2 * (1 - 2 * safe_conc))
        return _t.where(valid, result, math.nan)

    def entropy(self):
        return _t.broadcast_to(_t.log(self.scale) + self.concentration + 1, self._batch_shape)

    @property
    def mode(self):
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        lower = self.loc
        upper = _t.where(self.concentration < 0, lower - self.scale / self.concentration, math.inf)
        return constraints.interval(lower, upper)
