"""Gaps found by the "vision course code" programs (tests/programs/vision_*.py), second part: torch.jit
decorators in eager code, whole-channel dropout, batch norm size checks, LPPool, nn.utils.fusion,
SyncBatchNorm, channels_last, loss and conv messages, unravel_index."""
import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import MODS, same_error, same_on_both

R = np.random.default_rng(11)


def arr(*shape, dtype=np.float32):
    return R.standard_normal(shape).astype(dtype)


# ---- torch.jit decorators in eager code ---------------------------------------------------------------------
def test_jit_decorators_are_eager():
    import warnings

    def f(x):
        return x + 1
    for m in MODS:
        assert m.jit.ignore(f) is f and m.jit.unused(f) is f and m.jit.export(f) is f
        assert m.jit.is_scripting() is False and m.jit.is_tracing() is False
        assert m.jit.annotate(int, 3) == 3 and m.jit.Final is __import__("typing").Final
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert m.jit.ignore(drop=True)(f) is f
            assert m.jit.ignore(drop_on_export=True)(f) is f
        assert [str(x.message) for x in w][0].startswith("ignore(True) has been deprecated")
        assert [x.category for x in w] == [FutureWarning, FutureWarning]

    class M:
        @torch.jit.ignore
        def a(self):
            return 1
    assert M().a() == 1
    same_error(lambda t: t.jit.ignore("yes"))


# ---- whole-channel dropout: torch's feature_dropout for every rank ------------------------------------------
@pytest.mark.parametrize("name,shape", [("dropout1d", (3, 5)), ("dropout1d", (2, 3, 5)), ("dropout2d", (2, 3)),
                                        ("dropout2d", (2, 3, 5)), ("dropout2d", (2, 3, 4, 4)),
                                        ("dropout2d", (2, 3, 2, 2, 2)), ("dropout3d", (3, 2, 2, 2)),
                                        ("dropout3d", (2, 3, 2, 2, 2)), ("dropout3d", (2, 3, 4)),
                                        ("dropout3d", (4, 3))])
@pytest.mark.parametrize("p", [0.5, 1.0])
def test_feature_dropout_masks_warnings_and_graph(name, shape, p):
    import warnings

    def run(t, x):
        t.manual_seed(5)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            y = getattr(t.nn.functional, name)(x * 1, p)
            z = getattr(t.nn.functional, name)(x * 1, p, training=False)
            i = getattr(t.nn.functional, name)(x * 1, p, inplace=True)
        return y, z, i, tuple(str(m.message) for m in w), t.rand(2)
    same_on_both(run, [arr(*shape)])


def test_feature_dropout_modules_and_errors():
    for make in (lambda nn: nn.Dropout3d(), lambda nn: nn.Dropout3d(0.2, inplace=True)):
        assert repr(make(torch.nn)) == repr(make(glasstorch.nn))
    same_on_both(lambda t, x: (t.manual_seed(1), t.nn.Dropout3d(0.4)(x))[1], [arr(2, 3, 2, 2, 2)])
    same_error(lambda t: t.nn.functional.dropout1d(t.ones(2, 3, 4, 5)))
    same_error(lambda t: t.nn.functional.dropout1d(t.ones(5)))
    same_error(lambda t: t.nn.functional.dropout2d(t.ones(5)))
    same_error(lambda t: t.nn.functional.dropout3d(t.ones(2, 3), 1.5))


# ---- batch norm: the per-channel size checks ------------------------------------------------------------
def test_batch_norm_feature_count_errors():
    x = lambda t: t.randn(1, 2, 5, 5)    # noqa: E731
    same_error(lambda t: t.nn.BatchNorm2d(3)(x(t)))
    same_error(lambda t: t.nn.BatchNorm2d(3).eval()(x(t)))
    same_error(lambda t: t.nn.BatchNorm1d(3)(t.randn(4, 2)))
    same_error(lambda t: t.nn.BatchNorm2d(3, affine=False)(x(t)))
    same_error(lambda t: t.nn.BatchNorm2d(3, track_running_stats=False)(x(t)))
    F = lambda t: t.nn.functional    # noqa: E731
    same_error(lambda t: F(t).batch_norm(x(t), t.zeros(3), t.ones(3)))
    same_error(lambda t: F(t).batch_norm(x(t), t.zeros(2), t.ones(2), weight=t.ones(3)))
    same_error(lambda t: F(t).batch_norm(x(t), t.zeros(2), t.ones(3)))
    same_error(lambda t: F(t).batch_norm(x(t), None, None, weight=t.ones(3), training=True))
    same_error(lambda t: F(t).batch_norm(x(t), None, None, bias=t.ones(3), training=True))
    for rm, rv in ((None, None), ("m", None), (None, "v")):
        same_error(lambda t: F(t).batch_norm(t.randn(2, 2, 3), rm and t.zeros(2), rv and t.ones(2), training=False))
    same_error(lambda t: F(t).batch_norm(t.randn(1, 3), t.zeros(2), t.ones(2), training=True))


# ---- LPPool -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make,shape,positive", [
    (lambda nn: nn.LPPool2d(2, 2), (1, 2, 5, 6), False),
    (lambda nn: nn.LPPool2d(1.5, (2, 3), stride=1), (2, 2, 5, 6), True),
    (lambda nn: nn.LPPool2d(float("inf"), 2), (1, 2, 5, 6), False),
    (lambda nn: nn.LPPool2d(3, 3, ceil_mode=True), (1, 2, 5, 6), False),
    (lambda nn: nn.LPPool1d(2, 3, 2), (2, 3, 7), False),
    (lambda nn: nn.LPPool1d(1, 2), (2, 7), False),
    (lambda nn: nn.LPPool3d(2, 2), (1, 2, 4, 4, 5), False),
    (lambda nn: nn.LPPool3d(2, (1, 2, 2), stride=(1, 1, 2)), (1, 1, 3, 4, 4), False),
])
def test_lp_pool(make, shape, positive):
    x = np.abs(arr(*shape)) + 0.1 if positive else arr(*shape)
    same_on_both(lambda t, a: make(t.nn)(a), [x], rtol=1e-5, atol=1e-6)
    assert repr(make(torch.nn)) == repr(make(glasstorch.nn))
    same_on_both(lambda t, a: t.nn.functional.lp_pool2d(a, -float("inf"), 2), [arr(1, 2, 4, 4)])


# ---- nn.utils.fusion, SyncBatchNorm ------------------------------------------------------------------------------
def test_fuse_conv_and_linear_with_batch_norm():
    def run(t, x):
        t.manual_seed(0)
        nn = t.nn
        conv, bn = nn.Conv2d(3, 4, 3, bias=False), nn.BatchNorm2d(4)
        bn(conv(x))
        bn.weight.data.uniform_(0.5, 1.5)
        bn.bias.data.normal_()
        conv.eval(), bn.eval()
        f = nn.utils.fusion.fuse_conv_bn_eval(conv, bn)
        ct, bn2 = nn.ConvTranspose2d(4, 2, 3).eval(), nn.BatchNorm2d(2).eval()
        bn2.running_var.uniform_(0.5, 2.0)
        ft = nn.utils.fuse_conv_bn_eval(ct, bn2, transpose=True)
        lin, bn1 = nn.Linear(5, 3).eval(), nn.BatchNorm1d(3).eval()
        bn1.running_mean.normal_()
        fl = nn.utils.fusion.fuse_linear_bn_eval(lin, bn1)
        w, b = nn.utils.fuse_conv_bn_weights(conv.weight, None, bn.running_mean, bn.running_var, 1e-3, None, None)
        return (f.weight, f.bias, f(x), ft.weight, ft.bias, fl.weight, fl.bias, w, b, repr(f), type(f.bias).__name__,
                f.bias.requires_grad, f is conv)
    same_on_both(run, [arr(8, 3, 6, 6)], grad=False, rtol=1e-5, atol=1e-5)
    f = lambda t: t.nn.utils.fusion    # noqa: E731
    same_error(lambda t: f(t).fuse_conv_bn_eval(t.nn.Conv2d(1, 2, 1), t.nn.BatchNorm2d(2).eval()))
    same_error(lambda t: f(t).fuse_linear_bn_eval(t.nn.Linear(2, 4).eval(), t.nn.BatchNorm1d(3).eval()))
    same_error(lambda t: f(t).fuse_conv_bn_eval(t.nn.Conv2d(1, 2, 1).eval(),
                                                 t.nn.BatchNorm2d(2, track_running_stats=False).eval()))


def test_sync_batch_norm_without_a_process_group():
    def run(t, x):
        nn = t.nn
        m = nn.SyncBatchNorm(3)
        outs = [repr(m), isinstance(m, nn.modules.batchnorm._BatchNorm)]
        for mode in (True, False):
            m.train(mode)
            outs += [m(x), m.running_mean * 1, int(m.num_batches_tracked)]
        net = nn.Sequential(nn.Conv2d(3, 3, 1), nn.BatchNorm2d(3, momentum=0.3),
                            nn.Sequential(nn.BatchNorm1d(2, affine=False)))
        net[1].running_mean.fill_(0.5)
        net[2].eval()
        s = nn.SyncBatchNorm.convert_sync_batchnorm(net)
        outs += [repr(s), s is net, s[1].weight is net[1].weight, s[1].running_mean is net[1].running_mean,
                 s[2][0].training, tuple(s.state_dict()),
                 repr(nn.SyncBatchNorm.convert_sync_batchnorm(nn.BatchNorm2d(2, bias=False)))]
        return outs
    same_on_both(run, [arr(4, 3, 2, 2)], rtol=1e-6, atol=1e-6)
    same_error(lambda t: t.nn.SyncBatchNorm(3)(t.ones(3)))
    same_error(lambda t: t.nn.SyncBatchNorm(3)(t.ones(2, 0, 3)))


# ---- channels_last through Module.to, conv and pooling ---------------------------------------------------------
def test_channels_last_model_keeps_its_layout():
    def run(t, x):
        t.manual_seed(0)
        nn = t.nn
        cl = t.channels_last
        net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True), nn.MaxPool2d(2),
                            nn.Conv2d(4, 4, 1), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(4, 2))
        r = net.to(memory_format=cl)
        info = [r is net, net[0].weight.stride(), net[4].weight.stride(), net[8].weight.stride(),
                net[1].running_mean.stride()]
        h = x.to(memory_format=cl)
        for layer in net:
            h = layer(h)
            info.append((h.is_contiguous(), h.dim() == 4 and h.is_contiguous(memory_format=cl)))
        y = net[0](x)                   # contiguous input, channels_last weight: channels_last output
        info += [y.stride(), net[4](t.ones(1, 4, 2, 2)).is_contiguous()]
        net.to(t.float64, memory_format=t.contiguous_format)
        info += [net[0].weight.stride(), str(net[0].weight.dtype)]
        return [h] + info
    same_on_both(run, [arr(2, 3, 4, 4)], grad=False, rtol=1e-5, atol=1e-5)
    same_error(lambda t: t.nn.Conv2d(3, 4, 3, padding=1)(t.randn(2, 3, 4, 4).to(memory_format=t.channels_last))
               .view(2, -1))


@pytest.mark.parametrize("shape,strides_from", [((2, 3, 1, 1), "contiguous"), ((2, 3, 1, 1), "cl"),
                                                ((1, 3, 1, 4), "cl"), ((2, 1, 3, 3), "cl"), ((3, 2, 2), "t")])
def test_suggested_memory_format_of_ambiguous_strides(shape, strides_from):
    def run(t, x):
        if strides_from == "cl":
            x = x.contiguous(memory_format=t.channels_last)
        elif strides_from == "t":
            x = x.transpose(0, 2)
        y = x.to(memory_format=t.channels_last) if x.dim() == 4 else x
        return [x.stride(), y.stride(), y is x] + [x.is_contiguous(memory_format=t.channels_last)] * (x.dim() == 4)
    same_on_both(run, [arr(*shape)], grad=False)


# ---- loss and conv messages ------------------------------------------------------------------------------------
@pytest.mark.parametrize("xs,ts", [((2, 3, 4), (2, 5)), ((2, 3, 4, 4), (2, 4)), ((2, 3, 4, 4, 2), (2, 4, 4, 3)),
                                   ((2, 3, 4, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 1)), ((2, 3, 4, 4), (2, 4, 4, 1))])
def test_nll_spatial_target_shape_errors(xs, ts):
    for fn in ("nll_loss", "cross_entropy"):
        same_error(lambda t: getattr(t.nn.functional, fn)(t.randn(xs), t.zeros(ts, dtype=t.long)))


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "bool"])
def test_class_targets_must_be_long_or_byte(dtype):
    same_error(lambda t: t.nn.functional.cross_entropy(t.ones(2, 3), t.tensor([0, 1]).to(getattr(t, dtype))))
    same_on_both(lambda t, x: t.nn.functional.nll_loss(x, t.tensor([0, 2], dtype=t.uint8)), [arr(2, 3)])


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64", "float16", "float64", "bool"])
def test_conv_input_dtype_errors(dtype):
    for make in (lambda nn: nn.Conv2d(3, 2, 3), lambda nn: nn.Conv1d(3, 2, 3), lambda nn: nn.ConvTranspose1d(3, 2, 3),
                 lambda nn: nn.ConvTranspose2d(3, 2, 3), lambda nn: nn.ConvTranspose3d(3, 2, 2)):
        def run(t):
            m = make(t.nn)
            return m(t.zeros((1, 3) + (4,) * (m.weight.dim() - 2), dtype=getattr(t, dtype)))
        same_error(run)
    same_error(lambda t: t.nn.ConvTranspose2d(3, 2, 3).double()(t.zeros(1, 3, 4, 4)))


# ---- unravel_index (argmax of an image back to (row, col)) -------------------------------------------------------
@pytest.mark.parametrize("idx,shape", [(np.array(4), (3, 2)), (np.array([4, 1, -1, 6, -7]), (3, 2)),
                                       (np.array([[4, 1], [0, 5]]), [3, 2]), (np.array([1], np.int32), (3, 2)),
                                       (np.array([1, 9], np.uint8), 4), (np.array(3), ()),
                                       (np.array([7, 2]), (2, 2, 2))])
def test_unravel_index(idx, shape):
    same_on_both(lambda t, i: t.unravel_index(i, t.Size(shape) if isinstance(shape, tuple) else shape), [idx],
                 grad=False)


def test_unravel_index_errors():
    same_error(lambda t: t.unravel_index(5, (3, 2)))
    same_error(lambda t: t.unravel_index(t.tensor([1.0]), (3, 2)))
    same_error(lambda t: t.unravel_index(t.tensor([1]), (3, -2)))
    same_error(lambda t: t.unravel_index(t.tensor([1]), 3.0))
    same_error(lambda t: t.unravel_index(t.tensor([True]), (3,)))
    same_error(lambda t: t.unravel_index(t.tensor([1]), (3, 2.0)))
