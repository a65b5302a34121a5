"""Layers: same weights after manual_seed, same outputs, grad_fn names and gradients as torch."""
import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import same_error, same_on_both
from ._nn_helpers import run_module

R = np.random.default_rng(0)


def arr(*shape):
    return R.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("shape", [(5, 4), (4,), (2, 3, 4)])
def test_linear(shape):
    run_module(lambda m: m.nn.Linear(4, 3), [arr(*shape)])


def test_linear_no_bias():
    run_module(lambda m: m.nn.Linear(4, 3, bias=False), [arr(5, 4)])


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.Conv2d(3, 4, 3), (2, 3, 7, 6)),
    (lambda nn: nn.Conv2d(2, 4, (3, 2), stride=2, padding=1, bias=False), (2, 2, 7, 7)),
    (lambda nn: nn.Conv2d(4, 4, 3, padding="same", dilation=2, groups=2), (1, 4, 6, 6)),
    (lambda nn: nn.Conv2d(1, 2, 3), (1, 5, 5)),
    (lambda nn: nn.Conv1d(2, 3, 3, stride=2, padding=1), (2, 2, 9)),
    (lambda nn: nn.MaxPool2d(2), (2, 3, 6, 6)),
    (lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True), (2, 2, 7, 8)),
    (lambda nn: nn.MaxPool1d(2), (2, 3, 7)),
    (lambda nn: nn.AvgPool2d(2), (2, 3, 6, 6)),
    (lambda nn: nn.AvgPool2d(3, 2, 1, count_include_pad=False), (2, 3, 7, 7)),
    (lambda nn: nn.AvgPool1d(3, 2), (2, 3, 9)),
    (lambda nn: nn.AdaptiveAvgPool2d(1), (2, 3, 5, 5)),
    (lambda nn: nn.AdaptiveAvgPool2d((2, 3)), (2, 3, 5, 7)),
    (lambda nn: nn.BatchNorm1d(4), (6, 4)),
    (lambda nn: nn.BatchNorm1d(3), (4, 3, 5)),
    (lambda nn: nn.BatchNorm2d(3), (4, 3, 5, 5)),
    (lambda nn: nn.BatchNorm2d(3, momentum=None), (4, 3, 2, 2)),
    (lambda nn: nn.BatchNorm3d(3), (2, 3, 2, 3, 2)),
    (lambda nn: nn.LayerNorm(5), (3, 4, 5)),
    (lambda nn: nn.LayerNorm([4, 5], bias=False), (3, 4, 5)),
    (lambda nn: nn.GroupNorm(2, 4), (3, 4, 5)),
    (lambda nn: nn.RMSNorm(5), (3, 5)),
    (lambda nn: nn.Flatten(), (2, 3, 4)),
    (lambda nn: nn.Unflatten(1, (3, 4)), (2, 12)),
    (lambda nn: nn.PReLU(3), (2, 3, 4)),
])
def test_layer(make, shape):
    run_module(lambda m: make(m.nn), [arr(*shape)])


def test_batchnorm_eval_after_training():
    mt, mg = run_module(lambda m: m.nn.BatchNorm2d(3), [arr(4, 3, 2, 2)])
    x = arr(2, 3, 2, 2)
    mt.eval(), mg.eval()
    np.testing.assert_allclose(mg(glasstorch.from_numpy(x)).detach().numpy(),
                               mt(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_embedding():
    idx = np.array([[1, 2, 0], [4, 1, 1]])
    run_module(lambda m: m.nn.Embedding(6, 4, padding_idx=1), [idx])


@pytest.mark.parametrize("fn", [
    lambda t, x: t.nn.functional.relu(x), lambda t, x: t.nn.functional.leaky_relu(x, 0.2),
    lambda t, x: t.nn.functional.elu(x), lambda t, x: t.nn.functional.selu(x), lambda t, x: t.nn.functional.celu(x, 0.5),
    lambda t, x: t.nn.functional.gelu(x), lambda t, x: t.nn.functional.gelu(x, approximate="tanh"),
    lambda t, x: t.nn.functional.silu(x), lambda t, x: t.nn.functional.mish(x),
    lambda t, x: t.nn.functional.softplus(x), lambda t, x: t.nn.functional.softplus(x, 2.0, 1.0),
    lambda t, x: t.nn.functional.hardtanh(x), lambda t, x: t.nn.functional.relu6(x * 4),
    lambda t, x: t.nn.functional.hardsigmoid(x * 4), lambda t, x: t.nn.functional.hardswish(x * 4),
    lambda t, x: t.nn.functional.logsigmoid(x), lambda t, x: t.nn.functional.glu(x, 1),
    lambda t, x: t.nn.functional.softmax(x, 1), lambda t, x: t.nn.functional.log_softmax(x, 0),
    lambda t, x: t.nn.functional.softmin(x, 1), lambda t, x: t.nn.functional.sigmoid(x),
    lambda t, x: t.nn.functional.tanh(x), lambda t, x: t.nn.functional.softsign(x),
])
def test_activations(fn):
    same_on_both(fn, [arr(4, 6)], rtol=1e-5, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-6)


def test_dropout_masks_match_torch():
    for p in (0.2, 0.5):
        outs = []
        for m in (torch, glasstorch):
            m.manual_seed(7)
            x = m.ones(8, 16, requires_grad=True)
            y = m.nn.Dropout(p)(x)
            y2 = m.nn.functional.dropout2d(m.ones(2, 3, 2, 2), p)
            y.sum().backward()
            outs.append((y.detach().numpy().copy(), y2.numpy().copy(), x.grad.numpy().copy(), type(y.grad_fn).__name__))
        for a, b in zip(outs[0], outs[1]):
            if isinstance(a, np.ndarray):
                np.testing.assert_array_equal(a, b)
            else:
                assert a == b
    for m in (torch, glasstorch):
        d = m.nn.Dropout(0.5).eval()
        x = m.ones(3)
        assert d(x) is x


def test_init_functions_match_torch():
    for fn in [lambda nn, w: nn.init.xavier_uniform_(w), lambda nn, w: nn.init.xavier_normal_(w, 2.0),
               lambda nn, w: nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu"),
               lambda nn, w: nn.init.kaiming_uniform_(w), lambda nn, w: nn.init.normal_(w, 1.0, 0.5),
               lambda nn, w: nn.init.uniform_(w, -2, 3), lambda nn, w: nn.init.trunc_normal_(w, std=0.02),
               lambda nn, w: nn.init.orthogonal_(w), lambda nn, w: nn.init.eye_(w),
               lambda nn, w: nn.init.constant_(w, 0.3)]:
        res = []
        for m in (torch, glasstorch):
            m.manual_seed(3)
            w = m.empty(6, 5)
            with m.no_grad():
                fn(m.nn, w)
            res.append(w.numpy().copy())
        np.testing.assert_allclose(res[1], res[0], rtol=1e-5, atol=1e-6)
    for args in [("relu",), ("leaky_relu", 0.2), ("tanh",), ("selu",), ("conv2d",)]:
        assert torch.nn.init.calculate_gain(*args) == glasstorch.nn.init.calculate_gain(*args)


def test_layer_errors():
    same_error(lambda m: m.nn.Linear(3, 2)(m.ones(4, 5)))
    same_error(lambda m: m.nn.Linear(3, 2)(m.ones(4, 5, 6)))
    same_error(lambda m: m.nn.Linear(2, 2)(m.ones(2, 2, dtype=m.float64)))
    same_error(lambda m: m.nn.Conv2d(3, 4, 3)(m.ones(1, 1, 5, 5)))
    same_error(lambda m: m.nn.Conv2d(1, 4, 3)(m.ones(5, 5)))
    same_error(lambda m: m.nn.Conv2d(1, 4, 3)(m.ones(1, 1, 5, 5, dtype=m.float64)))
    same_error(lambda m: m.nn.BatchNorm1d(3)(m.ones(1, 3)))
    same_error(lambda m: m.nn.BatchNorm2d(3)(m.ones(2, 3, 3)))
    same_error(lambda m: m.nn.BatchNorm3d(3)(m.ones(2, 3, 3, 3)))
    same_error(lambda m: m.nn.Embedding(3, 2)(m.tensor([3])))
    same_error(lambda m: m.nn.Dropout(1.5))
