"""Differences found by the sweep21g classic-computer-vision programs (Canny/Harris, Hough and
histogram equalisation, pyramids, bilateral/NCC, Lucas-Kanade with affine warps).

* ``F.affine_grid``: torch's bmm of the base grid with theta^T adds the k + 1 rounded products one
  after another (``(x t0 + y t1) + t2``); NumPy's matmul fused them (last-bit differences in float32
  and float64).  Its backward ``B^T g`` is now the running sum torch's MKL gives for that shape.
* ``F.grid_sample`` on 4-D inputs follows torch's vectorised CPU kernel, not the scalar formulas of
  the 3-D one: ``ix = (g + 1) * (size / 2) - 0.5`` (one fused multiply-add) or
  ``(g + 1) * ((size - 1) / 2)``; reflection folds by ``twice_span`` with trunc; bilinear weights
  ``w = ix - floor(ix)``, ``e = 1 - w``; the four-corner sum as a chain of FMAs; the grid gradient
  ``((v_ne - v_nw) s + (v_se - v_sw) n) g`` accumulated channel by channel with FMAs; bicubic's
  coefficients and sums contracted where GCC contracts them (measured); and the input gradient added
  in torch's order (sample points in SIMD-vector groups, corner by corner within a group), which
  decides the last bit where many points share a pixel.
* ``F.interpolate`` of uint8 images (bilinear / bicubic, with or without antialias): torch's fixed-point
  kernel (int16 weights, integer sums rounded and clamped, width pass then height pass); the float
  path truncated (off by one) and wrapped negative bicubic overshoot to 254.
* ``F.interpolate(..., antialias=True)`` of float64 inputs computes its weights in float64 (they were
  float32: errors near 1e-7).  The remaining float32/float64 antialias differences are last-bit
  (torch's separable loop against a matrix product), hence the tolerance below.
* ``torch.histogramdd`` with bin counts: the edges are torch's ``linspace`` in the input's dtype
  (NumPy's float64 linspace rounded to float32 differed in the last bit).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_on_both


def F(m):
    return m.nn.functional


def theta(n, k, dtype, seed=0, spread=0.3):
    rng = np.random.default_rng(seed)
    return (np.eye(k, k + 1)[None] + spread * rng.standard_normal((n, k, k + 1))).astype(dtype)


# ---- affine_grid ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("size", [(1, 1, 24, 24), (3, 2, 7, 33), (2, 1, 130, 5), (2, 1, 4, 5, 7)])
def test_affine_grid_sum_order_and_theta_grad(dtype, align, size):
    k = len(size) - 2
    # the 3-d float64 theta gradient is MKL's blocked (4 x P) @ (P x 3) product, which NumPy's BLAS does
    # not reproduce: last-bit differences there (the grid itself is exact)
    tol = 1e-14 if k == 3 and dtype == np.float64 else 0.0
    same_on_both(lambda t, th: F(t).affine_grid(th, size, align_corners=align), [theta(size[0], k, dtype)],
                 grad_rtol=tol, grad_atol=tol)


# ---- grid_sample (4-D) -----------------------------------------------------------------------------
MODES = ["bilinear", "nearest", "bicubic"]
PADS = ["zeros", "border", "reflection"]


@settings(max_examples=25, deadline=None)
@given(mode=st.sampled_from(MODES), pad=st.sampled_from(PADS), align=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]), h=st.integers(1, 9), w=st.integers(1, 9),
       ho=st.integers(1, 7), wo=st.integers(1, 7), seed=st.integers(0, 2 ** 16))
def test_grid_sample_values_and_grads(mode, pad, align, dtype, h, w, ho, wo, seed):
    rng = np.random.default_rng(seed)
    img = rng.random((2, 3, h, w)).astype(dtype)
    grid = (rng.random((2, ho, wo, 2)) * 3.2 - 1.6).astype(dtype)        # inside and outside the image
    same_on_both(lambda t, x, g: F(t).grid_sample(x, g, mode=mode, padding_mode=pad, align_corners=align),
                 [img, grid], seed=seed)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("align", [False, True])
def test_warp_by_theta_end_to_end(mode, align):
    """An STN / registration step: theta -> affine_grid -> grid_sample, gradients down to theta."""
    img = np.random.default_rng(1).random((2, 3, 24, 24)).astype(np.float32)

    def warp(t, x, th):
        grid = F(t).affine_grid(th, (2, 3, 20, 22), align_corners=align)
        return F(t).grid_sample(x, grid, mode=mode, padding_mode="reflection", align_corners=align)
    same_on_both(warp, [img, theta(2, 2, np.float32, spread=0.05)])


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_input_grad_order_where_points_share_pixels(mode, dtype):
    """Many sample points (across SIMD-vector groups) land between the same pixels: the order in
    which their contributions are added decides the last bit of the input's gradient."""
    rng = np.random.default_rng(3)
    img = rng.random((1, 2, 4, 4)).astype(dtype)
    grid = (0.1 + 0.3 * rng.random((1, 9, 13, 2))).astype(dtype)
    same_on_both(lambda t, x, g: F(t).grid_sample(x, g, mode=mode, align_corners=False), [img, grid])


# ---- float64 numerical gradients of the changed backward formulas ----------------------------------------
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("pad", PADS)
@pytest.mark.parametrize("align", [False, True])
def test_gradcheck_grid_sample(mode, pad, align):
    rng = np.random.default_rng(5)
    x = gt.tensor(rng.random((1, 2, 5, 6)), dtype=gt.float64, requires_grad=True)
    # points away from pixel centres and borders, where the sampled function is smooth
    g = gt.tensor(rng.uniform(-0.8, 0.8, (1, 3, 4, 2)), dtype=gt.float64, requires_grad=True)
    assert gradcheck(lambda a, b: F(gt).grid_sample(a, b, mode=mode, padding_mode=pad, align_corners=align),
                     (x, g), eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("size", [(2, 1, 4, 5), (1, 1, 3, 4, 2)])
def test_gradcheck_affine_grid(size):
    k = len(size) - 2
    th = gt.tensor(theta(size[0], k, np.float64), requires_grad=True)
    assert gradcheck(lambda a: F(gt).affine_grid(a, size, align_corners=False), (th,))


# ---- interpolate: uint8 fixed point, float64 antialias weights -----------------------------------------
@settings(max_examples=30, deadline=None)
@given(mode=st.sampled_from(["bilinear", "bicubic"]), aa=st.booleans(), align=st.booleans(),
       c=st.sampled_from([1, 3, 5]), h=st.integers(1, 12), w=st.integers(1, 12), ho=st.integers(1, 16),
       wo=st.integers(1, 16), seed=st.integers(0, 2 ** 16))
def test_interpolate_uint8(mode, aa, align, c, h, w, ho, wo, seed):
    img = np.random.default_rng(seed).integers(0, 256, (2, c, h, w)).astype(np.uint8)
    same_on_both(lambda t, x: F(t).interpolate(x, size=(ho, wo), mode=mode, antialias=aa, align_corners=align),
                 [img], grad=False)


@pytest.mark.parametrize("sf", [0.5, 1.05, 1.7, 2.0, 0.33])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_interpolate_uint8_scale_factor(sf, mode):
    img = np.random.default_rng(2).integers(0, 256, (1, 3, 9, 10)).astype(np.uint8)
    same_on_both(lambda t, x: F(t).interpolate(x, scale_factor=sf, mode=mode), [img], grad=False)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("size", [(5, 4), (7, 10), (15, 20)])
def test_interpolate_antialias_float64_weights(mode, size):
    img = np.random.default_rng(4).random((2, 3, 11, 13))
    # last-bit differences only (summation order); float32 weights were off by ~1e-7
    same_on_both(lambda t, x: F(t).interpolate(x, size=size, mode=mode, antialias=True), [img],
                 rtol=0, atol=2e-15, grad_atol=1e-14)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 40), d=st.integers(1, 3), dtype=st.sampled_from([np.float32, np.float64]),
       seed=st.integers(0, 2 ** 16), data=st.data())
def test_histogramdd_edges(n, d, dtype, seed, data):
    bins = data.draw(st.lists(st.integers(1, 8), min_size=d, max_size=d))
    pts = np.random.default_rng(seed).standard_normal((n, d)).astype(dtype)
    same_on_both(lambda t, x: (lambda r: (r.hist, *r.bin_edges))(t.histogramdd(x, bins=bins)), [pts], grad=False)
