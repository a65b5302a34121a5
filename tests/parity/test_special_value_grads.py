"""Gradients at special values (nan, signed zeros, the ends of a domain) as torch's backward kernels give them.

Fixed in glasstorch:
- hardtanh / relu6 / Hardtanh at a nan input: torch's kernel passes the gradient through in its scalar
  loop (it tests ``x <= lo || x >= hi``) and drops it in its vector loop (``lo < x < hi``), so the
  answer depends on where the element lies (blocks of 16 float32 / 8 float64 of each row run as
  vectors); glasstorch gave 0 everywhere.  The same under create_graph.
- logit at x = -0.0 (and 0, 1): torch's kernel returns ``g * inf`` there, +inf for g > 0, where
  ``g / (x (1 - x))`` gave -inf at -0.0.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array


def _grads(fn, x, create_graph=False):
    out = {}
    for m in MODS:
        t = m.from_numpy(x.copy()).requires_grad_()
        g, = m.autograd.grad(fn(m, t * 1 if create_graph else t).sum(), t, create_graph=create_graph)
        out[m] = g
    return out


HARD = {"hardtanh": lambda m, x: m.nn.functional.hardtanh(x),
        "relu6": lambda m, x: m.nn.functional.relu6(x),
        "bounds": lambda m, x: m.nn.functional.hardtanh(x, -2.0, 0.5),
        "module": lambda m, x: m.nn.Hardtanh(0.0, 1.0)(x),
        "inplace": lambda m, x: m.nn.functional.hardtanh(x.clone(), inplace=True)}


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 70), every=st.integers(1, 5), dt=st.sampled_from([np.float32, np.float64]),
       how=st.sampled_from(sorted(HARD)), create_graph=st.booleans(), transposed=st.booleans())
def test_hardtanh_family_at_nan(n, every, dt, how, create_graph, transposed):
    x = np.linspace(-3, 8, n).astype(dt)
    x[::every] = np.nan
    if transposed:
        x = np.ascontiguousarray(np.stack([x, x[::-1]]).T).T     # rows of a column-major block
    got = _grads(HARD[how], x, create_graph)
    assert_same_array(got[torch], got[glasstorch])


@pytest.mark.parametrize("eps", [None, 0.0, 1e-6, 0.3])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_logit_at_the_ends_of_its_domain(eps, dt, sign):
    x = np.array([0.0, -0.0, 1.0, 0.5, np.nan, -0.1, 1.1, 1e-7, 0.3, 0.7, 1e-45], dt)
    got = {}
    for m in MODS:
        t = m.from_numpy(x.copy()).requires_grad_()
        got[m] = m.autograd.grad((m.logit(t, eps) * sign).sum(), t)[0]
    assert_same_array(got[torch], got[glasstorch])


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 60), seed=st.integers(0, 2**31), dt=st.sampled_from([np.float32, np.float64]),
       eps=st.sampled_from([None, 0.0, 0.01]), transposed=st.booleans())
def test_logit_special_values_anywhere(n, seed, dt, eps, transposed):
    """0, -0, 1 and nan at random places: torch's vector loop and its scalar loop answer differently there."""
    rng = np.random.default_rng(seed)
    x = rng.choice(np.array([0.0, -0.0, 1.0, np.nan, 0.25, 0.5, 0.9, -0.5, 1.5]), n).astype(dt)
    if transposed:
        x = np.ascontiguousarray(np.stack([x, x[::-1]]).T).T
    w = rng.choice(np.array([1.0, -1.0, 0.5]), x.shape).astype(dt)
    got = {}
    for m in MODS:
        t = m.from_numpy(x.copy()).requires_grad_()
        got[m] = m.autograd.grad((m.logit(t, eps) * m.from_numpy(w)).sum(), t)[0]
    assert_same_array(got[torch], got[glasstorch])


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_log10_gradient_uses_torchs_ln10_literal(dt):
    """log10's backward divides by x * 2.3025850929940456 (derivatives.yaml's literal), one ulp below
    the double math.log(10.0) returns: at x = 1 the float64 gradients differed (0.43429448190325187)."""
    x = np.concatenate([[1.0, 2.0, 0.5, 10.0, 1e-3, 1e10],
                        np.random.default_rng(0).uniform(0.01, 100, 500)]).astype(dt)
    got = _grads(lambda m, t: m.log10(t), x)
    assert_same_array(got[torch], got[glasstorch])


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("create_graph", [False, True])
def test_remainder_gradient_for_the_divisor_is_floor_division(dt, create_graph):
    """remainder's gradient for ``other`` is ``-g * div(self, other, rounding_mode="floor")``: Python's
    floor division, so 1 // -inf = -1 (the gradient is 1) where floor(1 / -inf) = -0 gave 0."""
    a = np.array([1.0, -1.0, 2.5, 0.0, -0.0, 5.0, -5.0, 7.0, np.nan, 3.0, 1e-30, -4.0], dt)
    b = np.array([-np.inf, np.inf, -np.inf, 2.0, -2.0, 0.0, 3.0, -2.0, 1.0, np.nan, -1.0, np.inf], dt)
    got = {}
    for m in MODS:
        x, y = m.from_numpy(a.copy()).requires_grad_(), m.from_numpy(b.copy()).requires_grad_()
        gx, gy = m.autograd.grad(m.remainder(x * 1, y * 1).sum(), (x, y), create_graph=create_graph)
        got[m] = (gx, gy)
    for u, v in zip(got[torch], got[glasstorch]):
        assert_same_array(u, v)


NANS = {"hardswish": lambda m, x: m.nn.functional.hardswish(x),
        "softshrink": lambda m, x: m.nn.functional.softshrink(x, 0.5),
        "hardshrink": lambda m, x: m.nn.functional.hardshrink(x, 0.5),
        "hardswish_module": lambda m, x: m.nn.Hardswish()(x)}


@settings(max_examples=40, deadline=None)
@given(how=st.sampled_from(sorted(NANS)), n=st.integers(1, 60), every=st.integers(1, 4),
       dt=st.sampled_from([np.float32, np.float64]), create_graph=st.booleans(), transposed=st.booleans())
def test_hardswish_and_shrink_at_nan(how, n, every, dt, create_graph, transposed):
    """A nan input: torch's scalar loop passes g (hardswish, shrinks), its vector loop gives the
    formula's nan (hardswish) or 0 (shrinks); the bounds -3 / 3 and +-lambda as torch."""
    x = np.resize(np.array([-3.0, 3.0, 0.2, -0.7, 0.5, -0.5], dt), n)
    x[::every] = np.nan
    if transposed:
        x = np.ascontiguousarray(np.stack([x, x[::-1]]).T).T
    got = _grads(NANS[how], x, create_graph)
    assert_same_array(got[torch], got[glasstorch])
