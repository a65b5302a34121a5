"""KL divergences of the families added with the transforms (Laplace, Cauchy, Gumbel, Poisson,
Binomial, Geometric, HalfNormal, OneHotCategorical, TransformedDistribution) and their cross pairs
with Normal / Uniform / the gamma family; registered on import by kl.py. Closed forms as torch's.

A pair whose p puts mass where q has none (a real-line p against a bounded or positive q) is +inf.
"""
import math

import glasstorch as _t
from .bernoulli import Bernoulli
from .binomial import Binomial
from .cauchy import Cauchy
from .dirichlet import Beta
from .gamma import Exponential, Gamma
from .geometric import Geometric
from .gumbel import Gumbel
from .half_normal import HalfNormal
from .laplace import Laplace
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .poisson import Poisson
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform
from .utils import euler_constant as _euler_gamma


def _infinite_like(tensor):
    return _t.full_like(tensor, math.inf)


def register(register_kl, kl_divergence, kl_normal_normal, kl_categorical_categorical):
    @register_kl(Laplace, Laplace)
    def _kl_laplace_laplace(p, q):
        scale_ratio = p.scale / q.scale
        loc_abs_diff = (p.loc - q.loc).abs()
        t1 = -scale_ratio.log()
        t2 = loc_abs_diff / q.scale
        t3 = scale_ratio * _t.exp(-loc_abs_diff / p.scale)
        return t1 + t2 + t3 - 1

    @register_kl(Cauchy, Cauchy)
    def _kl_cauchy_cauchy(p, q):
        t1 = ((p.scale + q.scale).pow(2) + (p.loc - q.loc).pow(2)).log()
        t2 = (4 * p.scale * q.scale).log()
        return t1 - t2

    @register_kl(Gumbel, Gumbel)
    def _kl_gumbel_gumbel(p, q):
        ct1, ct2, ct3 = p.scale / q.scale, q.loc / q.scale, p.loc / q.scale
        t1 = -ct1.log() - ct2 + ct3
        t2 = ct1 * _euler_gamma
        t3 = _t.exp(ct2 + (1 + ct1).lgamma() - ct3)
        return t1 + t2 + t3 - (1 + _euler_gamma)

    @register_kl(Poisson, Poisson)
    def _kl_poisson_poisson(p, q):
        return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)

    @register_kl(Binomial, Binomial)
    def _kl_binomial_binomial(p, q):
        if (p.total_count < q.total_count).any():
            raise NotImplementedError("KL between Binomials where q.total_count > p.total_count is not implemented")
        kl = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p() - (-q.probs).log1p())
        inf_idxs = p.total_count > q.total_count          # q cannot reach p's top counts
        kl[inf_idxs] = _infinite_like(kl[inf_idxs])
        return kl

    @register_kl(Geometric, Geometric)
    def _kl_geometric_geometric(p, q):
        return -p.entropy() - _t.log1p(-q.probs) / p.probs - q.logits

    @register_kl(HalfNormal, HalfNormal)
    def _kl_halfnormal_halfnormal(p, q):
        return kl_normal_normal(p.base_dist, q.base_dist)

    @register_kl(OneHotCategorical, OneHotCategorical)
    def _kl_onehotcategorical_onehotcategorical(p, q):
        return kl_categorical_categorical(p._categorical, q._categorical)

    @register_kl(TransformedDistribution, TransformedDistribution)
    def _kl_transformed_transformed(p, q):
        # KL is invariant under a shared bijection, so it is the base distributions' KL
        if p.transforms != q.transforms:
            raise NotImplementedError
        if p.event_shape != q.event_shape:
            raise NotImplementedError
        return kl_divergence(p.base_dist, q.base_dist)

    @register_kl(Bernoulli, Poisson)
    def _kl_bernoulli_poisson(p, q):
        return -p.entropy() - (p.probs * q.rate.log() - q.rate)

    @register_kl(Poisson, Bernoulli)
    @register_kl(Poisson, Binomial)
    def _kl_poisson_infinity(p, q):
        return _infinite_like(p.rate)

    @register_kl(Laplace, Normal)
    def _kl_laplace_normal(p, q):
        var_normal = q.scale.pow(2)
        scale_sqr_var_ratio = p.scale.pow(2) / var_normal
        t1 = 0.5 * _t.log(2 * scale_sqr_var_ratio / math.pi)
        t2 = 0.5 * p.loc.pow(2)
        t3 = p.loc * q.loc
        t4 = 0.5 * q.loc.pow(2)
        return -t1 + scale_sqr_var_ratio + (t2 - t3 + t4) / var_normal - 1

    @register_kl(Normal, Laplace)
    def _kl_normal_laplace(p, q):
        loc_diff = p.loc - q.loc
        scale_ratio = p.scale / q.scale
        loc_diff_scale_ratio = loc_diff / p.scale
        t1 = _t.log(scale_ratio)
        t2 = math.sqrt(2 / math.pi) * p.scale * _t.exp(-0.5 * loc_diff_scale_ratio.pow(2))
        t3 = loc_diff * _t.erf(math.sqrt(0.5) * loc_diff_scale_ratio)
        return -t1 + (t2 + t3) / q.scale - (0.5 * (1 + math.log(0.5 * math.pi)))

    @register_kl(Gumbel, Normal)
    def _kl_gumbel_normal(p, q):
        param_ratio = p.scale / q.scale
        t1 = (param_ratio / math.sqrt(2 * math.pi)).log()
        t2 = (math.pi * param_ratio * 0.5).pow(2) / 3
        t3 = ((p.loc + p.scale * _euler_gamma - q.loc) / q.scale).pow(2) * 0.5
        return -t1 + t2 + t3 - (_euler_gamma + 1)

    @register_kl(Normal, Gumbel)
    def _kl_normal_gumbel(p, q):
        mean_scale_ratio = p.loc / q.scale
        var_scale_sqr_ratio = (p.scale / q.scale).pow(2)
        loc_scale_ratio = q.loc / q.scale
        t1 = var_scale_sqr_ratio.log() * 0.5
        t2 = mean_scale_ratio - loc_scale_ratio
        t3 = _t.exp(-mean_scale_ratio + 0.5 * var_scale_sqr_ratio + loc_scale_ratio)
        return -t1 + t2 + t3 - (0.5 * (1 + math.log(2 * math.pi)))

    @register_kl(Exponential, Gumbel)
    def _kl_exponential_gumbel(p, q):
        scale_rate_prod = p.rate * q.scale
        loc_scale_ratio = q.loc / q.scale
        t1 = scale_rate_prod.log() - 1
        t2 = _t.exp(loc_scale_ratio) * scale_rate_prod / (scale_rate_prod + 1)
        t3 = scale_rate_prod.reciprocal()
        return t1 - loc_scale_ratio + t2 + t3

    @register_kl(Uniform, Gumbel)
    def _kl_uniform_gumbel(p, q):
        common_term = q.scale / (p.high - p.low)
        high_loc_diff = (p.high - q.loc) / q.scale
        low_loc_diff = (p.low - q.loc) / q.scale
        t1 = common_term.log() + 0.5 * (high_loc_diff + low_loc_diff)
        t2 = common_term * (_t.exp(-high_loc_diff) - _t.exp(-low_loc_diff))
        return t1 - t2

    @register_kl(Normal, Beta)
    @register_kl(Normal, Exponential)
    @register_kl(Normal, Gamma)
    @register_kl(Normal, Uniform)
    @register_kl(Laplace, Beta)
    @register_kl(Laplace, Exponential)
    @register_kl(Laplace, Gamma)
    @register_kl(Laplace, Uniform)
    @register_kl(Gumbel, Beta)
    @register_kl(Gumbel, Exponential)
    @register_kl(Gumbel, Gamma)
    @register_kl(Gumbel, Uniform)
    def _kl_real_line_vs_bounded(p, q):
        return _infinite_like(p.loc)
