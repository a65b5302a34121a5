"""KL divergences of the gamma family, the Dirichlets and the multivariate normals (registered on import
by kl.py); the formulas are torch's closed forms."""
import glasstorch as _t
from .dirichlet import Beta, Dirichlet
from .gamma import Exponential, Gamma
from .independent import Independent, _sum_rightmost
from .multivariate_normal import MultivariateNormal, _batch_mahalanobis


def register(register_kl, kl_divergence):
    @register_kl(Beta, Beta)
    def _kl_beta_beta(p, q):
        sum_p = p.concentration1 + p.concentration0
        sum_q = q.concentration1 + q.concentration0
        t1 = q.concentration1.lgamma() + q.concentration0.lgamma() + sum_p.lgamma()
        t2 = p.concentration1.lgamma() + p.concentration0.lgamma() + sum_q.lgamma()
        t3 = (p.concentration1 - q.concentration1) * _t.digamma(p.concentration1)
        t4 = (p.concentration0 - q.concentration0) * _t.digamma(p.concentration0)
        t5 = (sum_q - sum_p) * _t.digamma(sum_p)
        return t1 - t2 + t3 + t4 + t5

    @register_kl(Dirichlet, Dirichlet)
    def _kl_dirichlet_dirichlet(p, q):
        sum_p = p.concentration.sum(-1)
        sum_q = q.concentration.sum(-1)
        t1 = sum_p.lgamma() - sum_q.lgamma()
        t2 = (p.concentration.lgamma() - q.concentration.lgamma()).sum(-1)
        t3 = p.concentration - q.concentration
        t4 = p.concentration.digamma() - sum_p.digamma().unsqueeze(-1)
        return t1 - t2 + (t3 * t4).sum(-1)

    @register_kl(Gamma, Gamma)
    def _kl_gamma_gamma(p, q):
        t1 = q.concentration * _t.log(p.rate / q.rate)
        t2 = _t.lgamma(q.concentration) - _t.lgamma(p.concentration)
        t3 = (p.concentration - q.concentration) * _t.digamma(p.concentration)
        t4 = (q.rate - p.rate) * (p.concentration / p.rate)
        return t1 + t2 + t3 + t4

    @register_kl(Exponential, Exponential)
    def _kl_exponential_exponential(p, q):
        rate_ratio = q.rate / p.rate
        return -rate_ratio.log() + rate_ratio - 1

    @register_kl(MultivariateNormal, MultivariateNormal)
    def _kl_mvn_mvn(p, q):
        if p.event_shape != q.event_shape:
            # torch's message keeps the indentation of its backslash-continued string literal
            raise ValueError("KL-divergence between two Multivariate Normals with                          "
                             "different event shapes cannot be computed")
        Lp, Lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
        half_term1 = Lq.diagonal(dim1=-2, dim2=-1).log().sum(-1) - Lp.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        batch = _t.broadcast_shapes(Lq.shape[:-2], Lp.shape[:-2])
        n = p.event_shape[0]
        x = _t.linalg.solve_triangular(Lq.expand(batch + (n, n)), Lp.expand(batch + (n, n)), upper=False)
        term2 = x.reshape(x.shape[:-2] + (-1,)).pow(2).sum(-1)
        term3 = _batch_mahalanobis(Lq, q.loc - p.loc)
        return half_term1 + 0.5 * (term2 + term3 - n)

    @register_kl(Independent, Independent)
    def _kl_independent_independent(p, q):
        if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
            raise NotImplementedError
        return _sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)
