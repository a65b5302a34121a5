"""Class paths: ``type(x)`` prints torch's path for every glasstorch class, with ``glasstorch`` in place of
``torch`` after ``import glasstorch`` and ``torch`` itself under ``install_as_torch()`` (``glasstorch
run``); pickles, deep copies and ``torch.save`` checkpoints of whole models keep working both ways.
The expected paths are read from real torch while the tests run."""
import copy
import importlib
import os
import pickle
import pkgutil
import subprocess
import sys

import numpy as np
import pytest
import torch

import glasstorch

# the public namespaces walked, and the packages each of whose submodules both libraries have is walked too
NAMESPACES = ["", "nn", "nn.modules", "nn.parameter", "nn.functional", "nn.init", "nn.utils", "nn.utils.rnn",
              "nn.attention", "optim", "optim.lr_scheduler", "optim.swa_utils", "utils.data", "utils.hooks",
              "distributions", "distributions.constraints", "autograd", "autograd.function", "autograd.graph",
              "autograd.grad_mode", "linalg", "return_types", "amp", "cuda.amp", "cpu.amp", "serialization", "_C",
              "storage", "random"]
PACKAGES = ["nn.modules", "nn.utils", "optim", "utils.data", "distributions", "autograd", "amp"]

# optimizers keep their own hook handle; it shows torch's path, but pickle finds nn's handle there
NOT_PICKLED = {"RemovableHandle"}


def _namespace(root, name):
    """``root.name`` as a module or module-like attribute (glasstorch.cuda is built, not a file); None if absent."""
    full = root + ("." + name if name else "")
    try:
        return importlib.import_module(full)
    except ImportError:
        obj = importlib.import_module(root)
        for part in name.split("."):
            obj = getattr(obj, part, None)
        return obj


def _all_namespaces():
    names = list(NAMESPACES)
    for pkg in PACKAGES:
        for info in pkgutil.iter_modules(importlib.import_module("torch." + pkg).__path__):
            if not info.name.startswith("_"):
                names.append(f"{pkg}.{info.name}")
    return names


def _pairs():
    """(where, torch class, glasstorch class) for every public class name both libraries have."""
    importlib.import_module("glasstorch.linalg")            # its return types are made on import
    seen = {}
    for ns in _all_namespaces():
        t_ns, g_ns = _namespace("torch", ns), _namespace("glasstorch", ns)
        if t_ns is None or g_ns is None:
            continue
        for name in dir(t_ns):
            t_cls = getattr(t_ns, name, None)
            g_cls = getattr(g_ns, name, None)
            if name.startswith("_") or not isinstance(t_cls, type) or not isinstance(g_cls, type):
                continue
            if (t_cls.__module__ or "").partition(".")[0] != "torch":
                continue                            # torch.random.Generator is collections.abc's
            seen.setdefault(id(g_cls), (f"torch.{ns}.{name}".replace("..", "."), t_cls, g_cls))
    return list(seen.values())


def test_every_class_shows_torchs_path():
    pairs = _pairs()
    assert len(pairs) > 250
    wrong = []
    for where, t_cls, g_cls in pairs:
        want = ("glasstorch" + t_cls.__module__[len("torch"):], t_cls.__qualname__)
        if (g_cls.__module__, g_cls.__qualname__) != want:
            wrong.append(f"{where}: {g_cls.__module__}.{g_cls.__qualname__}, torch {t_cls.__module__}."
                         f"{t_cls.__qualname__}")
    assert not wrong, "\n".join(wrong)


def test_every_class_is_where_its_path_says():
    """pickle imports ``__module__`` and looks ``__qualname__`` up there: it must give the class back."""
    lost = []
    for where, _, g_cls in _pairs():
        found = importlib.import_module(g_cls.__module__)
        for part in g_cls.__qualname__.split("."):
            found = getattr(found, part, None)
        if found is not g_cls and g_cls.__name__ not in NOT_PICKLED:
            lost.append(f"{where}: {g_cls.__module__}.{g_cls.__qualname__} is {found!r}")
    assert not lost, "\n".join(lost)


def _objects(t):
    """Objects tutorials print the type of, built with library ``t``."""
    t.manual_seed(0)
    lin = t.nn.Linear(2, 2)
    opt = t.optim.Adam(lin.parameters())
    ds = t.utils.data.TensorDataset(t.ones(4, 2))
    dl = t.utils.data.DataLoader(ds, batch_size=2, shuffle=True)
    return [t.ones(1), t.nn.Parameter(t.ones(1)), lin, t.nn.Sequential(), t.nn.GRUCell(2, 2),
            t.nn.MultiheadAttention(4, 2), opt, t.optim.lr_scheduler.StepLR(opt, 1), dl, ds, iter(dl), dl.sampler,
            t.utils.data.random_split(ds, [2, 2])[0], t.Size([1]), t.float32, t.device("cpu"), t.Generator(),
            t.default_generator, t.distributions.Normal(0.0, 1.0), t.distributions.Beta(1.0, 1.0),
            t.distributions.constraints.positive, lin.register_forward_hook(lambda *a: None),
            lin.load_state_dict(lin.state_dict()), t.no_grad(), t.max(t.ones(2, 2), 0), t.finfo(t.float32),
            t.strided, t.ones(1).untyped_storage(), t.nn.utils.rnn.pack_sequence([t.ones(2), t.ones(1)])]


def test_instances_and_typename_match_torch():
    def shown(t, x):
        return f"{type(x)} {t.typename(x)} {t.typename(type(x))}".replace("glasstorch", "torch")
    want = [shown(torch, x) for x in _objects(torch)]
    got = [shown(glasstorch, x) for x in _objects(glasstorch)]
    assert got == want


# ---- under the shim ---------------------------------------------------------------------------------
PROGRAM = r'''
import copy, pickle, sys
import torch, torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.GRUCell(4, 4),
                      nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, 2)
ds = TensorDataset(torch.randn(6, 3), torch.arange(6))
dl = DataLoader(ds, batch_size=2, shuffle=True, generator=torch.Generator().manual_seed(1))
for thing in (torch.ones(2), model[0].weight, model, model[0], model[2], model[3].self_attn, opt, sched, dl, ds,
              iter(dl), torch.Size([2]), torch.float32, torch.device("cpu"), torch.Generator(),
              torch.distributions.Normal(0.0, 1.0), torch.distributions.Categorical(logits=torch.zeros(3)),
              torch.max(torch.ones(2, 2), 0), torch.no_grad(), torch.strided):
    print(type(thing), torch.typename(thing))
print(isinstance(model[0].weight, torch.Tensor), isinstance(model[0].weight, nn.Parameter),
      isinstance(model, nn.Module), isinstance(opt, torch.optim.Optimizer), isinstance(ds, torch.utils.data.Dataset))
try:
    torch.linalg.inv(torch.zeros(2, 2))
except torch.linalg.LinAlgError as e:
    print(type(e), isinstance(e, RuntimeError))
try:
    torch.optim.SGD(model[0], lr=0.1)
except TypeError as e:
    print(e)
x = torch.linspace(-1, 1, 6).reshape(2, 3)
for _ in range(2):
    opt.zero_grad()
    model(x).pow(2).sum().backward()
    opt.step()
    sched.step()
out = model(x).detach()
again = pickle.loads(pickle.dumps(model))
print(type(again[2]), torch.equal(again(x), out), torch.equal(copy.deepcopy(model)(x), out))
torch.save({"model": model, "opt": opt.state_dict(), "sched": sched.state_dict(), "out": out}, sys.argv[1])
back = torch.load(sys.argv[1], weights_only=False)
print(type(back["model"][3]), torch.equal(back["model"](x), out), back["opt"]["state"][0]["momentum_buffer"].shape)
if len(sys.argv) > 2:
    theirs = torch.load(sys.argv[2], weights_only=False)
    print(type(theirs["model"][2]), torch.allclose(theirs["model"](x), theirs["out"], atol=1e-6))
'''


def _run(args, cwd):
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONWARNINGS="ignore")
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
    assert r.returncode == 0, f"{args[0]} failed:\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}"
    return r.stdout


def test_program_under_the_shim_prints_torchs_classes(tmp_path):
    path = tmp_path / "prog.py"
    path.write_text(PROGRAM)
    want = _run([str(path), str(tmp_path / "torch.pt")], tmp_path)
    got = _run(["-m", "glasstorch", "run", str(path), str(tmp_path / "shim.pt"), str(tmp_path / "torch.pt")],
               tmp_path)
    assert "glasstorch" not in got
    want_lines, got_lines = want.splitlines(), got.splitlines()
    assert got_lines[:len(want_lines)] == want_lines
    assert got_lines[len(want_lines):] == ["<class 'torch.nn.modules.rnn.GRUCell'> True"]   # torch's file, loaded
    # the checkpoint written under the shim is an ordinary torch checkpoint of torch's classes
    saved = torch.load(tmp_path / "shim.pt", weights_only=False)
    assert type(saved["model"][2]) is torch.nn.GRUCell and type(saved["model"][3].self_attn.out_proj) is \
        torch.nn.modules.linear.NonDynamicallyQuantizableLinear
    x = torch.linspace(-1, 1, 6).reshape(2, 3)
    np.testing.assert_allclose(saved["model"](x).detach().numpy(), saved["out"].numpy(), rtol=1e-5, atol=1e-6)
    fresh = torch.optim.SGD(saved["model"].parameters(), lr=0.1, momentum=0.9)
    fresh.load_state_dict(saved["opt"])
    assert fresh.state_dict()["param_groups"][0]["lr"] == pytest.approx(0.01)        # StepLR has decayed it once
    assert fresh.state_dict()["state"][0]["momentum_buffer"].shape == (4, 3)


def test_uninstall_gives_glasstorch_paths_back(tmp_path):
    code = ("import glasstorch; glasstorch.install_as_torch(); import torch\n"
            "print(torch.nn.Linear.__module__, type(torch.ones(1)).__module__)\n"
            "glasstorch.uninstall_as_torch()\n"
            "print(glasstorch.nn.Linear.__module__, glasstorch.Tensor.__module__, glasstorch.nn.GRUCell.__module__)\n")
    assert _run(["-c", code], tmp_path).splitlines() == [
        "torch.nn.modules.linear torch", "glasstorch.nn.modules.linear glasstorch glasstorch.nn.modules.rnn"]


# ---- outside the shim: round trips --------------------------------------------------------------------
def _model(t):
    t.manual_seed(0)
    return t.nn.Sequential(t.nn.Linear(3, 4), t.nn.ReLU(), t.nn.GRUCell(4, 4),
                           t.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0))


def _x(t):
    return t.linspace(-1, 1, 6).reshape(2, 3)


def test_pickle_and_deepcopy_of_a_model_and_optimizer():
    model = _model(glasstorch)
    opt = glasstorch.optim.Adam(model.parameters(), lr=0.01)
    model(_x(glasstorch)).sum().backward()
    opt.step()
    out = model(_x(glasstorch))
    for again in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert type(again[2]) is glasstorch.nn.GRUCell and isinstance(again[0].weight, glasstorch.nn.Parameter)
        assert glasstorch.equal(again(_x(glasstorch)), out)
    state = pickle.loads(pickle.dumps(opt.state_dict()))
    assert glasstorch.equal(state["state"][0]["exp_avg"], opt.state_dict()["state"][0]["exp_avg"])


def test_save_load_whole_model_both_ways(tmp_path):
    ours, theirs = _model(glasstorch), _model(torch)
    opt = glasstorch.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    ours(_x(glasstorch)).sum().backward()
    opt.step()
    glasstorch.save({"model": ours, "opt": opt.state_dict()}, tmp_path / "g.pt")
    torch.save({"model": theirs}, tmp_path / "t.pt")
    # glasstorch's file in torch: torch's classes, the same numbers
    loaded = torch.load(tmp_path / "g.pt", weights_only=False)
    assert type(loaded["model"][2]) is torch.nn.GRUCell
    np.testing.assert_allclose(loaded["model"](_x(torch)).detach().numpy(), ours(_x(glasstorch)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert torch.equal(loaded["opt"]["state"][0]["momentum_buffer"],
                       torch.from_numpy(opt.state_dict()["state"][0]["momentum_buffer"].numpy()))
    # and back in glasstorch, and torch's own file in glasstorch
    for name, want in (("g.pt", ours(_x(glasstorch))), ("t.pt", theirs(_x(torch)))):
        back = glasstorch.load(tmp_path / name, weights_only=False)["model"]
        assert type(back[3]) is glasstorch.nn.TransformerEncoderLayer
        np.testing.assert_allclose(back(_x(glasstorch)).detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_allowlisted_class_loads_by_either_name(tmp_path):
    """``add_safe_globals([glasstorch.nn.Linear])`` lets a weights-only load read ``torch.nn...Linear``."""
    glasstorch.save(glasstorch.nn.Linear, tmp_path / "cls.pt")
    with glasstorch.serialization.safe_globals([glasstorch.nn.Linear]):
        assert glasstorch.load(tmp_path / "cls.pt") is glasstorch.nn.Linear
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.linear.Linear"):
        glasstorch.load(tmp_path / "cls.pt")
