"""Differences found by the sweep24m spiking-neural-network programs (LIF neurons, surrogate-gradient
Functions, rate / latency encoding, STDP traces, refractory masks).

* ``torch.bernoulli(p)`` / ``Tensor.bernoulli_(p)`` with a probability outside [0, 1] (or NaN): torch
  checks each probability just before drawing for it, so the valid ones ahead of the bad one have
  drawn already when the error comes; glasstorch checked them all first and drew nothing, so every
  later random number differed from torch's.
* ``torch.heaviside`` with shapes that do not broadcast raised NumPy's ValueError instead of torch's
  RuntimeError (its dtype checks still come first, as in torch); with ``out=`` of another dtype (or a
  complex one) torch raises heaviside's own dtype message, not the generic cast error.
* ``gradcheck``'s numerical Jacobian has the output's dtype (torch divides the float32 difference of a
  float32 output, e.g. ``(x > 0).float()`` spikes of a float64 input, by ``2 * eps`` in float32); the
  mismatch message printed it as float64.
* ``gradcheck(fast_mode=True)`` was the slow check under another name: torch compares one random
  projection ``v^T J u`` per pair (its own fresh Generator), and on a mismatch reports the projected
  scalars followed by the slow-mode Jacobians; where the output's dtype is not the input's, that
  report's ``torch.allclose`` raises ``RuntimeError: Double did not match Float`` even with
  ``raise_exception=False`` (glasstorch/autograd/_gradcheck_fast.py).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import MODS, same_error, same_on_both, to_np


def _draws_after(mod, fn):
    mod.manual_seed(3)
    try:
        fn(mod)
    except RuntimeError as e:
        err = str(e)
    else:
        err = None
    return err, to_np(mod.rand(4))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 5), st.sampled_from([1.5, -0.25, float("nan")]),
       st.sampled_from(["float32", "float64"]), st.booleans())
def test_bernoulli_bad_probability_draws_for_the_ones_before(bad_at, bad, dtype, inplace):
    p = np.linspace(0.1, 0.9, 6).astype(dtype)
    p[bad_at] = bad

    def fn(m):
        pt = m.from_numpy(p.copy())
        return m.zeros(6, dtype=pt.dtype).bernoulli_(pt) if inplace else m.bernoulli(pt)
    (e_t, r_t), (e_g, r_g) = (_draws_after(m, fn) for m in MODS)
    assert e_t is not None and e_t == e_g
    np.testing.assert_array_equal(r_t, r_g)


def test_bernoulli_bad_probability_in_a_transposed_tensor():
    p = np.full((3, 4), 0.5, np.float32)
    p[2, 1] = 2.0

    def fn(m):
        return m.zeros(4, 3).t().bernoulli_(m.from_numpy(p.copy()))
    (e_t, r_t), (e_g, r_g) = (_draws_after(m, fn) for m in MODS)
    assert e_t == e_g
    np.testing.assert_array_equal(r_t, r_g)


def test_bernoulli_valid_probabilities_unchanged():
    def fn(m):
        m.manual_seed(0)
        return m.bernoulli(m.linspace(0, 1, 9).view(3, 3)), m.rand(2)
    same_on_both(lambda m: fn(m), [], grad=False)


@pytest.mark.parametrize("shapes", [((3,), (2,)), ((2, 3), (3, 3)), ((4, 1), (3, 2))])
def test_heaviside_broadcast_error(shapes):
    sa, sb = shapes
    same_error(lambda m: m.heaviside(m.zeros(sa), m.ones(sb)))


def test_heaviside_dtype_checks_come_before_shapes():
    same_error(lambda m: m.heaviside(m.rand(3), m.tensor([1, 0])))
    same_error(lambda m: m.heaviside(m.tensor([1j, 0]), m.rand(3)))
    same_error(lambda m: m.zeros(3).heaviside_(m.ones(2)))
    same_error(lambda m: m.zeros(3).heaviside_(m.ones(2, 3)))


@pytest.mark.parametrize("out_dtype", ["int64", "float64", "complex64"])
def test_heaviside_out_dtype(out_dtype):
    same_error(lambda m: m.heaviside(m.tensor([0., -1, 2]), m.tensor(0.5), out=m.empty(3, dtype=getattr(m, out_dtype))))
    same_error(lambda m: m.heaviside(m.tensor([0., -1, 2]), m.tensor([0.5, 1.]),
                                     out=m.empty(3, dtype=getattr(m, out_dtype))))


def test_heaviside_values_and_out():
    x = np.array([[0.0, -1.0, 2.0], [0.0, 3.0, -0.0]], np.float32)
    v = np.array([0.25, 0.5, 0.75], np.float32)
    same_on_both(lambda m, a, b: m.heaviside(a, b), [x, v], grad=False)
    same_on_both(lambda m, a, b: m.heaviside(a, b, out=m.empty(2, 3)), [x, v], grad=False)


def _spike(m):
    class Spike(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return (x > 0).float()

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g / (1 + 10 * x.abs()) ** 2
    return Spike.apply


def test_gradcheck_float32_output_numerical_jacobian():
    def fn(m):
        x = m.tensor([-0.3, 0.4, 1.1], dtype=m.float64, requires_grad=True)
        m.autograd.gradcheck(_spike(m), (x,))
    same_error(fn)

    def smooth(m):
        x = m.tensor([-0.3, 0.4], dtype=m.float64, requires_grad=True)
        m.autograd.gradcheck(lambda x: (x * 3).float() ** 2 + _spike(m)(x) * 0, (x,), atol=1e-9, rtol=1e-9)
    same_error(smooth)
    for m in MODS:
        x = m.tensor([-0.3, 0.4], dtype=m.float64, requires_grad=True)
        assert m.autograd.gradcheck(_spike(m), (x,), raise_exception=False) is False


def test_gradcheck_surrogate_smooth_part():
    # the surrogate's own (smooth) formula passes, in glasstorch's gradcheck too
    x = glasstorch.tensor([-0.7, -0.2, 0.3, 0.9], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda x: x / (1 + 25 * x.abs()), (x,))


def _spike64(m):
    class Spike(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return (x * w > 0).to(x.dtype)

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            s = g / (1 + 10 * (x * w).abs()) ** 2
            return s * w, s * x
    return Spike.apply


def test_gradcheck_fast_mode_mismatch_message():
    def fn(m):
        x = m.tensor([-0.3, 0.4, 1.1], dtype=m.float64, requires_grad=True)
        w = m.tensor([[0.5, -2.0, 1.5]], dtype=m.float64, requires_grad=True)
        m.autograd.gradcheck(_spike64(m), (x, w), fast_mode=True)
    same_error(fn)


def test_gradcheck_fast_mode_float32_output_raises_dtype_error():
    def fn(m, raise_exception):
        x = m.tensor([-0.3, 0.4], dtype=m.float64, requires_grad=True)
        m.autograd.gradcheck(_spike(m), (x,), fast_mode=True, raise_exception=raise_exception)
    same_error(fn, True)
    same_error(fn, False)


def test_gradcheck_fast_mode_results():
    for m in MODS:
        x = m.tensor([-0.3, 0.4, 1.1], dtype=m.float64, requires_grad=True)
        w = m.tensor([0.5, -2.0, 1.5], dtype=m.float64, requires_grad=True)
        assert m.autograd.gradcheck(_spike64(m), (x, w), fast_mode=True, raise_exception=False) is False
        assert m.autograd.gradcheck(lambda a, b: (a * b).sigmoid() * a, (x, w), fast_mode=True) is True
    # fast mode draws from its own generator: the global stream is untouched
    draws = []
    for m in MODS:
        m.manual_seed(0)
        m.autograd.gradcheck(lambda a: a.tanh(), (m.rand(3, dtype=m.float64).requires_grad_(),), fast_mode=True)
        draws.append(to_np(m.rand(3)))
    np.testing.assert_array_equal(*draws)


def test_gradcheck_fast_mode_passes_surrogate_formula():
    x = glasstorch.tensor([-0.7, -0.2, 0.3, 0.9], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda x: x / (1 + 25 * x.abs()), (x,), fast_mode=True)
