"""Parity tests for the gaps the sweep23b programs (tests/programs/sweep23b_*.py: 3-D U-Net, R(2+1)D clips,
3-D pooling, 3-D resampling, Conv3d variants) found.  Fixed:

* channels_last_3d outputs: ``suggest_memory_format`` now knows 5-d tensors (ops/_layout.py), so
  batch_norm, group_norm, cat, roll and F.pad (constant) keep a channels_last_3d input's layout;
* F.pad replicate / reflect keep a channels_last(_3d) input's layout (4-d too);
* conv3d (float32) and conv_transpose2d / conv_transpose3d write channels_last(_3d) outputs when the
  input or the weight is laid out so (conv3d in float64 / float16: contiguous, as torch's slow kernel);
* avg_pool3d's output is contiguous even for a channels_last_3d input (torch's CPU kernel);
* adaptive_avg_pool2d/3d to size 1 of a channels_last(_3d) input: torch's restrided mean (C, 1, C, C[, C]);
* torch.empty(..., memory_format=...) (channels_last, channels_last_3d, its errors);
* F.affine_grid's unit-size-grid warning under align_corners=True (and torch skipping the size check then);
* dtype conversions (.float(), .double(), ...) of a non-contiguous tensor with size-1 dims keep torch's
  empty_like strides (F.one_hot(...).permute(0, 4, 1, 2, 3).float(), the Dice-loss idiom);
* adaptive_avg_pool3d (and interpolate mode="area" on 5-d) bit for bit: torch's 3-d kernel sums each bin
  left to right in (d, h, w) order and divides by kD, kH and kW in turn (forward and backward);
* pixel_shuffle / pixel_unshuffle / channel_shuffle keep a channels_last input's layout (channels_last_3d:
  channel_shuffle keeps it, the pixel shuffles refuse it with torch's error);
* matmul (and ``@``) of a non-contiguous batch with a matrix or vector returns a contiguous result, as
  torch's folded mm / bmm then view does.
"""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck

from ._helpers import MODS, same_error, same_on_both, same_outcome

R = np.random.default_rng(23)


def _arr(*shape, dtype=np.float32):
    return R.standard_normal(shape).astype(dtype)


def same_strides(fn, arrays, grad=True, **kw):
    """``same_on_both`` (values, grad_fn, gradients), and the outputs' strides equal too."""
    outs = same_on_both(fn, arrays, grad=grad, **kw)
    for o_t, o_g in zip(outs[torch], outs[glasstorch]):
        if isinstance(o_t, torch.Tensor):
            assert o_t.stride() == o_g.stride(), f"strides torch {o_t.stride()} vs glasstorch {o_g.stride()}"
    return outs


def cl3(t, x):
    return x.contiguous(memory_format=t.channels_last_3d)


def cl2(t, x):
    return x.contiguous(memory_format=t.channels_last)


def _seeded(t, make):
    t.manual_seed(0)
    return make(t)


# ---- conv / conv_transpose layouts ----

@pytest.mark.parametrize("cfg", [dict(kernel_size=3, padding=1), dict(kernel_size=3, groups=2, padding=1),
                                 dict(kernel_size=(1, 3, 3), stride=(1, 2, 2)), dict(kernel_size=2, dilation=2)])
def test_conv3d_channels_last_3d_input(cfg):
    x = _arr(2, 4, 3, 5, 6)
    same_strides(lambda t, x: _seeded(t, lambda t: t.nn.Conv3d(4, 6, **cfg))(cl3(t, x)), [x], rtol=1e-5, atol=1e-6)


def test_conv3d_channels_last_3d_weight_contiguous_input():
    x = _arr(1, 3, 3, 4, 4)
    same_strides(lambda t, x: _seeded(t, lambda t: t.nn.Conv3d(3, 2, 3).to(memory_format=t.channels_last_3d))(x),
                 [x], rtol=1e-5, atol=1e-6)


def test_conv3d_float64_channels_last_3d_stays_contiguous():
    x = _arr(2, 4, 3, 5, 6, dtype=np.float64)
    same_strides(lambda t, x: _seeded(t, lambda t: t.nn.Conv3d(4, 3, 3).double())(cl3(t, x)), [x],
                 rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("nd", [2, 3])
def test_conv_transpose_channels_last(nd):
    x = _arr(*((2, 4) + (3,) * nd))
    mod, fmt = ("ConvTranspose3d", cl3) if nd == 3 else ("ConvTranspose2d", cl2)
    same_strides(lambda t, x: _seeded(t, lambda t: getattr(t.nn, mod)(4, 3, 2, stride=2))(fmt(t, x)), [x],
                 rtol=1e-5, atol=1e-6)


# ---- normalization, cat, pad ----

@pytest.mark.parametrize("make", [lambda t: t.nn.BatchNorm3d(4), lambda t: t.nn.GroupNorm(2, 4),
                                  lambda t: t.nn.InstanceNorm3d(4, affine=True)])
def test_norms_keep_channels_last_3d(make):
    x = _arr(2, 4, 3, 4, 5)
    same_strides(lambda t, x: make(t)(cl3(t, x)), [x], rtol=1e-5, atol=1e-5)


def test_cat_and_roll_keep_channels_last_3d():
    a, b = _arr(2, 3, 2, 3, 4), _arr(2, 1, 2, 3, 4)
    same_strides(lambda t, a, b: t.cat([cl3(t, a), cl3(t, b)], 1), [a, b])
    same_strides(lambda t, a: cl3(t, a).roll(1, 2), [a])


@pytest.mark.parametrize("mode", ["constant", "replicate", "reflect", "circular"])
@pytest.mark.parametrize("nd", [2, 3])
def test_pad_keeps_channels_last(mode, nd):
    x = _arr(*((2, 3) + (4,) * nd))
    fmt = cl3 if nd == 3 else cl2
    same_strides(lambda t, x: t.nn.functional.pad(fmt(t, x), (1, 2) * nd, mode=mode), [x])


def test_pad_reflect_channels_last_3d_gradcheck():
    x = glasstorch.from_numpy(R.standard_normal((1, 2, 3, 3, 4))).contiguous(
        memory_format=glasstorch.channels_last_3d).requires_grad_()
    assert gradcheck(lambda x: glasstorch.nn.functional.pad(x, (1, 1, 2, 0, 1, 1), mode="reflect"), (x,))


# ---- pooling ----

@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)])
def test_avg_pool3d_channels_last_3d_output_contiguous(kw):
    x = _arr(2, 4, 6, 6, 5)
    same_strides(lambda t, x: t.nn.functional.avg_pool3d(cl3(t, x), **kw), [x], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("nd", [2, 3])
def test_adaptive_avg_pool_to_one_channels_last(nd):
    x = _arr(*((2, 5) + (3,) * nd))
    fmt = cl3 if nd == 3 else cl2
    fn = getattr(torch.nn.functional, f"adaptive_avg_pool{nd}d").__name__
    same_strides(lambda t, x: getattr(t.nn.functional, fn)(fmt(t, x), 1), [x], rtol=1e-6, atol=1e-7)
    same_strides(lambda t, x: getattr(t.nn.functional, fn)(fmt(t, x), 1).flatten(1) * 2, [x], rtol=1e-6, atol=1e-7)


def test_adaptive_avg_pool3d_one_sliced_and_contiguous_inputs():
    x = _arr(2, 4, 3, 3, 3)
    same_strides(lambda t, x: t.nn.functional.adaptive_avg_pool3d(cl3(t, x)[:, :, :1, :1, :1], 1), [x])
    same_strides(lambda t, x: t.nn.functional.adaptive_avg_pool3d(x, (1, 1, 1)), [x], rtol=1e-6, atol=1e-7)


def test_adaptive_avg_pool3d_one_channels_last_3d_gradcheck():
    x = glasstorch.from_numpy(R.standard_normal((2, 3, 2, 3, 2))).contiguous(
        memory_format=glasstorch.channels_last_3d).requires_grad_()
    assert gradcheck(lambda x: glasstorch.nn.functional.adaptive_avg_pool3d(x, 1), (x,))


# ---- torch.empty(memory_format=...) ----

@pytest.mark.parametrize("expr", [
    "t.empty(2, 3, 4, 5, 6, memory_format=t.channels_last_3d).stride()",
    "t.empty(2, 3, 4, 5, memory_format=t.channels_last).stride()",
    "t.empty((2, 1, 4, 5), memory_format=t.channels_last, dtype=t.float64).stride()",
    "t.empty(0, 3, 4, 5, memory_format=t.channels_last).stride()",
    "t.empty(size=(2, 3, 4, 5), memory_format=t.channels_last).is_contiguous(memory_format=t.channels_last)",
    "t.empty(2, 3, 4, memory_format=t.contiguous_format).stride()",
    "t.empty(2, 3, 4, 5, memory_format=t.channels_last, requires_grad=True).requires_grad",
])
def test_empty_memory_format(expr):
    got = [eval(expr, {"t": m}) for m in MODS]
    assert got[0] == got[1]


@pytest.mark.parametrize("args", [((2, 3, 4, 5), "channels_last_3d"), ((2, 3, 4), "channels_last"),
                                  ((2, 3, 4), "preserve_format")])
def test_empty_memory_format_errors(args):
    shape, fmt = args
    same_error(lambda t: t.empty(*shape, memory_format=getattr(t, fmt)))
    same_error(lambda t: t.empty(2, 3, 4, 5, memory_format="channels_last"))


# ---- affine_grid on unit-size grids ----

def _warned(m, theta, size, ac):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = m.nn.functional.affine_grid(m.from_numpy(theta), size, align_corners=ac)
    return out, [str(x.message) for x in w]


@pytest.mark.parametrize("size,ac", [([1, 1, 1, 2, 2], True), ([1, 1, 3, 1, 2], True), ([1, 1, 1, 2, 2], False),
                                     ([1, 1, 1, 2], True), ([1, 1, 2, 2], True)])
def test_affine_grid_unit_size_warning(size, ac):
    k = len(size) - 2
    theta = np.eye(k, k + 1, dtype=np.float32)[None] + 0.1 * _arr(1, k, k + 1)
    (o_t, w_t), (o_g, w_g) = (_warned(m, theta, size, ac) for m in MODS)
    assert w_t == w_g
    np.testing.assert_array_equal(o_g.numpy(), o_t.numpy())


def test_affine_grid_size_check_order():
    # a zero size with a unit spatial size and align_corners=True: torch warns and skips the size check
    theta = np.eye(2, 3, dtype=np.float32)[None]
    same_outcome(lambda t: t.nn.functional.affine_grid(t.from_numpy(theta).expand(0, 2, 3), [0, 1, 1, 2],
                                                       align_corners=True))
    same_error(lambda t: t.nn.functional.affine_grid(t.from_numpy(theta).expand(0, 2, 3), [0, 1, 3, 2],
                                                     align_corners=True))


# ---- dtype conversion of a non-contiguous tensor with size-1 dims keeps torch's empty_like strides ----

@pytest.mark.parametrize("expr", [
    "F.one_hot(t.tensor([[[[0, 2]]]]), 3).permute(0, 4, 1, 2, 3).float()",
    "t.arange(6).reshape(1, 2, 3).transpose(1, 2).float()",
    "t.arange(6).reshape(2, 1, 3).transpose(0, 2).double()",
    "t.arange(12).reshape(2, 1, 6)[:, :, ::2].float()",
    "t.arange(12).reshape(4, 3, 1).permute(2, 1, 0).half()",
    "t.zeros(0, 1, 3).permute(2, 1, 0).long()",
])
def test_dtype_conversion_strides_with_unit_dims(expr):
    got = [eval(expr, {"t": m, "F": m.nn.functional}) for m in MODS]
    assert got[0].stride() == got[1].stride()
    np.testing.assert_array_equal(got[1].numpy(), got[0].numpy())


# ---- adaptive_avg_pool3d rounds as torch's 3-d kernel: a running sum in (d, h, w) order, / kD / kH / kW ----

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("out", [(2, 3, 4), (None, 2, 3), (3, 1, 5), (4, 6, 7)])
def test_adaptive_avg_pool3d_bit_exact(dtype, out):
    x = _arr(2, 3, 5, 6, 7, dtype=dtype)
    same_on_both(lambda t, x: t.nn.functional.adaptive_avg_pool3d(x, out), [x])
    same_on_both(lambda t, x: t.nn.AdaptiveAvgPool3d(out)(x[0]), [x])


def test_interpolate_area_3d_bit_exact():
    x = _arr(1, 2, 6, 7, 9)
    same_on_both(lambda t, x: t.nn.functional.interpolate(x, size=(4, 3, 5), mode="area"), [x])


def test_adaptive_avg_pool3d_gradcheck():
    x = glasstorch.from_numpy(R.standard_normal((1, 2, 5, 4, 3))).requires_grad_()
    assert gradcheck(lambda x: glasstorch.nn.functional.adaptive_avg_pool3d(x, (2, 3, 2)), (x,))
    assert gradgradcheck(lambda x: glasstorch.nn.functional.adaptive_avg_pool3d(x, (3, 3, 2)), (x,))


# ---- pixel (un)shuffle and channel_shuffle keep the input's suggested memory format ----

@pytest.mark.parametrize("expr", [
    "F.pixel_shuffle(t.from_numpy(X4).contiguous(memory_format=t.channels_last), 2)",
    "F.pixel_unshuffle(t.from_numpy(X4).contiguous(memory_format=t.channels_last), 2)",
    "F.pixel_shuffle(t.from_numpy(X4).contiguous(memory_format=t.channels_last)[:, :, :1, :1], 2)",
    "F.pixel_shuffle(t.from_numpy(X4).contiguous(memory_format=t.channels_last).unsqueeze(0), 2)",
    "F.pixel_shuffle(t.from_numpy(X4).transpose(2, 3), 2)",
    "F.channel_shuffle(t.from_numpy(X4).contiguous(memory_format=t.channels_last), 2)",
    "F.channel_shuffle(t.from_numpy(X5).contiguous(memory_format=t.channels_last_3d), 2)",
    "t.nn.ChannelShuffle(2)(t.from_numpy(X4).contiguous(memory_format=t.channels_last))",
])
def test_shuffles_keep_memory_format(expr):
    env = {"X4": _arr(2, 4, 6, 6), "X5": _arr(2, 4, 3, 4, 4)}
    got = [eval(expr, dict(env, t=m, F=m.nn.functional)) for m in MODS]
    assert got[0].stride() == got[1].stride()
    np.testing.assert_array_equal(got[1].numpy(), got[0].numpy())


@pytest.mark.parametrize("fn", ["pixel_shuffle", "pixel_unshuffle"])
def test_pixel_shuffle_refuses_channels_last_3d(fn):
    x = _arr(2, 4, 4, 6, 6)
    same_error(lambda t: getattr(t.nn.functional, fn)(t.from_numpy(x).contiguous(memory_format=t.channels_last_3d), 2))


# ---- matmul of a non-contiguous batch (a channels_last_3d activation @ a matrix): a contiguous output ----

@pytest.mark.parametrize("expr", [
    "t.from_numpy(X5).contiguous(memory_format=t.channels_last_3d) @ t.from_numpy(W)",
    "t.matmul(t.from_numpy(X5).contiguous(memory_format=t.channels_last_3d), t.from_numpy(W))",
    "t.from_numpy(X5).contiguous(memory_format=t.channels_last_3d) @ t.from_numpy(W[:, 0].copy())",
    "t.from_numpy(X5).transpose(1, 2) @ t.from_numpy(W)",
    "t.from_numpy(X4).permute(0, 2, 1, 3) @ t.from_numpy(W)",
])
def test_matmul_batched_noncontiguous_output_contiguous(expr):
    env = {"X5": _arr(2, 4, 3, 5, 6), "X4": _arr(2, 4, 3, 6), "W": _arr(6, 3)}
    got = [eval(expr, dict(env, t=m)) for m in MODS]
    assert got[0].stride() == got[1].stride()
    np.testing.assert_allclose(got[1].numpy(), got[0].numpy(), rtol=1e-5, atol=1e-6)
