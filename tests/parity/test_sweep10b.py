"""Parity for what the sweep10b programs (tests/programs/sweep10b_*.py) exposed: the exponential-family
classes (Normal, Bernoulli, Beta, Dirichlet, Gamma, Exponential) and torch's catch-all KL between two
exponential families, and the cross KL divergences among Beta / Exponential / Gamma / Uniform /
Normal / Gumbel."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import assert_same_array, same_error

# one or two instances of each family, batch of 2, made the same way on both libraries
FAMILIES = {
    "Normal": lambda m: m.distributions.Normal(m.tensor([0.2, -1.0]), m.tensor([1.0, 2.5])),
    "Beta": lambda m: m.distributions.Beta(m.tensor([2.0, 0.7]), m.tensor([3.0, 1.5])),
    "Gamma": lambda m: m.distributions.Gamma(m.tensor([2.0, 0.7]), m.tensor([1.0, 3.0])),
    "Exponential": lambda m: m.distributions.Exponential(m.tensor([0.5, 2.0])),
    "Uniform": lambda m: m.distributions.Uniform(m.tensor([0.1, -1.0]), m.tensor([0.6, 2.0])),
    "Uniform01": lambda m: m.distributions.Uniform(m.tensor([0.1, 0.0]), m.tensor([0.6, 1.0])),
    "UniformPos": lambda m: m.distributions.Uniform(m.tensor([0.1, 2.0]), m.tensor([0.6, 5.0])),
    "Gumbel": lambda m: m.distributions.Gumbel(m.tensor([0.3, -0.5]), m.tensor([1.0, 2.0])),
    "Poisson": lambda m: m.distributions.Poisson(m.tensor([1.0, 3.0])),
    "Bernoulli": lambda m: m.distributions.Bernoulli(m.tensor([0.3, 0.9])),
    "Laplace": lambda m: m.distributions.Laplace(m.tensor([0.0, 1.0]), m.tensor([1.0, 0.5])),
}
CROSS = [(p, q) for p in FAMILIES for q in ("Beta", "Gamma", "Exponential", "Uniform", "Normal", "Gumbel")
         if p in ("Beta", "Gamma", "Exponential", "Uniform", "Uniform01", "UniformPos")]


@pytest.mark.parametrize("p,q", CROSS)
def test_cross_kl(p, q):
    outs = {}
    for m in (torch, glasstorch):
        try:
            outs[m] = m.distributions.kl_divergence(FAMILIES[p](m), FAMILIES[q](m))
        except NotImplementedError as e:
            outs[m] = str(e)
    if isinstance(outs[torch], str):
        assert outs[torch] == outs[glasstorch]
    else:
        assert_same_array(outs[torch], outs[glasstorch], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["Normal", "Bernoulli", "Beta", "Gamma", "Exponential", "Poisson", "Uniform"])
def test_is_exponential_family(name):
    got = [isinstance(FAMILIES[name](m), m.distributions.ExponentialFamily) for m in (torch, glasstorch)]
    assert got[0] == got[1]
    assert issubclass(glasstorch.distributions.Dirichlet, glasstorch.distributions.ExponentialFamily)
    assert issubclass(glasstorch.distributions.Chi2, glasstorch.distributions.ExponentialFamily)


@pytest.mark.parametrize("p,q", [("Beta", "Poisson"), ("Poisson", "Normal"), ("Bernoulli", "Gamma"),
                                 ("Normal", "Bernoulli")])
def test_cross_expfamily_kl_error(p, q):
    same_error(lambda m: m.distributions.kl_divergence(FAMILIES[p](m), FAMILIES[q](m)))


def test_no_kl_error_outside_expfamily():
    same_error(lambda m: m.distributions.kl_divergence(FAMILIES["Laplace"](m), FAMILIES["Poisson"](m)))


def test_sample_n_warning():
    import warnings
    got = []
    for m in (torch, glasstorch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.distributions.Normal(0.0, 1.0).sample_n(2)
        got.append([(x.category.__name__, str(x.message), x.filename == __file__) for x in w])
    assert got[0] == got[1]


# ---- numerics: torch.func.jacfwd's forward-mode signed zeros, autograd.functional names, linalg errors
def test_jacfwd_signed_zeros():
    from ._helpers import same_on_both
    x = np.array([1.0, 2.0, -0.5])
    same_on_both(lambda m, a: m.func.jacfwd(m.sin)(a), [x], grad=False)
    same_on_both(lambda m, a: m.func.jacfwd(lambda t: t.cos() * 2)(a), [x], grad=False)
    same_on_both(lambda m, a: m.func.jacfwd(lambda t, u: t * u, argnums=(0, 1))(a, a + 1), [x], grad=False)
    same_on_both(lambda m, a: m.func.jacfwd(lambda t, u: t * u, argnums=1)(a, a + 1), [x], grad=False)


@pytest.mark.parametrize("fn", ["hvp", "vhp", "hessian"])
def test_functional_scalar_error_names(fn):
    def call(m):
        x = m.tensor([1.0, 2.0])
        f = getattr(m.autograd.functional, fn)
        return f(lambda a: a ** 2, x) if fn == "hessian" else f(lambda a: a ** 2, x, x)
    same_error(call)


LINALG_ERRORS = {
    "cross_ndim": lambda m: m.linalg.cross(m.ones(2, 3), m.ones(3)),
    "cross_len": lambda m: m.linalg.cross(m.ones(2), m.ones(2)),
    "cross_len_dim": lambda m: m.linalg.cross(m.ones(2, 3), m.ones(2, 4), dim=1),
    "svdvals_1d": lambda m: m.linalg.svdvals(m.ones(3)),
    "svd_1d": lambda m: m.linalg.svd(m.ones(3)),
    "svd_driver": lambda m: m.linalg.svd(m.ones(3, 3), driver="gesvd"),
    "matrix_norm_1d": lambda m: m.linalg.matrix_norm(m.ones(3)),
    "matrix_norm_1d_ord2": lambda m: m.linalg.matrix_norm(m.ones(3), ord=2),
    "solve_shapes": lambda m: m.linalg.solve(m.eye(3), m.ones(2)),
    "solve_shapes_batch": lambda m: m.linalg.solve(m.ones(2, 3, 3), m.ones(2, 2)),
    "solve_shapes_right": lambda m: m.linalg.solve(m.eye(3), m.ones(2, 4), left=False),
}


@pytest.mark.parametrize("name", list(LINALG_ERRORS))
def test_linalg_errors(name):
    same_error(LINALG_ERRORS[name])


def test_cross_broadcast_still_works():
    from ._helpers import same_on_both
    # gradients agree to rounding (the summed broadcast gradient's last bit may differ)
    same_on_both(lambda m, a, b: m.linalg.cross(a, b), [np.arange(6.0).reshape(2, 3), np.array([[1.0, -2.0, 0.5]])],
                 grad_rtol=1e-12, grad_atol=1e-12)
    same_on_both(lambda m, a, b: m.cross(a, b, dim=0), [np.arange(6.0).reshape(3, 2), np.ones((3, 2))])


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
def test_ormqr(left, transpose):
    from ._helpers import same_on_both
    rng = np.random.default_rng(1)
    A = rng.standard_normal((5, 3))
    C = rng.standard_normal((5, 2) if left else (2, 5))
    same_on_both(lambda m, a, c: m.ormqr(*m.geqrf(a), c, left=left, transpose=transpose), [A, C],
                 rtol=1e-12, atol=1e-12, grad=False)
    same_on_both(lambda m, a, c: a.ormqr(*m.geqrf(a)[1:], c, left, transpose), [A, C],
                 rtol=1e-12, atol=1e-12, grad=False)
