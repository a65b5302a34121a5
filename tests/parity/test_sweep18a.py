"""Differences found by the sweep18a course programs (CS231n layers, UvA activations/init/DenseNet/
Transformer tutorials, CS224n parser).

Double backward (``create_graph=True``) through pooling, padding, resampling, channel shuffle, GLU
and PReLU crashed or silently cut the graph on glasstorch; torch records ``<Op>BackwardBackward0``
nodes (MAML on a CNN, gradient penalties through a pooled discriminator, Hessian-vector products).
Each case: the first-order gradient under create_graph (values, grad_fn name), then the gradient of
a random projection of it (values), on both libraries; plus glasstorch's own float64 gradgradcheck.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck

from ._helpers import same_on_both


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _first_grad(f):
    """z -> dL/dz under create_graph, L = sum(w * f(z)^2) (w fixed): a differentiable gradient."""
    def run(m, z):
        y = f(m, z)
        w = m.linspace(0.5, 1.5, y.numel(), dtype=y.dtype).reshape(y.shape)
        g, = m.autograd.grad((y.pow(2) * w).sum(), z, create_graph=True)
        return g
    return run


F = lambda m: m.nn.functional  # noqa: E731

# composites whose double backward torch runs through its own fused kernels: values to a few ulps
# (float64 1e-13, float32 1e-5 relative), and (glu, prelu) another grad_fn name on the gradient
LOOSE = {"glu", "prelu_channels", "prelu_one", "lp_pool2d", "local_response_norm"}
# interpolate's forward (a float64 resampling matrix) already differs from torch's kernel by an ulp or so
RESAMPLE = {"interpolate_bilinear", "interpolate_bilinear_ac", "interpolate_bicubic", "interpolate_linear"}

CASES = {
    "max_pool2d": (lambda m, t: F(m).max_pool2d(t, 2), (2, 3, 4, 4)),
    "max_pool2d_overlap_pad": (lambda m, t: F(m).max_pool2d(t, 3, 1, 1), (2, 3, 5, 5)),
    "max_pool2d_ceil_dilation": (lambda m, t: F(m).max_pool2d(t, 2, 2, 0, 2, ceil_mode=True), (1, 2, 7, 6)),
    "max_pool2d_unbatched": (lambda m, t: F(m).max_pool2d(t, 2), (3, 4, 4)),
    "max_pool1d": (lambda m, t: F(m).max_pool1d(t, 2), (2, 3, 8)),
    "max_pool3d": (lambda m, t: F(m).max_pool3d(t, 2), (1, 2, 4, 4, 4)),
    "avg_pool2d": (lambda m, t: F(m).avg_pool2d(t, 2), (2, 3, 4, 4)),
    "avg_pool2d_pad_nocount": (lambda m, t: F(m).avg_pool2d(t, 3, 2, 1, count_include_pad=False), (2, 3, 5, 5)),
    "avg_pool2d_ceil_divisor": (lambda m, t: F(m).avg_pool2d(t, 2, ceil_mode=True, divisor_override=3), (1, 2, 5, 5)),
    "avg_pool1d": (lambda m, t: F(m).avg_pool1d(t, 3, 2), (2, 3, 9)),
    "avg_pool3d": (lambda m, t: F(m).avg_pool3d(t, 2), (1, 2, 4, 4, 4)),
    "adaptive_avg_pool2d": (lambda m, t: F(m).adaptive_avg_pool2d(t, 3), (2, 3, 5, 4)),
    "adaptive_avg_pool1d": (lambda m, t: F(m).adaptive_avg_pool1d(t, 3), (2, 3, 7)),
    "adaptive_max_pool2d": (lambda m, t: F(m).adaptive_max_pool2d(t, (2, 3)), (2, 3, 5, 4)),
    "lp_pool2d": (lambda m, t: F(m).lp_pool2d(t, 2, 2), (2, 3, 4, 4)),
    "local_response_norm": (lambda m, t: F(m).local_response_norm(t, 2), (2, 3, 4, 4)),
    "interpolate_bilinear": (lambda m, t: F(m).interpolate(t, scale_factor=2, mode="bilinear"), (2, 3, 4, 4)),
    "interpolate_bilinear_ac": (lambda m, t: F(m).interpolate(t, size=(5, 3), mode="bilinear", align_corners=True),
                                (1, 2, 4, 4)),
    "interpolate_nearest": (lambda m, t: F(m).interpolate(t, scale_factor=2), (2, 3, 4, 4)),
    "interpolate_bicubic": (lambda m, t: F(m).interpolate(t, size=(5, 3), mode="bicubic", align_corners=True),
                            (2, 3, 4, 4)),
    "interpolate_linear": (lambda m, t: F(m).interpolate(t, scale_factor=2, mode="linear"), (2, 3, 5)),
    "pad_constant": (lambda m, t: F(m).pad(t, (1, 2, 0, 1), value=0.5), (2, 3, 4, 4)),
    "pad_constant_crop": (lambda m, t: F(m).pad(t, (-1, 2, 1, -1)), (2, 3, 4, 4)),
    "pad_reflect": (lambda m, t: F(m).pad(t, (1, 1, 1, 1), mode="reflect"), (2, 3, 4, 4)),
    "pad_replicate": (lambda m, t: F(m).pad(t, (1, 2, 1, 0), mode="replicate"), (2, 3, 4, 4)),
    "channel_shuffle": (lambda m, t: F(m).channel_shuffle(t, 2), (2, 4, 3, 3)),
    "glu": (lambda m, t: F(m).glu(t, 1), (2, 4, 3)),
    "prelu_channels": (lambda m, t: F(m).prelu(t, m.tensor([0.2, -0.1, 0.3], dtype=t.dtype)), (2, 3, 4)),
    "prelu_one": (lambda m, t: F(m).prelu(t, m.tensor([0.25], dtype=t.dtype)), (2, 3, 4)),
}


def _check(name, x, tol):
    """Exact parity (values, dtype, grad_fn names, the gradient of a random projection), or for the
    LOOSE/RESAMPLE cases values within ``tol``: the gradient, and its gradient along a fixed direction."""
    f, shape = CASES[name]
    if name not in LOOSE | RESAMPLE:
        same_on_both(_first_grad(f), [x])
        return
    outs = {}
    for m in (torch, glasstorch):
        z = m.tensor(x.copy(), requires_grad=True)
        g = _first_grad(f)(m, z)
        v = m.tensor(np.linspace(-1, 1, g.numel()).reshape(g.shape).astype(x.dtype))
        gg, = m.autograd.grad(g, z, v)
        outs[m] = (g.detach().numpy(), gg.numpy(), type(g.grad_fn).__name__)
    for a, b in zip(outs[torch][:2], outs[glasstorch][:2]):
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol)
    if name in RESAMPLE:
        assert outs[torch][2] == outs[glasstorch][2]


@pytest.mark.parametrize("name", sorted(CASES))
def test_double_backward_matches_torch(name):
    _check(name, _x(CASES[name][1]), 1e-13)


@pytest.mark.parametrize("name", sorted(CASES))
def test_double_backward_float32_matches_torch(name):
    _check(name, _x(CASES[name][1], seed=1).astype(np.float32), 1e-5)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradgradcheck(name):
    f, shape = CASES[name]
    x = glasstorch.tensor(_x(shape, seed=2), requires_grad=True)
    fn = lambda t: f(glasstorch, t)  # noqa: E731
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_input_only_path_gives_zero_grad():
    """torch's pooling backward kernels read the input: their double backward gives it zeros, not None."""
    def run(m, z):
        z = z.requires_grad_()
        g, = m.autograd.grad(F(m).max_pool2d(z, 2).sum() + F(m).avg_pool2d(z, 2).sum(), z, create_graph=True)
        name = type(g.grad_fn).__name__
        g.sum().backward()
        return g.detach(), z.grad, name
    same_on_both(run, [_x((1, 2, 4, 4))], grad=False)


def test_triple_backward_through_pooling():
    def run(m, z):
        y = F(m).avg_pool2d(F(m).max_pool2d(z, 2, 1), 2, 1)
        g, = m.autograd.grad(y.pow(3).sum(), z, create_graph=True)
        h, = m.autograd.grad(g.pow(2).sum(), z, create_graph=True)
        return h
    same_on_both(run, [_x((1, 2, 5, 5), seed=3)])


@settings(max_examples=15, deadline=None)
@given(k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 1), h=st.integers(3, 6), seed=st.integers(0, 99))
def test_pool_double_backward_drawn(k, s, p, h, seed):
    if p * 2 > k:
        return
    for f in (lambda m, t: F(m).max_pool2d(t, k, s, p), lambda m, t: F(m).avg_pool2d(t, k, s, p)):
        same_on_both(_first_grad(f), [_x((1, 2, h, h + 1), seed)])


KINK = np.array([-1.5, -0.5, 0.0, 0.0, 0.5, 2.0])


@pytest.mark.parametrize("name, f", [
    ("elu", lambda m, t: F(m).elu(t)), ("elu_alpha", lambda m, t: F(m).elu(t, 0.7)),
    ("selu", lambda m, t: F(m).selu(t)),
    ("celu", lambda m, t: F(m).celu(t, 1.3)), ("elu_inplace", lambda m, t: F(m).elu(t * 1, inplace=True)),
    ("prelu_sq", lambda m, t: F(m).prelu(t, m.tensor([0.2], dtype=t.dtype)) ** 2),
    ("prelu_w", lambda m, t: F(m).prelu(t.reshape(2, 3), m.tensor([0.3, -0.2, 0.1], dtype=t.dtype)) * t.reshape(2, 3))])
def test_second_derivative_at_the_kink(name, f):
    """torch's double backward of ELU masks with x < 0 and PReLU's splits at x >= 0: at x == 0 the
    second derivative is torch's, not the limit from the left."""
    def d2(m, z):
        z = z.requires_grad_()
        g, = m.autograd.grad(f(m, z).sum(), z, create_graph=True)
        h, = m.autograd.grad((g * g).sum(), z)
        return g.detach(), h
    for dt in (np.float64, np.float32):
        # CELU's float32 second derivative: torch's elu_double_backward multiplies in another order (1 ulp)
        tol = 1e-6 if name == "celu" and dt == np.float32 else 0.0
        same_on_both(d2, [KINK.astype(dt)], grad=False, rtol=tol, atol=tol)


def test_prelu_weight_second_order():
    def run(m, z):
        w = m.tensor([0.25, -0.5], dtype=z.dtype, requires_grad=True)
        z = z.requires_grad_()
        y = F(m).prelu(z, w)
        gz, gw = m.autograd.grad((y ** 3).sum(), (z, w), create_graph=True)
        hz, hw = m.autograd.grad((gz.sum() + gw.sum()) ** 2, (z, w))
        return gz.detach(), gw.detach(), hz, hw
    x = np.array([[-1.0, 0.0], [2.0, 0.5], [-0.25, 0.0]])
    same_on_both(run, [x], grad=False)


def test_gradgradcheck_elu_prelu():
    x = glasstorch.tensor(np.array([-1.5, -0.5, 0.3, 2.0]), requires_grad=True)
    w = glasstorch.tensor([0.2], dtype=glasstorch.float64, requires_grad=True)
    assert gradgradcheck(lambda t: glasstorch.nn.functional.elu(t, 0.7), (x,))
    assert gradgradcheck(lambda t, v: glasstorch.nn.functional.prelu(t, v), (x, w))


def _public_functions(mod):
    return [n for n in dir(mod) if not n.startswith("_") and callable(getattr(mod, n)) and
            not isinstance(getattr(mod, n), type)]


@pytest.mark.parametrize("where", ["torch", "torch.nn.functional", "torch.Tensor"])
def test_function_names_are_torchs(where):
    """``f.__name__`` as torch has it: ``torch.arccos.__name__ == 'arccos'`` (an alias is a builtin of its
    own), ``torch.acos`` not 'forward', ``F.logsigmoid.__name__ == 'log_sigmoid'``, ``Tensor.clip`` 'clip'."""
    import operator
    get = operator.attrgetter(where.partition(".")[2]) if "." in where else (lambda m: m)
    mt, mg = get(torch), get(glasstorch)
    bad = [(n, getattr(mt, n).__name__, getattr(getattr(mg, n), "__name__", None))
           for n in _public_functions(mt) if hasattr(mg, n) and callable(getattr(mg, n))
           and getattr(getattr(mt, n), "__name__", None) != getattr(getattr(mg, n), "__name__", None)]
    assert not bad, bad


def test_aliases_still_compute_the_same():
    x = np.linspace(-0.9, 0.9, 7)
    same_on_both(lambda m, t: (m.greater(t, 0.1), m.clip(t, -0.5, 0.5), t.arcsinh(), m.negative(t), t.absolute(),
                               m.nn.functional.threshold(t, 0.1, -1.0),
                               m.subtract(t, 1, alpha=2), m.fix(t * 3)), [x])
