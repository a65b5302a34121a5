"""The nn / hub / testing surface torch 2.13 has: F.*_with_indices, F.native_channel_shuffle, nn.CrossMapLRN2d,
the deprecated nn.NLLLoss2d / nn.Container, nn.utils.skip_init and convert_conv2d/3d_weight_memory_format
(with resize_'s memory_format), torch.testing.assert_allclose, torch.func.replace_all_batch_norm_modules_,
torch.autograd.set/is_multithreading_enabled and variable, and torch.hub on a local directory."""
import os
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import MODS, same_error, same_on_both, same_outcome


# ---- F.*_with_indices: always (output, indices) ------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(nd=st.integers(1, 3), k=st.integers(1, 3), s=st.integers(1, 2), p=st.integers(0, 1), ceil=st.booleans(),
       seed=st.integers(0, 1000))
def test_max_pool_with_indices(nd, k, s, p, ceil, seed):
    p = min(p, k // 2)
    x = np.random.default_rng(seed).standard_normal((2, 2) + (5,) * nd).astype(np.float32)
    f = f"max_pool{nd}d_with_indices"
    # overlapping windows: the gradients add up in torch's order and dtype, bit for bit
    same_on_both(lambda m, t: getattr(m.nn.functional, f)(t, k, s, p, ceil_mode=ceil), [x])
    same_on_both(lambda m, t: getattr(m.nn.functional, f)(t, k, return_indices=False), [x])


@settings(max_examples=20, deadline=None)
@given(nd=st.integers(1, 3), o=st.integers(1, 4), seed=st.integers(0, 1000))
def test_adaptive_max_pool_with_indices(nd, o, seed):
    x = np.random.default_rng(seed).standard_normal((2, 3) + (5,) * nd)
    f = f"adaptive_max_pool{nd}d_with_indices"
    same_on_both(lambda m, t: getattr(m.nn.functional, f)(t, o), [x])


def test_with_indices_errors():
    x = np.ones((2, 3), np.float32)
    same_error(lambda m: m.nn.functional.max_pool2d_with_indices(m.from_numpy(x), 2))
    same_error(lambda m: m.nn.functional.adaptive_max_pool2d_with_indices(m.from_numpy(x), 2))


# ---- native_channel_shuffle: channel_shuffle's values, no derivative ------------------------------------------
@pytest.mark.parametrize("groups", [1, 2, 3, 6])
def test_native_channel_shuffle(groups):
    x = np.random.default_rng(groups).standard_normal((2, 6, 3)).astype(np.float32)
    same_on_both(lambda m, t: m.nn.functional.native_channel_shuffle(t, groups), [x], grad=False)
    same_outcome(lambda m: m.nn.functional.native_channel_shuffle(m.from_numpy(x.copy()).requires_grad_(),
                                                                   groups).sum().backward())


@pytest.mark.parametrize("shape, groups", [((2, 6, 3), 0), ((2, 6, 3), 4), ((2, 6, 3), -1), ((6,), 3), ((2, 6), 3)])
def test_native_channel_shuffle_errors(shape, groups):
    same_error(lambda m: m.nn.functional.native_channel_shuffle(m.zeros(shape), groups))


# ---- CrossMapLRN2d ------------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(size=st.integers(1, 6), c=st.integers(1, 7), alpha=st.floats(1e-4, 2.0), beta=st.floats(0.1, 1.5),
       k=st.sampled_from([1, 2.0, 0.5]), dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 99))
def test_cross_map_lrn2d(size, c, alpha, beta, k, dtype, seed):
    x = np.random.default_rng(seed).standard_normal((2, c, 3, 2)).astype(dtype)
    # torch raises to -beta with SLEEF's pow (1 ulp off NumPy's now and then, in float32 and float64); the
    # rest is the same arithmetic in the same order
    tol = dict(rtol=2e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-14, atol=1e-15)
    fn = lambda m, t: m.nn.CrossMapLRN2d(size, alpha, beta, k)(t)           # noqa: E731
    if size == 1:                    # torch's backward narrows past the padded buffer's end and raises
        same_on_both(fn, [x], grad=False, **tol)
        same_outcome(lambda m: fn(m, m.from_numpy(x.copy()).requires_grad_()).sum().backward())
    else:
        same_on_both(fn, [x], **tol)


def test_cross_map_lrn2d_module_and_errors():
    for m in MODS:
        assert repr(m.nn.CrossMapLRN2d(3)) == "CrossMapLRN2d(3, alpha=0.0001, beta=0.75, k=1)"
        assert repr(m.nn.CrossMapLRN2d(5, 1e-3, 0.5, 2.0)) == "CrossMapLRN2d(5, alpha=0.001, beta=0.5, k=2.0)"
    a, b = torch.nn.CrossMapLRN2d(3)(torch.ones(1, 2, 1, 1, requires_grad=True)), \
        glasstorch.nn.CrossMapLRN2d(3)(glasstorch.ones(1, 2, 1, 1, requires_grad=True))
    assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__ == "CrossMapLRN2dBackward"
    same_error(lambda m: m.nn.CrossMapLRN2d(3)(m.ones(2, 3, 4)))


@pytest.mark.parametrize("size, c", [(3, 1), (4, 2), (2, 1), (5, 1), (6, 1)])
def test_cross_map_lrn2d_gradcheck(size, c):
    """float64 gradcheck in the cases where torch's own gradcheck passes (one channel, or size 4 over two):
    elsewhere torch's running-window forward and its backward's window disagree, so torch's backward is not
    the derivative of its forward and its gradcheck fails too; test_cross_map_lrn2d compares those
    gradients with torch's instead."""
    x = glasstorch.tensor(np.random.default_rng(c).standard_normal((2, c, 2, 3)), requires_grad=True)
    mod = glasstorch.nn.CrossMapLRN2d(size, alpha=0.7, beta=0.6, k=1.5)
    assert gradcheck(mod, (x,))


# ---- deprecated classes -------------------------------------------------------------------------------------
def _warned(make):
    out = {}
    for m in MODS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            obj = make(m)
        out[m] = (repr(obj), [(x.category.__name__, str(x.message), os.path.basename(x.filename)) for x in w])
    return out


@pytest.mark.parametrize("make", [lambda m: m.nn.NLLLoss2d(), lambda m: m.nn.NLLLoss2d(ignore_index=3, reduction="sum"),
                                  lambda m: m.nn.Container(a=m.nn.ReLU(), b=m.nn.Linear(1, 1))])
def test_deprecated_classes_warn(make):
    out = _warned(make)
    assert out[torch] == out[glasstorch]
    assert out[torch][1] and out[torch][1][0][2] == os.path.basename(__file__)


def test_nll_loss2d_values():
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    t = np.random.default_rng(1).integers(0, 3, (2, 4, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # glasstorch's nll_loss over (N, C, H, W) sums in another order than torch's nll_loss2d kernel (1 ulp
        # off in float32, as plain nn.NLLLoss there): NLLLoss2d itself is only the deprecated alias
        same_on_both(lambda m, a, b: m.nn.NLLLoss2d(ignore_index=1)(a, b), [x, t], rtol=1e-6)
    for m in MODS:
        assert m.nn.NLLLoss2d.__module__.endswith("nn.modules.loss")
        assert m.nn.Container.__module__.endswith("nn.modules.container")
        assert m.nn.CrossMapLRN2d.__module__.endswith("nn.modules.normalization")


# ---- nn.utils ----------------------------------------------------------------------------------------------
def test_skip_init():
    for m in MODS:
        m.manual_seed(0)
        lin = m.nn.utils.skip_init(m.nn.Linear, 4, out_features=3)
        after = m.rand(3)
        assert tuple(lin.weight.shape) == (3, 4) and lin.weight.requires_grad and type(lin.weight).__name__ == \
            "Parameter"
        bn = m.nn.utils.skip_init(m.nn.BatchNorm1d, 3)
        assert tuple(bn.running_mean.shape) == (3,) and bn.num_batches_tracked.dtype == m.long
        if m is torch:
            expected = after.numpy()
        else:         # the skipped initialization draws nothing from the generator, as torch's on meta
            np.testing.assert_array_equal(after.numpy(), expected)

    class NoDevice(torch.nn.Module):
        pass

    class NoDeviceG(glasstorch.nn.Module):
        pass
    same_error(lambda m: m.nn.utils.skip_init(NoDevice if m is torch else NoDeviceG))
    same_error(lambda m: m.nn.utils.skip_init(int))
    same_error(lambda m: m.nn.utils.skip_init(3))


@pytest.mark.parametrize("nd", [2, 3])
def test_convert_conv_weight_memory_format(nd):
    fmt = "channels_last" if nd == 2 else "channels_last_3d"

    def fn(m):
        m.manual_seed(0)
        conv = getattr(m.nn, f"Conv{nd}d")
        tconv = getattr(m.nn, f"ConvTranspose{nd}d")
        net = m.nn.Sequential(conv(2, 4, 3), m.nn.Sequential(tconv(4, 3, 2)), m.nn.Linear(3, 2))
        out = getattr(m.nn.utils, f"convert_conv{nd}d_weight_memory_format")(net, getattr(m, fmt))
        assert out is net
        ws = [net[0].weight, net[1][0].weight, net[2].weight]
        return [w.stride() for w in ws] + [w.is_contiguous(memory_format=getattr(m, fmt)) for w in ws], ws
    (ta, tw), (ga, gw) = fn(torch), fn(glasstorch)
    assert ta == ga
    for a, b in zip(tw, gw):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("fmt, shape", [("channels_last", (1, 2, 3, 4)), ("channels_last_3d", (1, 2, 2, 3, 2)),
                                        ("contiguous_format", (2, 3, 4)), ("channels_last", (2, 3, 4)),
                                        ("preserve_format", (1, 2, 3, 4)), ("channels_last_3d", (1, 2, 3, 4))])
def test_resize_memory_format(fmt, shape):
    """resize_ lays the same storage out in the format's order (values are read anew)."""
    def fn(m):
        t = m.arange(24.0).reshape(1, 2, 3, 4).clone()
        r = t.resize_(*shape, memory_format=getattr(m, fmt))
        return m.tensor(list(r.stride())), r.contiguous()
    same_outcome(fn)


# ---- torch.testing / torch.func / torch.autograd -------------------------------------------------------------
@pytest.mark.parametrize("args", [([1.0, 2.0], [1.0, 2.00001]), ([1.0, 2.0], [1.0, 2.1]), ([1, 2], [1, 3]),
                                  ([1.0, float("nan")], [1.0, float("nan")]), ([1.0], [1.0, 1.0]),
                                  ([1.0, 2.0], [1.0, 2.1], 0.1, 0.0), ([1.0, 2.0], [1.0, 3.0], None, 0.5)])
def test_assert_allclose(args):
    def fn(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                m.testing.assert_allclose(m.tensor(args[0]), *args[1:])
                err = None
            except Exception as e:        # noqa: BLE001
                err = (type(e).__name__, str(e))
        return err, [(x.category.__name__, str(x.message), os.path.basename(x.filename)) for x in w]
    assert fn(torch) == fn(glasstorch)


def test_replace_all_batch_norm_modules_():
    def fn(m):
        net = m.nn.Sequential(m.nn.BatchNorm2d(3), m.nn.Sequential(m.nn.BatchNorm1d(2, track_running_stats=False),
                                                                   m.nn.InstanceNorm2d(2, track_running_stats=True)))
        assert m.func.replace_all_batch_norm_modules_(net) is net
        return repr(net), sorted(net.state_dict()), net[0].running_mean, net[0].num_batches_tracked, \
            net[1][1].track_running_stats
    assert fn(torch) == fn(glasstorch)
    single = {m: m.func.replace_all_batch_norm_modules_(m.nn.BatchNorm1d(2)) for m in MODS}
    assert repr(single[torch]) == repr(single[glasstorch])


def test_multithreading_flag_and_variable():
    for m in MODS:
        assert m.autograd.is_multithreading_enabled() is True
        with m.autograd.set_multithreading_enabled(False):
            assert m.autograd.is_multithreading_enabled() is False
            with m.autograd.set_multithreading_enabled(True):
                assert m.autograd.is_multithreading_enabled() is True
            assert m.autograd.is_multithreading_enabled() is False
        assert m.autograd.is_multithreading_enabled() is True
        m.autograd.set_multithreading_enabled(False)
        assert m.autograd.is_multithreading_enabled() is False
        m.autograd.set_multithreading_enabled(True)


    def decorated(m):
        @m.autograd.set_multithreading_enabled(False)      # the constructor already sets the flag, as torch's
        def inner():
            return m.autograd.is_multithreading_enabled()
        before = m.autograd.is_multithreading_enabled()
        res = (before, inner(), m.autograd.is_multithreading_enabled())
        m.autograd.set_multithreading_enabled(True)
        return res
    assert decorated(torch) == decorated(glasstorch)
    for m in MODS:
        assert "set_multithreading_enabled" in m.autograd.__all__ and "variable" in m.autograd.__all__
    same_error(lambda m: m.autograd.set_multithreading_enabled("yes"))
    same_error(lambda m: m.autograd.variable(3))
