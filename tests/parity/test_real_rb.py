"""Parity pins for real_rb (PyTorch tutorials: intermediate_source and recipes_source run unchanged).

Fixed in glasstorch:
- ``import functorch`` (the standalone package torch ships, which imports ``torch._functorch.deprecated``,
  ``torch._functorch.make_functional`` and ``torch._functorch.python_key``) failed under glasstorch with
  "No module named 'torch._functorch'"; glasstorch now has ``_functorch``: the deprecated
  ``functorch.{vmap,grad,grad_and_value,vjp,jvp,jacrev,jacfwd,hessian,make_functional,
  make_functional_with_buffers,combine_state_for_ensemble}`` with torch's FutureWarning text, and
  ``make_functional`` / ``make_functional_with_buffers`` / ``combine_state_for_ensemble`` as torch
  builds them (a deep copy whose tensors become meta, swapped in per call; tied weights swapped
  together; torch's errors).  Shown by intermediate_source/forward_ad_usage.py
  (``ft.jvp`` over ``ft.make_functional_with_buffers(model)``);
- ``torch.func.jvp``'s primal outputs that stay in the caller's graph (the primals, or a tensor the function
  closed over, require grad) now hang from torch's ``AliasBackward0`` (the dual's primal is an alias of the
  function's result), where glasstorch handed back the function's own node (``MulBackward0``); gradients
  through them are unchanged (glasstorch/_func_jac.py).  Shown by the same program's check of
  ``ft.jvp(func_params_only, (params,), (tangents,))`` with parameters that require grad;
- a CUDA default device on a CPU build: ``with torch.device('cuda'):`` no longer makes CPU tensors silently
  and ``torch.set_default_device('cuda')`` no longer raises at once; as torch, both are accepted and the
  factories (``zeros``, ``tensor``, ``randn`` ...) and the layers' parameters that would allocate there raise
  "Torch not compiled with CUDA enabled", while ``device='cpu'`` given explicitly (to a factory or a layer,
  also inside ``with torch.device('meta'):``) wins; ``get_default_device()`` raises there as torch's does;
  ``set_default_device(None)`` goes back to the CPU; a layer given ``device='cuda'`` raises torch's error
  (it was ignored) (_meta_factories.py, _runtime.py, nn/modules/_factory.py).  Shown by
  recipes/changing_default_device.py.
"""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
import torch._functorch.deprecated
from hypothesis import given, settings, strategies as st

import glasstorch
import glasstorch._functorch.deprecated
from tests.parity._helpers import assert_same_array, same_outcome, same_error, MODS


def _dep(m):
    return m._functorch.deprecated


class _WithBuffers:
    """A module factory: Linear -> BatchNorm1d (so it has buffers) -> tanh."""

    @staticmethod
    def build(m, n_in, n_out):
        class Net(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = m.nn.Linear(n_in, n_out)
                self.bn = m.nn.BatchNorm1d(n_out)

            def forward(self, x):
                return self.bn(self.fc(x)).tanh()
        return Net()


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(2, 6))
def test_make_functional_with_buffers_call(n_in, n_out, batch):
    def run(m):
        m.manual_seed(0)
        model = _WithBuffers.build(m, n_in, n_out)
        x = m.randn(batch, n_in)
        func, params, buffers = _quiet(lambda: _dep(m).make_functional_with_buffers(model))
        doubled = tuple(p * 2 for p in params)
        return (func(params, buffers, x), func(doubled, buffers, x), *params, *buffers,
                m.tensor([len(params), len(buffers)]))
    same_outcome(run, rtol=1e-6, atol=1e-6)


def test_make_functional_structure():
    def info(m):
        m.manual_seed(0)
        model = _WithBuffers.build(m, 3, 2)
        func, params, buffers = _quiet(lambda: _dep(m).make_functional_with_buffers(model))
        return (type(func).__name__, func.param_names, func.buffer_names, [type(p).__name__ for p in params],
                [p.requires_grad for p in params], [str(b.dtype) for b in buffers],
                [p.is_meta for p in func.stateless_model.parameters()], len(list(model.parameters())),
                sorted(func.all_names_map.items()), func.training)
    assert info(glasstorch) == info(torch)


def test_make_functional_disable_tracking_and_plain():
    def run(m):
        m.manual_seed(0)
        lin = m.nn.Linear(4, 3)
        func, params = _quiet(lambda: _dep(m).make_functional(lin, disable_autograd_tracking=True))
        x = m.randn(2, 4)
        out = func(params, x)
        return out, m.tensor([p.requires_grad for p in params]), *params
    same_outcome(run)


def test_make_functional_tied_weights_swap_together():
    def run(m):
        m.manual_seed(0)
        a = m.nn.Linear(3, 3, bias=False)
        model = m.nn.Sequential(a, m.nn.Tanh(), a)
        func, params = _quiet(lambda: _dep(m).make_functional(model))
        x = m.randn(2, 3)
        return func(params, x), func((params[0] * 0.5,), x), m.tensor(len(params))
    same_outcome(run, rtol=1e-6)


@pytest.mark.parametrize("case", ["buffers", "empty", "mixed_mode", "mixed_class"])
def test_functorch_errors(case):
    def run(m):
        d = _dep(m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if case == "buffers":
                d.make_functional(m.nn.BatchNorm1d(3))
            elif case == "empty":
                d.combine_state_for_ensemble([])
            elif case == "mixed_mode":
                d.combine_state_for_ensemble([m.nn.Linear(2, 2), m.nn.Linear(2, 2).eval()])
            else:
                d.combine_state_for_ensemble([m.nn.Linear(2, 2), m.nn.Conv1d(2, 2, 1)])
    same_error(run)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3))
def test_combine_state_for_ensemble(n_models, n_in):
    def run(m):
        m.manual_seed(0)
        models = [_WithBuffers.build(m, n_in, 2) for _ in range(n_models)]
        func, params, buffers = _quiet(lambda: _dep(m).combine_state_for_ensemble(models))
        x = m.randn(n_models, 3, n_in)
        return (m.vmap(func)(params, buffers, x), *params, *buffers,
                m.tensor([p.requires_grad for p in params]))
    same_outcome(run, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("api,call", [
    ("jvp", lambda m, d: d.jvp(lambda x: x.sin(), (m.ones(3),), (m.ones(3),))),
    ("vmap", lambda m, d: d.vmap(lambda x: x * 2)(m.ones(2, 3))),
    ("grad", lambda m, d: d.grad(lambda x: x.sin().sum())(m.ones(3))),
    ("grad_and_value", lambda m, d: d.grad_and_value(lambda x: x.cos().sum())(m.ones(3))),
    ("vjp", lambda m, d: d.vjp(lambda x: x.exp(), m.ones(3))[0]),
    ("jacrev", lambda m, d: d.jacrev(lambda x: x.sin())(m.arange(3.))),
    ("jacfwd", lambda m, d: d.jacfwd(lambda x: x.sin())(m.arange(3.))),
    ("hessian", lambda m, d: d.hessian(lambda x: x.pow(3).sum())(m.arange(3.))),
    ("make_functional", lambda m, d: d.make_functional(m.nn.Linear(2, 2))[0].param_names),
    ("combine_state_for_ensemble", lambda m, d: len(d.combine_state_for_ensemble([m.nn.Linear(2, 2)])[1])),
])
def test_deprecated_warning_and_result(api, call):
    """Each deprecated functorch API warns once with torch's FutureWarning text, then gives torch.func's result."""
    got = {}
    for m in MODS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = call(m, _dep(m))
        # (torch's first transform call also raises its own internals' DeprecationWarnings: not the API's)
        got[m] = out, [(w.category.__name__, str(w.message)) for w in caught if w.category is FutureWarning]
    (out_t, w_t), (out_g, w_g) = got[torch], got[glasstorch]
    assert w_g == w_t
    if isinstance(out_t, tuple) and isinstance(out_t[0], torch.Tensor):
        for a, b in zip(out_t, out_g):
            assert_same_array(a, b, rtol=1e-6, atol=1e-7)
    elif isinstance(out_t, torch.Tensor):
        assert_same_array(out_t, out_g, rtol=1e-6, atol=1e-7)
    else:
        assert out_g == out_t


def test_deprecated_jvp_over_functional_model():
    """forward_ad_usage's last step: ft.jvp of a make_functional_with_buffers model in its parameters."""
    def run(m):
        m.manual_seed(0)
        model = m.nn.Linear(5, 5)
        x = m.randn(16, 5)
        tangents = tuple(m.rand_like(p) for p in model.parameters())
        d = _dep(m)
        func, params, buffers = _quiet(lambda: d.make_functional_with_buffers(model))
        out = _quiet(lambda: d.jvp(lambda ps: func(ps, buffers, x), (params,), (tangents,)))
        # values only: torch.func.jvp's outputs hang from AliasBackward0 / a differentiable tangent graph
        # when the primals require grad, which glasstorch's jvp does not build (see the report)
        return tuple(o.detach() for o in out)
    same_outcome(run, rtol=1e-6, atol=1e-6)


def test_import_functorch_under_glasstorch_run(tmp_path):
    script = tmp_path / "uses_functorch.py"
    script.write_text("import warnings\nwarnings.simplefilter('ignore')\nimport functorch, torch\n"
                      "f, p = functorch.make_functional(torch.nn.Linear(2, 3))\n"
                      "print(type(f).__name__, [tuple(t.shape) for t in p], functorch.__version__ == torch.__version__)\n"
                      "try:\n    functorch.make_fx(lambda x: x)\nexcept Exception as e:\n    print(type(e).__name__)\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-m", "glasstorch", "run", str(script)], capture_output=True, text=True,
                         cwd=root, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "FunctionalModule [(3, 2), (3,)] True"
    assert lines[1] == "NotImplementedError"


_JVP_CASES = {
    "mul_sin": lambda m, x: m.func.jvp(lambda a: a.sin() * a, (x,), (m.ones_like(x),)),
    "identity": lambda m, x: m.func.jvp(lambda a: a, (x,), (m.ones_like(x),)),
    "tuple_out": lambda m, x: m.func.jvp(lambda a: (a.exp(), a.detach()), (x,), (m.ones_like(x),)),
    "dict_out": lambda m, x: m.func.jvp(lambda a: {"s": a.sum(), "c": a.cos()}, (x,), (m.ones_like(x),)),
    "has_aux": lambda m, x: m.func.jvp(lambda a: (a.tanh() * a, a * 3), (x,), (m.ones_like(x),), has_aux=True),
    "nested": lambda m, x: m.func.jvp(lambda a: m.func.jvp(m.sin, (a,), (m.ones_like(a),))[0] * 2,
                                      (x,), (m.ones_like(x),)),
    "detached_in": lambda m, x: m.func.jvp(lambda a: a.sin() * a, (x.detach(),), (m.ones_like(x),)),
}


@pytest.mark.parametrize("case", sorted(_JVP_CASES))
@given(st.lists(st.floats(-2, 2), min_size=1, max_size=4))
@settings(max_examples=8, deadline=None)
def test_func_jvp_primal_out_is_alias(case, vals):
    """torch.func.jvp's primal outputs that stay in the caller's graph hang from AliasBackward0 (the dual's
    primal), over the function's own node; the gradient through them is unchanged."""
    def run(m):
        x = m.tensor(vals, dtype=m.float64, requires_grad=True)
        res = _JVP_CASES[case](m, x)
        outs = [t for t in _flat_tensors(res[0])]
        names = [(t.grad_fn.name() if t.grad_fn is not None else None,
                  # (the node under it, but not for the identity: there it is how the input was tracked)
                  [type(n).__name__ for n, _ in t.grad_fn.next_functions][:1]
                  if t.grad_fn is not None and case != "identity" else [])
                 for t in outs]
        grads = [m.autograd.grad(t.sum(), x, retain_graph=True)[0] if t.requires_grad else None for t in outs]
        return names, [t.detach() for t in outs], grads, [t.detach() for t in _flat_tensors(res[1])]
    (n_t, o_t, g_t, t_t), (n_g, o_g, g_g, t_g) = run(torch), run(glasstorch)
    assert n_g == n_t
    for a, b in zip(o_t + t_t, o_g + t_g):
        assert_same_array(a, b, rtol=1e-12, atol=1e-12)
    for a, b in zip(g_t, g_g):
        assert (a is None) == (b is None)
        if a is not None:
            assert_same_array(a, b, rtol=1e-12, atol=1e-12)


def _flat_tensors(x):
    if isinstance(x, dict):
        return [t for k in sorted(x) for t in _flat_tensors(x[k])]
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in _flat_tensors(v)]
    return [x]


_DEVICE_CALLS = {
    "zeros": lambda m: m.zeros(2),
    "tensor": lambda m: m.tensor([1.0]),
    "arange": lambda m: m.arange(3),
    "randn": lambda m: m.randn(2),
    "empty": lambda m: m.empty(2, 3),
    "full": lambda m: m.full((2,), 1.5),
    "eye": lambda m: m.eye(2),
    "linspace": lambda m: m.linspace(0, 1, 3),
    "explicit_cpu": lambda m: m.ones(2, device="cpu"),
    "explicit_none": lambda m: m.ones(2, device=None),
    "zeros_like_cpu": lambda m: m.zeros_like(m.ones(2, device="cpu")),
    "op_on_cpu": lambda m: m.ones(2, device="cpu") + 1,
    "Linear": lambda m: m.nn.Linear(2, 3).weight,
    "Linear_cpu": lambda m: m.nn.Linear(2, 3, device="cpu").weight,
    "Conv1d_cpu": lambda m: m.nn.Conv1d(2, 3, 1, device=m.device("cpu")).weight,
    "BatchNorm1d": lambda m: m.nn.BatchNorm1d(3).running_mean,
    "ReLU": lambda m: m.nn.ReLU()(m.ones(2, device="cpu")),
    "randperm": lambda m: m.randperm(4),
    "randint_cpu": lambda m: m.randint(5, (3,), device="cpu"),
    "normal": lambda m: m.normal(0.0, 1.0, (3,)),
    "from_numpy": lambda m: m.from_numpy(np.arange(3.0)),
}


@pytest.mark.parametrize("how", ["context", "context_index", "set_default"])
@pytest.mark.parametrize("call", sorted(_DEVICE_CALLS))
def test_cuda_default_device_on_cpu_build(how, call):
    """``with torch.device('cuda'):`` and ``set_default_device('cuda')`` are accepted on a CPU build; a factory
    (or a layer's parameters) that would allocate on that default raises torch's AssertionError, one given
    ``device='cpu'`` (and ops on CPU tensors) work.  Shown by recipes/changing_default_device.py."""
    def run(m):
        m.manual_seed(0)
        if how == "set_default":
            m.set_default_device("cuda")
            try:
                return _DEVICE_CALLS[call](m)
            finally:
                m.set_default_device(None)
        with m.device("cuda" if how == "context" else "cuda:1"):
            return _DEVICE_CALLS[call](m)
    same_outcome(run)


@pytest.mark.parametrize("dev", ["cuda", "cuda:0", "meta", "cpu", None])
def test_get_default_device_after_set(dev):
    def run(m):
        m.set_default_device(dev)
        try:
            return repr(m.get_default_device())
        finally:
            m.set_default_device(None)
    outs = {}
    for m in MODS:
        try:
            outs[m] = run(m)
        except Exception as e:      # noqa: BLE001 - torch's error is the expectation
            outs[m] = f"{type(e).__name__}: {e}"
    assert outs[glasstorch] == outs[torch]


@pytest.mark.parametrize("inside", ["meta", "cuda"])
def test_layer_explicit_device_beats_default(inside):
    def run(m):
        with m.device(inside):
            lin = m.nn.Linear(2, 2, device="cpu")
        return repr(lin.weight.device), repr(lin.bias.device), lin.weight.is_meta
    assert run(glasstorch) == run(torch)


def test_layer_explicit_cuda_device_raises():
    same_error(lambda m: m.nn.Linear(2, 2, device="cuda"))

