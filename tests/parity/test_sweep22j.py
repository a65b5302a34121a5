"""Program sweep 22j (mechanistic interpretability with hooks: HookPoints, run_with_cache, activation
patching, logit lens, ablations, probes, gradient attribution), against torch.

Fixed in glasstorch:
* ``register_forward_hook(..., always_call=True)`` (and ``register_module_forward_hook(...,
  always_call=True)``): when a pre-hook, ``forward`` or an earlier forward hook raises, the
  always-called hooks that have not run yet still run (global ones first, with the possibly
  pre-hook-modified args, ``result`` None when forward never returned; with_kwargs ones get kwargs),
  an exception of their own becoming torch's UserWarning, then the original error propagates.
* The node a module's full backward hook puts on its outputs prints as torch's Python-defined
  ``<torch.autograd.function.BackwardHookFunctionBackward object at ...>``.
* ``RemovableHandle.hooks_dict_ref`` / ``extra_dict_ref`` (weak references to the hook dicts).
* ``torch.nn.modules.module._global_forward_hooks`` (and the other global hook dicts) under torch's names.
* Hook handle ids: module, tensor (``register_hook``, post-accumulate), node and optimizer hook handles
  are numbered from one counter, and each module-backward-hook wrap of inputs or outputs takes a
  number, as torch's RemovableHandle.next_id does.
* torch.func transforms (grad, grad_and_value, jacrev, hessian, vmap of them) at the outermost level:
  a result that depends on a tensor the function closed over and that requires grad (a module's
  parameters) keeps its graph (requires_grad, gradients flow back to the parameters), as functorch's
  does; only results depending on nothing but the transform's own inputs come back detached.
* Hooks that remove themselves (one-shot patching hooks) or register others while they run: module
  forward (pre-)hooks run from a snapshot, as torch's; so do tensor, node, node pre- and
  post-accumulate-grad hooks (the hook after a self-removing one is no longer skipped).
"""
import re
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from glasstorch.autograd import gradcheck
from tests.parity._helpers import MODS, same_error, same_on_both


def _events_both(fn):
    """``fn(mod, log)`` on both libraries; each returns (events logged, warnings as (category, text))."""
    out = {}
    for m in MODS:
        log = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fn(m, log)
            except Exception as e:          # noqa: BLE001 - the error is part of what is compared
                log.append(("raised", type(e).__name__, str(e)))
        out[m] = (log, [(w.category.__name__, str(w.message)) for w in caught])
    assert out[torch] == out[glasstorch]
    return out[torch]


class _Fails:
    """A module class per library whose forward raises ValueError."""

    @staticmethod
    def make(m):
        class Fails(m.nn.Module):
            def forward(self, x, scale=1.0):
                raise ValueError(f"forward failed on {tuple(x.shape)}")
        return Fails()


def _desc(x):
    return None if x is None else (type(x).__name__, tuple(x.shape)) if hasattr(x, "shape") else repr(x)


def test_always_call_hook_runs_when_forward_raises():
    def fn(m, log):
        mod = _Fails.make(m)
        mod.register_forward_hook(lambda mo, a, o: log.append(("plain", _desc(o))))
        mod.register_forward_hook(lambda mo, a, o: log.append(("always", len(a), _desc(a[0]), _desc(o))),
                                  always_call=True)
        mod.register_forward_hook(lambda mo, a, k, o: log.append(("always-kw", dict(k), _desc(o))),
                                  with_kwargs=True, always_call=True, prepend=True)
        mod(m.ones(2, 3), scale=2.0)
    log, warns = _events_both(fn)
    assert [e[0] for e in log] == ["always-kw", "always", "raised"] and warns == []


def test_always_call_hook_not_rerun_and_sees_pre_hook_args():
    def fn(m, log):
        lin = m.nn.Linear(3, 2)
        lin.register_forward_pre_hook(lambda mo, a: (a[0] * 0,))
        lin.register_forward_hook(lambda mo, a, o: log.append(("always", float(a[0].sum()), _desc(o))),
                                  always_call=True)

        def boom(mo, a, o):
            raise RuntimeError("hook failed")
        lin.register_forward_hook(boom)
        lin(m.ones(4, 3))
    log, _ = _events_both(fn)
    assert [e[0] for e in log] == ["always", "raised"]      # ran once, before the failing hook


def test_always_call_hook_after_failing_pre_hook():
    def fn(m, log):
        lin = m.nn.Linear(3, 2)

        def bad_pre(mo, a):
            raise KeyError("pre")
        lin.register_forward_pre_hook(bad_pre)
        lin.register_forward_hook(lambda mo, a, o: log.append(("always", _desc(a[0]), o)), always_call=True)
        lin(m.ones(1, 3))
    _events_both(fn)


def test_always_call_hook_error_becomes_warning():
    def fn(m, log):
        mod = _Fails.make(m)
        mod.register_forward_hook(lambda mo, a, o: 1 / 0, always_call=True)
        mod.register_forward_hook(lambda mo, a, o: log.append("second always"), always_call=True)
        mod(m.zeros(3))
    log, warns = _events_both(fn)
    assert log[0] == "second always" and warns and "division by zero" in warns[0][1]


def test_global_forward_hook_always_call():
    def fn(m, log):
        reg = m.nn.modules.module.register_module_forward_hook
        hs = [reg(lambda mo, a, o: log.append(("global always", type(mo).__name__, _desc(o))), always_call=True),
              reg(lambda mo, a, o: log.append(("global", type(mo).__name__)))]
        mod = _Fails.make(m)
        mod.register_forward_hook(lambda mo, a, o: log.append("local always"), always_call=True)
        try:
            mod(m.zeros(3))
        except ValueError as e:
            log.append(str(e))
        finally:
            for h in hs:
                h.remove()
        log.append(m.nn.Linear(1, 1)(m.ones(1)).shape)      # the global hooks are gone again

        def bad(mo, a, o):
            raise OSError("global")
        h = reg(bad, always_call=True)
        try:
            _Fails.make(m)(m.zeros(1))
        finally:
            h.remove()
    log, warns = _events_both(fn)
    assert log[:2] == [("global always", "Fails", None), "local always"] and log[-1][1] == "ValueError"
    assert len(warns) == 1


def test_always_call_hook_does_not_change_normal_calls():
    # a hook returning a value replaces the output whether or not it is always-called
    same_on_both(lambda m, x: _hooked_linear(m)(x), [np.random.default_rng(0).standard_normal((4, 3)).astype("f4")])


def _hooked_linear(m):
    m.manual_seed(0)
    lin = m.nn.Linear(3, 2)
    lin.register_forward_hook(lambda mo, a, o: o * 2 + a[0][:, :1], always_call=True)
    lin.register_forward_hook(lambda mo, a, k, o: o * 3 - k.get("shift", 1), with_kwargs=True, always_call=True)
    return lin


def test_hooked_linear_gradcheck():
    lin = _hooked_linear(glasstorch).double()
    x = glasstorch.randn(4, 3, dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lin, (x,))


def test_backward_hook_node_repr():
    def fn(m):
        ident = m.nn.Identity()
        ident.register_full_backward_hook(lambda mo, gi, go: None)
        y = ident(m.ones(2, requires_grad=True) * 3)
        return re.sub(r" at 0x[0-9a-f]+", "", repr(y.grad_fn)), repr(y), type(y.grad_fn).__name__
    want = fn(torch)
    assert want[0] == "<torch.autograd.function.BackwardHookFunctionBackward object>"
    # glasstorch names its own package where torch's name is not in use (the program runner makes it torch)
    assert tuple(s.replace("glasstorch", "torch") for s in fn(glasstorch)) == want


def test_removable_handle_dict_refs():
    def fn(m):
        lin = m.nn.Linear(2, 2)
        h = lin.register_forward_hook(lambda *a: None, with_kwargs=True)
        p = lin.register_forward_pre_hook(lambda *a: None)
        res = (h.hooks_dict_ref() is lin._forward_hooks, lin._forward_hooks_with_kwargs in
               [r() for r in h.extra_dict_ref], p.hooks_dict_ref() is lin._forward_pre_hooks)
        h.remove()
        return res + (len(lin._forward_hooks), len(lin._forward_hooks_with_kwargs))
    assert fn(torch) == fn(glasstorch) == (True, True, True, 0, 0)


@pytest.mark.parametrize("kw", [dict(always_call=True), dict(prepend=True, always_call=True)])
def test_pre_hook_has_no_always_call(kw):
    same_error(lambda m: m.nn.Linear(1, 1).register_forward_pre_hook(lambda *a: None, **kw))


def test_global_hook_dicts_under_torch_names():
    def fn(m):
        mm = m.nn.modules.module
        names = ("_global_forward_pre_hooks", "_global_forward_hooks", "_global_forward_hooks_with_kwargs",
                 "_global_forward_hooks_always_called", "_global_backward_pre_hooks", "_global_backward_hooks")
        before = [len(getattr(mm, n)) for n in names]
        h = mm.register_module_forward_hook(lambda *a: None, always_call=True)
        during = [len(getattr(mm, n)) - b for n, b in zip(names, before)]
        h.remove()
        return during, [len(getattr(mm, n)) for n in names] == before
    assert fn(torch) == fn(glasstorch)


def test_hook_handle_ids_share_one_counter():
    # torch numbers module, tensor, node, optimizer hook handles and each module-backward-hook wrap alike
    def fn(m):
        nn = m.nn
        ids = [nn.Identity().register_forward_hook(lambda *a: None).id]

        def step(action):
            action()
            ids.append(nn.Identity().register_forward_pre_hook(lambda *a: None).id)
        t = m.ones(2, requires_grad=True)
        y = t * 2
        lin = nn.Linear(2, 2)
        step(lambda: t.register_hook(lambda g: g))
        step(lambda: y.grad_fn.register_hook(lambda gi, go: None))
        step(lambda: y.grad_fn.register_prehook(lambda go: None))
        step(lambda: t.register_post_accumulate_grad_hook(lambda p: None))
        step(lambda: m.optim.SGD([t], lr=0.1).register_step_post_hook(lambda *a: None))
        step(lambda: lin.register_full_backward_hook(lambda *a: None))
        step(lambda: lin(m.ones(2, requires_grad=True)))         # input and output wrapped
        step(lambda: lin(m.ones(2)))                             # output only
        step(lambda: nn.LazyLinear(3))
        return [b - a for a, b in zip(ids, ids[1:])]
    assert fn(torch) == fn(glasstorch) == [2, 2, 2, 2, 2, 2, 3, 2, 3]


def _closure_cases(m):
    """torch.func transforms of functions closing over a module's parameters (integrated gradients with
    torch.func): (requires_grad of each result, the parameters' gradients after backward through it)."""
    m.manual_seed(0)
    net = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.Tanh(), m.nn.Linear(4, 2))
    x = m.linspace(0, 1, 5)[:, None] * m.tensor([0.5, -1.0, 2.0])
    f = lambda v: net(v)[1]                                       # noqa: E731
    res = {"grad": m.func.vmap(m.func.grad(f))(x), "jacrev": m.func.jacrev(f)(x[2]),
           "plain": m.func.grad(lambda v: (v ** 3).sum())(x[1])}
    flags = {k: v.requires_grad for k, v in res.items()}
    (res["grad"] * x).sum().backward()
    grads = [None if p.grad is None else p.grad.detach().numpy().copy() for p in net.parameters()]
    net.requires_grad_(False)
    flags["frozen"] = m.func.grad(f)(x[3]).requires_grad
    return flags, grads, res["grad"].detach().numpy()


def test_func_results_keep_graph_to_closed_over_parameters():
    f_t, g_t, v_t = _closure_cases(torch)
    f_g, g_g, v_g = _closure_cases(glasstorch)
    assert f_t == f_g == {"grad": True, "jacrev": True, "plain": False, "frozen": False}
    np.testing.assert_array_equal(v_g, v_t)
    # the parameters' float32 second-order gradients differ from torch's by an ulp (summation order in the
    # double-backward of tanh and the matmuls): the tightest tolerance that holds
    assert [a is None for a in g_t] == [b is None for b in g_g] == [False, False, False, True]
    for a, b in zip(g_t[:3], g_g[:3]):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=2e-7)


def test_func_grad_through_closure_gradcheck():
    # d/dW of an input-gradient: the second-order path the kept graph has to carry
    glasstorch.manual_seed(0)
    w = glasstorch.randn(3, 3, dtype=glasstorch.float64, requires_grad=True)
    x = glasstorch.randn(3, dtype=glasstorch.float64)
    assert gradcheck(lambda w_: glasstorch.func.grad(lambda v: (w_ @ v).tanh().sum())(x), (w,))


def test_hooks_that_remove_themselves_or_add_others():
    # one-shot patching hooks: handle.remove() inside the hook; the hooks that follow still run
    def fn(m, log):
        lin = m.nn.Linear(2, 2)
        hs = {}

        def once(name):
            def hook(*a):
                log.append(name)
                hs[name].remove()
            return hook
        hs["fwd"] = lin.register_forward_hook(once("fwd"))
        lin.register_forward_hook(lambda *a: log.append("fwd second"))
        hs["pre"] = lin.register_forward_pre_hook(once("pre"))
        lin.register_forward_pre_hook(lambda *a: log.append("pre second"))

        def adder(mod, i, o):
            log.append("adder")
            if log.count("adder") == 1:
                mod.register_forward_hook(lambda *a: log.append("added"))
        lin.register_forward_hook(adder)
        hs["bwd"] = lin.register_full_backward_hook(once("bwd"))
        lin.register_full_backward_hook(lambda *a: log.append("bwd second"))
        x = m.ones(2, requires_grad=True)
        hs["t"] = x.register_hook(once("t"))
        x.register_hook(lambda g: log.append("t second"))
        p = m.ones(2, requires_grad=True)
        hs["acc"] = p.register_post_accumulate_grad_hook(once("acc"))
        p.register_post_accumulate_grad_hook(lambda v: log.append("acc second"))
        for _ in range(2):
            y = lin(x) * p
            hs["node"] = y.grad_fn.register_hook(once("node"))
            y.grad_fn.register_hook(lambda gi, go: log.append("node second"))
            hs["npre"] = y.grad_fn.register_prehook(once("npre"))
            y.grad_fn.register_prehook(lambda go: log.append("npre second"))
            y.sum().backward()
            log.append("--")
    log, _ = _events_both(fn)
    assert log.count("fwd second") == 2 and log.count("t second") == 2
