"""Parity of the rest of torch.distributions (Laplace, Cauchy, LogNormal, Gumbel, HalfNormal, HalfCauchy,
Chi2, StudentT, Poisson, Geometric, Binomial, Multinomial, OneHotCategorical, the relaxed ones,
LogisticNormal, MixtureSameFamily), TransformedDistribution, the transforms, biject_to / transform_to
and the added KL pairs: samples byte for byte, densities / moments / cdfs and their gradients to float
rounding, shapes, expand, reprs and torch's validation errors."""
import numpy as np
import pytest
import torch

import glasstorch
import glasstorch.distributions  # noqa: F401
from tests.parity._helpers import same_error
from tests.parity.test_random_api import same_draws

SEEDS = [0, 3, 12345]
MODS = (torch, glasstorch)


def D(t):
    return t.distributions


_LEAVES = []          # the leaves with grad the last maker call created, in creation order


def T(t, values, dtype="float32", grad=False):
    x = t.tensor(np.asarray(values, dtype=dtype))
    if grad:
        x.requires_grad_()
        _LEAVES.append(x)
    return x


def close(a, b, what=""):
    a, b = a.detach().numpy(), b.detach().numpy()
    assert a.shape == b.shape and a.dtype == b.dtype, (what, a.shape, b.shape, a.dtype, b.dtype)
    tol = 1e-12 if a.dtype == np.float64 else 1e-6
    np.testing.assert_allclose(b, a, rtol=tol, atol=tol, equal_nan=True, err_msg=what)


# each maker builds the same distribution on either library; g=True makes parameters leaves with grad
MAKERS = {
    "laplace": lambda t, g=False: D(t).Laplace(T(t, [0.0, 1.5, -2.0], grad=g), T(t, [1.0, 0.5, 3.0], grad=g)),
    "laplace_scalar": lambda t, g=False: D(t).Laplace(0.5, 2.0),
    "laplace_f64": lambda t, g=False: D(t).Laplace(T(t, [[0.2] * 9] * 2, "float64", g), T(t, [1.3], "float64", g)),
    "cauchy": lambda t, g=False: D(t).Cauchy(T(t, [0.0, 1.0], grad=g), T(t, [1.0, 0.25], grad=g)),
    "cauchy_f64": lambda t, g=False: D(t).Cauchy(T(t, [0.5] * 20, "float64", g), 2.0),
    "lognormal": lambda t, g=False: D(t).LogNormal(T(t, [0.0, 0.5, -1.0], grad=g), T(t, [1.0, 0.3, 2.0], grad=g)),
    "lognormal_f64": lambda t, g=False: D(t).LogNormal(T(t, [0.1] * 17, "float64", g), 0.7),
    "gumbel": lambda t, g=False: D(t).Gumbel(T(t, [0.0, 2.0], grad=g), T(t, [1.0, 0.5], grad=g)),
    "gumbel_scalar": lambda t, g=False: D(t).Gumbel(1.0, 2.0),
    "halfnormal": lambda t, g=False: D(t).HalfNormal(T(t, [1.0, 0.5, 2.0], grad=g)),
    "halfcauchy": lambda t, g=False: D(t).HalfCauchy(T(t, [1.0, 3.0], grad=g)),
    "chi2": lambda t, g=False: D(t).Chi2(T(t, [1.0, 2.5, 7.0])),
    "studentt": lambda t, g=False: D(t).StudentT(T(t, [0.8, 1.5, 3.0, 10.0]), T(t, [0.0, 1.0, -1.0, 2.0], grad=g),
                                                  T(t, [1.0, 2.0, 0.5, 1.0], grad=g)),
    "studentt_f64": lambda t, g=False: D(t).StudentT(T(t, [4.0, 0.5], "float64")),
    "poisson": lambda t, g=False: D(t).Poisson(T(t, [0.5, 4.0, 30.0, 0.0])),
    "poisson_f64": lambda t, g=False: D(t).Poisson(T(t, [2.0, 15.0], "float64")),
    "geometric": lambda t, g=False: D(t).Geometric(T(t, [0.2, 0.5, 0.9])),
    "geometric_logits": lambda t, g=False: D(t).Geometric(logits=T(t, [-1.0, 2.0])),
    "binomial": lambda t, g=False: D(t).Binomial(10, T(t, [0.1, 0.5, 0.95])),
    "binomial_big": lambda t, g=False: D(t).Binomial(T(t, [100.0, 1000.0, 40.0]), T(t, [0.3, 0.5, 0.8])),
    "binomial_logits_f64": lambda t, g=False: D(t).Binomial(5, logits=T(t, [-0.5, 1.0], "float64")),
    "multinomial": lambda t, g=False: D(t).Multinomial(7, T(t, [0.2, 0.3, 0.5])),
    "multinomial_2d": lambda t, g=False: D(t).Multinomial(4, logits=T(t, [[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]])),
    "onehot": lambda t, g=False: D(t).OneHotCategorical(T(t, [0.1, 0.6, 0.3])),
    "onehot_logits": lambda t, g=False: D(t).OneHotCategorical(logits=T(t, [[0.0, 1.0], [3.0, -1.0]])),
    "relaxed_bernoulli": lambda t, g=False: D(t).RelaxedBernoulli(T(t, 0.5), T(t, [0.2, 0.7], grad=g)),
    "relaxed_bernoulli_logits": lambda t, g=False: D(t).RelaxedBernoulli(T(t, 2.0), logits=T(t, [-1.0, 1.0],
                                                                                          grad=g)),
    "relaxed_onehot": lambda t, g=False: D(t).RelaxedOneHotCategorical(T(t, 0.7), T(t, [0.2, 0.3, 0.5], grad=g)),
    "relaxed_onehot_logits": lambda t, g=False: D(t).RelaxedOneHotCategorical(
        T(t, 1.5), logits=T(t, [[0.0, 1.0, 2.0], [1.0, 1.0, -1.0]], grad=g)),
    "logistic_normal": lambda t, g=False: D(t).LogisticNormal(T(t, [0.0, 0.5, -1.0], grad=g),
                                                              T(t, [1.0, 0.5, 2.0], grad=g)),
    "mixture": lambda t, g=False: D(t).MixtureSameFamily(D(t).Categorical(T(t, [0.3, 0.7])),
                                                         D(t).Normal(T(t, [-1.0, 2.0], grad=g), T(t, [0.5, 1.0], grad=g))),
    "mixture_mvn": lambda t, g=False: D(t).MixtureSameFamily(
        D(t).Categorical(logits=T(t, [[0.0, 1.0, 0.5]] * 2)),
        D(t).Independent(D(t).Normal(T(t, np.arange(12.0).reshape(2, 3, 2) / 4, grad=g), T(t, [1.0, 0.5])), 1)),
    "transformed": lambda t, g=False: D(t).TransformedDistribution(
        D(t).Normal(T(t, [0.0, 1.0], grad=g), T(t, [1.0, 0.5], grad=g)),
        [D(t).transforms.AffineTransform(1.0, 2.0), D(t).transforms.SigmoidTransform()]),
    "transformed_tanh": lambda t, g=False: D(t).TransformedDistribution(
        D(t).Normal(T(t, [0.0, 0.3], grad=g), 1.0), D(t).transforms.TanhTransform()),
}

PROPS = ("mean", "mode", "variance", "stddev")

# Samples that pass through log / exp / tan ... match torch's to an ulp, not bit for bit: torch uses
# SLEEF's float kernels, glasstorch NumPy's (docs/differences.md, "Transcendental functions"). The
# random draws themselves, and so the generator state afterwards, are identical for every family.
EXACT = {"cauchy", "cauchy_f64", "poisson", "poisson_f64", "binomial", "binomial_big", "binomial_logits_f64",
         "multinomial", "multinomial_2d", "onehot", "onehot_logits", "halfcauchy", "chi2", "mixture",
         "mixture_mvn"}


def same_stream(fn, seed, exact):
    """fn(t) from the same seed: the same generator state after, and the same values (bit for bit
    when ``exact``, else to an ulp or two)."""
    if exact:
        return same_draws(fn, seed)
    outs = {}
    for m in MODS:
        m.manual_seed(seed)
        outs[m] = list(fn(m)) + [m.get_rng_state()]
    assert np.array_equal(outs[torch][-1].numpy(), outs[glasstorch][-1].numpy()), "generator states differ"
    for i, (a, b) in enumerate(zip(outs[torch][:-1], outs[glasstorch][:-1])):
        close(a, b, what=f"output {i}")


def _call(fn):
    """A value, or the exception's type name (torch may raise for an undefined moment)."""
    try:
        return fn()
    except Exception as e:          # noqa: BLE001
        return ("raised", type(e).__name__)


def _compare(outs):
    for i, (a, b) in enumerate(zip(outs[torch], outs[glasstorch])):
        if isinstance(a, tuple):
            assert a == b, (i, a, b)
        elif isinstance(a, torch.Tensor):
            close(a, b, what=str(i))
        else:
            assert a == b, (i, a, b)


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
        same_stream(fn, seed, name in EXACT)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_densities_moments_shapes_repr(name):
    make = MAKERS[name]

    def fn(t):
        t.manual_seed(1)
        d = make(t)
        x = d.sample((3,))
        out = [d.log_prob(x), _call(d.entropy)] + [_call(lambda: getattr(d, p)) for p in PROPS]
        out += [_call(lambda: d.cdf(x)), _call(lambda: d.icdf(t.full(x.shape, 0.3, dtype=x.dtype)))]
        out += [tuple(d.batch_shape), tuple(d.event_shape), repr(d), d.has_rsample, d.has_enumerate_support]
        if d.has_enumerate_support:
            out += [_call(lambda: d.enumerate_support()), _call(lambda: d.enumerate_support(False))]
        return out
    _compare({m: fn(m) for m in MODS})


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_expand(name):
    make = MAKERS[name]

    def fn(t):
        d = make(t)
        e = d.expand((4,) + tuple(d.batch_shape))
        x = e.sample((2,))
        return [tuple(e.batch_shape), tuple(e.event_shape), type(e).__name__, x, e.log_prob(x), t.rand(1)]
    for seed in SEEDS[:2]:
        same_stream(lambda t: [v for v in fn(t) if isinstance(v, (torch.Tensor, glasstorch.Tensor))], seed,
                    exact=False)
    glasstorch.manual_seed(0)
    torch.manual_seed(0)
    assert fn(torch)[:3] == fn(glasstorch)[:3]


def _has_leaves(name):
    """Whether the maker gives the distribution a parameter that requires grad."""
    _LEAVES.clear()
    MAKERS[name](MODS[0], True)
    return bool(_LEAVES)


GRADS = [n for n in MAKERS if n not in ("laplace_scalar", "gumbel_scalar") and _has_leaves(n)]


@pytest.mark.parametrize("name", GRADS)
def test_gradients_of_rsample_and_log_prob(name):
    """Random upstream gradients through rsample (where there is one), log_prob and entropy."""
    make = MAKERS[name]
    grads, outs = {}, {}
    for t in MODS:
        t.manual_seed(5)
        _LEAVES.clear()
        d = make(t, True)
        leaves = list(_LEAVES)
        assert leaves, "the maker gave no parameter that requires grad"
        with t.no_grad():
            x = d.sample((3,))
        terms = [d.log_prob(x)]
        if d.has_rsample:
            terms.append(d.rsample((2,)))
        e = _call(d.entropy)
        if not isinstance(e, tuple) and e.requires_grad:
            terms.append(e)
        rng = np.random.default_rng(0)
        loss = sum((term * t.tensor(rng.standard_normal(term.shape).astype(term.detach().numpy().dtype))).sum()
                   for term in terms)
        loss.backward()
        outs[t] = terms
        grads[t] = [p.grad for p in leaves]
    for a, b in zip(outs[torch], outs[glasstorch]):
        close(a, b)
    for a, b in zip(grads[torch], grads[glasstorch]):
        close(a, b, what="grad")




# ---------------------------------------------------------------------- transforms

def _tr(t):
    tr = D(t).transforms
    return {
        "exp": tr.ExpTransform(), "sigmoid": tr.SigmoidTransform(), "tanh": tr.TanhTransform(),
        "softplus": tr.SoftplusTransform(), "power": tr.PowerTransform(T(t, [2.0, 0.5, 3.0])),
        "affine": tr.AffineTransform(T(t, [1.0, -1.0, 0.0]), T(t, [2.0, -0.5, 3.0])),
        "affine_scalar": tr.AffineTransform(1.0, -2.0), "affine_event": tr.AffineTransform(0.5, T(t, [2.0, 3.0, 1.0]),
                                                                                             event_dim=1),
        "compose": tr.ComposeTransform([tr.AffineTransform(0.0, 2.0), tr.ExpTransform()]),
        "stick": tr.StickBreakingTransform(), "exp_inv": tr.ExpTransform().inv,
        "independent": tr.IndependentTransform(tr.SigmoidTransform(), 1),
        "softmax": tr.SoftmaxTransform(), "abs": tr.AbsTransform(), "lower_cholesky": tr.LowerCholeskyTransform(),
        "positive_definite": tr.PositiveDefiniteTransform(),
    }


@pytest.mark.parametrize("name", sorted(_tr(torch)))
def test_transforms(name):
    x0 = np.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4], [0.2, 0.9, -2.0]], np.float32)

    def fn(t):
        tr = _tr(t)[name]
        x = t.tensor(x0 if name != "power" and name != "exp_inv" else np.abs(x0) + 0.1, requires_grad=True)
        y = tr(x)
        out = [y, repr(tr), tr.bijective, tuple(tr.forward_shape((3, 3))), tuple(tr.inverse_shape((3, 3))),
               tr.domain.event_dim, tr.codomain.event_dim, repr(tr.domain), repr(tr.codomain)]
        if name not in ("abs", "softmax", "lower_cholesky", "positive_definite"):
            ladj = tr.log_abs_det_jacobian(x, y)
            out += [tr.inv(y.detach()), ladj]
            (y.sum() + ladj.sum() * 0.5).backward()
        else:
            if name != "positive_definite":      # its inverse is a float32 Cholesky: LAPACK's rounding
                out.append(tr.inv(y.detach()))
            y.sum().backward()
        return out + [x.grad]
    _compare({m: fn(m) for m in MODS})


def test_transform_cache_and_equality():
    for t in MODS:
        tr = D(t).transforms
        e = tr.ExpTransform(cache_size=1)
        x = t.tensor([0.5, 1.0])
        y = e(x)
        assert e.inv(y) is x and e(x) is y
        assert tr.ExpTransform() == tr.ExpTransform() and tr.ExpTransform().inv == tr.ExpTransform().inv
        assert tr.AffineTransform(1.0, 2.0) == tr.AffineTransform(1.0, 2.0)
        assert tr.AffineTransform(1.0, 2.0) != tr.AffineTransform(1.0, 3.0)
        assert tr.ExpTransform().inv.inv == tr.ExpTransform()
        assert tr.identity_transform(x) is x
    same_error(lambda t: D(t).transforms.ExpTransform(cache_size=2))
    same_error(lambda t: D(t).transforms.StickBreakingTransform().forward_shape(()))
    same_error(lambda t: D(t).transforms.ReshapeTransform((2, 3), (4,)))
    same_error(lambda t: D(t).transforms.ReshapeTransform((2, 3), (6,)).forward_shape((3, 2)))


CONSTRAINTS = {
    "real": lambda c: c.real, "positive": lambda c: c.positive, "nonnegative": lambda c: c.nonnegative,
    "unit_interval": lambda c: c.unit_interval, "interval": lambda c: c.interval(-2.0, 3.0),
    "greater_than": lambda c: c.greater_than(1.5), "less_than": lambda c: c.less_than(-1.0),
    "simplex": lambda c: c.simplex, "real_vector": lambda c: c.real_vector,
    "independent": lambda c: c.independent(c.positive, 1), "half_open": lambda c: c.half_open_interval(0.0, 2.0),
    "lower_cholesky": lambda c: c.lower_cholesky,
}


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
@pytest.mark.parametrize("which", ["biject_to", "transform_to"])
def test_biject_to_and_transform_to(name, which):
    x0 = np.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]], np.float32)
    if name == "lower_cholesky":
        if which == "biject_to":
            return           # torch registers it for transform_to only (checked in the errors test)
        x0 = np.array([[0.3, -1.2], [1.5, 0.1]], np.float32)

    def fn(t):
        c = CONSTRAINTS[name](D(t).constraints)
        tr = getattr(D(t), which)(c)
        x = t.tensor(x0, requires_grad=True)
        y = tr(x)
        out = [y, repr(tr), bool(c.check(y).all())]
        if tr.bijective:
            ladj = tr.log_abs_det_jacobian(x, y)
            out += [tr.inv(y), ladj]
            if ladj.requires_grad:
                ladj.sum().backward()
                out.append(x.grad)
        return out
    _compare({m: fn(m) for m in MODS})


def test_constraint_registry_errors():
    same_error(lambda t: D(t).biject_to(D(t).constraints.lower_cholesky))
    same_error(lambda t: D(t).transform_to(D(t).constraints.boolean))


# ---------------------------------------------------------------------- KL divergence

def _pair(t, kind):
    d, g = D(t), [True]
    a, b = T(t, [0.0, 1.0, -0.5], grad=g[0]), T(t, [1.0, 0.5, 2.0], grad=g[0])
    c, e = T(t, [0.5, 0.0, 1.0]), T(t, [2.0, 1.0, 0.7])
    p01, q01 = T(t, [0.2, 0.5, 0.9], grad=True), T(t, [0.4, 0.3, 0.6])
    return {
        "laplace": (d.Laplace(a, b), d.Laplace(c, e)), "cauchy": (d.Cauchy(a, b), d.Cauchy(c, e)),
        "gumbel": (d.Gumbel(a, b), d.Gumbel(c, e)), "halfnormal": (d.HalfNormal(b), d.HalfNormal(e)),
        "lognormal": (d.LogNormal(a, b), d.LogNormal(c, e)), "poisson": (d.Poisson(b), d.Poisson(e)),
        "geometric": (d.Geometric(p01), d.Geometric(q01)),
        "binomial": (d.Binomial(T(t, [5.0, 6.0, 5.0]), p01), d.Binomial(5, q01)),
        "onehot": (d.OneHotCategorical(p01), d.OneHotCategorical(q01)),
        "laplace_normal": (d.Laplace(a, b), d.Normal(c, e)), "normal_laplace": (d.Normal(a, b), d.Laplace(c, e)),
        "gumbel_normal": (d.Gumbel(a, b), d.Normal(c, e)), "normal_gumbel": (d.Normal(a, b), d.Gumbel(c, e)),
        "exponential_gumbel": (d.Exponential(b), d.Gumbel(c, e)), "uniform_gumbel": (d.Uniform(a, a + b),
                                                                                     d.Gumbel(c, e)),
        "bernoulli_poisson": (d.Bernoulli(p01), d.Poisson(e)), "poisson_bernoulli": (d.Poisson(b), d.Bernoulli(q01)),
        "normal_uniform": (d.Normal(a, b), d.Uniform(c, c + 1)), "laplace_gamma": (d.Laplace(a, b), d.Gamma(e, e)),
        "chi2": (d.Chi2(b), d.Chi2(e)),
        "relaxed": (d.RelaxedBernoulli(T(t, 0.5), p01), d.RelaxedBernoulli(T(t, 0.5), q01)),
    }[kind]


@pytest.mark.parametrize("kind", sorted(["laplace", "cauchy", "gumbel", "halfnormal", "lognormal", "poisson",
                                         "geometric", "binomial", "onehot", "laplace_normal", "normal_laplace",
                                         "gumbel_normal", "normal_gumbel", "exponential_gumbel", "uniform_gumbel",
                                         "bernoulli_poisson", "poisson_bernoulli", "normal_uniform",
                                         "laplace_gamma", "chi2"]))
def test_kl_divergence(kind):
    def fn(t):
        _LEAVES.clear()
        p, q = _pair(t, kind)
        kl = t.distributions.kl_divergence(p, q)
        leaves = list(_LEAVES)
        if kl.requires_grad:
            (kl * t.tensor([0.3, -1.0, 2.0])).sum().backward()
        return [kl] + [x.grad for x in leaves if x.grad is not None]
    _compare({m: fn(m) for m in MODS})


def test_kl_errors_and_register():
    same_error(lambda t: D(t).kl_divergence(*_pair(t, "relaxed")))
    same_error(lambda t: D(t).kl_divergence(D(t).Binomial(2, T(t, [0.5])), D(t).Binomial(5, T(t, [0.5]))))
    same_error(lambda t: D(t).kl_divergence(D(t).Laplace(0.0, 1.0), D(t).Cauchy(0.0, 1.0)))

    for t in MODS:
        class MyLaplace(D(t).Laplace):
            pass

        @D(t).register_kl(MyLaplace, MyLaplace)
        def _kl(p, q):
            return t.tensor(42.0)
        assert D(t).kl_divergence(MyLaplace(0.0, 1.0), MyLaplace(0.0, 2.0)).item() == 42.0
        assert D(t).kl_divergence(MyLaplace(0.0, 1.0), D(t).Laplace(0.0, 2.0)).item() != 42.0


# ---------------------------------------------------------------------- validation errors

ERRORS = [
    lambda t: D(t).Laplace(T(t, [0.0]), T(t, [-1.0])),
    lambda t: D(t).Cauchy(0.0, 0.0),
    lambda t: D(t).LogNormal(T(t, [0.0]), T(t, [0.0])),
    lambda t: D(t).Gumbel(T(t, [float("nan")]), 1.0),
    lambda t: D(t).HalfNormal(T(t, [-1.0])),
    lambda t: D(t).HalfCauchy(T(t, [-1.0])),
    lambda t: D(t).Chi2(T(t, [-1.0])),
    lambda t: D(t).StudentT(T(t, [0.0])),
    lambda t: D(t).Poisson(T(t, [-0.5])),
    lambda t: D(t).Geometric(T(t, [0.0, 0.5])),
    lambda t: D(t).Geometric(T(t, [1.5])),
    lambda t: D(t).Geometric(),
    lambda t: D(t).Binomial(T(t, [2.5]), T(t, [0.5])),
    lambda t: D(t).Binomial(3, T(t, [1.5])),
    lambda t: D(t).Binomial(3),
    lambda t: D(t).Multinomial(T(t, [3.0]), T(t, [0.5, 0.5])),
    lambda t: D(t).Multinomial(3, T(t, [0.5, -0.1])),
    lambda t: D(t).OneHotCategorical(T(t, [0.5, -0.1])),
    lambda t: D(t).RelaxedBernoulli(T(t, 1.0), T(t, [1.5])),
    lambda t: D(t).RelaxedBernoulli(T(t, 1.0)),
    lambda t: D(t).MixtureSameFamily(D(t).Normal(0.0, 1.0), D(t).Normal(T(t, [0.0, 1.0]), 1.0)),
    lambda t: D(t).MixtureSameFamily(D(t).Categorical(T(t, [0.5, 0.5])), "x"),
    lambda t: D(t).MixtureSameFamily(D(t).Categorical(T(t, [0.5, 0.5])), D(t).Normal(T(t, [0.0, 1.0, 2.0]), 1.0)),
    lambda t: D(t).MixtureSameFamily(D(t).Categorical(T(t, [[0.5, 0.5]] * 3)), D(t).Normal(T(t, [[0.0, 1.0]] * 2),
                                                                                           1.0)),
    lambda t: D(t).TransformedDistribution(D(t).Normal(0.0, 1.0), "exp"),
    lambda t: D(t).TransformedDistribution(D(t).Normal(0.0, 1.0), ["exp"]),
    lambda t: D(t).TransformedDistribution(D(t).Normal(0.0, 1.0), D(t).transforms.StickBreakingTransform()),
    lambda t: D(t).HalfNormal(T(t, [1.0])).log_prob(T(t, [-1.0])),
    lambda t: D(t).Poisson(T(t, [1.0])).log_prob(T(t, [0.5])),
    lambda t: D(t).Binomial(3, T(t, [0.5])).log_prob(T(t, [4.0])),
    lambda t: D(t).Multinomial(3, T(t, [0.5, 0.5])).log_prob(T(t, [1.0, 1.0, 1.0])),
    lambda t: D(t).OneHotCategorical(T(t, [0.5, 0.5])).log_prob(T(t, [1.0, 1.0])),
    lambda t: D(t).LogNormal(0.0, 1.0).log_prob(T(t, [-1.0])),
    lambda t: D(t).Laplace(0.0, 1.0).log_prob([0.0]),
    lambda t: D(t).Binomial(T(t, [3.0, 4.0]), T(t, [0.5, 0.5])).entropy(),
    lambda t: D(t).Laplace(T(t, [0.0, 1.0]), 1.0).expand((3,)),
    lambda t: D(t).Poisson(T(t, [1.0])).rsample(),
    lambda t: D(t).HalfCauchy(T(t, [1.0])).mode.sum() + D(t).Geometric(T(t, [0.5])).enumerate_support(),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_validation_errors(k):
    same_error(ERRORS[k])
