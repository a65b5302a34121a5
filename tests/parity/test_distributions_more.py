"""Parity of Gamma, Exponential, Beta, Dirichlet, MultivariateNormal and Independent: torch's gamma and
Dirichlet samplers draw for draw, densities, moments, entropies, KL divergences, reprs and errors."""
import numpy as np
import pytest

import glasstorch

from ._helpers import same_on_both, same_error

TOL = dict(rtol=2e-6, atol=1e-6)


def test_gamma_and_dirichlet_streams():
    def run(t):
        t.manual_seed(7)
        a = t._standard_gamma(t.tensor([0.3, 1.0, 2.5, 40.0, 0.01]))
        n1 = t.randn(3)                     # the Box-Muller cache is shared with normal_
        b = t._standard_gamma(t.tensor([[0.7, 3.0], [9.0, 0.2]], dtype=t.float64))
        d = t._sample_dirichlet(t.tensor([[1.0, 2.0, 3.0], [0.1, 0.1, 5.0]]))
        big = t._standard_gamma(t.full((500,), 1.7))
        return a, n1, b, d, big.sum(), big[-3:], t.randn(2), t.rand(1)
    same_on_both(run, [])


SAMPLERS = [
    lambda t: t.distributions.Gamma(t.tensor([0.5, 2.0]), t.tensor([1.0, 3.0])).sample((3,)),
    lambda t: t.distributions.Gamma(2.0, 0.5).rsample((2, 2)),
    lambda t: t.distributions.Exponential(t.tensor([0.5, 4.0])).sample((3,)),
    lambda t: t.distributions.Beta(t.tensor([0.5, 2.0]), t.tensor([3.0, 1.0])).sample((2,)),
    lambda t: t.distributions.Beta(2.0, 2.0).sample(),
    lambda t: t.distributions.Dirichlet(t.tensor([0.5, 1.0, 4.0])).sample((4,)),
    lambda t: t.distributions.MultivariateNormal(t.zeros(3), t.eye(3) * 2).sample((2,)),
    lambda t: t.distributions.MultivariateNormal(t.ones(2), scale_tril=t.tensor([[1.0, 0.0], [0.5, 2.0]])).rsample(),
    lambda t: t.distributions.Independent(t.distributions.Normal(t.zeros(2, 3), 1.0), 1).sample((2,)),
]


@pytest.mark.parametrize("k", range(len(SAMPLERS)))
def test_sampling(k):
    def run(t):
        t.manual_seed(11)
        return SAMPLERS[k](t), t.randn(2)
    same_on_both(run, [])


def _dists(t, c1, c2):
    D = t.distributions
    return [D.Gamma(c1, c2), D.Exponential(c2), D.Beta(c1, c2), D.Dirichlet(t.stack([c1, c2], -1)),
            D.Independent(D.Gamma(c1, c2), 1)]


@pytest.mark.parametrize("k", range(5))
def test_densities_moments_entropy(k):
    values = {0: np.array([0.5, 2.0], np.float32), 1: np.array([0.5, 2.0], np.float32),
              2: np.array([0.3, 0.9], np.float32), 3: np.array([0.3, 0.7], np.float32),
              4: np.array([0.5, 2.0], np.float32)}

    def run(t, c1, c2, v):
        d = _dists(t, c1, c2)[k]
        return d.log_prob(v), d.mean, d.variance, d.entropy(), str(d.batch_shape), str(d.event_shape), repr(d)
    same_on_both(run, [np.array([1.5, 3.0], np.float32), np.array([2.0, 0.5], np.float32), values[k]], **TOL)


def test_multivariate_normal():
    cov = np.array([[2.0, 0.6, 0.1], [0.6, 1.0, -0.2], [0.1, -0.2, 0.5]], np.float64)

    def run(t, loc, c, v):
        D = t.distributions
        a = D.MultivariateNormal(loc, covariance_matrix=c)
        b = D.MultivariateNormal(loc * 0, precision_matrix=t.linalg.inv(c))
        s = D.MultivariateNormal(loc, scale_tril=t.linalg.cholesky(c))
        return (a.log_prob(v), a.entropy(), a.mean, a.variance, a.scale_tril, a.precision_matrix, b.covariance_matrix,
                s.log_prob(v[0]), D.kl_divergence(a, b), D.kl_divergence(b, s), str(a.batch_shape), repr(a))
    same_on_both(run, [np.array([0.5, -1.0, 2.0]), cov, np.random.default_rng(0).standard_normal((4, 3))],
                 rtol=1e-10, atol=1e-12)

    def batched(t):
        D = t.distributions
        m = D.MultivariateNormal(t.zeros(2, 3, dtype=t.float64), t.eye(3, dtype=t.float64) * 2)
        return m.log_prob(t.ones(5, 2, 3, dtype=t.float64)), m.entropy(), str(m.batch_shape), str(m.event_shape)
    same_on_both(batched, [], rtol=1e-12, atol=1e-12)


def test_kl_divergences():
    def run(t, a, b):
        D = t.distributions
        return (D.kl_divergence(D.Gamma(a, b), D.Gamma(b, a)), D.kl_divergence(D.Beta(a, b), D.Beta(b, a)),
                D.kl_divergence(D.Exponential(a), D.Exponential(b)),
                D.kl_divergence(D.Dirichlet(t.stack([a, b], -1)), D.Dirichlet(t.stack([b, a], -1))),
                D.kl_divergence(D.Independent(D.Normal(a, b), 1), D.Independent(D.Normal(b, a), 1)))
    same_on_both(run, [np.array([1.5, 3.0], np.float32), np.array([2.0, 0.5], np.float32)], **TOL)


def test_validation_errors_and_constraints():
    same_error(lambda t: t.distributions.Gamma(t.tensor([-1.0]), t.tensor([1.0])))
    same_error(lambda t: t.distributions.Exponential(t.tensor([1.0])).log_prob(t.tensor([-1.0])))
    same_error(lambda t: t.distributions.Beta(1.0, 1.0).log_prob(t.tensor(1.5)))
    same_error(lambda t: t.distributions.Dirichlet(t.tensor(1.0)))
    same_error(lambda t: t.distributions.MultivariateNormal(t.zeros(2)))
    same_error(lambda t: t.distributions.MultivariateNormal(t.zeros(2), t.tensor([[1.0, 2.0], [2.0, 1.0]])))
    same_error(lambda t: t.distributions.MultivariateNormal(t.zeros(2), scale_tril=t.tensor([[1.0, 1.0], [0.0, 1.0]])))
    same_error(lambda t: t.distributions.Independent(t.distributions.Normal(t.zeros(2), 1.0), 2))
    C = "distributions.constraints"
    same_on_both(lambda t: [repr(c) for c in (t.distributions.constraints.nonnegative,
                                             t.distributions.constraints.real_vector,
                                             t.distributions.constraints.positive_definite,
                                             t.distributions.constraints.lower_cholesky,
                                             t.distributions.constraints.greater_than_eq(2.0),
                                             t.distributions.constraints.half_open_interval(0.0, 1.0))], [])
    _ = C


def test_reparameterised_gamma_family_gradient():
    # rsample is differentiable in the concentration (implicit reparameterisation; test_sweep15e.py
    # compares the values with torch's)
    conc = glasstorch.tensor([2.0, 3.0], requires_grad=True)
    glasstorch.distributions.Gamma(conc, 1.0).rsample().sum().backward()
    assert conc.grad is not None and conc.grad.shape == (2,)
    with glasstorch.no_grad():
        glasstorch.distributions.Gamma(conc, 1.0).rsample()
    assert glasstorch.distributions.Beta(conc, conc).sample().requires_grad is False
