"""KL divergences involving LowRankMultivariateNormal and ContinuousBernoulli (registered on import by
kl.py); the formulas are torch's closed forms, infinite where the support of p is not inside q's."""
import math

import glasstorch as _t
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Beta
from .gamma import Exponential, Gamma
from .gumbel import Gumbel
from .laplace import Laplace
from .lowrank_multivariate_normal import (LowRankMultivariateNormal, _batch_lowrank_logdet,
                                          _batch_lowrank_mahalanobis)
from .multivariate_normal import MultivariateNormal, _batch_mahalanobis
from .normal import Normal
from .uniform import Uniform


def _batch_trace_XXT(bmat):
    """trace(X X^T) over the last two dims = the sum of squares of X's entries."""
    n, m = bmat.size(-1), bmat.size(-2)
    return bmat.reshape(-1, m * n).pow(2).sum(-1).reshape(bmat.shape[:-2])


def _woodbury_factor(q):
    """A = L_q^-1 W_q^T D_q^-1, so that inv(cov_q) = inv(D_q) - A^T A."""
    qWt_qDinv = q._unbroadcasted_cov_factor.mT / q._unbroadcasted_cov_diag.unsqueeze(-2)
    return _t.linalg.solve_triangular(q._capacitance_tril, qWt_qDinv, upper=False)


def _check_events(p, q, what):
    if p.event_shape != q.event_shape:
        raise ValueError(f"KL-divergence between two {what} with                          different event shapes "
                         "cannot be computed")


def register(register_kl):
    @register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
    def _kl_lowrankmultivariatenormal_lowrankmultivariatenormal(p, q):
        _check_events(p, q, "Low Rank Multivariate Normals")
        term1 = (_batch_lowrank_logdet(q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, q._capacitance_tril)
                 - _batch_lowrank_logdet(p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag,
                                         p._capacitance_tril))
        term3 = _batch_lowrank_mahalanobis(q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, q.loc - p.loc,
                                           q._capacitance_tril)
        # trace(inv(qcov) pcov) with inv(qcov) = inv(qD) - A^T A and pcov = pD + pW pW^T
        A = _woodbury_factor(q)
        term21 = (p._unbroadcasted_cov_diag / q._unbroadcasted_cov_diag).sum(-1)
        term22 = _batch_trace_XXT(p._unbroadcasted_cov_factor * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1))
        term23 = _batch_trace_XXT(A * p._unbroadcasted_cov_diag.sqrt().unsqueeze(-2))
        term24 = _batch_trace_XXT(A.matmul(p._unbroadcasted_cov_factor))
        term2 = term21 + term22 - term23 - term24
        return 0.5 * (term1 + term2 + term3 - p.event_shape[0])

    @register_kl(MultivariateNormal, LowRankMultivariateNormal)
    def _kl_multivariatenormal_lowrankmultivariatenormal(p, q):
        _check_events(p, q, "(Low Rank) Multivariate Normals")
        term1 = (_batch_lowrank_logdet(q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, q._capacitance_tril)
                 - 2 * p._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1))
        term3 = _batch_lowrank_mahalanobis(q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, q.loc - p.loc,
                                           q._capacitance_tril)
        A = _woodbury_factor(q)
        term21 = _batch_trace_XXT(p._unbroadcasted_scale_tril * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1))
        term22 = _batch_trace_XXT(A.matmul(p._unbroadcasted_scale_tril))
        return 0.5 * (term1 + (term21 - term22) + term3 - p.event_shape[0])

    @register_kl(LowRankMultivariateNormal, MultivariateNormal)
    def _kl_lowrankmultivariatenormal_multivariatenormal(p, q):
        _check_events(p, q, "(Low Rank) Multivariate Normals")
        term1 = (2 * q._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
                 - _batch_lowrank_logdet(p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag,
                                         p._capacitance_tril))
        term3 = _batch_mahalanobis(q._unbroadcasted_scale_tril, (q.loc - p.loc))
        batch = _t.broadcast_shapes(q._unbroadcasted_scale_tril.shape[:-2], p._unbroadcasted_cov_factor.shape[:-2])
        n = p.event_shape[0]
        q_scale_tril = q._unbroadcasted_scale_tril.expand(batch + (n, n))
        p_cov_factor = p._unbroadcasted_cov_factor.expand(batch + (n, p.cov_factor.size(-1)))
        p_cov_diag = _t.diag_embed(p._unbroadcasted_cov_diag.sqrt()).expand(batch + (n, n))
        term21 = _batch_trace_XXT(_t.linalg.solve_triangular(q_scale_tril, p_cov_factor, upper=False))
        term22 = _batch_trace_XXT(_t.linalg.solve_triangular(q_scale_tril, p_cov_diag, upper=False))
        return 0.5 * (term1 + (term21 + term22) + term3 - p.event_shape[0])

    @register_kl(ContinuousBernoulli, ContinuousBernoulli)
    def _kl_continuous_bernoulli_continuous_bernoulli(p, q):
        t1 = p.mean * (p.logits - q.logits)
        t2 = p._cont_bern_log_norm() + _t.log1p(-p.probs)
        t3 = -q._cont_bern_log_norm() - _t.log1p(-q.probs)
        return t1 + t2 + t3

    @register_kl(ContinuousBernoulli, Exponential)
    def _kl_continuous_bernoulli_exponential(p, q):
        return -p.entropy() - _t.log(q.rate) + q.rate * p.mean

    @register_kl(ContinuousBernoulli, Normal)
    def _kl_continuous_bernoulli_normal(p, q):
        t1 = -p.entropy()
        t2 = 0.5 * (math.log(2.0 * math.pi) + _t.square(q.loc / q.scale)) + _t.log(q.scale)
        t3 = (p.variance + _t.square(p.mean) - 2.0 * q.loc * p.mean) / (2.0 * _t.square(q.scale))
        return t1 + t2 + t3

    @register_kl(ContinuousBernoulli, Uniform)
    def _kl_continuous_bernoulli_uniform(p, q):
        result = -p.entropy() + (q.high - q.low).log()
        outside = _t.max(_t.ge(q.low, p.support.lower_bound), _t.le(q.high, p.support.upper_bound))
        return _t.where(outside, _t.ones_like(result) * math.inf, result)

    @register_kl(Beta, ContinuousBernoulli)
    def _kl_beta_continuous_bernoulli(p, q):
        return -p.entropy() - p.mean * q.logits - _t.log1p(-q.probs) - q._cont_bern_log_norm()

    @register_kl(Uniform, ContinuousBernoulli)
    def _kl_uniform_continuous_bernoulli(p, q):
        result = -p.entropy() - p.mean * q.logits - _t.log1p(-q.probs) - q._cont_bern_log_norm()
        outside = _t.max(_t.ge(p.high, q.support.upper_bound), _t.le(p.low, q.support.lower_bound))
        return _t.where(outside, _t.ones_like(result) * math.inf, result)

    # supports reaching outside [0, 1]: the divergence is infinite
    def _infinite(param):
        def kl(p, q):
            return _t.full_like(getattr(p, param), math.inf)
        return kl

    for cls, param in ((Exponential, "rate"), (Gamma, "concentration"), (Gumbel, "loc"), (Laplace, "loc"),
                       (Normal, "loc")):
        register_kl(cls, ContinuousBernoulli)(_infinite(param))
