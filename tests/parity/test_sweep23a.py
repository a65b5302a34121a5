"""Differences found by the sweep23a programs (classic CNN zoo: AlexNet/VGG, GoogLeNet, ResNet/DenseNet,
MobileNet/ShuffleNet/SqueezeNet, EfficientNet):

- ``torch.ao.quantization.fuse_modules`` / ``fuse_modules_qat`` / ``fuse_known_modules`` /
  ``get_fuser_method`` and the ``fuser_method_mappings`` module were missing, as were the fused
  containers of ``torch.ao.nn.intrinsic`` (``ConvReLU2d``, ``ConvBnReLU2d``, ``BNReLU2d``,
  ``LinearReLU`` ...; also ``torch.nn.intrinsic``), which the MobileNet / ResNet quantization
  tutorials use to fold conv + bn (+ relu) for inference.
- ``Conv2d._reversed_padding_repeated_twice`` was a list for numeric padding; torch keeps a tuple
  there (a list only for ``padding='same'`` / ``'valid'``).
"""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, assert_same_array, same_error, same_on_both


def _conv_bn_relu(m, seed=0, training=False, relu=None):
    """conv -> bn -> relu with the same weights and running statistics on both libraries."""
    rng = np.random.default_rng(seed)
    model = m.nn.Sequential(m.nn.Conv2d(3, 4, 3, padding=1, groups=1), m.nn.BatchNorm2d(4),
                            relu(m) if relu else m.nn.ReLU())
    with m.no_grad():
        for t in (model[0].weight, model[0].bias, model[1].weight, model[1].bias, model[1].running_mean):
            t.copy_(m.from_numpy(rng.standard_normal(tuple(t.shape)).astype(np.float32)))
        model[1].running_var.copy_(m.from_numpy(rng.uniform(0.5, 2.0, 4).astype(np.float32)))
    return model.train(training)


def _x(shape=(2, 3, 5, 5), seed=1):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def test_fuse_conv_bn_relu_eval_values_and_repr():
    x = _x()
    reprs = {}

    def run(m, t):
        model = _conv_bn_relu(m)
        fused = m.ao.quantization.fuse_modules(model, ["0", "1", "2"])
        reprs[m] = (repr(fused), type(fused[0]).__name__, type(model[0]).__name__, repr(model))
        return fused[0][0].weight, fused[0][0].bias

    same_on_both(run, [x], grad=False)      # the folded weights: bit for bit
    # the outputs: conv's float32 summation order differs from torch's kernel in the last bit
    same_on_both(lambda m, t: m.ao.quantization.fuse_modules(_conv_bn_relu(m), ["0", "1", "2"])(t), [x],
                 grad=False, rtol=1e-6, atol=1e-5)
    assert reprs[torch] == reprs[glasstorch]


def test_fuse_list_of_lists_inplace_and_nested_names():
    def run(m, t):
        m.manual_seed(0)
        model = m.nn.Sequential(_conv_bn_relu(m, 2), m.nn.Sequential(m.nn.Flatten(), m.nn.Linear(100, 6),
                                                                     m.nn.BatchNorm1d(6), m.nn.ReLU())).eval()
        out = m.ao.quantization.fuse_modules(model, [["0.0", "0.1"], ["1.1", "1.2"]], inplace=True)
        assert out is model
        return model(t), model[0][0].weight, model[1][1].bias, m.tensor([len(list(model.modules()))])

    same_on_both(run, [_x()], grad=False, rtol=1e-5, atol=1e-5)
    names = {m: [type(c).__name__ for c in m.ao.quantization.fuse_modules(
        _conv_bn_relu(m), ["0", "1"]).children()] for m in MODS}
    assert names[torch] == names[glasstorch] == ["Conv2d", "Identity", "ReLU"]


@pytest.mark.parametrize("case", ["conv_relu", "bn_relu", "linear_relu", "conv1d_bn_relu", "linear_bn",
                                  "convt_bn"])
def test_fuse_pairs(case):
    def build(m):
        nn = m.nn
        return {"conv_relu": lambda: nn.Sequential(nn.Conv2d(3, 2, 1), nn.ReLU()),
                "bn_relu": lambda: nn.Sequential(nn.BatchNorm2d(3), nn.ReLU()),
                "linear_relu": lambda: nn.Sequential(nn.Linear(5, 2), nn.ReLU()),
                "conv1d_bn_relu": lambda: nn.Sequential(nn.Conv1d(3, 2, 1), nn.BatchNorm1d(2), nn.ReLU()),
                "linear_bn": lambda: nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4)),
                "convt_bn": lambda: nn.Sequential(nn.ConvTranspose2d(3, 2, 2), nn.BatchNorm2d(2))}[case]()

    shapes = {"conv_relu": (2, 3, 4, 4), "bn_relu": (2, 3, 4, 4), "linear_relu": (3, 5), "conv1d_bn_relu": (2, 3, 4),
              "linear_bn": (3, 5), "convt_bn": (2, 3, 3, 3)}
    reprs = {}

    def run(m, t):
        m.manual_seed(0)
        model = build(m).eval()
        names = [str(i) for i in range(len(model))]
        fused = m.ao.quantization.fuse_modules(model, names)
        reprs[m] = (repr(fused), type(fused[0]).__module__.replace("glasstorch", "torch"))
        return fused(t), model(t)

    same_on_both(run, [_x(shapes[case])], grad=False, rtol=1e-6, atol=1e-6)
    assert reprs[torch] == reprs[glasstorch]


def test_fuse_modules_qat_keeps_modules_in_containers():
    reprs = {}

    def run(m, t):
        model = _conv_bn_relu(m, training=True)
        fused = m.ao.quantization.fuse_modules_qat(model, [["0", "1", "2"]])
        lin = m.ao.quantization.fuse_modules_qat(m.nn.Sequential(m.nn.Linear(3, 2), m.nn.BatchNorm1d(2)), ["0", "1"])
        reprs[m] = (repr(fused), repr(lin), [c.__name__ for c in type(fused[0]).__mro__[:3]],
                    isinstance(fused[0], m.nn.Sequential))
        return fused(t)

    same_on_both(run, [_x()], rtol=1e-5, atol=1e-5)
    assert reprs[torch] == reprs[glasstorch]


def test_hooks_move_to_fused_module():
    calls = {}

    def run(m, t):
        model = _conv_bn_relu(m)
        seen = calls.setdefault(m, [])
        model[0].register_forward_pre_hook(lambda mod, inp: seen.append(("pre", type(mod).__name__)))
        model[2].register_forward_hook(lambda mod, inp, out: seen.append(("post", type(mod).__name__)))
        model[1].register_forward_hook(lambda mod, inp, out: seen.append(("bn", type(mod).__name__)))
        m.ao.quantization.fuse_modules(model, ["0", "1", "2"], inplace=True)
        return model(t)

    same_on_both(run, [_x()], grad=False, rtol=1e-5, atol=1e-5)
    # the fused conv is a deep copy of the first module, so it keeps its own copy of the pre-hook too
    assert calls[torch] == calls[glasstorch] == [("pre", "ConvReLU2d"), ("pre", "Conv2d"), ("post", "ConvReLU2d")]


def test_fuse_errors():
    same_error(lambda m: m.ao.quantization.fuse_modules(_conv_bn_relu(m, training=True), ["0", "1"]))
    model = {m: _conv_bn_relu(m) for m in MODS}
    for m in MODS:
        model[m][1].train()
    same_error(lambda m: m.ao.quantization.fuse_modules(model[m], ["0", "1", "2"]))
    same_error(lambda m: m.ao.quantization.fuse_modules(_conv_bn_relu(m), ["0", "3"]))
    same_error(lambda m: m.ao.nn.intrinsic.ConvReLU2d(m.nn.Conv1d(1, 1, 1), m.nn.ReLU6()))
    same_error(lambda m: m.ao.nn.intrinsic.ConvBnReLU2d(m.nn.Conv2d(1, 1, 1), m.nn.BatchNorm2d(1), m.nn.SiLU()))
    same_error(lambda m: m.ao.quantization.fuse_modules_qat(
        m.nn.Sequential(m.nn.Conv2d(1, 3, 1), m.nn.BatchNorm2d(2)), ["0", "1"]))
    same_error(lambda m: m.ao.quantization.fuse_modules_qat(
        m.nn.Sequential(m.nn.Conv2d(1, 2, 1), m.nn.BatchNorm2d(2, affine=False)), ["0", "1"]))
    same_error(lambda m: m.ao.quantization.fuse_modules_qat(
        m.nn.Sequential(m.nn.ConvTranspose2d(1, 2, 1), m.nn.BatchNorm2d(2)), ["0", "1"]))


def test_unknown_sequence_names_the_types():
    # torch's message prints the classes; glasstorch's classes print under its own package name
    msgs = {}
    for m in MODS:
        with pytest.raises(AssertionError) as info:
            m.ao.quantization.fuse_modules(_conv_bn_relu(m, relu=lambda mm: mm.nn.ReLU6()), ["0", "1", "2"])
        msgs[m] = str(info.value).replace("glasstorch", "torch")
    assert msgs[torch] == msgs[glasstorch]


def test_get_fuser_method_and_aliases():
    for m in MODS:
        q = m.ao.quantization
        assert q.get_fuser_method((m.nn.Conv2d, m.nn.BatchNorm2d)) is q.fuse_conv_bn
        custom = q.get_fuser_method((m.nn.Conv2d, m.nn.SiLU), {(m.nn.Conv2d, m.nn.SiLU): q.fuse_conv_bn})
        assert custom is q.fuse_conv_bn
        assert m.quantization.fuse_modules is q.fuse_modules
    import glasstorch.nn.intrinsic as g_nni
    import torch.nn.intrinsic as t_nni
    assert g_nni.__all__ == t_nni.__all__
    assert glasstorch.ao.nn.intrinsic.__all__ == [n for n in torch.ao.nn.intrinsic.__all__
                                                  if n not in ("ConvAdd2d", "ConvAddReLU2d")]
    assert g_nni.ConvReLU2d is glasstorch.ao.nn.intrinsic.ConvReLU2d


def test_fused_conv_gradcheck():
    # the fused conv is an ordinary Conv2d: its float64 gradient through the ConvReLU2d container
    m = glasstorch
    model = _conv_bn_relu(m).double()
    fused = m.ao.quantization.fuse_modules(model, ["0", "1", "2"])
    x = m.from_numpy(_x((1, 3, 4, 4)).astype(np.float64) + 0.1).requires_grad_(True)
    assert m.autograd.gradcheck(lambda t: fused(t), (x,))


@pytest.mark.parametrize("padding", [0, 1, (1, 2), "same", "valid"])
def test_conv_reversed_padding_repeated_twice(padding):
    got = {m: m.nn.Conv2d(2, 2, (3, 4), padding=padding)._reversed_padding_repeated_twice for m in MODS}
    assert type(got[torch]) is type(got[glasstorch]) and got[torch] == got[glasstorch]
    got = {m: m.nn.Conv1d(2, 2, 3, padding=padding if padding != (1, 2) else 2)._reversed_padding_repeated_twice
           for m in MODS}
    assert type(got[torch]) is type(got[glasstorch]) and got[torch] == got[glasstorch]


def test_conv_padding_mode_reflect_uses_the_padding():
    x = _x((1, 2, 5, 6))

    def run(m, t):
        m.manual_seed(0)
        conv = m.nn.Conv2d(2, 2, 3, padding=(1, 2), padding_mode="reflect")
        return conv(t)

    same_on_both(run, [x], rtol=1e-6, atol=1e-6)
