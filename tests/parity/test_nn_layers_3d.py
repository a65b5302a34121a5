"""3-d convolution and pooling, transposed 1-d/3-d convolution, Threshold, Softmax2d,
ChannelShuffle, LazyLinear and the lazy convolutions: same reprs, weights after manual_seed, outputs, grad_fn names,
gradients and errors as torch."""
import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import same_error
from ._nn_helpers import assert_same_params, run_module

R = np.random.default_rng(3)


def arr(*shape):
    return R.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.Conv3d(2, 3, (2, 3, 1)), (2, 2, 4, 5, 3)),
    (lambda nn: nn.Conv3d(4, 4, 3, stride=2, padding=1, groups=2, dilation=(1, 2, 1)), (1, 4, 5, 6, 5)),
    (lambda nn: nn.Conv3d(2, 2, 3, padding="same", padding_mode="circular", bias=False), (2, 4, 4, 5)),
    (lambda nn: nn.ConvTranspose1d(2, 3, 3, stride=2, output_padding=1), (2, 2, 5)),
    (lambda nn: nn.ConvTranspose1d(4, 2, 3, groups=2, padding=1, dilation=2), (4, 6)),
    (lambda nn: nn.ConvTranspose3d(2, 4, 2, groups=2, bias=False, stride=(1, 2, 2)), (1, 2, 3, 3, 2)),
    (lambda nn: nn.MaxPool3d(2), (2, 3, 4, 4, 4)),
    (lambda nn: nn.MaxPool3d((2, 2, 3), stride=1, padding=1, ceil_mode=True), (2, 3, 4, 5, 4)),
    (lambda nn: nn.MaxPool3d(3, stride=2, padding=1, dilation=(1, 2, 1)), (3, 5, 6, 5)),
    (lambda nn: nn.AvgPool3d(2), (2, 3, 4, 4, 4)),
    (lambda nn: nn.AvgPool3d(3, 2, 1, count_include_pad=False), (2, 3, 5, 4, 6)),
    (lambda nn: nn.AvgPool3d(3, 2, 1, ceil_mode=True, divisor_override=2), (3, 5, 4, 6)),
    (lambda nn: nn.AdaptiveAvgPool3d((1, None, 2)), (2, 3, 4, 4, 5)),
    (lambda nn: nn.AdaptiveAvgPool3d(1), (2, 3, 4, 4, 5)),
    (lambda nn: nn.AdaptiveAvgPool3d((2, 3, 2)), (3, 5, 4, 5)),
    (lambda nn: nn.Threshold(0.1, 20.0), (3, 4)),
    (lambda nn: nn.Softmax2d(), (2, 3, 2, 2)),
    (lambda nn: nn.Softmax2d(), (3, 2, 2)),
    (lambda nn: nn.ChannelShuffle(2), (2, 6, 3)),
    (lambda nn: nn.ChannelShuffle(3), (1, 6, 2, 2)),
])
def test_layer_3d(make, shape):
    run_module(lambda m: make(m.nn), [arr(*shape)])


def test_max_pool3d_return_indices():
    x = arr(2, 2, 5, 4, 5)
    out = [m.nn.functional.max_pool3d(m.from_numpy(x.copy()), 3, 2, 1, return_indices=True)[1].numpy()
           for m in (torch, glasstorch)]
    np.testing.assert_array_equal(out[0], out[1])


def test_threshold_inplace():
    run_module(lambda m: m.nn.Sequential(m.nn.Linear(4, 4), m.nn.Threshold(0.1, -2.0, inplace=True)), [arr(3, 4)])


@pytest.mark.parametrize("bias", [True, False])
def test_lazy_linear(bias):
    mods = {}
    for m in (torch, glasstorch):
        m.manual_seed(0)
        lin = m.nn.LazyLinear(3, bias=bias)
        assert repr(lin) == f"LazyLinear(in_features=0, out_features=3, bias={bias})"
        assert repr(lin.weight) == "<UninitializedParameter>"
        assert isinstance(lin.weight, m.nn.UninitializedParameter)
        assert lin.has_uninitialized_params()
        lin(m.ones(2, 5))
        assert type(lin).__name__ == "Linear" and not isinstance(lin, m.nn.modules.lazy.LazyModuleMixin)
        assert type(lin.weight) is m.nn.Parameter
        mods[m] = lin
    assert repr(mods[torch]) == repr(mods[glasstorch])
    assert_same_params(mods[torch], mods[glasstorch])
    x = arr(2, 5)
    ys = [mods[m](m.from_numpy(x.copy())).detach().numpy() for m in (torch, glasstorch)]
    np.testing.assert_allclose(ys[1], ys[0], rtol=1e-5, atol=1e-6)


def test_bases():
    for m in (torch, glasstorch):
        nn = m.nn
        assert isinstance(nn.Conv3d(1, 1, 1), nn.modules.conv._ConvNd)
        assert isinstance(nn.ConvTranspose1d(1, 1, 1), nn.modules.conv._ConvTransposeNd)
        assert isinstance(nn.MaxPool3d(2), nn.modules.pooling._MaxPoolNd)
        assert isinstance(nn.AvgPool3d(2), nn.modules.pooling._AvgPoolNd)
        assert isinstance(nn.AvgPool1d(2), nn.modules.pooling._AvgPoolNd)
        assert isinstance(nn.AdaptiveAvgPool3d(2), nn.modules.pooling._AdaptiveAvgPoolNd)
        assert isinstance(nn.AdaptiveMaxPool2d(2), nn.modules.pooling._AdaptiveMaxPoolNd)


def test_nn_namespace_has_no_submodule_leaks():
    t = {n for n in dir(torch.nn) if not n.startswith("_")}
    g = {n for n in dir(glasstorch.nn) if not n.startswith("_")}
    assert not {"conv", "linear", "pooling", "activation", "container"} & g
    assert glasstorch.nn.utils.__name__ == "glasstorch.nn.utils"
    for name in ("Conv3d", "ConvTranspose1d", "ConvTranspose3d", "MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d",
                 "Threshold", "Softmax2d", "ChannelShuffle", "LazyLinear", "modules", "parameter", "functional"):
        assert name in t and name in g
    assert sorted(glasstorch.nn.modules.__all__) == sorted(set(glasstorch.nn.modules.__all__))


@pytest.mark.parametrize("fn", [
    lambda t: t.nn.functional.conv3d(t.randn(3, 4, 4), t.randn(2, 3, 2, 2, 2)),
    lambda t: t.nn.functional.conv_transpose1d(t.randn(3), t.randn(3, 2, 2)),
    lambda t: t.nn.functional.conv_transpose3d(t.randn(3, 4, 4), t.randn(3, 2, 2, 2, 2)),
    lambda t: t.nn.Conv3d(2, 3, 3)(t.randn(1, 3, 4, 4, 4)),
    lambda t: t.nn.Conv3d(2, 3, 3)(t.randn(1, 2, 2, 4, 4)),
    lambda t: t.nn.functional.max_pool3d(t.randn(3, 4), 2),
    lambda t: t.nn.functional.avg_pool3d(t.randn(3, 4), 2),
    lambda t: t.nn.functional.adaptive_avg_pool3d(t.randn(3, 4), 2),
    lambda t: t.nn.MaxPool3d(2)(t.randn(1, 1, 1, 4, 4)),
    lambda t: t.nn.functional.max_pool3d(t.randn(1, 1, 4, 4, 4), 2, padding=2),
    lambda t: t.nn.functional.avg_pool3d(t.randn(1, 1, 4, 4, 4), 2, padding=2),
    lambda t: t.nn.functional.avg_pool3d(t.randn(1, 1, 1, 4, 4), 2),
    lambda t: t.nn.Softmax2d()(t.randn(3, 4)),
    lambda t: t.nn.functional.channel_shuffle(t.randn(2, 3, 4), 2),
    lambda t: t.nn.functional.channel_shuffle(t.randn(3), 1),
])
def test_errors(fn):
    same_error(fn)


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.LazyConv1d(4, 3, padding=1, padding_mode="reflect", bias=False), (2, 3, 6)),
    (lambda nn: nn.LazyConv2d(4, (2, 3), stride=2, groups=2), (1, 4, 5, 6)),
    (lambda nn: nn.LazyConv2d(3, 3, padding="same"), (2, 5, 5)),
    (lambda nn: nn.LazyConv3d(2, 2, dilation=(1, 2, 1)), (1, 3, 4, 5, 3)),
    (lambda nn: nn.LazyConvTranspose1d(3, 3, stride=2, output_padding=1), (2, 2, 5)),
    (lambda nn: nn.LazyConvTranspose2d(4, 2, groups=2, bias=False), (2, 4, 3, 3)),
    (lambda nn: nn.LazyConvTranspose3d(2, 2, stride=(1, 2, 1)), (1, 3, 2, 3, 2)),
])
def test_lazy_conv(make, shape):
    """Lazy convolutions: reprs and state_dict before the first call, then in_channels from the
    input, the same weights after manual_seed (drawn at the first call), the plain class and output."""
    x = arr(*shape)
    out = {}
    for m in (torch, glasstorch):
        m.manual_seed(0)
        mod = make(m.nn)
        m.randn(3)                                  # draws between construction and the first call
        before = (repr(mod), repr(mod.weight), list(mod.state_dict().items()).__repr__(),
                  mod.has_uninitialized_params())
        y = mod(m.from_numpy(x.copy()))
        out[m] = (mod, before, repr(mod), type(mod).__name__, type(mod.weight).__name__, y.detach().numpy())
    (mt, *rt, yt), (mg, *rg, yg) = out[torch], out[glasstorch]
    assert rt == rg
    assert_same_params(mt, mg)
    np.testing.assert_allclose(yg, yt, rtol=1e-5, atol=1e-5)


def test_lazy_conv_errors_and_loading():
    same_error(lambda m: m.nn.LazyConv2d(4, 3)(m.ones(3, 3)))
    same_error(lambda m: m.nn.LazyConv1d(4, 3, groups=2)(m.ones(1, 3, 5)))

    def load(m):
        m.manual_seed(0)
        src = m.nn.Conv2d(3, 4, 2)
        lazy = m.nn.LazyConv2d(4, 2)
        res = str(lazy.load_state_dict(src.state_dict()))
        y = lazy(m.ones(1, 3, 4, 4))
        return res, repr(lazy), type(lazy).__name__, lazy.weight.shape, y.detach().numpy().round(5).tolist()
    assert load(torch) == load(glasstorch)
