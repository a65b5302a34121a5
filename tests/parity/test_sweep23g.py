"""Differences found by the sweep23g probabilistic-forecasting / survival-analysis programs
(distributional heads with softplus scales, CRPS and intervals from ndtr / erf / icdf, Cox partial
likelihood, Kaplan-Meier, Weibull AFT).

* ``torch.special.ndtri`` is Cephes' ndtri evaluated in the input's precision (float32 arithmetic for
  float32, multiply-adds fused as in torch's AVX2 build, the tails' log / sqrt in double): glasstorch
  used a float64 Acklam + Newton inversion rounded once, off by up to a few float32 ulps (and the last
  bit in float64) -- and its gradient, sqrt(2 pi) exp(y^2 / 2), inherited the difference.  Now bit for bit.
* ``torch.special.log_ndtr`` for x >= -1 is log1p(-erfc(x * (1/sqrt 2)) / 2) with the C library's
  erfc / log1p (erfcf / log1pf for float32): glasstorch divided by sqrt(2) and used its own erfc, so
  float64 differed in the last bit in most elements.  Now bit for bit there.  Below -1 torch uses the
  Faddeeva erfcx table, which glasstorch does not carry: compared to 2 ulps (rtol below).
* ``F.softplus``'s gradient is torch's g z / (z + 1) with z = exp(beta x), not g sigmoid(beta x):
  different rounding in about half the elements.  The remaining differences come from torch's
  vectorised (SLEEF) exp, which glasstorch does not emulate on this hot path: the test asks for the
  same bits in at least 85% of elements (the old formula matched about 50%) and 2 ulps everywhere.
* ``ndtri``, ``log_ndtr`` and ``erfcx`` raise torch's NotImplementedError for float16 (no Half kernel).
* ``torch.logcumsumexp`` over a few rows (a Cox partial likelihood scans one 1-d risk set, forward and
  twice in backward) ran NumPy calls per element: ~5 ms for 200 elements.  Few rows now scan with
  Python floats and the C library's exp / log1p (torch's double accumulator), same bits, ~60x faster.
"""
import numpy as np
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import assert_same_array, same_error, same_on_both


# ---- ndtri --------------------------------------------------------------------------------------------
_EDGES = [0.0, 1.0, 0.5, 0.13533528, 0.8646647, 1e-30, 1e-12, 1 - 1e-7, 0.975, 0.025, -0.1, 1.1, np.nan]


def test_ndtri_float32_and_float64_bits():
    rng = np.random.default_rng(0)
    for dt in (np.float32, np.float64):
        tiny = 10.0 ** -rng.uniform(0, 37 if dt == np.float32 else 300, 400)
        p = np.concatenate([rng.random(2000), rng.random(500) ** 8, 1 - rng.random(500) ** 8, tiny, _EDGES])
        same_on_both(lambda t, x: t.special.ndtri(x), [p.astype(dt)], grad=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1, width=32), min_size=1, max_size=16), st.sampled_from([np.float32, np.float64]))
def test_ndtri_hypothesis(values, dt):
    same_on_both(lambda t, x: t.special.ndtri(x), [np.array(values, dt)], grad=False)


def test_ndtri_gradient_and_dtypes():
    p = np.array([0.01, 0.3, 0.9, 0.5], np.float32)
    # the values bit for bit; the gradient sqrt(2 pi) exp(y^2 / 2) through torch's exp: 2 ulps
    same_on_both(lambda t, x: t.special.ndtri(x) * 2, [p], grad_rtol=2.5e-7)
    same_on_both(lambda t, x: t.special.ndtri(x), [p.astype(np.float64)], grad_rtol=5e-16)
    same_on_both(lambda t: t.special.ndtri(t.tensor([0, 1, 2])), [], grad=False)        # int -> float32
    same_on_both(lambda t: t.special.ndtri(t.tensor(0.2, dtype=t.float64)), [], grad=False)
    for fn in ("ndtri", "log_ndtr", "erfcx"):          # no float16 kernel in torch
        same_error(lambda t: getattr(t.special, fn)(t.tensor([0.2], dtype=t.float16)))


def test_ndtri_gradcheck():
    p = glasstorch.tensor([0.02, 0.3, 0.7, 0.95], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(glasstorch.special.ndtri, (p,))


# ---- log_ndtr -----------------------------------------------------------------------------------------
def test_log_ndtr_upper_branch_bits():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(-1, 10, 3000), [-1.0, 0.0, 2.0, 8.0, 40.0, np.inf, np.nan]])
    for dt in (np.float32, np.float64):
        same_on_both(lambda t, v: t.special.log_ndtr(v), [x.astype(dt)], grad=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1, 30, width=32), min_size=1, max_size=12), st.sampled_from([np.float32, np.float64]))
def test_log_ndtr_hypothesis(values, dt):
    same_on_both(lambda t, v: t.special.log_ndtr(v), [np.array(values, dt)], grad=False)


def test_log_ndtr_lower_branch_close_and_gradient():
    x = np.array([-40.0, -8.0, -3.5, -1.5, -1.0, 0.3, 2.0], np.float64)
    # below -1 torch's Faddeeva erfcx: 2 ulps; the gradient exp(-(y + x^2 / 2)) cancels y against
    # x^2 / 2 (about 800 at x = -40), so that ulp grows to ~1e-13 relative there
    same_on_both(lambda t, v: t.special.log_ndtr(v), [x], rtol=5e-16, grad_rtol=1e-12)
    same_on_both(lambda t, v: t.special.log_ndtr(v), [x.astype(np.float32)], rtol=2.5e-7, grad_rtol=1e-4)
    v = glasstorch.tensor([-6.0, -1.2, 0.1, 3.0], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(glasstorch.special.log_ndtr, (v,))


# ---- softplus gradient --------------------------------------------------------------------------------
def _softplus_grads(mod, x, up, beta, threshold):
    xt = mod.from_numpy(x.copy()).requires_grad_(True)
    mod.nn.functional.softplus(xt, beta=beta, threshold=threshold).backward(mod.from_numpy(up.copy()))
    return xt.grad.numpy()


def test_softplus_backward_formula():
    rng = np.random.default_rng(2)
    for dt in (np.float32, np.float64):
        x = (rng.standard_normal(2000) * 5).astype(dt)
        up = rng.standard_normal(2000).astype(dt)
        for beta, threshold in ((1.0, 20.0), (2.0, 5.0), (0.5, 20.0)):
            g_t = _softplus_grads(torch, x, up, beta, threshold)
            g_g = _softplus_grads(glasstorch, x, up, beta, threshold)
            assert (g_t == g_g).mean() >= 0.85, (dt, beta, (g_t == g_g).mean())
            np.testing.assert_allclose(g_g, g_t, rtol=2.5e-7 if dt == np.float32 else 5e-16, atol=1e-30)
            # beyond the threshold the gradient is the upstream gradient itself, bit for bit
            big = x * beta > threshold
            assert_same_array(g_t[big], g_g[big])


def test_softplus_backward_half_and_double_backward():
    x = np.array([-3.0, 0.5, 30.0, 25.0], np.float16)
    same_on_both(lambda t, v: t.nn.functional.softplus(v), [x])
    xd = np.array([-3.0, 0.0, 0.5, 6.0], np.float64)
    same_on_both(lambda t, v: t.autograd.grad(t.nn.functional.softplus(v, beta=2.0, threshold=5.0).sum(), v,
                                              create_graph=True)[0].sum(), [xd], rtol=1e-15)


def test_softplus_gradcheck():
    v = glasstorch.tensor([-4.0, -0.3, 0.0, 1.7, 9.0], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda a: glasstorch.nn.functional.softplus(a, beta=2.0, threshold=5.0), (v,))
    assert gradcheck(glasstorch.nn.functional.softplus, (v,))


# ---- logcumsumexp: the scalar scan gives torch's bits ----------------------------------------------------
def test_logcumsumexp_rows_bits_and_specials():
    rng = np.random.default_rng(3)
    for dt in (np.float32, np.float64):
        x = (rng.standard_normal(3000) * rng.choice([0.1, 1.0, 10.0, 100.0], 3000)).astype(dt)
        same_on_both(lambda t, v: t.logcumsumexp(v, 0), [x], grad=False)
        for shape, dim in (((3, 50), 1), ((50, 3), 0), ((2, 0, 3), 2), ((40, 7), 1), ((4, 5, 6), -2)):
            same_on_both(lambda t, v: t.logcumsumexp(v, dim), [rng.standard_normal(shape).astype(dt) * 4], grad=False)
        special = np.array([np.nan, 1, -np.inf, np.inf, 2, np.inf, np.nan, 3], dt)
        for y in (special, special[1:], special[2:], np.array([-np.inf, -np.inf, 1], dt),
                  np.array([np.inf, np.inf, -np.inf], dt), np.array([1, np.nan, 2], dt)):
            same_on_both(lambda t, v: t.logcumsumexp(v, 0), [y], grad=False)


def test_cox_partial_likelihood_graph():
    rng = np.random.default_rng(4)
    risk, time = rng.standard_normal(60), rng.exponential(size=60)
    event = (rng.random(60) < 0.6).astype(np.float64)

    def cox(t, h, d, e):
        order = t.argsort(d, descending=True)
        h, e = h[order], e[order]
        return -(h - t.logcumsumexp(h, dim=0)).mul(e).sum() / e.sum()
    same_on_both(cox, [risk.astype(np.float32), time.astype(np.float32), event.astype(np.float32)],
                 grad_rtol=1e-6, grad_atol=1e-7)
    h = glasstorch.tensor(risk[:12], requires_grad=True)
    assert gradcheck(lambda v: glasstorch.logcumsumexp(v, 0), (h,))
