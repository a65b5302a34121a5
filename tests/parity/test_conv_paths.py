"""Convolution layouts and max-pooling paths against torch.

conv2d picks a batch-inner or batch-outer layout from the output width and whether dx is needed;
max_pool2d takes a branch-free path (maximum, then the first tap equal to it) unless NaN, -0.0 or
a window of padding and -inf asks for torch's exact scan, and its backward writes g straight into
each tap's slice when windows do not overlap.  Every path must give torch's values, indices and
gradients.
"""
import numpy as np
import pytest
import torch

import glasstorch

R = np.random.default_rng(7)


def _both(fn, arrays, need):
    """Run ``fn(m, *tensors)`` on both libraries, backpropagate one random g; (out, grads) each."""
    res, g = [], None
    for m in (torch, glasstorch):
        ts = [m.from_numpy(a.copy()).requires_grad_(r) for a, r in zip(arrays, need)]
        out = fn(m, *ts)
        y = out[0] if isinstance(out, tuple) else out
        if g is None:
            g = R.standard_normal(tuple(y.shape)).astype(arrays[0].dtype)
        y.backward(m.from_numpy(g.copy()))
        extra = out[1].numpy() if isinstance(out, tuple) else None
        res.append((y.detach().numpy(), extra, [t.grad.numpy() if r else None for t, r in zip(ts, need)]))
    return res


@pytest.mark.parametrize("xshape,wshape,kw", [
    ((6, 6, 14, 14), (16, 6, 5, 5), {}),                                   # narrow: batch-inner
    ((4, 1, 28, 28), (6, 1, 5, 5), {"padding": 2}),                        # wide: batch-outer
    ((5, 4, 11, 9), (6, 2, 3, 2), {"stride": (2, 1), "padding": 1, "dilation": (1, 2), "groups": 2}),
    ((3, 3, 30, 30), (4, 3, 3, 3), {"stride": 2, "padding": "valid"}),
    ((1, 2, 9, 9), (3, 2, 3, 3), {"padding": "same", "dilation": 2}),
])
@pytest.mark.parametrize("need_x", [True, False])
def test_conv2d_layouts(xshape, wshape, kw, need_x):
    x = R.standard_normal(xshape).astype(np.float32)
    w = R.standard_normal(wshape).astype(np.float32)
    b = R.standard_normal(wshape[0]).astype(np.float32)
    (yt, _, gt), (yg, _, gg) = _both(lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, **kw), [x, w, b],
                                     [need_x, True, True])
    np.testing.assert_allclose(yg, yt, rtol=1e-4, atol=1e-4)
    for a, c in zip(gt, gg):
        assert (a is None) == (c is None)
        if a is not None:
            np.testing.assert_allclose(c, a, rtol=1e-4, atol=1e-4)


def test_conv1d_narrow_batch():
    x = R.standard_normal((8, 3, 12)).astype(np.float64)
    w = R.standard_normal((4, 3, 3)).astype(np.float64)
    (yt, _, gt), (yg, _, gg) = _both(lambda m, x, w: m.nn.functional.conv1d(x, w, stride=2, padding=1), [x, w],
                                     [True, True])
    np.testing.assert_allclose(yg, yt, rtol=1e-12)
    for a, c in zip(gt, gg):
        np.testing.assert_allclose(c, a, rtol=1e-12)


def _pool_input(kind, shape):
    if kind == "ties":
        return R.integers(-2, 3, shape).astype(np.float32)
    x = R.standard_normal(shape).astype(np.float32)
    if kind == "relu":
        return np.maximum(x, 0)
    flat = x.reshape(-1)
    for v in (np.nan, -np.nan, np.inf, -np.inf, -0.0, 0.0):
        flat[R.integers(0, flat.size, flat.size // 8)] = v
    return x


@pytest.mark.parametrize("kind", ["ties", "relu", "special"])
@pytest.mark.parametrize("args", [
    (2, 2, 0, 1, False), (3, 2, 1, 1, True), (2, 3, 1, 1, True), (3, 1, 1, 2, False), ((1, 3), (1, 2), (0, 1), 1, True),
])
def test_max_pool2d_paths(kind, args):
    k, s, p, d, ceil = args
    x = _pool_input(kind, (2, 3, 9, 10))
    (yt, it, (gt,)), (yg, ig, (gg,)) = _both(
        lambda m, x: m.nn.functional.max_pool2d(x, k, s, p, d, ceil, return_indices=True), [x], [True])
    assert yt.tobytes() == yg.tobytes()                  # bit for bit, -0.0 and NaN included
    np.testing.assert_array_equal(ig, it)
    np.testing.assert_allclose(gg, gt, rtol=1e-6, atol=1e-6)


def test_max_pool2d_padding_windows_of_minus_inf_and_ints():
    x = np.full((1, 1, 3, 3), -np.inf, np.float32)
    x[0, 0, 2] = 0.0
    x[0, 0, 1, 2] = 2.0
    for xs in (x, np.array([[[[-7, -5, -5], [-5, -5, -5], [-5, -5, -9]]]], np.int64)):
        out = [m.nn.functional.max_pool2d(m.from_numpy(xs.copy()), 3, 2, 1, return_indices=True)
               for m in (torch, glasstorch)]
        np.testing.assert_array_equal(out[1][0].numpy(), out[0][0].numpy())
        np.testing.assert_array_equal(out[1][1].numpy(), out[0][1].numpy())


def test_max_pool2d_backward_special_gradients():
    """Disjoint windows: g lands bit for bit (inf, NaN; -0.0 becomes 0.0 as torch's 0 + g)."""
    x = R.standard_normal((2, 2, 6, 6)).astype(np.float32)
    g = R.standard_normal((2, 2, 3, 3)).astype(np.float32)
    g.reshape(-1)[:4] = [np.inf, -0.0, np.nan, -np.inf]
    grads = []
    for m in (torch, glasstorch):
        t = m.from_numpy(x.copy()).requires_grad_()
        m.nn.functional.max_pool2d(t, 2).backward(m.from_numpy(g.copy()))
        grads.append(t.grad.numpy())
    assert grads[0].tobytes() == grads[1].tobytes()
