"""Differences found by the sweep21e model-inspection programs (print(model), torchsummary clones,
named_* traversals, optimizer / scheduler printouts, init with model.apply, gradient-norm hooks).

* ``nn.ParameterDict`` built from (or updated with) a plain dict adds the entries in sorted key order,
  as torch does (an OrderedDict, a ParameterDict or a list of pairs keeps its order); glasstorch kept
  the dict's order, so ``print(pdict)`` and ``named_parameters`` listed them differently.  Added
  torch's ``copy``, ``setdefault``, ``popitem``, ``fromkeys``, ``reversed``, ``|`` / ``|=``, the
  TypeError for a key that is not a string, and ``update``'s TypeError / ValueError for bad input
  (ModuleDict's ``update`` raised ValueError where torch raises TypeError, and refused pairs that
  were not lists or tuples).
* ``Module.register_backward_hook`` (the deprecated non-full hook that older tutorials use to print
  gradient norms) was missing: it hooks the autograd node of the module's first output, so the hook
  sees that node's gradients (AddmmBackward0's three for a Linear), may replace them, and warns
  torch's FutureWarnings; mixing it with ``register_full_backward_hook`` raises torch's RuntimeError.
* ``torch.nn.modules.module.register_module_full_backward_hook`` / ``..._full_backward_pre_hook`` /
  ``..._backward_hook`` (global hooks on every module, run before the module's own) were missing, and
  ``register_module_forward_hook(with_kwargs=True)`` ignored ``with_kwargs``.
* The "Full backward hook is firing ... no inputs require gradients" warning points at the user's line
  (torch's stacklevel=5), not at glasstorch's hook code.
* ``nn.modules.padding._ReflectionPadNd`` / ``_ReplicationPadNd`` / ``_CircularPadNd`` exist as the
  base classes of the padding layers (``isinstance`` checks in model-surgery code).
"""
import subprocess
import sys
import warnings
from collections import OrderedDict

import numpy as np
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import MODS, same_error, same_on_both


def same_value(fn):
    """``fn(module)`` returns plain Python data (strings, lists ...): equal on both libraries."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want, got = fn(torch), fn(glasstorch)
    assert want == got, f"torch: {want!r}\nglasstorch: {got!r}"


KEYS = st.lists(st.text("abcxyz_", min_size=1, max_size=4), min_size=1, max_size=6, unique=True)


@settings(max_examples=25, deadline=None)
@given(KEYS)
def test_parameter_dict_from_plain_dict_is_sorted(keys):
    same_value(lambda m: str(m.nn.ParameterDict({k: m.ones(i + 1) for i, k in enumerate(keys)})))
    same_value(lambda m: [n for n, _ in m.nn.ParameterDict({k: m.ones(1) for k in keys}).named_parameters()])


@settings(max_examples=25, deadline=None)
@given(KEYS)
def test_parameter_dict_keeps_order_of_ordered_input(keys):
    same_value(lambda m: list(m.nn.ParameterDict(OrderedDict((k, m.ones(1)) for k in keys))))
    same_value(lambda m: list(m.nn.ParameterDict([(k, m.ones(1)) for k in keys])))
    same_value(lambda m: list(m.nn.ParameterDict(m.nn.ParameterDict([(k, m.ones(1)) for k in keys]))))


def test_parameter_dict_update_and_dict_methods():
    def run(m):
        pd = m.nn.ParameterDict(OrderedDict([("z", m.ones(2)), ("a", m.zeros(1))]))
        pd.update({"q": m.ones(3), "b": m.ones(1)})
        out = [list(pd), list(reversed(pd)), list(pd.copy()), type(pd.copy()).__name__]
        out.append(tuple(pd.setdefault("z", m.zeros(5)).shape))
        out.append(tuple(pd.setdefault("new", m.zeros(5)).shape))
        k, v = pd.popitem()
        out += [k, tuple(v.shape), list(pd)]
        out.append(list(pd.fromkeys(["u", "v"], m.zeros(2))))
        other = m.nn.ParameterDict({"o": m.ones(1)})
        out += [list(pd | other), list(other | pd)]
        other |= pd
        out += [list(other), type(other.pop("o")).__name__, len(other), "a" in other]
        return out
    same_value(run)


def test_dict_container_errors():
    same_error(lambda m: m.nn.ParameterDict().__setitem__(0, m.ones(1)))
    same_error(lambda m: m.nn.ParameterDict()[1])
    same_error(lambda m: m.nn.ParameterDict(3))
    same_error(lambda m: m.nn.ParameterDict([3]))
    same_error(lambda m: m.nn.ParameterDict([("a", m.ones(1), 2)]))
    same_error(lambda m: m.nn.ModuleDict(3))
    same_error(lambda m: m.nn.ModuleDict([m.nn.ReLU()]))
    same_error(lambda m: m.nn.ModuleDict([("a", m.nn.ReLU(), 1)]))
    same_error(lambda m: m.nn.ModuleDict(["ab"]))          # a 2-character string is a pair: 'b' is no Module
    same_value(lambda m: str(m.nn.ModuleDict([["x", m.nn.Tanh()], ("y", m.nn.ReLU())])))


def test_padding_base_classes():
    same_value(lambda m: [isinstance(m.nn.ReflectionPad2d(1), m.nn.modules.padding._ReflectionPadNd),
                          isinstance(m.nn.ReplicationPad1d(1), m.nn.modules.padding._ReplicationPadNd),
                          isinstance(m.nn.CircularPad3d(1), m.nn.modules.padding._CircularPadNd),
                          isinstance(m.nn.ReflectionPad1d(1), m.nn.modules.padding._ReplicationPadNd),
                          str(m.nn.ReplicationPad2d((1, 0, 2, 1)))])
    x = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4)
    for name in ("ReflectionPad2d", "ReplicationPad2d", "CircularPad2d"):
        same_on_both(lambda m, t, name=name: getattr(m.nn, name)((1, 2, 0, 1))(t), [x])


def _log_hooks(log):
    def hook(mod, gi, go):
        log.append((type(mod).__name__, [None if g is None else (tuple(g.shape), round(g.double().norm().item(), 5))
                                         for g in gi], [tuple(g.shape) for g in go]))
    return hook


def test_non_full_backward_hook_sees_output_node_grads():
    def run(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.ReLU(), m.nn.Linear(4, 2, bias=False), m.nn.Tanh())
        log = []
        handles = [mod.register_backward_hook(_log_hooks(log)) for mod in net]
        x = m.randn(5, 3, requires_grad=True)
        net(x).pow(2).sum().backward()
        for h in handles:
            h.remove()
        net(x).sum().backward()            # removed: logs nothing more
        return log
    same_value(run)


def test_non_full_backward_hook_can_replace_grads():
    def run(m, x):
        lin = m.nn.Linear(2, 3)
        m.nn.init.constant_(lin.weight, 0.5)
        lin.register_backward_hook(lambda mod, gi, go: tuple(None if g is None else g * 3 for g in gi))
        x.requires_grad_(True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            lin(x).sum().backward()
        return x.grad, lin.bias.grad, lin.weight.grad
    same_on_both(run, [np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)], grad=False)


def test_backward_hook_kinds_cannot_mix():
    same_error(lambda m: _mix(m, "old_then_full"))
    same_error(lambda m: _mix(m, "full_then_old"))


def _mix(m, order):
    lin = m.nn.Linear(1, 1)
    first, second = ((lin.register_backward_hook, lin.register_full_backward_hook) if order == "old_then_full"
                     else (lin.register_full_backward_hook, lin.register_backward_hook))
    first(lambda *a: None)
    second(lambda *a: None)


def test_non_full_backward_hook_future_warnings():
    def run(m):
        out = []
        for net, x in ((m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU()), m.ones(1, 2, requires_grad=True)),
                       (m.nn.Tanh(), m.ones(2, requires_grad=True)),
                       (m.nn.Linear(2, 2), m.ones(3, 2))):
            net.register_backward_hook(lambda *a: None)
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                net(x)
            out.append([(c.category.__name__, str(c.message)) for c in w])
        return out
    same_value(run)


def _reset_global_kind():
    glasstorch.nn.modules._hooks.GLOBAL_IS_FULL["is_full"] = None
    torch.nn.modules.module._global_is_full_backward_hook = None


def test_global_full_backward_hooks():
    def run(m):
        log = []
        mm = m.nn.modules.module
        net = m.nn.Sequential(m.nn.Linear(3, 2), m.nn.ReLU())
        net[0].register_full_backward_hook(lambda mod, gi, go: log.append("own"))
        hs = [mm.register_module_full_backward_pre_hook(lambda mod, go: log.append(("pre", type(mod).__name__))),
              mm.register_module_full_backward_hook(
                  lambda mod, gi, go: log.append(("full", type(mod).__name__, [None if g is None else tuple(g.shape)
                                                                               for g in gi]))),
              mm.register_module_forward_hook(lambda mod, a, k, o: log.append(("fwd", type(mod).__name__, k)),
                                              with_kwargs=True)]
        try:
            mm.register_module_backward_hook(lambda *a: None)
        except RuntimeError as e:
            log.append(str(e))
        net(m.ones(4, 3, requires_grad=True)).sum().backward()
        for h in hs:
            h.remove()
        net(m.ones(4, 3, requires_grad=True)).sum().backward()
        try:                     # the kind stays set after the hooks are removed, as in torch
            mm.register_module_backward_hook(lambda *a: None)
        except RuntimeError as e:
            log.append(str(e))
        _reset_global_kind()
        return log
    try:
        same_value(run)
    finally:
        _reset_global_kind()


def test_global_non_full_backward_hook():
    def run(m):
        log = []
        mm = m.nn.modules.module
        net = m.nn.Sequential(m.nn.Linear(3, 2), m.nn.ReLU())
        h = mm.register_module_backward_hook(lambda mod, gi, go: log.append(("old", type(mod).__name__,
                                                                               [tuple(g.shape) for g in gi])))
        try:
            mm.register_module_full_backward_hook(lambda *a: None)
        except RuntimeError as e:
            log.append(str(e))
        net(m.ones(4, 3, requires_grad=True)).sum().backward()
        h.remove()
        _reset_global_kind()
        return log
    try:
        same_value(run)
    finally:
        _reset_global_kind()


_FIRING_SCRIPT = """
import warnings
import {mod} as m
lin = m.nn.Linear(2, 2)
lin.register_full_backward_hook(lambda *a: None)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    lin(m.ones(1, 2)).sum().backward()
print([(c.filename == __file__, c.lineno) for c in w])
"""


def test_firing_on_outputs_warning_points_at_user_line(tmp_path):
    # each library in a fresh process: once a test anywhere in the worker has set a default device,
    # torch's warnings point into torch/utils/_device.py for the rest of the process
    out = {}
    for mod in ("torch", "glasstorch"):
        path = tmp_path / f"firing_{mod}.py"
        path.write_text(_FIRING_SCRIPT.format(mod=mod))
        out[mod] = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True).stdout
    assert out["torch"] == out["glasstorch"] == "[(True, 8)]\n"


def test_gradcheck_through_non_full_hooked_module():
    lin = glasstorch.nn.Linear(3, 2).double()
    seen = []
    lin.register_backward_hook(lambda mod, gi, go: seen.append(len(gi)))
    x = glasstorch.randn(4, 3, dtype=glasstorch.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        assert gradcheck(lambda t: lin(t), (x,))
    assert seen and set(seen) == {3}
