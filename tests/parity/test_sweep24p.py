"""Parity pins for sweep24p (stochastic processes and Monte Carlo finance programs).

Fixed in glasstorch:
- the double backward of the piecewise-linear activations (relu, threshold, leaky_relu, hardtanh,
  relu6, hardshrink, softshrink, rrelu, their in-place forms): under create_graph their gradient
  now hangs from torch's ``<Op>BackwardBackward0`` node (relu: ``ThresholdBackwardBackward0``) with
  edges to g and to the saved input (relu: its result), so it requires grad even when g does not:
  the pathwise gamma of a relu payoff is a zero tensor instead of "element 0 of tensors does not
  require grad" (nn/_ops/mask_double.py);
- ``nn.Linear``'s gradients under create_graph have torch's graph: the input's takes
  ``weight.t()`` (TBackward0, not PermuteBackward0), the weight's is (g.t() @ x).t() (TBackward0
  over MmBackward0), as torch's addmm formulas for a transposed mat2;
- ``Tensor.sum_to_size`` (which the engine uses to un-broadcast gradients under create_graph) is
  torch's sum_to: one keepdim sum over all reduced axes, then a view (ViewBackward0) when leading
  axes go, and torch's "size {[..]} is not expandable to size {[..]}." error.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck
from tests.parity._helpers import same_on_both, same_outcome, same_result_or_error

ACTS = {
    "relu": lambda m, x: m.relu(x),
    "relu_": lambda m, x: m.relu_(x * 1),
    "F.relu_inplace": lambda m, x: m.nn.functional.relu(x * 1, inplace=True),
    "ReLU": lambda m, x: m.nn.ReLU()(x),
    "leaky_relu": lambda m, x: m.nn.functional.leaky_relu(x, 0.1),
    "leaky_relu_": lambda m, x: m.nn.functional.leaky_relu_(x * 1, 0.2),
    "hardtanh": lambda m, x: m.nn.functional.hardtanh(x, -0.5, 1.0),
    "hardtanh_": lambda m, x: m.nn.functional.hardtanh_(x * 1),
    "relu6": lambda m, x: m.nn.functional.relu6(x),
    "threshold": lambda m, x: m.nn.functional.threshold(x, 0.1, 2.0),
    "threshold_": lambda m, x: m.nn.functional.threshold_(x * 1, 0.1, 2.0),
    "hardshrink": lambda m, x: m.nn.functional.hardshrink(x),
    "softshrink": lambda m, x: m.nn.functional.softshrink(x, 0.3),
    "rrelu_eval": lambda m, x: m.nn.functional.rrelu(x),
    "rrelu_": lambda m, x: m.nn.functional.rrelu_(x * 1),
}
X = np.array([-1.0, 0.3, 2.0, 0.7, -0.2, 6.5])
V = np.array([0.5, -2.0, 1.5, 3.0, -1.0, 0.25])


def _names(fn, depth=2):
    if fn is None:
        return None
    if depth == 0:
        return type(fn).__name__
    return type(fn).__name__, [None if f is None else _names(f, depth - 1) for f, _ in fn.next_functions]


@pytest.mark.parametrize("name", sorted(ACTS))
def test_create_graph_gradient_is_differentiable(name):
    act = ACTS[name]

    def fn(m, x, v):
        g, = m.autograd.grad(act(m, x), x, v, create_graph=True)
        return g, _names(g.grad_fn, 1)      # (deeper, torch's in-place forms save a CloneBackward0)
    same_on_both(fn, [X, V])            # values, grad_fn, and d(u . g)/dx, d(u . g)/dv


@pytest.mark.parametrize("name", sorted(ACTS))
def test_second_derivative_without_graph_on_g(name):
    act = ACTS[name]

    def fn(m):
        x = m.tensor([-1.0, 0.3, 2.0, -0.2], dtype=m.float32, requires_grad=True)
        g, = m.autograd.grad(act(m, x).sum(), x, create_graph=True)
        h, = m.autograd.grad(g.sum(), x)
        return g, h, g.requires_grad, _names(g.grad_fn, 1)
    same_outcome(fn)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(-3, 3, allow_nan=False).filter(lambda v: abs(v) > 1e-3), min_size=1, max_size=6),
       st.sampled_from(sorted(ACTS)))
def test_double_backward_hypothesis(xs, name):
    act = ACTS[name]
    x = np.array(xs)
    v = np.linspace(-1.0, 2.0, len(xs))

    def fn(m, x, v):
        g, = m.autograd.grad(act(m, x), x, v, create_graph=True)
        return g * g
    same_on_both(fn, [x, v])


def test_pathwise_gamma_of_call_payoff_is_zero():
    def fn(m):
        gen = m.Generator().manual_seed(3)
        z = m.randn(2000, generator=gen, dtype=m.float64)
        s0 = m.tensor(100.0, dtype=m.float64, requires_grad=True)
        st_ = s0 * m.exp(-0.02 + 0.2 * z)
        price = m.relu(st_ - 100.0).mean()
        delta, = m.autograd.grad(price, s0, create_graph=True)
        gamma, = m.autograd.grad(delta, s0)
        return delta.detach(), gamma, _names(delta.grad_fn, 3)
    same_outcome(fn)


def test_relu_network_hessian():
    def fn(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(2, 4), m.nn.ReLU(), m.nn.Linear(4, 1)).double()
        x = m.tensor([[0.3, -0.2], [1.0, 0.5]], dtype=m.float64, requires_grad=True)
        g, = m.autograd.grad(net(x).sum(), x, create_graph=True)
        h = m.autograd.functional.hessian(lambda z: m.relu(z).pow(3).sum(), m.tensor([0.5, -1.0], dtype=m.float64))
        return g.detach(), m.autograd.grad(g.sum(), x)[0], _names(g.grad_fn), h
    same_outcome(fn)


def test_linear_input_grad_takes_weight_t():
    def fn(m):
        m.manual_seed(1)
        lin = m.nn.Linear(3, 2).double()
        x = m.randn(4, 3, dtype=m.float64, requires_grad=True)
        gx, gw, gb = m.autograd.grad(m.tanh(lin(x)).sum(), (x, lin.weight, lin.bias), create_graph=True)
        hx, hw = m.autograd.grad(gx.pow(2).sum() + gw.pow(2).sum() + gb.sum(), (x, lin.weight))
        return gx, gw, gb, _names(gx.grad_fn, 3), _names(gw.grad_fn, 3), _names(gb.grad_fn, 3), hx, hw
    same_outcome(fn, rtol=1e-12, atol=1e-14)


GT = glasstorch
F = GT.nn.functional
GRADCHECK = {
    "relu": lambda x: GT.relu(x), "leaky_relu": lambda x: F.leaky_relu(x, 0.1),
    "hardtanh": lambda x: F.hardtanh(x, -0.5, 1.0), "threshold": lambda x: F.threshold(x, 0.1, 2.0),
    "hardshrink": lambda x: F.hardshrink(x), "softshrink": lambda x: F.softshrink(x, 0.3),
    "rrelu_eval": lambda x: F.rrelu(x), "relu6": lambda x: F.relu6(x),
}
XG = np.array([-1.3, 0.45, 2.2, 0.7, -0.8, 6.6])          # away from every kink


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_gradcheck_and_gradgradcheck(name):
    x = GT.tensor(XG, dtype=GT.float64, requires_grad=True)
    assert gradcheck(GRADCHECK[name], (x,))
    assert gradgradcheck(GRADCHECK[name], (x,))


def test_gradgradcheck_linear_relu():
    GT.manual_seed(0)
    lin = GT.nn.Linear(3, 2).double()
    x = GT.tensor(np.array([[0.3, -1.2, 0.8], [1.1, 0.4, -0.6]]), dtype=GT.float64, requires_grad=True)
    assert gradgradcheck(lambda x, w: GT.tanh(F.linear(GT.relu(x), w, lin.bias)), (x, lin.weight.detach().requires_grad_()))


@pytest.mark.parametrize("shape,size", [((4, 3), (3,)), ((4, 3), (1, 3)), ((2, 4, 3), (4, 1)), ((4, 3), (4, 3)),
                                        ((2, 1, 3), (1, 3)), ((4, 3), ()), ((4, 3), (2,)), ((4, 3), (1, 4, 3)),
                                        ((4, 3), (4, 2))])
def test_sum_to_size(shape, size):
    """torch's sum_to: one keepdim sum, then a view (ViewBackward0) when leading axes go."""
    x = np.random.default_rng(0).standard_normal(shape)
    same_result_or_error(lambda m, x: x.sum_to_size(size), [x])


def test_bias_grad_under_create_graph():
    def fn(m):
        m.manual_seed(2)
        x = m.randn(4, 3, dtype=m.float64, requires_grad=True)
        b = m.randn(3, dtype=m.float64, requires_grad=True)
        g, = m.autograd.grad(m.tanh(x + b).sum(), b, create_graph=True)
        return (g, _names(g.grad_fn)) + m.autograd.grad(g.pow(2).sum(), (x, b))
    same_outcome(fn, rtol=1e-12, atol=1e-14)
