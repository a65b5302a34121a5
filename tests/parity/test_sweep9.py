"""Parity for what the sweep9 programs (tests/programs/sweep9_*.py) exposed: lazy batch/instance
norms and UninitializedBuffer, the errors of uninitialised parameters, ``@once_differentiable``'s
``Error`` node under ``create_graph=True``, and gradcheck calling forward/backward as often as torch."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, same_error, same_on_both

LAZY_NORMS = {"LazyBatchNorm1d": (4, 3), "LazyBatchNorm2d": (2, 3, 4, 4), "LazyBatchNorm3d": (2, 3, 2, 3, 3),
              "LazyInstanceNorm1d": (2, 3, 5), "LazyInstanceNorm2d": (2, 3, 4, 4),
              "LazyInstanceNorm3d": (2, 3, 2, 3, 3)}


def _lazy_story(m, name, shape, x, **kw):
    mod = getattr(m.nn, name)(**kw)
    lines = [repr(mod), repr(mod.state_dict()), str(mod.has_uninitialized_params()),
             repr([(n, repr(b)) for n, b in mod.named_buffers()])]
    out = mod(m.from_numpy(x.copy()))
    lines += [repr(mod), type(mod).__name__, str(mod.num_features), repr(list(mod.state_dict().keys())),
              str(mod.has_uninitialized_params() if hasattr(mod, "has_uninitialized_params") else "-")]
    if mod.track_running_stats:
        lines += [np.array2string(mod.running_mean.numpy(), precision=5), repr(mod.num_batches_tracked)]
    return lines, out


@pytest.mark.parametrize("kw", [{}, {"affine": False}, {"track_running_stats": False}, {"bias": False}])
@pytest.mark.parametrize("name", sorted(LAZY_NORMS))
def test_lazy_norm_materialises_as_torch(name, kw):
    x = np.random.default_rng(0).standard_normal(LAZY_NORMS[name]).astype(np.float32)
    (lt, ot), (lg, og) = (_lazy_story(m, name, LAZY_NORMS[name], x, **kw) for m in MODS)
    assert lt == lg
    np.testing.assert_allclose(og.detach().numpy(), ot.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_lazy_norm_class_paths_and_uninitialized_buffer():
    for m in MODS:
        assert m.nn.UninitializedBuffer.__name__ == "UninitializedBuffer"
    assert repr(type(glasstorch.nn.LazyBatchNorm2d())).replace("glasstorch", "torch") == \
        repr(type(torch.nn.LazyBatchNorm2d()))
    assert repr(type(glasstorch.nn.LazyInstanceNorm1d())).replace("glasstorch", "torch") == \
        repr(type(torch.nn.LazyInstanceNorm1d()))
    assert repr(glasstorch.nn.UninitializedBuffer()) == repr(torch.nn.UninitializedBuffer())


def test_lazy_norm_in_sequential_trains_like_torch():
    x = np.random.default_rng(1).standard_normal((6, 2, 5, 5)).astype(np.float32)
    outs = []
    for m in MODS:
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.LazyConv2d(3, 3), m.nn.LazyBatchNorm2d(), m.nn.ReLU(), m.nn.Flatten(),
                              m.nn.LazyLinear(2))
        y = net(m.from_numpy(x.copy()))
        y.sum().backward()
        outs.append((repr(net), y.detach().numpy(), net[1].weight.grad.numpy()))
    assert outs[0][0] == outs[1][0]
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(outs[1][2], outs[0][2], rtol=1e-4, atol=1e-4)


UNINIT = {
    "method sum": lambda m: m.nn.LazyLinear(3).weight.sum(),
    "method view": lambda m: m.nn.LazyLinear(3).weight.view(-1),
    "operator +": lambda m: m.nn.LazyLinear(3).weight + 1,
    "operator @": lambda m: m.nn.LazyLinear(3).weight @ m.ones(2),
    "shape": lambda m: m.nn.LazyLinear(3).weight.shape,
    "buffer method": lambda m: m.nn.LazyBatchNorm1d().running_mean.mean(),
    "buffer shape": lambda m: m.nn.LazyBatchNorm1d().running_var.shape,
    "share_memory_": lambda m: m.nn.LazyLinear(3).weight.share_memory_(),
}


@pytest.mark.parametrize("name", sorted(UNINIT))
def test_uninitialized_tensors_refuse_use(name):
    same_error(UNINIT[name])


def test_uninitialized_tensors_allow_conversions():
    for m in MODS:
        w = m.nn.LazyLinear(3).weight
        assert repr(w) == "<UninitializedParameter>"
        w.float(), w.is_floating_point()
        assert w.requires_grad and w.dtype == m.float32


# ---- once_differentiable ------------------------------------------------------------------------
def _clamp_fn(m):
    class ClampGrad(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(-1, 1)

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * ((x >= -1) & (x <= 1)).to(grad.dtype)
    return ClampGrad


def test_once_differentiable_output_hangs_off_an_error_node():
    res = []
    for m in MODS:
        z = m.linspace(-2, 2, 5, requires_grad=True)
        g, = m.autograd.grad(_clamp_fn(m).apply(z).pow(2).sum(), z, create_graph=True)
        res.append((repr(g), g.requires_grad, type(g.grad_fn).__name__, g.grad_fn.name(), g.is_leaf))
    assert res[0] == res[1]


def test_once_differentiable_refuses_second_derivative():
    def fn(m):
        z = m.linspace(-2, 2, 5, requires_grad=True)
        g, = m.autograd.grad(_clamp_fn(m).apply(z).pow(2).sum(), z, create_graph=True)
        g.sum().backward()
    same_error(fn)


def test_once_differentiable_without_create_graph_is_plain():
    res = []
    for m in MODS:
        z = m.linspace(-2, 2, 5, requires_grad=True)
        g, = m.autograd.grad(_clamp_fn(m).apply(z).pow(2).sum(), z)
        res.append((repr(g), g.requires_grad))
    assert res[0] == res[1]


# ---- gradcheck's calls -----------------------------------------------------------------------------
def _counting_fn(m, log):
    class Lin(m.autograd.Function):
        @staticmethod
        def forward(x, w):
            log.append("f")
            return x @ w.t(), (x * 2).sum(-1)

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, g, g2):
            x, w = ctx.saved_tensors
            log.append("b")
            return g @ w + 2 * g2.unsqueeze(-1), g.t() @ x
    return Lin


@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((3, 2), (1, 2))])
def test_gradcheck_calls_forward_and_backward_as_torch(shapes):
    logs = []
    for m in MODS:
        log = []
        rng = np.random.default_rng(0)
        x = m.from_numpy(rng.standard_normal(shapes[0])).requires_grad_()
        w = m.from_numpy(rng.standard_normal(shapes[1])).requires_grad_()
        assert m.autograd.gradcheck(_counting_fn(m, log).apply, (x, w))
        logs.append("".join(log))
    assert logs[0] == logs[1]


@pytest.mark.parametrize("args", [(5, "W"), ({}, "W"), ([1.0, 2.0, 3.0], "W"), (None, "W"), ("x", {}),
                                  ("x", "W", 5), ("x", "W", [1.0, 2.0])])
def test_linear_argument_types(args):
    """F.linear and nn.Linear given a non-tensor: torch's TypeError naming the argument."""
    def call(m):
        sub = {"x": m.ones(4, 3), "W": m.ones(2, 3)}
        real = [sub.get(a, a) if isinstance(a, str) else a for a in args]
        return m.nn.functional.linear(*real)
    same_error(call)
