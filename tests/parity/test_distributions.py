"""torch.distributions against glasstorch.distributions: samples byte for byte, log_prob /
entropy / moments to float rounding, gradients through rsample and log_prob, and torch's
validation errors."""
import numpy as np
import pytest
import torch

import glasstorch
import glasstorch.distributions  # noqa: F401  (until glasstorch/__init__ imports it)
from tests.parity._helpers import same_error
from tests.parity.test_random_api import same_draws

SEEDS = [0, 3, 12345]


def D(t):
    return t.distributions


def close(a, b, rtol=1e-6, atol=1e-6):
    a, b = a.detach().numpy(), b.detach().numpy()
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
    np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, equal_nan=True)


def both(fn):
    """fn(t) -> list of tensors, on both libraries (no seeding), compared to float rounding."""
    outs = {m: fn(m) for m in (torch, glasstorch)}
    for a, b in zip(outs[torch], outs[glasstorch]):
        close(a, b)


MAKERS = {
    "normal": lambda t: D(t).Normal(t.tensor([0.0, 1.5, -2.0]), t.tensor([1.0, 0.5, 3.0])),
    "normal_scalar": lambda t: D(t).Normal(0.5, 2.0),
    "normal_f64": lambda t: D(t).Normal(t.zeros(17, dtype=t.float64), 2.0),
    "uniform": lambda t: D(t).Uniform(t.tensor([0.0, -1.0]), t.tensor([1.0, 3.0])),
    "uniform_scalar": lambda t: D(t).Uniform(-2.0, 5.0),
    "bernoulli": lambda t: D(t).Bernoulli(t.tensor([0.1, 0.5, 0.9, 0.0])),
    "bernoulli_logits": lambda t: D(t).Bernoulli(logits=t.tensor([[-1.0, 0.0], [2.0, 5.0]])),
    "bernoulli_f64": lambda t: D(t).Bernoulli(t.tensor([0.3, 0.6], dtype=t.float64)),
    "categorical": lambda t: D(t).Categorical(t.tensor([0.1, 0.2, 0.3, 0.4])),
    "categorical_2d": lambda t: D(t).Categorical(t.tensor([[1.0, 2.0, 0.0], [3.0, 1.0, 1.0]])),
    "categorical_logits": lambda t: D(t).Categorical(logits=t.tensor([[0.5, -1.0, 2.0, 0.0]])),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_samples_are_bit_identical(name):
    make = MAKERS[name]

    def fn(t):
        d = make(t)
        out = [d.sample(), d.sample((5,)), d.sample((2, 3))]
        if d.has_rsample:
            out += [d.rsample(), d.rsample((4,))]
        return out + [t.rand(2)]
    for seed in SEEDS:
        same_draws(fn, seed)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_log_prob_entropy_moments(name):
    make = MAKERS[name]

    def fn(t):
        t.manual_seed(0)
        d = make(t)
        x = d.sample((3,))
        out = [d.log_prob(x), d.entropy()]
        if "categorical" not in name:
            out += [d.mean, d.variance, d.stddev]
        return out
    both(fn)
    assert repr(make(torch)) == repr(make(glasstorch))
    for attr in ("batch_shape", "event_shape"):
        assert tuple(getattr(make(torch), attr)) == tuple(getattr(make(glasstorch), attr))


def test_gradients_flow():
    def fn(t):
        t.manual_seed(1)
        loc = t.tensor([0.5, -1.0, 2.0], requires_grad=True)
        scale = t.tensor([1.0, 0.3, 2.0], requires_grad=True)
        n = D(t).Normal(loc, scale)
        (n.rsample((4,)).sum() + n.log_prob(t.tensor([0.0, 1.0, 2.0])).sum() + n.entropy().sum()).backward()
        low = t.tensor([0.0, 1.0], requires_grad=True)
        high = t.tensor([2.0, 4.0], requires_grad=True)
        u = D(t).Uniform(low, high)
        (u.rsample((3,)).sum() + u.log_prob(t.tensor([1.0, 2.0])).sum() + u.entropy().sum()).backward()
        p = t.tensor([0.2, 0.7], requires_grad=True)
        b = D(t).Bernoulli(p)
        (b.log_prob(t.tensor([1.0, 0.0])).sum() + b.entropy().sum()).backward()
        w = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        c = D(t).Categorical(w)
        (c.log_prob(t.tensor([0, 2, 2])).sum() + c.entropy()).backward()
        return [loc.grad, scale.grad, low.grad, high.grad, p.grad, w.grad]
    both(fn)


@pytest.mark.parametrize("fn", [
    lambda t: D(t).Normal(t.tensor([0.0, 1.0]), t.tensor([1.0, -1.0])),
    lambda t: D(t).Normal(0.0, 0.0),
    lambda t: D(t).Normal(float("nan"), 1.0),
    lambda t: D(t).Uniform(1.0, 0.0),
    lambda t: D(t).Bernoulli(t.tensor([0.5, 1.5])),
    lambda t: D(t).Bernoulli(),
    lambda t: D(t).Bernoulli(0.5, logits=0.1),
    lambda t: D(t).Categorical(t.tensor([0.5, -0.5, 1.0])),
    lambda t: D(t).Categorical(t.tensor(1.0)),
    lambda t: D(t).Categorical(),
    lambda t: D(t).Normal(t.zeros(3), 1.0).log_prob(t.zeros(4)),
    lambda t: D(t).Normal(t.zeros(3), 1.0).log_prob(1.0),
    lambda t: D(t).Bernoulli(0.5).log_prob(t.tensor(0.5)),
    lambda t: D(t).Uniform(0.0, 1.0).log_prob(t.tensor(2.0)),
    lambda t: D(t).Categorical(t.ones(3)).log_prob(t.tensor(3)),
])
def test_validation_errors(fn):
    same_error(fn)


def test_validation_can_be_turned_off():
    for t in (torch, glasstorch):
        d = D(t).Normal(0.0, -1.0, validate_args=False)
        assert d.scale.item() == -1.0


KL_PAIRS = [
    ("normal", lambda t: (D(t).Normal(t.tensor([0.0, 1.5]), t.tensor([1.0, 0.5])),
                          D(t).Normal(t.tensor([0.5, -1.0]), t.tensor([2.0, 0.7])))),
    ("bernoulli", lambda t: (D(t).Bernoulli(t.tensor([0.1, 0.5, 0.0, 1.0])),
                             D(t).Bernoulli(t.tensor([0.3, 0.0, 0.2, 0.9])))),
    ("categorical", lambda t: (D(t).Categorical(t.tensor([[0.2, 0.3, 0.5], [0.0, 0.5, 0.5]])),
                               D(t).Categorical(logits=t.tensor([[0.1, -1.0, 2.0], [1.0, 0.0, -1.0]])))),
    ("uniform", lambda t: (D(t).Uniform(t.tensor([0.0, -1.0]), t.tensor([1.0, 3.0])),
                           D(t).Uniform(t.tensor([-1.0, 0.0]), t.tensor([2.0, 3.0])))),
    ("uniform_normal", lambda t: (D(t).Uniform(t.tensor([0.0, -1.0]), t.tensor([1.0, 3.0])),
                                  D(t).Normal(t.tensor([0.5, 0.0]), t.tensor([1.0, 2.0])))),
]


@pytest.mark.parametrize("name,make", KL_PAIRS, ids=[n for n, _ in KL_PAIRS])
def test_kl_divergence(name, make):
    both(lambda t: [t.distributions.kl_divergence(*make(t))])


def test_kl_divergence_gradient_and_registry():
    def run(t):
        mu = t.tensor([0.3, -0.2], requires_grad=True)
        q = D(t).Normal(mu, t.tensor([0.8, 1.2]))
        D(t).kl_divergence(q, D(t).Normal(0.0, 1.0)).sum().backward()

        class Shifted(D(t).Normal):
            pass

        @D(t).register_kl(Shifted, D(t).Normal)
        def _kl(p, q):
            return t.zeros(())
        return [mu.grad, D(t).kl_divergence(Shifted(0.0, 1.0), D(t).Normal(1.0, 1.0)),
                D(t).kl_divergence(D(t).Normal(0.0, 1.0), Shifted(1.0, 1.0))]
    both(run)
    same_error(lambda t: D(t).kl_divergence(D(t).Categorical(t.ones(2)), D(t).Normal(0.0, 1.0)))
