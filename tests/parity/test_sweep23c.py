"""Sweep 23c (TorchScript and deployment programs): what was fixed, each pinned against torch.

* ``torch.jit.is_tracing()`` is True while ``torch.jit.trace`` records a function or module and
  while the trace runs afterwards (torch's record keeps the branch taken while tracing), False in
  eager code and in check_trace's run of the Python function (so a branch on it gives torch's
  "does not match" TracerWarning).  ``glasstorch/_jit_state.py``.
* Turning a tensor into a Python value while a trace is recorded (``bool``, ``int``, ``float``,
  ``complex``, ``item()``, ``tolist()``) gives torch's TracerWarning "Converting a tensor to a Python
  ... might cause the trace to be incorrect", once per recording (the trace and check_trace's
  re-trace), at the user's line.
* ``torch.jit.save`` of a function that ``@torch.jit.script`` replaced by its ScriptFunction failed
  to pickle ("not the same object as __main__.f"); now saved and loaded (a PlaceholderModule).
* ``torch.jit.freeze(..., preserved_attrs=[...])`` keeps those attributes and methods reachable,
  and raises torch's "Unknown name: x" for names the module does not have.
* ``torch.jit.load(..., _extra_files={"absent": ...})`` sets a file the archive lacks to ``b""``.
* ``torch.jit.freeze`` / ``optimize_for_inference`` warn their DeprecationWarning at torch's own
  line (hidden by the default filters), not at the caller's.
* Methods of a scripted module (``@torch.jit.export`` ...) ran on the original module's state: after
  ``sm.eval()`` or ``sm.k = 3`` they still saw training mode and the old constant; now they run with
  the script module's state, as ``forward`` does.
* ``float(t)`` of a tensor requiring grad inside scripted code gave the eager "Converting a tensor
  with requires_grad=True to a scalar" UserWarning; TorchScript's ``float`` is an op and warns nothing.
"""
import io
import os
import warnings

import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, assert_same_array, same_error

X = np.random.default_rng(23).standard_normal((4, 3)).astype(np.float32)


def _x(t):
    return t.from_numpy(X.copy())


def _both(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return {m: fn(m) for m in MODS}


def _recorded(fn):
    """``fn(t)``'s result and the (category, message, line) of each non-deprecation warning it gives."""
    def run(t):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn(t)
        return out, [(w.category.__name__, str(w.message).splitlines()[0], w.filename == __file__ and w.lineno)
                     for w in caught if w.category is not DeprecationWarning]
    return {m: run(m) for m in MODS}


def _branchy(t):
    def f(x):
        if t.jit.is_tracing():
            return x * 2
        return x + 1
    return f


def test_is_tracing_while_recording_and_in_the_trace():
    r = _recorded(lambda t: t.jit.trace(_branchy(t), _x(t))(_x(t)))
    assert_same_array(r[torch][0], r[glasstorch][0])
    assert r[torch][1] == r[glasstorch][1] and len(r[torch][1]) == 1     # the "does not match" warning
    assert _both(lambda t: t.jit.is_tracing()) == {torch: False, glasstorch: False}


def test_is_tracing_without_check_and_eagerly_after():
    out = _both(lambda t: (t.jit.trace(_branchy(t), _x(t), check_trace=False)(_x(t)), _branchy(t)(_x(t))))
    for a, b in zip(out[torch], out[glasstorch]):
        assert_same_array(a, b)


def _make_head(t):
    class Head(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = t.nn.Linear(3, 2)

        def forward(self, x):
            y = self.fc(x)
            return y if t.jit.is_tracing() else t.log_softmax(y, 1)
    return Head


# glasstorch's jit.save pickles the module, so its class must be importable (torch's saves TorchScript code)
_GlassHead = _make_head(glasstorch)
_GlassHead.__qualname__ = "_GlassHead"
HEADS = {torch: _make_head(torch), glasstorch: _GlassHead}


def _module(t):
    t.manual_seed(0)
    return HEADS[t]().eval()


def test_traced_module_keeps_the_tracing_branch():
    def run(t):
        traced = t.jit.trace(_module(t), _x(t))
        buf = io.BytesIO()
        t.jit.save(traced, buf)
        buf.seek(0)
        return traced(_x(t)), t.jit.load(buf)(_x(t))
    r = _recorded(run)
    for a, b in zip(r[torch][0], r[glasstorch][0]):
        assert_same_array(a.detach(), b.detach())
    assert [w[:2] for w in r[torch][1]] == [w[:2] for w in r[glasstorch][1]]


CONVERSIONS = {
    "bool": lambda x: x * 2 if x.sum() > 0 else x,
    "int": lambda x: x + int(x.sum()),
    "float": lambda x: x + float(x[0, 0]),
    "item": lambda x: x + x.max().item(),
    "tolist": lambda x: x + len(x.tolist()),
    "complex": lambda x: x + complex(x[0, 0]).real,
}


@pytest.mark.parametrize("kind", sorted(CONVERSIONS))
@pytest.mark.parametrize("check", [True, False])
def test_tracer_warnings_for_python_values(kind, check):
    fn = CONVERSIONS[kind]
    r = _recorded(lambda t: t.jit.trace(fn, _x(t), check_trace=check)(_x(t)))
    assert_same_array(r[torch][0], r[glasstorch][0])
    # (category, message): where torch's C++ tracer says the warning comes from changes once other tests
    # have traced in the same process (in a fresh one it is the user's line, as glasstorch's)
    assert [w[:2] for w in r[torch][1]] == [w[:2] for w in r[glasstorch][1]] and r[torch][1]


def test_no_tracer_warnings_outside_tracing():
    r = _recorded(lambda t: [f(_x(t)) for f in CONVERSIONS.values()][-1])
    assert r[torch][1] == r[glasstorch][1] == []


@torch.jit.script
def _stats_torch(x: torch.Tensor):
    return x.min(dim=0).values, x.size(0)


@glasstorch.jit.script
def _stats_glass(x):
    return x.min(dim=0).values, x.size(0)


def test_save_load_of_a_decorated_script_function(tmp_path):
    def run(t):
        f = _stats_torch if t is torch else _stats_glass
        path = os.path.join(tmp_path, f"{t.__name__}.pt")
        t.jit.save(f, path)
        loaded = t.jit.load(path)
        values, n = loaded(_x(t))
        return type(loaded).__name__, loaded.original_name, n, values
    r = _both(run)
    assert r[torch][:3] == r[glasstorch][:3]
    assert_same_array(r[torch][3], r[glasstorch][3])


def _make_net(t):
    class Net(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = t.nn.Linear(3, 2)
            self.scale = 3
            self.tag = "v1"

        def forward(self, x):
            return self.fc(x) * self.scale
    return Net


_GlassNet = _make_net(glasstorch)
_GlassNet.__qualname__ = "_GlassNet"
NETS = {torch: _make_net(torch), glasstorch: _GlassNet}


def _net(t):
    t.manual_seed(0)
    return t.jit.script(NETS[t]().eval())


def test_freeze_preserved_attrs():
    def run(t):
        f = t.jit.freeze(_net(t), preserved_attrs=["scale", "fc"])
        return (f.scale, hasattr(f, "fc"), hasattr(f, "tag"), len(list(f.parameters())),
                hasattr(t.jit.freeze(_net(t)), "scale"), f(_x(t)).detach())
    r = _both(run)
    assert r[torch][:5] == r[glasstorch][:5]
    assert_same_array(r[torch][5], r[glasstorch][5])


def test_freeze_unknown_preserved_name():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        same_error(lambda t: t.jit.freeze(_net(t), preserved_attrs=["nope"]))


def test_load_sets_absent_extra_files_to_empty_bytes():
    def run(t):
        buf = io.BytesIO()
        t.jit.save(_net(t), buf, _extra_files={"meta.json": "{}"})
        buf.seek(0)
        extra = {"meta.json": "", "absent.txt": "default"}
        t.jit.load(buf, _extra_files=extra)
        return extra
    r = _both(run)
    assert r[torch] == r[glasstorch] == {"meta.json": b"{}", "absent.txt": b""}


@pytest.mark.parametrize("what", ["freeze", "optimize_for_inference"])
def test_freeze_deprecation_is_not_the_callers(what):
    def run(t):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(t.jit, what)(_net(t))
        return [(str(w.message), w.filename == __file__) for w in caught if w.category is DeprecationWarning
                and what in str(w.message)]
    r = {m: run(m) for m in MODS}
    assert r[torch] == r[glasstorch] and r[torch]


def _make_exporter(t):
    class Exporter(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = t.nn.Linear(3, 3)
            self.drop = t.nn.Dropout(0.5)
            self.k = 2.0

        def forward(self, x):
            return self.drop(self.fc(x)) * self.k

        @t.jit.export
        def score(self, x):
            y = self.forward(x)
            return y, float(y.sum()) > 0.0
    return Exporter


def test_exported_method_runs_with_the_script_modules_state():
    def run(t):
        t.manual_seed(0)
        sm = t.jit.script(_make_exporter(t)())
        sm.eval()
        sm.k = 3.0
        always = t.is_warn_always_enabled()
        t.set_warn_always(True)         # TORCH_WARN_ONCE warns every time: the test can fail
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                y, positive = sm.score(_x(t))
                eager = _make_exporter(t)()(_x(t)).sum()
                float(eager)            # eager code still warns, on both
        finally:
            t.set_warn_always(always)
        return y.detach(), positive, sm(_x(t)).detach(), [str(w.message) for w in caught]
    r = _both(run)
    for a, b in zip(r[torch][:3:2], r[glasstorch][:3:2]):
        assert_same_array(a, b)
    assert r[torch][1] == r[glasstorch][1] and r[torch][3] == r[glasstorch][3] and len(r[torch][3]) == 1
