"""Parity pins from running kuangliu/pytorch-cifar (every model in models/*.py, main.py) and
eriklindernoren/PyTorch-GAN (implementations/*: gan, dcgan, wgan, wgan_gp, lsgan, aae, acgan, began, ...)
unchanged on synthetic stand-in data.

Fixed in glasstorch:
- ``torch.autograd.grad(..., only_inputs=False)`` gives torch's FutureWarning "only_inputs argument is
  deprecated and is ignored now (defaults to True). To accumulate gradient for other parts of the graph,
  please use torch.autograd.backward." attributed to the caller (stacklevel 2), after the empty-inputs
  check and before the grad_outputs checks, as torch does; glasstorch ignored the flag silently.  Found
  while trying variants of the gradient-penalty call of wgan_gp/wgan_gp.py and dragan/dragan.py
  (``autograd.grad(..., create_graph=True, retain_graph=True, only_inputs=True)``)
  (glasstorch/autograd/__init__.py).

Also pinned (behaviour those programs lean on, already right): the gradient penalty's double backward,
the channel shuffle of ShuffleNet, EfficientNet's ``drop_connect`` mask (``empty(...).bernoulli_(p)``)
drawn from the same generator stream, the legacy ``FloatTensor``/``LongTensor`` constructors fed NumPy
arrays, and a float64 conv/batch-norm/ReLU residual block's values and gradients.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_on_both, same_outcome

MODS = (torch, glasstorch)


def _grad_warnings(m, only_inputs, empty=False):
    """What ``autograd.grad`` returns or raises, and the warnings it gives, as comparable text."""
    x = m.ones(3, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = repr(m.autograd.grad((x * 2).sum(), [] if empty else x, only_inputs=only_inputs))
        except Exception as e:        # noqa: BLE001 - torch's error is the expectation
            out = f"{type(e).__name__}: {e}"
    return out.replace("glasstorch", "torch"), [(w.category.__name__, str(w.message), w.filename) for w in caught]


@pytest.mark.parametrize("only_inputs", [True, False, 0, 1, None])
@pytest.mark.parametrize("empty", [False, True])
def test_grad_only_inputs_warning(only_inputs, empty):
    assert _grad_warnings(torch, only_inputs, empty) == _grad_warnings(glasstorch, only_inputs, empty)


def test_grad_only_inputs_warning_points_at_caller():
    _, w = _grad_warnings(glasstorch, False)
    assert len(w) == 1 and w[0][0] == "FutureWarning" and w[0][2] == __file__


def test_grad_only_inputs_warning_before_grad_outputs_check():
    def fn(m):
        x = m.ones(3, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                m.autograd.grad(x * 2, x, grad_outputs=m.ones(4), only_inputs=False)
            except RuntimeError as e:
                return str(e), [str(w.message)[:40] for w in caught]
    assert fn(torch) == fn(glasstorch)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.floats(0.1, 10.0))
def test_gradient_penalty_double_backward(n, lam):
    """wgan_gp's penalty: lambda * ((||dD/dx|| - 1) ** 2).mean(), backpropagated into D's weights."""
    rng = np.random.default_rng(n)
    x, w = rng.standard_normal((n, 5)), rng.standard_normal((5, 3))

    def fn(m, x, w):
        y = m.nn.functional.leaky_relu(x @ w, 0.2).sum(1, keepdim=True)
        g = m.autograd.grad(outputs=y, inputs=x, grad_outputs=m.ones(n, 1, dtype=x.dtype), create_graph=True,
                            retain_graph=True, only_inputs=True)[0]
        return lam * ((g.view(g.size(0), -1).norm(2, dim=1) - 1) ** 2).mean()
    same_on_both(fn, [x, w], rtol=1e-12, atol=1e-12)


def test_gradient_penalty_gradcheck():
    x = glasstorch.randn(3, 4, dtype=glasstorch.float64, requires_grad=True)
    w = glasstorch.randn(4, 2, dtype=glasstorch.float64, requires_grad=True)

    def pen(x, w):
        y = glasstorch.tanh(x @ w).sum(1, keepdim=True)
        g = glasstorch.autograd.grad(y, x, glasstorch.ones_like(y), create_graph=True)[0]
        return ((g.norm(2, dim=1) - 1) ** 2).mean()
    assert gradcheck(pen, (x, w))


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([1, 2, 3, 4, 6]), st.integers(1, 3), st.integers(1, 4))
def test_channel_shuffle(g, n, hw):
    x = np.random.default_rng(g * 10 + hw).standard_normal((n, 12, hw, hw))
    same_on_both(lambda m, x: x.view(n, g, 12 // g, hw, hw).permute(0, 2, 1, 3, 4).reshape(n, 12, hw, hw), [x])


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("p", [0.0, 0.2, 0.8, 1.0])
def test_drop_connect_mask(dtype, p):
    def fn(m):
        m.manual_seed(3)
        mask = m.empty([5, 1, 1, 1], dtype=getattr(m, dtype)).bernoulli_(p)
        return mask, m.rand(2)          # the generator stream after the mask, too
    same_outcome(fn)


@pytest.mark.parametrize("expr", [
    "m.FloatTensor(np.linspace(-1, 1, 6).reshape(2, 3))",
    "m.FloatTensor(np.arange(4, dtype=np.int64))",
    "m.LongTensor(np.arange(4, dtype=np.int32))",
    "m.LongTensor(np.array([1.5, 2.5]))",
    "m.FloatTensor(2, 3).fill_(1.0)",
    "m.FloatTensor(np.float32(3))",
    "m.FloatTensor(3.5)",
    "m.ones(2, dtype=m.float64).type(m.FloatTensor)",
    "m.ones(2).type(m.LongTensor)",
])
def test_legacy_constructors_from_numpy(expr):
    same_outcome(lambda m: eval(expr, {"m": m, "np": np}))


def test_residual_block_float64():
    """conv -> batch norm (training) -> relu -> conv -> batch norm + shortcut, as BasicBlock."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6, 6))
    w1, w2 = rng.standard_normal((4, 3, 3, 3)) * 0.3, rng.standard_normal((4, 4, 3, 3)) * 0.3
    ws = rng.standard_normal((4, 3, 1, 1))

    def fn(m, x, w1, w2, ws):
        F = m.nn.functional
        bn = lambda t: F.batch_norm(t, None, None, training=True)         # noqa: E731
        out = F.relu(bn(F.conv2d(x, w1, padding=1)))
        out = bn(F.conv2d(out, w2, padding=1)) + bn(F.conv2d(x, ws))
        return F.avg_pool2d(F.relu(out), 3)
    same_on_both(fn, [x, w1, w2, ws], rtol=1e-10, atol=1e-12)
