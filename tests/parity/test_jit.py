"""torch.jit emulated eagerly: script, trace, save/load, freeze behave, print and fail as torch's do."""
import io
import os
import warnings

import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, assert_same_array, same_error


def _make_net(t):
    class Net(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = t.nn.Linear(3, 4)
            self.bn = t.nn.BatchNorm1d(4)
            self.seq = t.nn.Sequential(t.nn.ReLU(), t.nn.Dropout(0.3), t.nn.Linear(4, 2))
            self.k = 3

        def forward(self, x):
            return self.seq(self.bn(self.fc(x))) * self.k

    return Net


# glasstorch's jit.save pickles the module, so its class must be importable (torch's saves TorchScript code)
GlassNet = _make_net(glasstorch)
GlassNet.__qualname__ = "GlassNet"
NETS = {torch: _make_net(torch), glasstorch: GlassNet}


def _net(t, seed=0):
    t.manual_seed(seed)
    return NETS[t]()


X = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)


def _x(t):
    return t.from_numpy(X.copy())


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _both(fn):
    return {m: fn(m) for m in MODS}


def _same(fn):
    r = _both(fn)
    assert r[torch] == r[glasstorch], f"torch {r[torch]!r}\nglasstorch {r[glasstorch]!r}"


def test_script_repr_types_and_names():
    _same(lambda t: repr(t.jit.script(_net(t))))
    _same(lambda t: [type(t.jit.script(_net(t))).__qualname__, type(t.jit.script(_net(t)).fc).__name__,
                     t.jit.script(_net(t)).original_name, t.jit.script(_net(t)).seq.original_name])
    _same(lambda t: [c.__module__.split(".", 1)[1] + "." + c.__qualname__
                     for c in (t.jit.RecursiveScriptModule, t.jit.ScriptModule, t.jit.TracerWarning,
                               t.jit.TopLevelTracedModule, t.jit.TracedModule, t.jit.ScriptFunction, t.jit.Error)])
    _same(lambda t: [isinstance(t.jit.script(_net(t)), c) for c in (t.jit.ScriptModule, t.nn.Module)])
    _same(lambda t: issubclass(t.jit.TracerWarning, Warning) and issubclass(t.jit.Error, Exception))


def test_script_shares_parameters_and_keeps_its_own_training_flag():
    def run(t):
        m = _net(t)
        sm = t.jit.script(m)
        out = [sm.fc.weight is m.fc.weight, sm.bn.running_mean is m.bn.running_mean, sm.k, sm.fc.in_features,
               list(dict(sm.named_modules())), list(sm.state_dict()), len(sm.seq), t.jit.script(sm) is sm,
               [n for n, _ in sm.named_buffers()]]
        sm.eval()
        out += [sm.training, m.training, sm.seq.training, m.seq.training]
        y = sm(_x(t))
        sm.k = 5                        # the scripted module's own constant; the original keeps 3
        out += [m.k, sm.k, np.round(y.detach().numpy(), 4).tolist(), round(sm(_x(t)).sum().item() / y.sum().item(), 4)]
        out += [m.bn.num_batches_tracked.item(), repr(sm.seq[0])]
        return out
    _same(run)


def test_scripted_training_matches_eager_torch():
    def run(t):
        m = _net(t)
        sm = t.jit.script(m)
        opt = t.optim.SGD(sm.parameters(), lr=0.1)
        losses = []
        for _ in range(3):
            opt.zero_grad()
            loss = sm(_x(t)).pow(2).mean()
            loss.backward()
            opt.step()
            losses.append(loss)
        return losses + [m.fc.weight, m.bn.running_var, t.rand(2)]
    r = _both(run)
    for a, b in zip(r[torch], r[glasstorch]):
        assert_same_array(a, b, rtol=1e-5, atol=1e-6)


def test_trace_runs_as_often_as_torch_and_warns_on_mismatch():
    def run(t):
        m = _net(t)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            tm = t.jit.trace(m, _x(t))
        # (torch's own nn code also warns about tensors turned into Python bools: not emulated)
        caught = [(x.category.__name__, str(x.message).split("\n")[0]) for x in w
                  if str(x.message).startswith("Output nr")]
        return [repr(tm), type(tm).__name__, type(tm.fc).__name__, m.bn.num_batches_tracked.item(),
                t.rand(1).item(), caught]
    _same(run)

    def deterministic(t):
        m = _net(t).eval()
        tm = t.jit.trace(m, _x(t))
        return [m.bn.num_batches_tracked.item(), t.rand(1).item(), tm.training]
    _same(deterministic)


def test_trace_keeps_the_flags_it_was_traced_with():
    def run(t):
        m = t.nn.Sequential(t.nn.Linear(3, 3), t.nn.BatchNorm1d(3))
        tm = t.jit.trace(m, _x(t), check_trace=False)
        tm.eval()                       # the trace still runs BatchNorm in training mode
        tm(_x(t))
        return [tm.training, m[1].num_batches_tracked.item()]
    _same(run)


def test_traced_outputs_and_modules():
    def run(t):
        m = _net(t).eval()
        tm = t.jit.trace(m, _x(t))
        return tm(_x(t))
    r = _both(run)
    assert_same_array(r[torch], r[glasstorch], rtol=1e-5, atol=1e-6)
    same_error(lambda t: t.jit.trace(_net(t).eval(), _x(t)).fc(_x(t)))
    same_error(lambda t: t.jit.trace(_net(t).eval(), _x(t)).k)
    same_error(lambda t: t.jit.trace(_net(t).eval(), _x(t)).fc.in_features)


@pytest.mark.parametrize("inputs", ["tensor_int", "tensor_none", "list_mixed", "dict_mixed", "empty_list",
                                    "empty_dict", "nested_int", "list_of_int"])
def test_trace_input_type_errors(inputs):
    def run(t):
        x = _x(t)
        given = {"tensor_int": (x, 3), "tensor_none": (x, None), "list_mixed": (x, [x, 1]),
                 "dict_mixed": ({"a": x, "b": 1},), "empty_list": ([],), "empty_dict": (x, {}),
                 "nested_int": (x, (1, x)), "list_of_int": (x, [1, 2])}[inputs]
        t.jit.trace(lambda *a: x * 2, given, check_trace=False)
    same_error(run)


def test_trace_output_and_call_errors():
    same_error(lambda t: t.jit.trace(lambda y: None, _x(t)))
    same_error(lambda t: t.jit.trace(lambda y: 3, _x(t)))
    same_error(lambda t: t.jit.trace(lambda y: (y, 3), _x(t)))
    same_error(lambda t: t.jit.trace(lambda y: {"a": y}, _x(t)))
    same_error(lambda t: t.jit.trace(_net(t), example_inputs=None))
    same_error(lambda t: t.jit.trace(_net(t), 5))
    same_error(lambda t: t.jit.trace(_net(t).extra_repr, _x(t)))
    same_error(lambda t: t.jit.trace_module(lambda y: y, {"forward": _x(t)}))
    same_error(lambda t: t.jit.trace_module(_net(t), _x(t)))
    same_error(lambda t: t.jit.trace(t.nn.Linear(3, 2), example_kwarg_inputs={"foo": _x(t)}))
    _same(lambda t: t.jit.trace(lambda y: {"a": y}, _x(t), strict=False, check_trace=False).name)
    _same(lambda t: [t.jit.trace(lambda y: y * 2, _x(t)).name, t.jit.trace(t.nn.Linear(3, 2), [_x(t)]).original_name])


def test_script_errors():
    same_error(lambda t: t.jit.script(5))
    same_error(lambda t: t.jit.script(None))
    same_error(lambda t: t.jit.script(type("Sub", (t.nn.Linear,), {"__module__": __name__})))
    same_error(lambda t: t.jit.script(lambda y: y))
    same_error(lambda t: t.jit.script(_x(t)))
    same_error(lambda t: t.jit.freeze(t.jit.script(_net(t))))
    same_error(lambda t: t.jit.freeze(_net(t).eval()))
    same_error(lambda t: t.jit.optimize_for_inference(_net(t)))
    same_error(lambda t: t.jit.save(_net(t), io.BytesIO()))
    same_error(lambda t: t.jit.script(_net(t)).helper_that_does_not_exist)
    same_error(lambda t: len(t.jit.script(t.nn.Linear(2, 2))))


def _add(a, b):
    return a + b


def test_script_function():
    _same(lambda t: [type(t.jit.script(_add)).__name__, type(t.jit.script(_add)).__qualname__,
                     t.jit.script(_add).name, t.jit.script(_add).qualified_name.rsplit(".", 1)[-1]])
    r = _both(lambda t: t.jit.script(_add)(_x(t), _x(t)))
    assert_same_array(r[torch], r[glasstorch])

    def saved(t):
        buf = io.BytesIO()
        t.jit.save(t.jit.script(_add), buf)
        buf.seek(0)
        loaded = t.jit.load(buf)
        return [repr(loaded), round(loaded(_x(t), _x(t)).sum().item(), 4)]
    _same(saved)


def test_save_load_round_trip(tmp_path):
    def run(t):
        m = _net(t)
        sm = t.jit.script(m)
        sm(_x(t))
        sm.eval()
        buf = io.BytesIO()
        t.jit.save(sm, buf, _extra_files={"meta.txt": "hello"})
        buf.seek(0)
        extra = {"meta.txt": ""}
        loaded = t.jit.load(buf, map_location="cpu", _extra_files=extra)
        path = os.path.join(str(tmp_path), f"{t.__name__}.pt")
        t.jit.trace(m, _x(t), check_trace=False).save(path)
        lt = t.jit.load(path)
        return [repr(loaded), type(loaded).__name__, extra, loaded.training, loaded.k, list(loaded.state_dict()),
                all(t.equal(a, b) for a, b in zip(loaded.state_dict().values(), sm.state_dict().values())),
                np.round(loaded(_x(t)).detach().numpy(), 4).tolist() == np.round(sm(_x(t)).detach().numpy(),
                                                                                    4).tolist(),
                repr(lt), type(lt.fc).__name__, [x.training for x in lt.modules()]]
    _same(run)
    same_error(lambda t: lt_attr(t, tmp_path))


def lt_attr(t, tmp_path):
    path = os.path.join(str(tmp_path), f"{t.__name__}_k.pt")
    t.jit.trace(_net(t).eval(), _x(t)).save(path)
    return t.jit.load(path).k


def test_load_errors(tmp_path):
    same_error(lambda t: t.jit.load(str(tmp_path / "missing.pt")))
    same_error(lambda t: t.jit.load(str(tmp_path)))
    (tmp_path / "junk.pt").write_bytes(b"hello, not a zip file at all")
    same_error(lambda t: t.jit.load(str(tmp_path / "junk.pt")))
    same_error(lambda t: t.jit.load(io.BytesIO(b"x"), map_location=3))

    def checkpoint(t):
        path = str(tmp_path / f"sd_{t.__name__}.pt")
        t.save(t.nn.Linear(2, 2).state_dict(), path)
        t.jit.load(path)
    same_error(checkpoint)


def test_torchscript_archive_from_torch_is_refused(tmp_path):
    path = str(tmp_path / "ts.pt")
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), path)
    with pytest.raises(RuntimeError, match="glasstorch"):
        glasstorch.jit.load(path)


def test_freeze_and_optimize_for_inference():
    def run(t):
        m = _net(t).eval()
        fr = t.jit.freeze(t.jit.script(m))
        y = fr(_x(t).requires_grad_())
        opt = t.jit.optimize_for_inference(t.jit.script(_net(t)))
        return [repr(fr), list(fr.parameters()), list(fr.state_dict()), [n for n, _ in fr.named_modules()],
                hasattr(fr, "training"), y.requires_grad, fr.original_name, repr(opt), hasattr(opt, "training")]
    _same(run)
    r = _both(lambda t: t.jit.freeze(t.jit.script(_net(t).eval()))(_x(t)))
    assert_same_array(r[torch], r[glasstorch], rtol=1e-5, atol=1e-6)
    same_error(lambda t: t.jit.freeze(t.jit.trace(t.nn.Linear(3, 2), _x(t))))


def test_deprecation_warnings_match():
    def run(t):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            sm = t.jit.script(t.nn.Linear(3, 2).eval())
            t.jit.trace(t.nn.Linear(3, 2), _x(t), check_trace=False)
            buf = io.BytesIO()
            t.jit.save(sm, buf)
            buf.seek(0)
            t.jit.load(buf)
            t.jit.freeze(sm)
            t.jit.trace(sm, _x(t))
        return [(x.category.__name__, str(x.message)) for x in w]
    _same(run)


def test_no_torchscript_ir():
    sm = glasstorch.jit.script(glasstorch.nn.Linear(2, 2))
    for attr in ("code", "graph", "inlined_graph"):
        assert isinstance(getattr(torch.jit.script(torch.nn.Linear(2, 2)), attr), (str, torch._C.Graph))
        with pytest.raises(NotImplementedError, match="glasstorch"):
            getattr(sm, attr)
    with pytest.raises(NotImplementedError, match="glasstorch"):
        glasstorch.jit.script(_add).graph
