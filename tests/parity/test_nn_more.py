"""ConvTranspose2d, Upsample/interpolate, fold/unfold, Bilinear, AlphaDropout, conv padding modes,
normalize / cosine_similarity / pairwise_distance, and double backward of common nn ops."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import same_error, same_on_both
from ._nn_helpers import run_module

R = np.random.default_rng(0)
RTOL, ATOL = 1e-5, 1e-6


def arr(*shape):
    return R.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.ConvTranspose2d(3, 4, 3), (2, 3, 5, 4)),
    (lambda nn: nn.ConvTranspose2d(2, 4, (3, 2), stride=2, padding=1, output_padding=1), (2, 2, 4, 5)),
    (lambda nn: nn.ConvTranspose2d(4, 6, 3, stride=(2, 1), groups=2, dilation=2, bias=False), (1, 4, 3, 3)),
    (lambda nn: nn.ConvTranspose2d(2, 3, 2, stride=2), (2, 4, 4)),
    (lambda nn: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"), (2, 2, 5, 5)),
    (lambda nn: nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="replicate"), (2, 2, 5, 5)),
    (lambda nn: nn.Conv2d(2, 3, 3, padding="same", padding_mode="circular"), (2, 2, 5, 6)),
    (lambda nn: nn.Conv1d(2, 3, 3, padding=2, padding_mode="circular"), (2, 2, 6)),
    (lambda nn: nn.Upsample(scale_factor=2), (2, 3, 3, 4)),
    (lambda nn: nn.Upsample(size=(5, 7)), (2, 3, 3, 4)),
    (lambda nn: nn.Upsample(scale_factor=1.7, mode="bilinear"), (2, 3, 3, 4)),
    (lambda nn: nn.Upsample(size=(5, 3), mode="bilinear", align_corners=True), (2, 3, 3, 4)),
    (lambda nn: nn.Upsample(size=2, mode="bilinear"), (1, 2, 5, 4)),                       # downsampling
    (lambda nn: nn.Upsample(scale_factor=3, mode="linear"), (2, 3, 4)),
    (lambda nn: nn.Upsample(size=7, mode="nearest"), (2, 3, 4)),
    (lambda nn: nn.UpsamplingNearest2d(scale_factor=3), (2, 3, 3, 4)),                   # deprecated aliases
    (lambda nn: nn.UpsamplingBilinear2d(size=(5, 6)), (2, 3, 3, 4)),
    (lambda nn: nn.UpsamplingBilinear2d(scale_factor=2), (1, 2, 3, 3)),
    (lambda nn: nn.Unfold(2), (2, 3, 4, 5)),
    (lambda nn: nn.Unfold((2, 3), dilation=2, padding=1, stride=(2, 1)), (2, 3, 5, 6)),
    (lambda nn: nn.Fold((4, 5), 2), (2, 12, 12)),
    (lambda nn: nn.Fold((5, 6), (2, 3), padding=1, stride=2), (6, 9)),
])
def test_layers(make, shape):
    run_module(lambda m: make(m.nn), [arr(*shape)])


def test_bilinear():
    run_module(lambda m: m.nn.Bilinear(3, 4, 5), [arr(6, 3), arr(6, 4)], check_fn=False)
    run_module(lambda m: m.nn.Bilinear(3, 4, 2, bias=False), [arr(2, 6, 3), arr(2, 6, 4)], check_fn=False)


def test_alpha_dropout_masks_match():
    for m_args in [(0.2,), (0.5,)]:
        outs = []
        for m in (torch, glasstorch):
            m.manual_seed(3)
            x = m.from_numpy(arr(6, 8).copy() if not outs else outs[0][3]).requires_grad_(True)
            y = m.nn.AlphaDropout(*m_args)(x)
            y.sum().backward()
            outs.append((y.detach().numpy().copy(), x.grad.numpy().copy(), type(y.grad_fn).__name__,
                         x.detach().numpy().copy()))
        np.testing.assert_allclose(outs[1][0], outs[0][0], RTOL, ATOL)
        np.testing.assert_allclose(outs[1][1], outs[0][1], RTOL, ATOL)
        assert outs[0][2] == outs[1][2]


@pytest.mark.parametrize("fn,arrays", [
    (lambda m, a: m.nn.functional.normalize(a), [arr(4, 5)]),
    (lambda m, a: m.nn.functional.normalize(a, p=1, dim=0), [arr(4, 5)]),
    (lambda m, a, b: m.nn.functional.cosine_similarity(a, b), [arr(4, 5), arr(4, 5)]),
    (lambda m, a, b: m.nn.functional.cosine_similarity(a, b, dim=0), [arr(4, 5), arr(1, 5)]),
    (lambda m, a, b: m.nn.functional.pairwise_distance(a, b), [arr(4, 5), arr(4, 5)]),
    (lambda m, a, b: m.nn.functional.pairwise_distance(a, b, p=1, keepdim=True), [arr(4, 5), arr(4, 5)]),
    (lambda m, a: m.nn.functional.interpolate(a, scale_factor=(2, 1.5), mode="bilinear"), [arr(1, 2, 3, 4)]),
])
def test_functional_values(fn, arrays):
    same_on_both(fn, arrays, rtol=RTOL, atol=ATOL, grad_rtol=RTOL, grad_atol=1e-5)


def test_conv_transpose_output_size():
    for m in (torch, glasstorch):
        m.manual_seed(0)
    mt, mg = torch.nn.ConvTranspose2d(2, 3, 3, stride=2), glasstorch.nn.ConvTranspose2d(2, 3, 3, stride=2)
    x = arr(1, 2, 4, 4)
    yt = mt(torch.from_numpy(x), output_size=[10, 9])
    yg = mg(glasstorch.from_numpy(x), output_size=[10, 9])
    assert tuple(yt.shape) == tuple(yg.shape) == (1, 3, 10, 9)


def test_more_errors():
    same_error(lambda m: m.nn.ConvTranspose2d(2, 3, 3, padding_mode="reflect"))
    same_error(lambda m: m.nn.functional.interpolate(m.ones(1, 1, 2, 2), scale_factor=2, align_corners=True))


# ---- double backward (create_graph=True) ---------------------------------------------------------
def _f64(*shape):
    return glasstorch.from_numpy(R.standard_normal(shape)).requires_grad_(True)


@pytest.mark.parametrize("fn,shapes", [
    (lambda F, x: F.gelu(x), [(3, 4)]),
    (lambda F, x: F.gelu(x, approximate="tanh"), [(3, 4)]),
    (lambda F, x: F.leaky_relu(x, 0.1), [(3, 4)]),
    (lambda F, x: F.softmax(x, 1), [(3, 4)]),
    (lambda F, x: F.log_softmax(x, 0), [(3, 4)]),
    (lambda F, x, t: F.mse_loss(x, t), [(3, 4), (3, 4)]),
    (lambda F, x, t: F.mse_loss(x, t, reduction="none"), [(3, 4), (3, 4)]),
    (lambda F, x: F.cross_entropy(x, glasstorch.tensor([0, 3, 1])), [(3, 4)]),
    (lambda F, x: F.cross_entropy(x, glasstorch.tensor([0, 3, 1]), reduction="none"), [(3, 4)]),
    (lambda F, x: F.nll_loss(x, glasstorch.tensor([2, 1, 1]), reduction="sum"), [(3, 4)]),
    (lambda F, x: F.unfold(x, 2), [(1, 2, 3, 3)]),
    (lambda F, x: F.fold(x, (3, 3), 2), [(1, 8, 4)]),
])
def test_gradgradcheck(fn, shapes):
    from glasstorch.autograd.gradcheck import gradgradcheck
    F = glasstorch.nn.functional
    assert gradgradcheck(lambda *xs: fn(F, *xs), [_f64(*s) for s in shapes])


def test_double_backward_matches_torch():
    """Gradient of a gradient norm (the gradient-penalty pattern) through gelu, linear and mse."""
    x0, w0, t0 = arr(4, 3), arr(5, 3), arr(4, 5)
    res = []
    for m in (torch, glasstorch):
        x, w = m.from_numpy(x0.copy()).requires_grad_(True), m.from_numpy(w0.copy()).requires_grad_(True)
        loss = m.nn.functional.mse_loss(m.nn.functional.gelu(x @ w.t()), m.from_numpy(t0.copy()))
        gx, = m.autograd.grad(loss, x, create_graph=True)
        (gx * gx).sum().backward()
        res.append((gx.detach().numpy().copy(), w.grad.numpy().copy(), x.grad.numpy().copy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, RTOL, ATOL)


@pytest.mark.parametrize("size", [[20, 20], (15, 16), [17], (2, 2, 2, 17, 17), (2, 2, 18, 16), (3, 4)])
def test_conv_transpose_output_size_errors(size):
    """torch's _output_padding: the given output_size (leading dims dropped) must fit [min, min + stride - 1]."""
    same_error(lambda m: m.nn.ConvTranspose2d(3, 2, 4, 2, 1)(m.zeros(2, 3, 8, 8), output_size=size))
    same_error(lambda m: m.nn.ConvTranspose2d(3, 2, 4, 2, 1)(m.zeros(2, 3, 8, 8),
                                                             output_size=m.Size(size) if len(size) > 1 else [0, 0]))
    same_error(lambda m: m.nn.ConvTranspose2d(3, 2, 4, 2, 1)(m.zeros(3, 8, 8), output_size=(9, *size)))


@pytest.mark.parametrize("name,kw", [("upsample", dict(scale_factor=2, mode="bilinear")),
                                     ("upsample_nearest", dict(size=(5, 7))),
                                     ("upsample_bilinear", dict(scale_factor=2)),
                                     ("upsample_bilinear", dict(size=5))])
def test_deprecated_upsample_functions(name, kw):
    """The old spellings of interpolate: same values (upsample_bilinear is align_corners=True) and the same warning."""
    a = arr(2, 3, 3, 4)
    caught = []
    for m in (torch, glasstorch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            getattr(m.nn.functional, name)(m.from_numpy(a), **kw)
        caught.append([(x.category.__name__, str(x.message)) for x in w])
    assert caught[0] == caught[1] != []
    same_on_both(lambda t, x: getattr(t.nn.functional, name)(x, **kw), [a], rtol=RTOL, atol=ATOL)
