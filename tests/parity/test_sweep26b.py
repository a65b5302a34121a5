"""Parity pins for sweep26b (implicit neural representation and neural rendering programs).

Fixed in glasstorch:
- the gradient of ``cumprod`` follows torch's ``cumprod_backward`` (ops/cumprod_grad.py): where the
  tensor has a zero anywhere, the masked O(n) formula (reversed cumsum before each slice's first
  zero, the product formula at it), so the rows without zeros still round as torch's (they took a
  per-position product before, off by an ulp); under ``create_graph`` with zeros, torch's
  differentiable loop (prod / cumprod / cat per position, written through ``select().copy_``, the
  gradient's grad_fn CopySlices) instead of ``y / x``, which gave nan gradients and nan second
  derivatives (the exclusive-cumprod transmittance of volume rendering, ``1 - alpha`` hitting 0);
  a slice of length one passes the gradient through unchanged; ``cumprod(x, dtype=...)``
  differentiates in x's dtype (torch casts grad to it first); complex inputs take the conjugates
  themselves, as torch's formula does;
- ``F.grid_sample``'s gradients under ``create_graph`` (4-D bilinear / nearest / bicubic, 5-D) are
  the plain kernels' values (they were the replayed graph's, off by an ulp), carried by one node
  with torch's name and edges, ``GridSampler2DBackwardBackward0`` / ``GridSampler3DBackwardBackward0``
  -> (grad_output, input, grid), instead of an AddBackward0 graph; second derivatives come from the
  replay as before, with torch's None for what the replay does not reach (nearest's grid gets zeros
  once dx is differentiated), and third derivatives through views of the saved tensors
  (nn/_ops/grid_sample_double_node.py);
- the 5-D trilinear backward adds as torch's scalar kernel does (point, channel, corner
  tnw..bse, each product rounded): both gradients bit for bit, where they were off in the last bit
  almost everywhere (nn/_ops/grid_sample_3d_backward.py);
- the 4-D reflection-padded grid gradient is +0 where the clip holds (torch masks the derivative
  with ``grad_clip & grad``); it was -0 where the fold had made it negative.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck
from tests.parity._helpers import same_on_both, same_outcome


def _gfn(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def _cumprod_grads(m, x, g, dim, create_graph):
    """(dx, its grad_fn name, and where it has one, d(g . dx)/dx) for y = cumprod(x, dim)."""
    a = m.from_numpy(np.array(x, copy=True)).requires_grad_(True)
    gt = m.from_numpy(np.array(g, copy=True))
    dx, = m.autograd.grad(m.cumprod(a, dim), a, gt, create_graph=create_graph)
    out = [dx.detach(), _gfn(dx)]
    if create_graph:
        h, = m.autograd.grad(dx, a, gt, allow_unused=True)
        out.append(h)
    return out


ZERO_ROWS = np.array([[0.5, 0.0, 3.0, -1.25], [1.5, 2.0, 0.7, 1.1], [0.0, 0.0, 2.0, 4.0],
                      [2.0, -0.5, 0.0, 3.0]], dtype=np.float32)
G = np.array([[0.3, -1.0, 0.5, 2.0], [1.0, 0.25, -0.75, 0.6], [0.2, 0.4, -0.1, 1.5],
              [-0.6, 0.9, 1.3, 0.2]], dtype=np.float32)


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("create_graph", [False, True])
def test_cumprod_gradient_with_zeros(dim, create_graph):
    def fn(m):
        return _cumprod_grads(m, ZERO_ROWS, G, dim, create_graph)
    same_outcome(fn)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cumprod_gradient_without_zeros_under_create_graph(dtype):
    x = np.array([[0.5, 1.5, 3.0], [-1.5, 2.0, 0.7]], dtype=dtype)
    g = np.array([[0.3, -1.0, 0.5], [1.0, 0.25, -0.75]], dtype=dtype)
    same_outcome(lambda m: _cumprod_grads(m, x, g, 1, True))


def test_exclusive_cumprod_transmittance_second_derivative():
    """Volume rendering's T_i = prod_{j<i} (1 - alpha_j) with an opaque sample (alpha = 1)."""
    def fn(m):
        sigma = m.tensor([[0.5, 2.0, 1.0, 0.3], [1.0, 0.0, 0.0, 2.0]], dtype=m.float64, requires_grad=True)
        alpha = m.cat([1 - m.exp(-sigma[:, :2]), m.ones(2, 1, dtype=m.float64), 1 - m.exp(-sigma[:, 3:])], 1)
        trans = m.cumprod(m.cat([m.ones(2, 1, dtype=m.float64), 1 - alpha], 1), 1)[:, :-1]
        weights = alpha * trans
        g, = m.autograd.grad((weights * m.arange(4.0, dtype=m.float64)).sum(), sigma, create_graph=True)
        h, = m.autograd.grad(g.pow(2).sum(), sigma)
        return weights, g, h
    same_outcome(fn)


@pytest.mark.parametrize("shape", [(1,), (3, 1), (1, 4), ()])
def test_cumprod_gradient_of_length_one_slices(shape):
    x = np.full(shape, 3.0, dtype=np.float32)
    g = np.full(shape, 0.1, dtype=np.float32)
    for cg in (False, True):
        same_outcome(lambda m: _cumprod_grads(m, x, g, -1 if shape else 0, cg)[:2])


def test_cumprod_dtype_argument_gradient():
    def fn(m, x):
        return m.cumprod(x, 1, dtype=m.float64) / 3
    same_on_both(fn, [np.array([[0.5, 0.0, 3.0], [1.5, 2.0, 1.1]], dtype=np.float32)])
    same_on_both(fn, [np.array([[0.5, 0.7, 3.0], [1.5, 2.0, 1.1]], dtype=np.float32)])


def test_cumprod_in_place_gradient_with_zeros():
    same_on_both(lambda m, x: (x * 1).cumprod_(1), [ZERO_ROWS])


def test_cumprod_complex_gradient_with_zeros():
    x = np.array([[1 + 1j, 0, 2 - 1j], [0.5j, 1 - 2j, 0]], dtype=np.complex128)
    g = np.array([[1 - 1j, 0.5, 2j], [1, -1j, 0.25]], dtype=np.complex128)
    for cg in (False, True):
        same_outcome(lambda m: _cumprod_grads(m, x, g, 1, cg)[:2], rtol=1e-12, atol=1e-14)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 0.5, -1.5, 2.0, 0.75, -0.3, 1.25]), min_size=4, max_size=4),
                min_size=1, max_size=4),
       st.integers(-2, 1), st.booleans())
def test_cumprod_gradient_hypothesis(rows, dim, create_graph):
    x = np.array(rows, dtype=np.float32)
    g = np.linspace(-1.0, 2.0, x.size, dtype=np.float32).reshape(x.shape)
    same_outcome(lambda m: _cumprod_grads(m, x, g, dim, create_graph))


def test_cumprod_gradcheck_and_gradgradcheck_with_zeros():
    x = np.array([[0.5, 0.0, 1.5, 0.0], [1.2, -0.7, 0.0, 2.0], [0.3, 0.4, 0.9, -1.1]])
    for d in (0, 1):
        t = glasstorch.tensor(x, requires_grad=True)
        assert gradcheck(lambda z: glasstorch.cumprod(z, d), (t,))
        assert gradgradcheck(lambda z: glasstorch.cumprod(z, d), (t,))


# ---- grid_sample under create_graph ---------------------------------------------------------------
RNG = np.random.default_rng(26)
X4 = RNG.standard_normal((2, 3, 5, 6))
GRID4 = RNG.random((2, 4, 3, 2)) * 2.4 - 1.2
GO4 = RNG.standard_normal((2, 3, 4, 3))
X5 = RNG.standard_normal((1, 2, 3, 4, 4))
GRID5 = RNG.random((1, 2, 2, 1, 3)) * 2.4 - 1.2
GO5 = RNG.standard_normal((1, 2, 2, 2, 1))
CASES = [(mode, pad, ac) for mode in ("bilinear", "nearest", "bicubic") for pad in ("zeros", "border", "reflection")
         for ac in (True, False)]


def _names(fn):
    return [None if f is None else type(f).__name__ for f, _ in fn.next_functions]


def _sampled(m, x, grid, go, mode, pad, ac, dtype, go_grad=True):
    a = m.from_numpy(x.astype(dtype)).requires_grad_(True)
    b = m.from_numpy(grid.astype(dtype)).requires_grad_(True)
    g = m.from_numpy(go.astype(dtype)).requires_grad_(go_grad)
    y = m.nn.functional.grid_sample(a, b, mode=mode, padding_mode=pad, align_corners=ac)
    return a, b, g, y


@pytest.mark.parametrize("mode,pad,ac", CASES)
def test_grid_sample_create_graph_gradients_and_node(mode, pad, ac):
    """The first gradients are the plain kernel's values (float32, exactly), both carried by one
    GridSampler2DBackwardBackward0 with edges to (grad_output, input, grid)."""
    def fn(m):
        a, b, g, y = _sampled(m, X4, GRID4, GO4, mode, pad, ac, np.float32)
        gi, gg = m.autograd.grad(y, (a, b), g, create_graph=True)
        return gi, gg, gi.grad_fn is gg.grad_fn, _names(gg.grad_fn)
    same_outcome(fn)


@pytest.mark.parametrize("mode,pad,ac", CASES)
def test_grid_sample_second_derivatives(mode, pad, ac):
    """Which of (grad_output, input, grid) get a second derivative (None where torch's has none), and
    its values, for each of dx and dgrid differentiated alone and together."""
    def fn(m):
        a, b, g, y = _sampled(m, X4, GRID4, GO4, mode, pad, ac, np.float64)
        gi, gg = m.autograd.grad(y, (a, b), g, create_graph=True)
        out = []
        for loss in (gg.sum(), gi.pow(2).sum(), gi.pow(2).sum() + gg.pow(2).sum()):
            out += list(m.autograd.grad(loss, (g, a, b), allow_unused=True, retain_graph=True))
        return out
    same_outcome(fn, rtol=1e-10, atol=1e-10)


def test_grid_sample_third_derivative():
    def fn(m):
        a, b, g, y = _sampled(m, X4, GRID4, GO4, "bilinear", "zeros", True, np.float64)
        gi, gg = m.autograd.grad(y.pow(2).sum(), (a, b), create_graph=True)
        h, = m.autograd.grad(gg.pow(2).sum() + gi.pow(2).sum(), b, create_graph=True)
        return (h, *m.autograd.grad(h.sum(), (a, b)))
    same_outcome(fn, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_3d_create_graph(mode):
    def fn(m):
        a, b, g, y = _sampled(m, X5, GRID5, GO5, mode, "border", False, np.float32)
        gi, gg = m.autograd.grad(y, (a, b), g, create_graph=True)
        return gi, gg, _names(gg.grad_fn)
    same_outcome(fn)

    def second(m):
        a, b, g, y = _sampled(m, X5, GRID5, GO5, mode, "zeros", True, np.float64)
        gi, gg = m.autograd.grad(y.pow(2).sum(), (a, b), create_graph=True)
        return m.autograd.grad(gi.pow(2).sum() + gg.sum(), (a, b), allow_unused=True)
    same_outcome(second, rtol=1e-10, atol=1e-10)


def test_grid_sample_create_graph_when_only_one_input_requires_grad():
    def fn(m):
        x = m.from_numpy(X4[:1].copy())
        grid = m.from_numpy(GRID4[:1].copy())
        gg, = m.autograd.grad(m.nn.functional.grid_sample(x, grid.requires_grad_(), align_corners=True).sum(),
                              grid, create_graph=True)
        x2 = m.from_numpy(X4[:1].copy()).requires_grad_()
        gi, = m.autograd.grad(m.nn.functional.grid_sample(x2, grid.detach(), align_corners=True).sum(), x2,
                              create_graph=True)
        return (gg, gg.requires_grad, type(gg.grad_fn).__name__, _names(gg.grad_fn),
                *m.autograd.grad(gg.sum(), grid, allow_unused=True), gi, type(gi.grad_fn).__name__,
                *m.autograd.grad(gi.sum(), x2, allow_unused=True))
    same_outcome(fn, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_grid_sample_gradgradcheck(mode):
    x = glasstorch.tensor(X4[:1, :2], requires_grad=True)
    grid = glasstorch.tensor(GRID4[:1] * 0.8, requires_grad=True)

    def f(a, b):
        return glasstorch.nn.functional.grid_sample(a, b, mode=mode, padding_mode="border", align_corners=False)
    assert gradcheck(f, (x, grid))
    assert gradgradcheck(f, (x, grid))


@pytest.mark.parametrize("pad", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("ac", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grid_sample_3d_trilinear_gradients_exact(pad, ac, dtype):
    """Both gradients of volumetric sampling bit for bit (signed zeros included): torch's kernel adds
    point by point, channel by channel, corner by corner."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 3, 4, 5)).astype(dtype)
    grid = (rng.random((2, 3, 3, 4, 3)) * 2.4 - 1.2).astype(dtype)
    same_on_both(lambda m, a, b: m.nn.functional.grid_sample(a, b, padding_mode=pad, align_corners=ac),
                 [x, grid])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10 ** 6), st.sampled_from(["zeros", "border", "reflection"]), st.booleans())
def test_grid_sample_3d_gradients_hypothesis(seed, pad, ac):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, 2, 2, 3, 4)).astype(np.float32)
    grid = (rng.random((1, 2, 2, 3, 3)) * 3 - 1.5).astype(np.float32)
    same_on_both(lambda m, a, b: m.nn.functional.grid_sample(a, b, padding_mode=pad, align_corners=ac),
                 [x, grid])


@pytest.mark.parametrize("ac", [True, False])
def test_grid_sample_2d_reflection_clipped_grid_gradient_is_plus_zero(ac):
    """Points the reflection folds and the clip then holds: torch's vectorised kernel masks the
    derivative (+0), where a product with the fold's -1 would give -0."""
    x = np.arange(12, dtype=np.float32).reshape(1, 1, 3, 4) - 5
    grid = np.array([[[[1.3, -1.7], [-1.2, 1.05], [3.0, -3.0], [0.2, 0.9]]]], dtype=np.float32)
    same_on_both(lambda m, a, b: m.nn.functional.grid_sample(a, b, padding_mode="reflection", align_corners=ac),
                 [x, grid])
