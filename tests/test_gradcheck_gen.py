"""Float64 central-difference checks of what the generative-model sweep added or changed, without torch:
the 2-norm in torch's summation order (and its backward), spectral normalisation, and the
ContinuousBernoulli / LowRankMultivariateNormal densities, entropies, samples and KL divergences."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck

D = gt.distributions


def r(*shape, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def _sn(w):
    gt.manual_seed(0)                   # the same start for every evaluation of the difference quotient
    lin = gt.nn.Linear(3, 4, dtype=gt.float64)
    gt.nn.utils.spectral_norm(lin, n_power_iterations=200)
    with gt.no_grad():
        lin.weight_orig.copy_(w)
    lin(gt.ones(1, 3, dtype=gt.float64))   # u and v converge to w's top singular pair
    del lin._parameters["weight_orig"]
    lin.weight_orig = w                 # the checked input stands in for the parameter
    lin.eval()                          # no power iteration: u and v stay fixed
    return lin(gt.ones(2, 3, dtype=gt.float64))


def _cb(lg, fn):
    gt.manual_seed(0)
    return fn(D.ContinuousBernoulli(logits=lg))


def _lowrank(mu, w, d):
    return D.LowRankMultivariateNormal(mu, w, d.exp())


X = r(3, 4, seed=5, lo=-2, hi=2)
CB_X = gt.tensor([0.2, 0.9, 0.6, 0.05], dtype=gt.float64)
LR_V = gt.tensor(r(3, 4, seed=9, lo=-2, hi=2))
MVN = D.MultivariateNormal(gt.zeros(4, dtype=gt.float64), covariance_matrix=gt.eye(4, dtype=gt.float64) * 1.5)
CASES = [
    ("norm2_lastdim", lambda x: gt.linalg.vector_norm(x, dim=-1), [r(3, 13)]),
    ("norm2_trailing_keepdim", lambda x: gt.linalg.vector_norm(x, 2, (1, 2), keepdim=True), [r(2, 3, 5)]),
    ("norm3", lambda x: gt.linalg.vector_norm(x, 3, dim=0), [r(4, 3)]),
    ("normalize", lambda x: gt.nn.functional.normalize(x, dim=1), [r(3, 9)]),
    ("spectral_norm", _sn, [r(4, 3, seed=2)]),
    ("cb_log_prob", lambda lg: _cb(lg, lambda d: d.log_prob(CB_X)), [np.array([0.3, -2.0, 1.5, 4.0])]),
    ("cb_entropy_mean_var", lambda lg: _cb(lg, lambda d: d.entropy() + d.mean + d.variance),
     [np.array([0.3, -2.0, 1.5, 4.0])]),
    ("cb_rsample", lambda lg: _cb(lg, lambda d: d.rsample((2,))), [np.array([0.3, -2.0, 1.5, 4.0])]),
    ("cb_cdf", lambda lg: _cb(lg, lambda d: d.cdf(CB_X)), [np.array([0.3, -2.0, 1.5, 4.0])]),
    ("cb_kl", lambda a, b: D.kl_divergence(D.ContinuousBernoulli(logits=a), D.ContinuousBernoulli(logits=b)),
     [np.array([0.3, -2.0, 1.5]), np.array([1.0, 0.5, -1.0])]),
    ("lowrank_log_prob", lambda mu, w, d: _lowrank(mu, w, d).log_prob(LR_V),
     [r(4, seed=1), r(4, 2, seed=2), r(4, seed=3, lo=-0.5, hi=0.5)]),
    ("lowrank_entropy", lambda mu, w, d: _lowrank(mu, w, d).entropy(),
     [r(4, seed=1), r(4, 2, seed=2), r(4, seed=3, lo=-0.5, hi=0.5)]),
    ("lowrank_rsample", lambda mu, w, d: (gt.manual_seed(1), _lowrank(mu, w, d).rsample((2,)))[1],
     [r(4, seed=1), r(4, 2, seed=2), r(4, seed=3, lo=-0.5, hi=0.5)]),
    ("lowrank_precision", lambda mu, w, d: _lowrank(mu, w, d).precision_matrix,
     [r(4, seed=1), r(4, 2, seed=2), r(4, seed=3, lo=-0.5, hi=0.5)]),
    ("lowrank_kl_lowrank", lambda mu, w, d: D.kl_divergence(_lowrank(mu, w, d), _lowrank(mu * 0, w * 0.5, d * 0)),
     [r(4, seed=1), r(4, 2, seed=2), r(4, seed=3, lo=-0.5, hi=0.5)]),
    ("lowrank_kl_mvn", lambda mu, w, d: D.kl_divergence(_lowrank(mu, w, d), MVN) + D.kl_divergence(MVN, _lowrank(mu, w, d)),
     [r(4, seed=1), r(4, 2, seed=2), r(4, seed=3, lo=-0.5, hi=0.5)]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = [gt.tensor(a, dtype=gt.float64, requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name


def test_spectral_norm_divides_by_the_top_singular_value():
    gt.manual_seed(0)
    lin = gt.nn.utils.spectral_norm(gt.nn.Linear(6, 4, dtype=gt.float64), n_power_iterations=30)
    lin(gt.ones(1, 6, dtype=gt.float64))
    assert abs(gt.linalg.matrix_norm(lin.weight.detach(), ord=2).item() - 1.0) < 1e-8
