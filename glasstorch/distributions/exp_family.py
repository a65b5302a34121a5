"""``ExponentialFamily``: densities p(x) = h(x) exp(<theta, t(x)> - F(theta)).

The entropy follows from the log-normalizer F alone (a Bregman divergence identity):
H = F(theta) - <theta, grad F(theta)> - E[log h(x)], so a subclass gives ``_natural_params``,
``_log_normalizer`` and ``_mean_carrier_measure`` and inherits ``entropy``.
"""
import glasstorch as _t
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """Densities p(x) = h(x) exp(<theta, t(x)> - F(theta)); entropy from the log normalizer F by autograd."""
    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = _t.autograd.grad(lg_normal.sum(), nparams, create_graph=True)
        result += lg_normal
        for theta, g in zip(nparams, gradients):
            result -= (theta * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
