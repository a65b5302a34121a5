"""Float64 central-difference checks, without torch, of the distributions and transforms added for
torch 2.13's remaining families: d rsample / d params (the noise re-drawn from the same seed each
evaluation), d log_prob / d params, d entropy, d cdf / icdf, transform log-dets and the Pareto KLs."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck

D = gt.distributions
tr = D.transforms


def seeded(make, n=(3,)):
    def fn(*params):
        gt.manual_seed(7)
        return make(*params).rsample(n)
    return fn


def at(value, make, what="log_prob"):
    v = gt.tensor(np.array(value, np.float64))
    return lambda *params: getattr(make(*params), what)(v)


def _f64(x):
    return gt.tensor(np.array(x, np.float64))


LOC, SCALE, CONC = [0.3, -1.0], [0.8, 1.7], [0.7, 2.5]
CORR_L = np.linalg.cholesky(np.array([[1.0, 0.3, -0.2], [0.3, 1.0, 0.4], [-0.2, 0.4, 1.0]]))
CASES = [
    ("weibull_rsample", seeded(lambda s, k: D.Weibull(s, k)), [SCALE, CONC]),
    ("weibull_log_prob", at([0.5, 2.0], lambda s, k: D.Weibull(s, k)), [SCALE, CONC]),
    ("weibull_cdf", at([0.5, 2.0], lambda s, k: D.Weibull(s, k), "cdf"), [SCALE, CONC]),
    ("weibull_moments", lambda s, k: (D.Weibull(s, k).mean, D.Weibull(s, k).variance, D.Weibull(s, k).entropy()),
     [SCALE, CONC]),
    ("pareto_rsample", seeded(lambda s, a: D.Pareto(s, a)), [SCALE, CONC]),
    ("pareto_log_prob", at([2.0, 3.0], lambda s, a: D.Pareto(s, a)), [SCALE, CONC]),
    ("pareto_entropy_var", lambda s, a: (D.Pareto(s, a).entropy(), D.Pareto(s, a + 2).variance), [SCALE, CONC]),
    ("kumaraswamy_rsample", seeded(lambda a, b: D.Kumaraswamy(a, b)), [CONC, SCALE]),
    ("kumaraswamy_log_prob", at([0.3, 0.8], lambda a, b: D.Kumaraswamy(a, b)), [CONC, SCALE]),
    ("kumaraswamy_moments", lambda a, b: (D.Kumaraswamy(a, b).mean, D.Kumaraswamy(a, b).variance,
                                          D.Kumaraswamy(a, b).entropy()), [CONC, SCALE]),
    ("inverse_gamma_rsample_rate", seeded(lambda r: D.InverseGamma(_f64(CONC), r)), [SCALE]),
    ("inverse_gamma_log_prob", at([0.5, 2.0], lambda c, r: D.InverseGamma(c, r)), [CONC, SCALE]),
    ("inverse_gamma_entropy", lambda c, r: D.InverseGamma(c, r).entropy(), [CONC, SCALE]),
    ("fisher_log_prob", at([0.5, 2.0], lambda a, b: D.FisherSnedecor(a, b)), [[1.5, 4.0], [3.0, 7.0]]),
    ("negbin_log_prob_logits", at([0.0, 3.0], lambda n, lg: D.NegativeBinomial(n, logits=lg)), [[2.5, 4.0], LOC]),
    ("negbin_log_prob_probs", at([1.0, 3.0], lambda p: D.NegativeBinomial(3.0, probs=p)), [[0.3, 0.6]]),
    ("negbin_moments", lambda lg: (D.NegativeBinomial(3.0, logits=lg).mean,
                                   D.NegativeBinomial(3.0, logits=lg).variance), [LOC]),
    ("gpd_rsample", seeded(lambda m, s, c: D.GeneralizedPareto(m, s, c)), [LOC, SCALE, [0.3, -0.2]]),
    ("gpd_icdf", at([0.2, 0.7], lambda m, s, c: D.GeneralizedPareto(m, s, c), "icdf"), [LOC, SCALE, [0.3, -0.2]]),
    ("gpd_moments", lambda m, s, c: (D.GeneralizedPareto(m, s, c).mean, D.GeneralizedPareto(m, s, c).variance,
                                     D.GeneralizedPareto(m, s, c).entropy()), [LOC, SCALE, [0.3, -0.2]]),
    ("von_mises_log_prob", at([0.5, -2.0], lambda m, k: D.VonMises(m, k)), [LOC, [0.5, 5.0]]),
    ("von_mises_variance", lambda k: D.VonMises(0.0, k).variance, [[0.5, 5.0]]),
    ("lkj_log_prob", lambda c: D.LKJCholesky(3, c).log_prob(_f64(CORR_L)), [[0.5, 2.0]]),
    ("wishart_log_prob", lambda df, lt: D.Wishart(df, scale_tril=lt.tril()).log_prob(_f64(np.eye(2) * 2 + 0.5)),
     [[3.0], [[1.0, 0.0], [0.4, 1.3]]]),
    ("wishart_entropy", lambda df, lt: D.Wishart(df, scale_tril=lt.tril()).entropy(), [[3.0], [[1.0, 0.0], [0.4, 1.3]]]),
    ("corr_cholesky_forward", lambda x: tr.CorrCholeskyTransform()(x), [[0.3, -0.7, 1.1]]),
    ("corr_cholesky_ladj", lambda x: tr.CorrCholeskyTransform().log_abs_det_jacobian(
        x, tr.CorrCholeskyTransform()(x)), [[0.3, -0.7, 1.1, 0.2, -0.4, 0.9]]),
    ("corr_cholesky_inverse", lambda y: tr.CorrCholeskyTransform().inv(y), [CORR_L.tolist()]),
    ("cat_ladj", lambda x: (lambda t: t.log_abs_det_jacobian(x, t(x)))(tr.CatTransform(
        [tr.ExpTransform(), tr.SigmoidTransform()], dim=-1, lengths=[1, 2])), [[[0.3, -0.7, 1.1]]]),
    ("stack_forward", lambda x: tr.StackTransform([tr.ExpTransform(), tr.TanhTransform()], dim=0)(x),
     [[[0.3, -0.7], [1.1, 0.2]]]),
    ("cdf_transform_ladj", lambda m, s: tr.CumulativeDistributionTransform(D.Normal(m, s)).log_abs_det_jacobian(
        _f64([0.5, -2.0]), None), [LOC, SCALE]),
    ("kl_pareto_pareto", lambda s, a: D.kl_divergence(D.Pareto(s, a), D.Pareto(0.5, 1.2)), [SCALE, CONC]),
    ("kl_pareto_exponential", lambda s, a: D.kl_divergence(D.Pareto(s, a + 1), D.Exponential(1.3)), [SCALE, CONC]),
    ("kl_pareto_gamma", lambda s, a: D.kl_divergence(D.Pareto(s, a + 1), D.Gamma(2.0, 1.3)), [SCALE, CONC]),
    ("kl_pareto_normal", lambda s, a: D.kl_divergence(D.Pareto(s, a + 2), D.Normal(0.4, 1.3)), [SCALE, CONC]),
    ("kl_uniform_pareto", lambda lo, hi: D.kl_divergence(D.Uniform(lo, hi), D.Pareto(0.5, 1.5)), [[0.8, 1.0],
                                                                                                    [2.0, 3.5]]),
]


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = [gt.tensor(np.array(a, np.float64), requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
