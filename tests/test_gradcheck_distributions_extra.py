"""Float64 central-difference checks, without torch, of the reparameterized samples and the densities
of the distributions added with the transforms: d rsample / d params (the noise is re-drawn from
the same seed on every evaluation, so the sample is a smooth function of the parameters) and
d log_prob / d params, d entropy / d params, d cdf / d params where there are such."""
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


LOC, SCALE, PROB = [0.3, -1.0], [0.8, 1.7], [0.3, 0.6]
CASES = [
    # (name, function of the parameter tensors, parameter arrays)
    ("laplace_rsample", seeded(lambda m, s: D.Laplace(m, s)), [LOC, SCALE]),
    ("laplace_log_prob", at([0.5, -2.0], lambda m, s: D.Laplace(m, s)), [LOC, SCALE]),
    ("laplace_cdf", at([0.5, -2.0], lambda m, s: D.Laplace(m, s), "cdf"), [LOC, SCALE]),
    ("cauchy_rsample", seeded(lambda m, s: D.Cauchy(m, s)), [LOC, SCALE]),
    ("cauchy_log_prob", at([0.5, -2.0], lambda m, s: D.Cauchy(m, s)), [LOC, SCALE]),
    ("lognormal_rsample", seeded(lambda m, s: D.LogNormal(m, s)), [LOC, SCALE]),
    ("lognormal_log_prob", at([0.5, 2.0], lambda m, s: D.LogNormal(m, s)), [LOC, SCALE]),
    ("lognormal_entropy", lambda m, s: D.LogNormal(m, s).entropy(), [LOC, SCALE]),
    ("gumbel_rsample", seeded(lambda m, s: D.Gumbel(m, s)), [LOC, SCALE]),
    ("gumbel_log_prob", at([0.5, -2.0], lambda m, s: D.Gumbel(m, s)), [LOC, SCALE]),
    ("halfnormal_rsample", seeded(lambda s: D.HalfNormal(s)), [SCALE]),
    ("halfnormal_log_prob", at([0.5, 2.0], lambda s: D.HalfNormal(s)), [SCALE]),
    ("halfcauchy_rsample", seeded(lambda s: D.HalfCauchy(s)), [SCALE]),
    ("halfcauchy_log_prob", at([0.5, 2.0], lambda s: D.HalfCauchy(s)), [SCALE]),
    ("studentt_rsample", seeded(lambda m, s: D.StudentT(gt.tensor([3.0, 5.0], dtype=gt.float64), m, s)),
     [LOC, SCALE]),
    ("studentt_log_prob", at([0.5, -2.0], lambda df, m, s: D.StudentT(df, m, s)), [[3.0, 0.7], LOC, SCALE]),
    ("studentt_entropy", lambda df, s: D.StudentT(df, 0.0, s).entropy(), [[3.0, 0.7], SCALE]),
    ("chi2_log_prob", at([0.5, 2.0], lambda df: D.Chi2(df)), [[3.0, 0.7]]),
    ("poisson_log_prob", at([0.0, 3.0], lambda r: D.Poisson(r)), [[0.5, 2.5]]),
    ("geometric_log_prob", at([0.0, 3.0], lambda p: D.Geometric(p)), [PROB]),
    ("geometric_entropy", lambda p: D.Geometric(p).entropy(), [PROB]),
    ("binomial_log_prob", at([1.0, 3.0], lambda p: D.Binomial(5, p)), [PROB]),
    ("binomial_entropy", lambda p: D.Binomial(4, p).entropy(), [PROB]),
    ("multinomial_log_prob", at([1.0, 3.0, 0.0], lambda p: D.Multinomial(4, p)), [[0.2, 0.5, 0.3]]),
    ("multinomial_entropy", lambda p: D.Multinomial(3, p).entropy(), [[0.2, 0.5, 0.3]]),
    ("relaxed_bernoulli_rsample", seeded(lambda p: D.RelaxedBernoulli(gt.tensor(0.5, dtype=gt.float64), p)),
     [PROB]),
    ("relaxed_bernoulli_log_prob", at([0.3, 0.9], lambda p: D.RelaxedBernoulli(
        gt.tensor(0.5, dtype=gt.float64), p)), [PROB]),
    ("relaxed_onehot_rsample", seeded(lambda lg: D.RelaxedOneHotCategorical(
        gt.tensor(0.7, dtype=gt.float64), logits=lg)), [[0.2, -0.5, 1.0]]),
    ("relaxed_onehot_log_prob", at([0.2, 0.3, 0.5], lambda lg: D.RelaxedOneHotCategorical(
        gt.tensor(0.7, dtype=gt.float64), logits=lg)), [[0.2, -0.5, 1.0]]),
    ("logistic_normal_rsample", seeded(lambda m, s: D.LogisticNormal(m, s)), [LOC, SCALE]),
    ("logistic_normal_log_prob", at([0.2, 0.3, 0.5], lambda m, s: D.LogisticNormal(m, s)), [LOC, SCALE]),
    ("mixture_log_prob", at([0.5, -2.0], lambda lg, m, s: D.MixtureSameFamily(
        D.Categorical(logits=lg), D.Normal(m, s))), [[0.2, -0.4], LOC, SCALE]),
    ("mixture_cdf", at([0.5, -2.0], lambda lg, m, s: D.MixtureSameFamily(
        D.Categorical(logits=lg), D.Normal(m, s)), "cdf"), [[0.2, -0.4], LOC, SCALE]),
    ("tanh_transformed_log_prob", at([0.5, -0.2], lambda m, s: D.TransformedDistribution(
        D.Normal(m, s), [tr.AffineTransform(0.5, 2.0), tr.TanhTransform()])), [LOC, SCALE]),
    ("stick_breaking_ladj", lambda x: tr.StickBreakingTransform().log_abs_det_jacobian(
        x, tr.StickBreakingTransform()(x)), [[0.3, -0.7, 1.1]]),
    ("kl_laplace", lambda m, s: D.kl_divergence(D.Laplace(m, s), D.Laplace(0.1, 1.2)), [LOC, SCALE]),
    ("kl_gumbel", lambda m, s: D.kl_divergence(D.Gumbel(m, s), D.Gumbel(0.1, 1.2)), [LOC, SCALE]),
    ("kl_cauchy", lambda m, s: D.kl_divergence(D.Cauchy(m, s), D.Cauchy(0.1, 1.2)), [LOC, SCALE]),
    ("kl_normal_laplace", lambda m, s: D.kl_divergence(D.Normal(m, s), D.Laplace(0.1, 1.2)), [LOC, SCALE]),
]


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = [gt.tensor(np.array(a, np.float64), requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
