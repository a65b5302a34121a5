"""KL divergences involving ``Pareto`` (registered on import by kl.py); torch's closed forms.

A pair where p puts mass where q has none is +inf: a Pareto against a bounded q (Beta,
ContinuousBernoulli, Uniform), and a q = Pareto against any p whose support reaches below the
Pareto's scale (Beta, ContinuousBernoulli, Exponential, Gamma, Gumbel, Laplace, Normal)."""
import math

import glasstorch as _t
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Beta
from .gamma import Exponential, Gamma
from .gumbel import Gumbel
from .laplace import Laplace
from .normal import Normal
from .pareto import Pareto
from .uniform import Uniform


def _x_log_x(tensor):
    return tensor * tensor.log()


def _infinite_like(tensor):
    return _t.full_like(tensor, math.inf)


def register(register_kl):
    @register_kl(Pareto, Pareto)
    def _kl_pareto_pareto(p, q):
        scale_ratio = p.scale / q.scale
        alpha_ratio = q.alpha / p.alpha
        t1 = q.alpha * scale_ratio.log()
        t2 = -alpha_ratio.log()
        result = t1 + t2 + alpha_ratio - 1
        result[p.support.lower_bound < q.support.lower_bound] = math.inf
        return result

    @register_kl(Pareto, Exponential)
    def _kl_pareto_exponential(p, q):
        scale_rate_prod = p.scale * q.rate
        t1 = (p.alpha / scale_rate_prod).log()
        t2 = p.alpha.reciprocal()
        t3 = p.alpha * scale_rate_prod / (p.alpha - 1)
        result = t1 - t2 + t3 - 1
        result[p.alpha <= 1] = math.inf
        return result

    @register_kl(Pareto, Gamma)
    def _kl_pareto_gamma(p, q):
        common_term = p.scale.log() + p.alpha.reciprocal()
        t1 = p.alpha.log() - common_term
        t2 = q.concentration.lgamma() - q.concentration * q.rate.log()
        t3 = (1 - q.concentration) * common_term
        t4 = q.rate * p.alpha * p.scale / (p.alpha - 1)
        result = t1 + t2 + t3 + t4 - 1
        result[p.alpha <= 1] = math.inf
        return result

    @register_kl(Pareto, Normal)
    def _kl_pareto_normal(p, q):
        var_normal = 2 * q.scale.pow(2)
        common_term = p.scale / (p.alpha - 1)
        t1 = (math.sqrt(2 * math.pi) * q.scale * p.alpha / p.scale).log()
        t2 = p.alpha.reciprocal()
        t3 = p.alpha * common_term.pow(2) / (p.alpha - 2)
        t4 = (p.alpha * common_term - q.loc).pow(2)
        result = t1 - t2 + (t3 + t4) / var_normal - 1
        result[p.alpha <= 2] = math.inf
        return result

    @register_kl(Uniform, Pareto)
    def _kl_uniform_pareto(p, q):
        support_uniform = p.high - p.low
        t1 = (q.alpha * q.scale.pow(q.alpha) * support_uniform).log()
        t2 = (_x_log_x(p.high) - _x_log_x(p.low) - support_uniform) / support_uniform
        result = t2 * (q.alpha + 1) - t1
        result[p.low < q.support.lower_bound] = math.inf
        return result

    def _pareto_infinity(p, q):
        return _infinite_like(p.scale)
    for other in (Beta, ContinuousBernoulli, Uniform):
        register_kl(Pareto, other)(_pareto_infinity)

    # p = Beta / ContinuousBernoulli / Exponential / Gamma / Gumbel / Laplace / Normal, q = Pareto:
    # infinite, shaped like the parameter torch takes
    for p_type, attr in ((Beta, "concentration1"), (ContinuousBernoulli, "probs"), (Exponential, "rate"),
                         (Gamma, "concentration"), (Gumbel, "loc"), (Laplace, "loc"), (Normal, "loc")):
        register_kl(p_type, Pareto)(lambda p, q, attr=attr: _infinite_like(getattr(p, attr)))
