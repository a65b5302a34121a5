"""Parity pins for sweep25g (probabilistic graphical models and Bayesian inference programs).

Fixed in glasstorch:
- the random samplers' dtype errors are torch's: ``torch.poisson`` on a non-floating tensor raises
  '"poisson_cpu" not implemented for 'Long'' (was "poisson for dtype int64");
  ``torch._standard_gamma`` and ``torch._sample_dirichlet`` accept float and double only and raise
  '"gamma_cpu"' / '"dirichlet" not implemented for '<ScalarType>'' (Half included; the Dirichlet
  sampler drew samples and then failed in NumPy, and the messages named NumPy dtypes);
- ``torch.binomial`` checks as torch does, in its order: "binomial only supports floating-point
  dtypes for count|prob, got: Long" (ValueError), "Found dtype Double but expected Float",
  '"binomial_cpu" not implemented for 'Half'', then torch's broadcast error; count and prob that
  broadcast to a larger shape than count warn as torch's resized out tensor does;
- ``bernoulli`` on a complex tensor raises torch's '"bernoulli_tensor_cpu_self_"' (tensor p or
  ``torch.bernoulli(x)``) / '"bernoulli_scalar_cpu_"' (float p, after the p range check) errors
  instead of sampling;
- ``kl_divergence`` of two MultivariateNormals of different event shapes raises torch's exact
  message (which keeps the run of spaces of its continued string literal);
- the gradient of ``xlogy(a, b)`` in ``a`` is torch's ``xlogy(g, b)`` zeroed only where a == 0 and
  b <= 0: at a == 0 it was 0 for every b, so ``Dirichlet(c).log_prob(x)`` (and Beta's) lost the
  log(x) term of its gradient wherever a concentration was exactly 1; ``xlogy`` with a Python number
  records torch's ``XlogyBackward1`` (number self) / ``XlogyBackward2`` (number other);
- ``expand`` / ``broadcast_to`` of a 0-dim tensor take the sizes as given, as torch's
  inferExpandGeometry does: a -1 there is "numel: integer multiplication overflow", not the
  "leading, non-existing dimension" error (``Normal(0., 1.).sample((-1,))``).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck
from tests.parity._helpers import same_error, same_on_both, same_outcome

FLOATS = ["float16", "float32", "float64"]
OTHERS = ["int64", "int32", "int16", "int8", "uint8", "bool", "complex64", "complex128"]


def _dt(m, name):
    return getattr(m, name)


@pytest.mark.parametrize("dtype", OTHERS + ["float16"])
@pytest.mark.parametrize("op", ["poisson", "_standard_gamma", "_sample_dirichlet"])
def test_sampler_dtype_errors(op, dtype):
    if dtype == "float16" and op == "poisson":
        same_outcome(lambda m: (m.manual_seed(0), getattr(m, op)(m.ones(4, dtype=m.float16) * 3))[1])
        return
    same_error(lambda m: getattr(m, op)(m.ones(3, dtype=_dt(m, dtype))))


@pytest.mark.parametrize("op", ["poisson", "_standard_gamma", "_sample_dirichlet"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sampler_values_after_failed_call(op, dtype):
    """A refused dtype draws nothing: the next sample is torch's."""
    def fn(m):
        m.manual_seed(3)
        try:
            getattr(m, op)(m.ones(3, dtype=m.int64))
        except NotImplementedError:
            pass
        return getattr(m, op)(m.full((2, 3), 2.5, dtype=_dt(m, dtype)))
    same_outcome(fn)


@pytest.mark.parametrize("a,b", [("float32", "float64"), ("float64", "float32"), ("float32", "int64"),
                                 ("float64", "int64"), ("float16", "float32"), ("float32", "float16"),
                                 ("float16", "float16"), ("int64", "int64"), ("complex64", "complex64"),
                                 ("float32", "bool"), ("int32", "float32"), ("uint8", "float64")])
def test_binomial_dtype_errors(a, b):
    same_error(lambda m: m.binomial(m.ones(2, dtype=_dt(m, a)) * 3, m.ones(2, dtype=_dt(m, b))))


@pytest.mark.parametrize("cs,ps", [((2,), (3,)), ((2, 3), (3, 2)), ((4, 1, 2), (3, 3)), ((2,), (2, 3))])
def test_binomial_broadcast_errors(cs, ps):
    same_error(lambda m: m.binomial(m.ones(cs) * 3, m.ones(ps) * 0.5))


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([((2, 1), (1, 3)), ((2,), (1,)), ((2,), (2, 2)), ((), (3,)), ((3,), ()), ((2, 2), (2, 2))]),
       st.integers(0, 2 ** 31 - 1), st.sampled_from(["float32", "float64"]))
def test_binomial_broadcast_values_and_warning(shapes, seed, dtype):
    cs, ps = shapes
    got = {}
    for m in (torch, glasstorch):
        m.manual_seed(seed)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = m.binomial(m.full(cs, 7.0, dtype=_dt(m, dtype)), m.full(ps, 0.4, dtype=_dt(m, dtype)))
        got[m] = (r.numpy().copy(), str(r.dtype), [str(x.message) for x in w if "resized" in str(x.message)])
    np.testing.assert_array_equal(got[torch][0], got[glasstorch][0])
    assert got[torch][1:] == got[glasstorch][1:]


@pytest.mark.parametrize("fn", [
    lambda m: m.bernoulli(m.ones(2, dtype=m.complex64)),
    lambda m: m.bernoulli(m.ones(2, dtype=m.complex128), 0.5),
    lambda m: m.ones(2, dtype=m.complex64).bernoulli_(0.5),
    lambda m: m.ones(2, dtype=m.complex64).bernoulli_(1.5),
    lambda m: m.ones(2, dtype=m.complex64).bernoulli_(m.ones(2) * 0.5),
    lambda m: m.ones(2, dtype=m.complex64).bernoulli_(m.ones(2, dtype=m.int64)),
    lambda m: m.ones(2, dtype=m.complex64).bernoulli_(m.ones(2, dtype=m.complex64)),
    lambda m: m.ones(2, dtype=m.complex64).bernoulli_(m.ones(2) * 3),
    lambda m: m.ones(2).bernoulli_(m.ones(2, dtype=m.complex64)),
    lambda m: m.bernoulli(m.ones(2, dtype=m.int64)),
    lambda m: m.bernoulli(m.ones(2, dtype=m.bool)),
])
def test_bernoulli_complex_and_integer_errors(fn):
    same_error(fn)


@pytest.mark.parametrize("dtype", ["int64", "bool", "float16", "float64", "uint8"])
def test_bernoulli_real_dtypes_still_sample(dtype):
    def fn(m):
        m.manual_seed(7)
        return m.zeros(6, dtype=_dt(m, dtype)).bernoulli_(m.full((6,), 0.5)), \
            m.zeros(5, dtype=_dt(m, dtype)).bernoulli_(0.3)
    same_outcome(fn)


@pytest.mark.parametrize("n,k", [(2, 3), (3, 2), (1, 4)])
def test_kl_mvn_event_shape_error(n, k):
    D = lambda m, d: m.distributions.MultivariateNormal(m.zeros(d), m.eye(d))
    same_error(lambda m: m.distributions.kl_divergence(D(m, n), D(m, k)))


def test_kl_mvn_same_shape_values():
    def fn(m):
        p = m.distributions.MultivariateNormal(m.zeros(2), m.tensor([[2.0, 0.3], [0.3, 1.0]]))
        q = m.distributions.MultivariateNormal(m.ones(2), m.eye(2) * 1.5)
        return m.distributions.kl_divergence(p, q)
    same_outcome(fn, rtol=1e-6)


def test_distribution_sampling_with_refused_dtypes():
    """The distributions that call these samplers: a Long rate is refused by Poisson.sample."""
    same_error(lambda m: m.distributions.Poisson(m.tensor([1, 2])).sample())
    same_outcome(lambda m: (m.manual_seed(0), m.distributions.Poisson(m.tensor([1.0, 3.0])).sample((3,)))[1])
    same_outcome(lambda m: (m.manual_seed(1), m.distributions.Binomial(10, probs=m.tensor([0.2, 0.7]))
                            .sample((2,)))[1])


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([(), (1,), (3,), (2, 1), (1, 0)]),
       st.lists(st.sampled_from([-2, -1, 0, 1, 2, 3]), min_size=0, max_size=3),
       st.sampled_from(["expand", "broadcast_to"]))
def test_expand_negative_sizes(shape, sizes, how):
    """A 0-dim tensor takes expand's sizes as given (a -1 is a negative size, numel overflows);
    a tensor with dims treats -1 as 'keep', refused in a new leading dim."""
    def fn(m):
        x = m.zeros(shape, requires_grad=True)
        return x.expand(*sizes) if how == "expand" else m.broadcast_to(x, tuple(sizes))
    same_outcome(fn)


def test_sample_with_negative_shape():
    same_error(lambda m: m.distributions.Normal(0.0, 1.0).sample((-1,)))
    same_error(lambda m: m.distributions.Normal(m.zeros(2), 1.0).sample((-1,)))


SPECIAL = [0.0, -0.0, 1.0, 2.5, -1.0, 0.5, float("nan"), float("inf"), 1e-30]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SPECIAL), min_size=1, max_size=6).flatmap(
    lambda a: st.tuples(st.just(a), st.lists(st.sampled_from(SPECIAL), min_size=len(a), max_size=len(a)))),
    st.sampled_from(["float32", "float64"]))
def test_xlogy_gradient_at_zero_self(xy, dtype):
    """d/da xlogy(a, b) is xlogy(g, b), zeroed only where a == 0 and b <= 0 (torch's formula)."""
    a, b = (np.array(v, dtype=dtype) for v in xy)
    # (a tiny rtol: the sign bit of log(-1)'s NaN is libm's business, not compared)
    for fn in (lambda m, x, y: m.xlogy(x, y), lambda m, x, y: x.xlogy(y), lambda m, x, y: m.special.xlogy(x, y),
               lambda m, x, y: m.special.xlog1py(x, y)):
        same_on_both(fn, [a, b], rtol=1e-12, grad_rtol=1e-12, grad_atol=0.0)


@pytest.mark.parametrize("fn", [
    lambda m, x, y: m.xlogy(x, 2.0),
    lambda m, x, y: m.xlogy(0.0, y),
    lambda m, x, y: m.xlogy(x, y * 0),
    lambda m, x, y: (x * 1).xlogy_(y),
    lambda m, x, y: (x * 1).xlogy_(0.5),
    lambda m, x, y: m.special.xlogy(x, 3),
    lambda m, x, y: m.special.xlogy(1.5, y),
    lambda m, x, y: x.xlogy(y[0]),
])
def test_xlogy_forms_gradients(fn):
    same_on_both(fn, [np.array([0.0, 1.0, 0.0, 2.0]), np.array([0.3, 0.0, 0.0, 1.5])])


def test_xlogy_gradgradcheck():
    a = glasstorch.tensor([0.0, 1.5, 0.0, 2.0], dtype=glasstorch.float64, requires_grad=True)
    b = glasstorch.tensor([0.3, 0.7, 1.2, 1.5], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(glasstorch.xlogy, (a, b))
    assert gradgradcheck(glasstorch.xlogy, (a, b))


@pytest.mark.parametrize("conc", [[2.0, 1.0, 0.5], [1.0, 1.0, 1.0], [1.0, 3.0]])
def test_dirichlet_log_prob_gradient_at_unit_concentration(conc):
    value = np.array(conc) / np.sum(conc) * 0.5 + 0.5 / len(conc)
    same_on_both(lambda m, c, v: m.distributions.Dirichlet(c).log_prob(v),
                 [np.array(conc, dtype=np.float32), value.astype(np.float32)], rtol=1e-6, atol=1e-6)
    same_on_both(lambda m, c: m.distributions.Beta(c[0], c[-1]).log_prob(m.tensor([0.25, 0.6])),
                 [np.array(conc, dtype=np.float32)], rtol=1e-6, atol=1e-6)
