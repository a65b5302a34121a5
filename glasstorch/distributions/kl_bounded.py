"""Cross KL divergences among Beta, Exponential, Gamma, Uniform, Normal and Gumbel (registered on
import by kl.py), the closed forms torch uses: E_p[log p] is -p.entropy(), E_p[log q] is written
from p's moments.  Where p has mass outside q's support the divergence is +inf."""
import math

import glasstorch as _t
from .dirichlet import Beta
from .gamma import Exponential, Gamma
from .gumbel import Gumbel
from .normal import Normal
from .uniform import Uniform
from .utils import euler_constant as _EULER

_LOG_2PI = math.log(2 * math.pi)


def _xlogx(x):
    return _t.special.xlogy(x, x)


def register(register_kl):
    @register_kl(Beta, Exponential)
    def _beta_exponential(p, q):
        mean = p.concentration1 / (p.concentration1 + p.concentration0)
        return -p.entropy() - q.rate.log() + q.rate * mean

    @register_kl(Beta, Gamma)
    def _beta_gamma(p, q):
        total = p.concentration1 + p.concentration0
        e_log_x = p.concentration1.digamma() - total.digamma()
        log_norm_q = q.concentration.lgamma() - q.concentration * q.rate.log()
        return -p.entropy() + log_norm_q - (q.concentration - 1) * e_log_x + q.rate * p.concentration1 / total

    @register_kl(Beta, Normal)
    def _beta_normal(p, q):
        total = p.concentration1 + p.concentration0
        m = p.concentration1 / total
        var_q = q.scale.pow(2)
        second = (m * (1 - m) / (total + 1) + m.pow(2)) * 0.5     # E[x^2] / 2
        return -p.entropy() + 0.5 * (var_q * 2 * math.pi).log() + (second - q.loc * m + q.loc.pow(2) * 0.5) / var_q

    @register_kl(Beta, Uniform)
    def _beta_uniform(p, q):
        out = -p.entropy() + (q.high - q.low).log()
        out[(q.low > p.support.lower_bound) | (q.high < p.support.upper_bound)] = math.inf
        return out

    @register_kl(Exponential, Beta)
    @register_kl(Exponential, Uniform)
    def _exponential_bounded(p, q):
        return _t.full_like(p.rate, math.inf)

    @register_kl(Gamma, Beta)
    @register_kl(Gamma, Uniform)
    def _gamma_bounded(p, q):
        return _t.full_like(p.concentration, math.inf)

    @register_kl(Exponential, Gamma)
    def _exponential_gamma(p, q):
        r = q.rate / p.rate
        return (-q.concentration * _t.log(r) + r + q.concentration.lgamma() + q.concentration * _EULER
                - (1 + _EULER))

    @register_kl(Exponential, Normal)
    def _exponential_normal(p, q):
        var_q = q.scale.pow(2)
        rate2 = p.rate.pow(2)
        return (0.5 * _t.log(rate2 * var_q * 2 * math.pi) - 1
                + (rate2.reciprocal() - q.loc / p.rate + q.loc.pow(2) * 0.5) / var_q)

    @register_kl(Gamma, Exponential)
    def _gamma_exponential(p, q):
        return -p.entropy() - q.rate.log() + q.rate * p.concentration / p.rate

    @register_kl(Gamma, Gumbel)
    def _gamma_gumbel(p, q):
        bs = p.rate * q.scale
        ls = q.loc / q.scale
        a = p.concentration
        t1 = (a - 1) * a.digamma() - a.lgamma() - a
        t2 = bs.log() + a / bs
        t3 = _t.exp(ls) * (1 + bs.reciprocal()).pow(-a) - ls
        return t1 + t2 + t3

    @register_kl(Gamma, Normal)
    def _gamma_normal(p, q):
        var_q = q.scale.pow(2)
        b2 = p.rate.pow(2)
        a = p.concentration
        t1 = 0.5 * _t.log(b2 * var_q * 2 * math.pi) - a - a.lgamma()
        t2 = 0.5 * (a.pow(2) + a) / b2
        t3 = q.loc * a / p.rate
        t4 = 0.5 * q.loc.pow(2)
        return t1 + (a - 1) * a.digamma() + (t2 - t3 + t4) / var_q

    @register_kl(Uniform, Beta)
    def _uniform_beta(p, q):
        width = p.high - p.low
        t1 = _t.log(width)
        t2 = (q.concentration1 - 1) * (_xlogx(p.high) - _xlogx(p.low) - width) / width
        t3 = (q.concentration0 - 1) * (_xlogx(1 - p.high) - _xlogx(1 - p.low) + width) / width
        t4 = q.concentration1.lgamma() + q.concentration0.lgamma() - (q.concentration1 + q.concentration0).lgamma()
        out = t3 + t4 - t1 - t2
        out[(p.high > q.support.upper_bound) | (p.low < q.support.lower_bound)] = math.inf
        return out

    @register_kl(Uniform, Exponential)
    def _uniform_exponential(p, q):
        out = q.rate * (p.high + p.low) / 2 - ((p.high - p.low) * q.rate).log()
        out[p.low < q.support.lower_bound] = math.inf
        return out

    @register_kl(Uniform, Gamma)
    def _uniform_gamma(p, q):
        width = p.high - p.low
        t1 = width.log()
        t2 = q.concentration.lgamma() - q.concentration * q.rate.log()
        t3 = (1 - q.concentration) * (_xlogx(p.high) - _xlogx(p.low) - width) / width
        t4 = q.rate * (p.high + p.low) / 2
        out = -t1 + t2 + t3 + t4
        out[p.low < q.support.lower_bound] = math.inf
        return out
