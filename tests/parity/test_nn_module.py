"""nn.Module machinery: registration, traversal, reprs, state_dict, hooks, modes, dtype moves."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import same_error
from ._nn_helpers import MODS, build_both


def _net(m):
    nn = m.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 8)
            self.act = nn.ReLU()
            self.block = nn.Sequential(nn.Linear(8, 8), nn.Tanh(), nn.Sequential(nn.Linear(8, 2)))
            self.heads = nn.ModuleList([nn.Linear(2, 1), nn.Linear(2, 1)])
            self.d = nn.ModuleDict({"a": nn.Linear(1, 1)})
            self.register_buffer("steps", m.zeros(3))
            self.register_buffer("tmp", m.ones(2), persistent=False)

        def forward(self, x):
            return self.heads[0](self.block(self.act(self.fc1(x))))
    return Net()


def test_repr_names_and_state_dict():
    nt, ng = build_both(_net)
    assert repr(nt) == repr(ng)
    assert [n for n, _ in nt.named_parameters()] == [n for n, _ in ng.named_parameters()]
    assert [n for n, _ in nt.named_buffers()] == [n for n, _ in ng.named_buffers()]
    assert [n for n, _ in nt.named_modules()] == [n for n, _ in ng.named_modules()]
    assert [n for n, _ in nt.named_children()] == [n for n, _ in ng.named_children()]
    assert list(nt.state_dict().keys()) == list(ng.state_dict().keys())
    for k, v in nt.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), ng.state_dict()[k].numpy())
    assert sorted(dir(nt)) == sorted(dir(ng)) or set(dir(nt)) >= {"fc1", "block"}
    assert "fc1" in dir(ng) and "0" not in dir(ng.block)
    assert ng.get_submodule("block.2.0") is ng.block[2][0]


@pytest.mark.parametrize("make", [
    lambda nn: nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.ReLU(), nn.Linear(2, 1)]),
    lambda nn: nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 3)), ("act", nn.ReLU())])),
    lambda nn: nn.Sequential(),
    lambda nn: nn.ParameterList([nn.Parameter(glasstorch.ones(2, 3) if nn is glasstorch.nn else torch.ones(2, 3))]),
    lambda nn: nn.Conv2d(1, 8, (3, 5), padding=1, bias=False),
    lambda nn: nn.Conv2d(1, 8, 3, stride=2, padding=1),
    lambda nn: nn.Conv1d(2, 4, 3, padding="same", dilation=2, groups=2),
    lambda nn: nn.MaxPool2d(2),
    lambda nn: nn.AvgPool2d(3, 2, 1),
    lambda nn: nn.BatchNorm1d(4),
    lambda nn: nn.BatchNorm2d(3, affine=False),
    lambda nn: nn.LayerNorm(4),
    lambda nn: nn.GroupNorm(2, 4),
    lambda nn: nn.RMSNorm([3, 4]),
    lambda nn: nn.Embedding(10, 3, padding_idx=0),
    lambda nn: nn.Dropout(0.2),
    lambda nn: nn.Flatten(),
    lambda nn: nn.Unflatten(1, (2, 3)),
    lambda nn: nn.LeakyReLU(0.2, inplace=True),
    lambda nn: nn.GELU("tanh"),
    lambda nn: nn.Softmax(dim=1),
    lambda nn: nn.Hardtanh(-2, 2),
    lambda nn: nn.ReLU6(),
    lambda nn: nn.ELU(),
    lambda nn: nn.Softplus(),
    lambda nn: nn.PReLU(3),
    lambda nn: nn.CrossEntropyLoss(label_smoothing=0.1),
    lambda nn: nn.Identity(),
    lambda nn: nn.AdaptiveAvgPool2d((2, 2)),
])
def test_reprs(make):
    a, b = build_both(lambda m: make(m.nn))
    assert repr(a) == repr(b)
    assert [(n, tuple(p.shape)) for n, p in a.named_parameters()] == [(n, tuple(p.shape)) for n, p in b.named_parameters()]
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_parameter_dict_repr():
    reprs = [repr(m.nn.ParameterDict({"a": m.nn.Parameter(m.ones(2, 3)), "b": m.nn.Parameter(m.ones(1))})) for m in MODS]
    assert reprs[0] == reprs[1]


def test_setattr_errors():
    class Early:
        pass

    def assign_param(m):
        class Bad(m.nn.Module):
            def __init__(self):
                self.w = m.nn.Parameter(m.ones(1))
        Bad()
    same_error(assign_param)

    def assign_module(m):
        class Bad(m.nn.Module):
            def __init__(self):
                self.l = m.nn.Linear(1, 1)
        Bad()
    same_error(assign_module)

    def assign_tensor_to_param(m):
        lin = m.nn.Linear(1, 1)
        lin.weight = m.ones(1, 1)
    same_error(assign_tensor_to_param)
    same_error(lambda m: m.nn.Linear(1, 1).register_parameter("a.b", None))
    same_error(lambda m: m.nn.Linear(1, 1).register_buffer("weight", m.ones(1)))
    same_error(lambda m: m.nn.Linear(1, 1).add_module("x", 3))
    same_error(lambda m: m.nn.Linear(1, 1).nothing)
    same_error(lambda m: m.nn.Sequential(m.nn.ReLU())[3])
    same_error(lambda m: m.nn.Linear(1, 1).train("yes"))


def test_load_state_dict_messages():
    def missing(m):
        m.nn.Linear(2, 3).load_state_dict({"weight": m.zeros(3, 2), "foo": m.zeros(1)})
    same_error(missing)

    def shape(m):
        m.nn.Linear(2, 3).load_state_dict({"weight": m.zeros(2, 2), "bias": m.zeros(3)})
    same_error(shape)
    res = [repr(m.nn.Linear(2, 3).load_state_dict({"weight": m.zeros(3, 2)}, strict=False)) for m in MODS]
    assert res[0] == res[1]
    res = [repr(m.nn.Linear(2, 3).load_state_dict(m.nn.Linear(2, 3).state_dict())) for m in MODS]
    assert res[0] == res[1]
    a, b = build_both(_net)
    b.load_state_dict({k: glasstorch.from_numpy(v.numpy().copy()) for k, v in a.state_dict().items()})
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_modes_zero_grad_and_dtype():
    for m in MODS:
        net = _net(m)
        assert net.training and net.eval() is net and not net.block[1].training
        net.train()
        out = net(m.ones(2, 4)).sum()
        out.backward()
        assert net.fc1.weight.grad is not None
        net.zero_grad()
        assert net.fc1.weight.grad is None
        net.double()
        assert net.fc1.weight.dtype == m.float64 and net.steps.dtype == m.float64
        assert isinstance(net.fc1.weight, m.nn.Parameter)
        net.to(m.float32)
        assert net.fc1.weight.dtype == m.float32
    same_error(lambda m: m.nn.Linear(1, 1).to(m.int64))


def test_forward_hooks_and_backward_hooks():
    logs = {}
    for m in MODS:
        log = logs[m] = []
        lin = m.nn.Linear(3, 2)
        h1 = lin.register_forward_pre_hook(lambda mod, args: log.append(("pre", tuple(args[0].shape))))
        lin.register_forward_hook(lambda mod, args, out: out * 2)
        lin.register_full_backward_hook(
            lambda mod, gin, gout: log.append(("bw", [None if g is None else tuple(g.shape) for g in gin],
                                               [tuple(g.shape) for g in gout])))
        x = m.ones(4, 3, requires_grad=True)
        y = lin(x)
        log.append(y.grad_fn.name())
        y.sum().backward()
        log.append(x.grad.tolist())
        h1.remove()
        lin(x)
    assert logs[torch] == logs[glasstorch]


def test_sequential_api():
    for m in MODS:
        s = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU())
        s.append(m.nn.Tanh())
        s.insert(0, m.nn.Identity())
        assert len(s) == 4 and type(s[-1]).__name__ == "Tanh" and isinstance(s[1:3], m.nn.Sequential)
        del s[0]
        assert [n for n, _ in s.named_children()] == ["0", "1", "2"]
        ml = m.nn.ModuleList([m.nn.ReLU()])
        ml.extend([m.nn.Tanh()])
        ml += [m.nn.ReLU()]
        assert len(ml) == 3


def test_norm_class_layout_and_modules_utils():
    """Fine-tuning code finds batch norms with isinstance(m, nn.modules.batchnorm._BatchNorm): instance
    norms share _NormBase but are not _BatchNorm; third-party layers import _pair from nn.modules.utils."""
    def layout(m):
        nn = m.nn
        mods = [nn.BatchNorm1d(2), nn.BatchNorm2d(2), nn.BatchNorm3d(2), nn.InstanceNorm2d(2), nn.LayerNorm(2),
                nn.GroupNorm(1, 2), nn.modules.normalization.LocalResponseNorm(2)]
        bn, base = nn.modules.batchnorm._BatchNorm, nn.modules.batchnorm._NormBase
        u = nn.modules.utils
        bn3 = nn.BatchNorm3d(3, affine=False)
        bn3.running_mean.add_(1.0)
        bn3.reset_parameters()
        return ([(type(x).__name__, isinstance(x, bn), isinstance(x, base)) for x in mods],
                [c.__name__ for c in nn.InstanceNorm1d.__mro__[:4]], u._pair(3), u._single((1, 2)), u._triple(0),
                u._quadruple(1), u._reverse_repeat_tuple((1, 2), 2), u._pair.__name__, repr(bn3),
                bn3.running_mean.tolist(), dict(nn.BatchNorm2d(2).state_dict()._metadata),
                dict(nn.InstanceNorm2d(2, track_running_stats=True).state_dict()._metadata),
                nn.utils.__name__.replace("glasstorch", "torch"))
    assert layout(torch) == layout(glasstorch)


def test_consume_prefix_in_state_dict_if_present():
    def strip(m):
        wrapped = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.BatchNorm1d(2))
        sd = wrapped.state_dict(prefix="module.")
        m.nn.modules.utils.consume_prefix_in_state_dict_if_present(sd, "module.")
        inner = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.BatchNorm1d(2))
        return list(sd), dict(sd._metadata), str(inner.load_state_dict(sd))
    assert strip(torch) == strip(glasstorch)


def test_load_from_state_dict_versions_and_overrides():
    """load_state_dict goes through each module's _load_from_state_dict (overridable), with only that
    module's keys; batch norms accept checkpoints without num_batches_tracked when no version says
    they should have it; instance norms report stale running stats; post-hooks run bottom-up."""
    def load(m):
        nn, out = m.nn, []

        class Scaled(nn.Linear):
            def _load_from_state_dict(self, sd, prefix, meta, strict, missing, unexpected, errors):
                out.append((prefix, sorted(sd), meta.get("version")))
                sd[prefix + "weight"] = sd[prefix + "weight"] * 2
                super()._load_from_state_dict(sd, prefix, meta, strict, missing, unexpected, errors)

        net = nn.Sequential(Scaled(2, 2), nn.BatchNorm1d(2), nn.Sequential(nn.InstanceNorm1d(2)))
        for name, sub in [("root", net), ("0", net[0]), ("2", net[2])]:
            sub.register_load_state_dict_post_hook(
                lambda mod, inc, name=name: out.append((name, list(inc.missing_keys))))
        plain = {"0.weight": m.ones(2, 2), "0.bias": m.zeros(2), "1.weight": m.ones(2), "1.bias": m.zeros(2),
                 "1.running_mean": m.zeros(2), "1.running_var": m.ones(2)}
        out.append(str(net.load_state_dict(plain)))
        out.append(net[0].weight.sum().item())
        stale = dict(plain, **{"2.0.running_mean": m.zeros(2), "2.0.running_var": m.ones(2)})
        try:
            net.load_state_dict(stale)
        except RuntimeError as e:
            out.append(str(e))
        sd = net.state_dict()
        sd._metadata["1"]["version"] = 2
        del sd["1.num_batches_tracked"]
        out.append(str(net.load_state_dict(sd, strict=False)))
        for extra in ["bias.x", "weight2"]:
            try:
                nn.Linear(1, 1).load_state_dict({"weight": m.ones(1, 1), "bias": m.ones(1), extra: m.ones(1)})
            except RuntimeError as e:
                out.append(str(e))
        return out
    assert load(torch) == load(glasstorch)



def _extra(m, get=True, put=True):
    """A Linear carrying extra state through ``get_extra_state``/``set_extra_state`` (either may be absent)."""
    nn, log = m.nn, []

    class Extra(nn.Linear):
        pass
    if get:
        Extra.get_extra_state = lambda self: {"step": 7, "tag": "x"}
    if put:
        Extra.set_extra_state = lambda self, state: log.append(state)
    return nn.Sequential(Extra(1, 1), nn.Sequential(Extra(1, 1))), log


def _outcome(fn):
    try:
        return str(fn())
    except RuntimeError as e:
        return f"RuntimeError: {e}"


def test_extra_state_round_trip_and_key_reports():
    """state_dict holds '<prefix>_extra_state' after the module's own tensors when get_extra_state is
    overridden; load_state_dict hands it to set_extra_state, else reports it missing or unexpected."""
    def run(m):
        out = []
        for get, put in [(True, True), (True, False), (False, True)]:
            net, log = _extra(m, get, put)
            sd = net.state_dict()
            out.append([(k, v if k.endswith("_extra_state") else tuple(v.shape)) for k, v in sd.items()])
            out.append(_outcome(lambda: net.load_state_dict(sd)))
            out.append(_outcome(lambda: net.load_state_dict(sd, strict=False)))
            out.append(log[:])
            for drop in [k for k in sd if k.endswith("_extra_state")][:1]:
                short = OrderedDict((k, v) for k, v in sd.items() if k != drop)
                out.append(_outcome(lambda: net.load_state_dict(short)))
                out.append(_outcome(lambda: net.load_state_dict(short, strict=False)))
            plain = net.state_dict()
            plain["1.0._extra_state"] = 3
            out.append(_outcome(lambda: net.load_state_dict(plain)))
        return out
    assert run(torch) == run(glasstorch)


def test_extra_state_base_methods_raise():
    same_error(lambda m: m.nn.Linear(1, 1).get_extra_state())
    same_error(lambda m: m.nn.Linear(1, 1).set_extra_state({}))


def test_state_dict_post_hook_runs_after_children():
    def run(m):
        net, out = m.nn.Sequential(m.nn.Linear(1, 1), m.nn.Sequential(m.nn.Linear(1, 1))), []
        net.register_state_dict_post_hook(lambda mod, sd, prefix, meta: out.append((list(sd), prefix, meta)))
        net[1].register_state_dict_post_hook(lambda mod, sd, prefix, meta: out.append((list(sd), prefix, meta)))
        net.state_dict()
        net[0].register_state_dict_post_hook(lambda mod, sd, prefix, meta: sd)
        out.append(_outcome(net.state_dict))
        return out
    assert run(torch) == run(glasstorch)
