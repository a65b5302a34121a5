"""Float64 central-difference checks of the from-scratch sweep's differentiable additions, without torch:
tanh's backward as an op of its own (``tanh_backward``, recorded while create_graph=True)."""
import numpy as np

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck
from glasstorch.ops.unary import tanh_backward


def r(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


def test_tanh_backward_both_inputs():
    g = gt.tensor(r(4, 3, seed=1), requires_grad=True)
    y = gt.tensor(r(4, 3, seed=2) * 0.9, requires_grad=True)
    assert gradcheck(tanh_backward, (g, y))


def test_tanh_second_and_third_derivatives():
    x = gt.tensor(r(5, seed=3), requires_grad=True)
    assert gradgradcheck(gt.tanh, (x,))
    first = lambda x: gt.autograd.grad(gt.tanh(x).sum(), x, create_graph=True)[0]
    assert gradgradcheck(first, (x,))
