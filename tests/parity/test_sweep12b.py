"""Parity for what the sweep12b programs (tests/programs/sweep12b_*.py) exposed: GroupNorm's and
layer_norm's error texts, F.instance_norm's single-spatial-element check, F.conv*d's checks of weight
rank / stride / padding / dilation / bias, F.unfold's im2col shape checks, and the memory layout of
zeros_like / ones_like / empty_like / full_like."""
import numpy as np
import pytest

from ._helpers import MODS, same_error, same_on_both

rng = np.random.default_rng(0)
X4 = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)


def _t(m, a):
    return m.from_numpy(a.copy())


def test_group_norm_divisibility_message():
    same_error(lambda m: m.nn.GroupNorm(3, 4))


def test_layer_norm_shape_message():
    same_error(lambda m: m.nn.functional.layer_norm(_t(m, X4), [3, 4]))
    same_error(lambda m: m.nn.LayerNorm([4, 3, 3])(m.zeros(2, 4, 3, 4)))


@pytest.mark.parametrize("shape", [(2, 3, 1), (2, 3, 1, 1), (1, 2, 1, 1, 1)])
def test_instance_norm_single_spatial_element(shape):
    same_error(lambda m: m.nn.functional.instance_norm(m.zeros(*shape)))
    same_error(lambda m: m.nn.InstanceNorm1d(3)(m.zeros(2, 3, 1)))
    # use_input_stats=False does not check, nor does torch.instance_norm itself
    same_on_both(lambda m, x: m.nn.functional.instance_norm(x[..., :1], m.zeros(3), m.ones(3),
                                                            use_input_stats=False),
                 [X4[:, :, :, 0]], grad=False)
    same_on_both(lambda m, x: m.instance_norm(x[..., :1], None, None, None, None, True, 0.1, 1e-5, False),
                 [X4[:, :, :, 0]], grad=False)


CONV_CASES = [
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3)),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3)),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3, 3, 3)),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3), stride=2),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3, 3), stride=0),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3, 3), stride=(1, 0)),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3, 3), padding=-1, stride=0),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3, 3), padding=(0, -1)),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3, 3), dilation=0),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3, 3), bias=m.zeros(3)),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3, 3), bias=m.zeros(4, 1)),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 2, 3, 3), bias=m.zeros(3)),
    lambda m, x: m.nn.functional.conv2d(x, m.zeros(4, 3, 3, 3), stride=0, bias=m.zeros(3)),
    lambda m, x: m.nn.functional.conv1d(x[:, :, 0], m.zeros(2, 3, 3), padding=-1),
    lambda m, x: m.nn.functional.conv1d(x[:, :, 0], m.zeros(2, 3, 3), stride=0),
    lambda m, x: m.nn.functional.conv3d(x[None], m.zeros(2, 2, 1, 1, 1), dilation=(1, 0, 1)),
]


@pytest.mark.parametrize("i", range(len(CONV_CASES)))
def test_conv_argument_checks(i):
    same_error(lambda m: CONV_CASES[i](m, _t(m, X4)))


def test_conv_valid_arguments_still_work():
    same_on_both(lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, stride=(2, 1), padding=(1, 0)),
                 [X4, rng.standard_normal((4, 3, 3, 3)).astype(np.float32),
                  np.zeros(4, np.float32)], rtol=1e-5, atol=1e-5)


UNFOLD_CASES = [
    dict(kernel_size=4), dict(kernel_size=2, dilation=3), dict(kernel_size=(1, 5), dilation=(1, 2), padding=(0, 1)),
    dict(kernel_size=2, stride=0), dict(kernel_size=2, padding=-1), dict(kernel_size=0),
    dict(kernel_size=2, stride=0, dilation=0, padding=-1), dict(kernel_size=2, stride=0, padding=-1),
    dict(kernel_size=0, stride=0),
]


@pytest.mark.parametrize("kw", UNFOLD_CASES)
def test_unfold_shape_checks(kw):
    same_error(lambda m: m.nn.functional.unfold(m.zeros(1, 1, 3, 3), **kw))
    same_error(lambda m: m.nn.Unfold(**kw)(m.zeros(1, 1, 3, 3)))


def test_unfold_empty_channel_check():
    same_error(lambda m: m.nn.functional.unfold(m.zeros(1, 0, 3, 3), 2))
    same_on_both(lambda m, x: m.nn.functional.unfold(x, (1, 4), padding=(0, 1)), [X4[:1, :1, :3, :3].copy()])


def _strides(m, fn, layout):
    x = m.zeros(2, 3, 4, 5)
    x = {"cl": x.to(memory_format=m.channels_last), "t": x.transpose(1, 3), "slice": x[:, :, ::2],
         "cl_slice": x.to(memory_format=m.channels_last)[:, :, ::2], "plain": x}[layout]
    return fn(m, x)


LIKE = {
    "empty": lambda m, x: m.empty_like(x).stride(),
    "zeros": lambda m, x: m.zeros_like(x).stride(),
    "ones": lambda m, x: (lambda r: (r.stride(), r.sum().item()))(m.ones_like(x)),
    "full": lambda m, x: (lambda r: (r.stride(), r.sum().item()))(m.full_like(x, 2.5)),
    "zeros_cl": lambda m, x: m.zeros_like(x, memory_format=m.channels_last).stride(),
    "ones_contig": lambda m, x: m.ones_like(x, memory_format=m.contiguous_format).stride(),
    "rg": lambda m, x: (lambda r: (r.stride(), r.requires_grad, r.is_leaf))(m.zeros_like(x, requires_grad=True)),
}


@pytest.mark.parametrize("layout", ["cl", "t", "slice", "cl_slice", "plain"])
@pytest.mark.parametrize("kind", list(LIKE))
def test_like_keeps_layout(kind, layout):
    want, got = (_strides(m, LIKE[kind], layout) for m in MODS)
    assert want == got


def test_like_channels_last_rank_error():
    same_error(lambda m: m.zeros_like(m.zeros(2, 3), memory_format=m.channels_last))
