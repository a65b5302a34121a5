"""Parity pins for sweep27d (anomaly detection, uncertainty estimation and active learning programs),
continued from test_sweep27d.py.

Fixed in glasstorch:
- ``torch.histc`` takes its ``bins`` as torch's parser takes an int (a float or a bool is the parser's
  TypeError, not Python's "'float' object cannot be interpreted as an integer"), and a non-number
  min / max is the parser's error too (ops/_histc.py);
- a ``generator=`` that is not a Generator is torch's parser error ("multinomial(): argument
  'generator' must be torch.Generator, not int", or the "invalid combination" listing where the
  function has overloads) for the random functions and the random Tensor methods, whose parser
  signatures are now harvested (glasstorch/_signatures_random.py, merged in _arg_refuse.py;
  _tensor_random.generator_of refuses through them), for randint / randint_like before they
  rearrange their arguments, random_split (torch's randperm message) and nn.init's initialisers
  (the message of the Tensor method torch's initialiser calls) (_random_api.py, nn/init.py);
- ``nn.init.sparse_`` draws the zeroed rows from the default generator (torch calls
  ``torch.randperm(rows)`` without the generator it was given), no longer from ``generator``
  (nn/init.py);
- ``trapezoid`` / ``cumulative_trapezoid`` with sample points multiply (y_l + y_r) * dx as torch
  does: the graph's MulBackward0 has AddBackward0 first, and a shape clash names the operands
  as torch ("size of tensor a (3) must match the size of tensor b (2)") (ops/stats.py);
- the gradient of ``special.gammainc`` / ``igamma`` / ``igammac`` in x takes log Gamma(a) in a's own
  dtype, as torch's formula runs on the unpromoted saved ``a``: a float32 ``a`` with a float64 ``x``
  (``Chi2(3.0).cdf(x64)``) no longer differs by a float32 rounding (ops/special_more.py).
"""
import numpy as np
import pytest
import torch

import glasstorch
from tests.parity._helpers import same_error, same_on_both, same_outcome


HISTC_CALLS = [
    "t.histc(x, bins=2.5)", "t.histc(x, 2.0)", "x.histc(bins=2.5)", "x.histc(True)", "t.histc(x, bins=np.int64(3))",
    "t.histc(x, bins=t.tensor(3))", "t.histc(x, bins=t.tensor([3]))", "t.histc(x, bins='3')", "t.histc(x, 3, min='a')",
    "t.histc(x, 3, max=None)", "t.histc(x, 3, min=True, max=2)", "t.histc(x, 3, min=np.float32(0.5))",
    "x.histc(3, 0, [2])", "t.histc([1.], 3)", "t.histc(x, 3, min=t.tensor(0.5), max=3)",
]


@pytest.mark.parametrize("call", HISTC_CALLS)
def test_histc_argument_types(call):
    same_outcome(lambda m: eval(call, {"t": m, "np": np, "x": m.tensor([1.0, 2.0, 0.7])}))


TRAPEZOID_CALLS = [
    "t.trapezoid(t.randn(3, 4), t.randn(3, 3), dim=1)", "t.cumulative_trapezoid(t.randn(3, 4), t.randn(3, 3), dim=1)",
    "t.trapezoid(t.randn(3, 4), t.randn(3, 1), dim=1)", "t.trapezoid(t.randn(2, 3, 4), t.randn(3, 3), dim=2)",
    "t.cumulative_trapezoid(t.randn(2, 3, 4), t.randn(3, 3), dim=2)", "t.trapezoid(t.randn(3, 4), t.randn(2, 4), dim=0)",
]


@pytest.mark.parametrize("call", TRAPEZOID_CALLS)
def test_trapezoid_multiplies_in_torchs_operand_order(call):
    def fn(m):
        m.manual_seed(0)
        return eval(call, {"t": m})
    same_outcome(fn, rtol=1e-6, atol=1e-6)


def _names(fn, depth=3):
    if fn is None or depth == 0:
        return None if fn is None else type(fn).__name__
    return type(fn).__name__, [_names(f, depth - 1) for f, _ in fn.next_functions]


@pytest.mark.parametrize("name", ["trapezoid", "cumulative_trapezoid"])
def test_trapezoid_graph_is_torchs(name):
    y = np.random.default_rng(0).standard_normal((3, 4))
    x = np.cumsum(np.random.default_rng(1).random(4))
    outs = same_on_both(lambda m, y, x: getattr(m, name)(y, x), [y, x], rtol=1e-12, atol=1e-12)
    assert _names(outs[torch][0].grad_fn) == _names(outs[glasstorch][0].grad_fn)


# --- generator= that is not a Generator -----------------------------------------------------------

GENERATOR_CALLS = [
    "t.rand(2, generator=g)", "t.randn(2, generator=g)", "t.randperm(3, generator=g)",
    "t.bernoulli(t.ones(2), generator=g)", "t.normal(0., 1., (2,), generator=g)",
    "t.normal(t.zeros(2), 1., generator=g)", "t.randint(3, (2,), generator=g)", "t.randint(1, 3, (2,), generator=g)",
    "t.poisson(t.ones(2), generator=g)", "t.multinomial(t.ones(2), 1, generator=g)",
    "t.randint_like(t.ones(2), 3, generator=g)", "t.randint_like(t.ones(2), 1, 3, generator=g)",
    "t.rand_like(t.ones(2), generator=g)", "t.randn_like(t.ones(2), generator=g)",
    "t.binomial(t.ones(2), t.ones(2) * 0.5, generator=g)",
    "t.zeros(2).uniform_(generator=g)", "t.zeros(2).normal_(generator=g)", "t.zeros(2).exponential_(generator=g)",
    "t.zeros(2).bernoulli_(0.5, generator=g)", "t.zeros(2).random_(generator=g)", "t.zeros(2).random_(5, generator=g)",
    "t.zeros(2).geometric_(0.5, generator=g)", "t.zeros(2).log_normal_(generator=g)", "t.zeros(2).cauchy_(generator=g)",
    "t.ones(2).bernoulli(generator=g)", "t.ones(2).multinomial(1, generator=g)",
    "t.nn.init.normal_(t.zeros(2), generator=g)", "t.nn.init.uniform_(t.zeros(2), generator=g)",
    "t.nn.init.trunc_normal_(t.zeros(2), generator=g)", "t.nn.init.trunc_normal_(t.zeros(2), 5., 1., generator=g)",
    "t.nn.init.xavier_uniform_(t.zeros(2, 2), generator=g)",
    "t.nn.init.kaiming_normal_(t.zeros(2, 2), generator=g)", "t.nn.init.orthogonal_(t.zeros(2, 2), generator=g)",
    "t.nn.init.orthogonal_(t.zeros(2), generator=g)", "t.nn.init.sparse_(t.zeros(2, 2), 0.5, generator=g)",
    "t.utils.data.random_split(range(4), [2, 2], generator=g)",
    "t.utils.data.random_split(range(4), [0.5, 0.5], generator=g)",
]


@pytest.mark.parametrize("g", ["5", "'seed'", "np.random.default_rng(0)"])
@pytest.mark.parametrize("call", GENERATOR_CALLS)
def test_a_generator_that_is_not_one_is_the_parsers_error(call, g):
    same_error(lambda m: eval(call, {"t": m, "np": np, "g": eval(g, {"np": np})}))


@pytest.mark.parametrize("call", GENERATOR_CALLS[:8] + GENERATOR_CALLS[10:12] + GENERATOR_CALLS[-4:])
def test_a_real_generator_still_draws_as_torch(call):
    def fn(m):
        m.manual_seed(3)            # (sparse_ draws its zeros from the default generator, as torch)
        out = eval(call, {"t": m, "g": m.Generator().manual_seed(7)})
        return out if isinstance(out, m.Tensor) else m.tensor([i for sub in out for i in sub.indices])
    same_outcome(fn)


# --- igamma's gradient with a float32 a ------------------------------------------------------------

A32 = [0.7, 3.3, 2.5, 4.0, 0.3, 6.5, 10.0]      # where float32 lgamma agrees with torch's bit for bit


@pytest.mark.parametrize("fn", ["gammainc", "gammaincc"])
def test_igamma_gradient_takes_lgamma_in_a_s_dtype(fn):
    # (float64 exp and log may differ in the last bit; a float64 lgamma(a) was off by ~4e-9)
    x = np.array([0.4, 2.0, 1.1, 5.5, 0.01, 3.0, 12.0])
    tol = dict(rtol=1e-14, atol=1e-300, grad_rtol=1e-14, grad_atol=1e-300)
    same_on_both(lambda m, x: getattr(m.special, fn)(m.tensor(A32), x), [x], **tol)
    same_on_both(lambda m, x: getattr(m.special, fn)(m.tensor(A32, dtype=m.float64), x), [x], **tol)
    same_on_both(lambda m, x: m.igamma(m.tensor(A32), x) * 2 + m.igammac(m.tensor(A32), x), [x], **tol)


def test_chi2_cdf_gradient_in_float64():
    x = np.array([0.4, 2.0, 1.1, 5.5, 0.01, 3.0, 12.0])
    tol = dict(rtol=1e-14, atol=1e-300, grad_rtol=1e-14, grad_atol=1e-300)
    same_on_both(lambda m, v: m.distributions.Chi2(m.tensor(5.0)).cdf(v), [x], **tol)
    same_on_both(lambda m, v: m.distributions.Gamma(m.tensor(2.5), m.tensor(0.5)).cdf(v), [x], **tol)


def test_igamma_gradient_gradcheck():
    a = glasstorch.tensor(A32, dtype=glasstorch.float64)
    x = glasstorch.tensor([0.4, 2.0, 1.1, 5.5, 0.01, 3.0, 12.0], dtype=glasstorch.float64, requires_grad=True)
    assert glasstorch.autograd.gradcheck(lambda v: glasstorch.special.gammainc(a, v), (x,))
