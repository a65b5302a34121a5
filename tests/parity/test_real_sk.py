"""Parity pins from running real scientific libraries (e3nn 0.6.0 with its own test suite, torchsde 0.2.6
with its demo notebook and tests) unchanged on glasstorch.

Fixed in glasstorch:
- ``torch.functional`` (the module holding ``einsum``, ``meshgrid``, ``stft`` ...) is reachable as an
  attribute of ``torch`` without importing it first (opt_einsum_fx, imported by e3nn, reads
  ``torch.functional.einsum`` at import) (__init__.py);
- ``torch._assert``, the fx-traceable assert: ``AssertionError(message)`` when the condition is false,
  handed to ``__torch_function__`` first, so ``symbolic_trace`` records it as ``torch._assert(eq, 'msg')``
  (e3nn's TensorProduct and Linear forwards, traced by its codegen) (_api_sk.py);
- a scripted module's own ``assert`` / ``raise`` / ``torch._assert`` failing raises ``torch.jit.Error``
  with the TorchScript traceback as its message, and an op failing inside it raises RuntimeError with
  that traceback before the op's message (e3nn's ``assert_auto_jitable`` feeds scripted modules
  wrong shapes and expects ``(RuntimeError, torch.jit.Error)``) (jit/_script_errors.py, jit/_script.py);
- ``torch.fx.GraphModule`` pickles as torch's does (state without the graph plus the generated source;
  unpickling re-traces it) instead of failing on its per-instance class (e3nn's CodeGenMixin pickles
  its fx modules: ``copy.deepcopy`` / ``pickle`` of ``o3.Linear``, ``nn.Extract``) (fx/graph_module.py,
  fx/_graph_module_pickle.py);
- re-tracing a GraphModule's generated code (``symbolic_trace(gm)``, unpickling) records its torch
  functions instead of running them on Proxies: generated code's ``torch.relu`` is the
  ``__torch_function__``-checking function while the checks are on (fx/_names.py).

- ``torch.einsum`` hands ``__torch_function__`` torch's ``(equation, *operands)``: the list form
  (``einsum(eq, [a, b])``, what opt_einsum's torch backend calls) unpacked and the sublist form turned
  into an equation before the check, so fx records ``einsum(eq, a, b)`` (opt_einsum_fx's shape
  propagation in e3nn's TensorProduct codegen read a tuple as an operand) (ops/einsum.py,
  _torch_function.py).

PYTEST_DONT_REWRITE: the scripted modules' own ``assert`` statements must keep Python's message.
"""
import copy
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_on_both, same_outcome

MODS = (torch, glasstorch)


# ---- torch.functional --------------------------------------------------------------------------------
def test_functional_module_is_an_attribute():
    for m in MODS:
        assert m.functional.einsum is m.einsum
        assert m.functional.meshgrid is m.meshgrid
    assert sorted(glasstorch.functional.__all__) == sorted(torch.functional.__all__)


def test_functional_einsum_values():
    same_on_both(lambda m, a, b: m.functional.einsum("ij,jk->ik", a, b),
                 [np.arange(6.0).reshape(2, 3), np.linspace(-1, 1, 12).reshape(3, 4)])


# ---- torch._assert -------------------------------------------------------------------------------------
@pytest.mark.parametrize("cond", [True, 1, "s", False, 0, None, "", [1, 0]])
def test_assert_python_conditions(cond):
    same_outcome(lambda m: m._assert(cond, "failed here") is None)


@pytest.mark.parametrize("vals", [[True], [False], [1.0], [0.0], [True, False], []])
def test_assert_tensor_conditions(vals):
    same_outcome(lambda m: m._assert(m.tensor(vals).reshape(-1)[:1].squeeze() if vals else m.tensor(vals),
                                     "tensor failed") is None)


def test_assert_message_kept_verbatim():
    same_error(lambda m: m._assert(False, ("a", 1)))
    same_error(lambda m: m._assert(m.tensor([True, True]), "ambiguous"))


def _shape_checked(m):
    class ShapeChecked(m.nn.Module):
        def forward(self, x):
            m._assert(x.shape[-1] == 3, "invalid input shape")
            return x * 2
    return ShapeChecked()


def test_assert_symbolic_trace_records_it():
    codes = {m: m.fx.symbolic_trace(_shape_checked(m)).code for m in MODS}
    assert codes[torch] == codes[glasstorch]
    assert "torch._assert(eq, 'invalid input shape')" in codes[glasstorch]
    same_error(lambda m: m.fx.symbolic_trace(_shape_checked(m))(m.ones(2, 4)))
    same_on_both(lambda m, x: m.fx.symbolic_trace(_shape_checked(m))(x), [np.ones((2, 3))])


# ---- TorchScript interpreter errors ------------------------------------------------------------------------
def _scripted(m, kind):
    class Asserting(m.nn.Module):
        def forward(self, x):
            assert x.shape[-1] == 3, "plain assert"
            if x.shape[0] == 7:
                raise ValueError("seven " + str(x.shape[0]))
            return x * 2

    class OpFailing(m.nn.Module):
        def forward(self, x):
            y = x.view(7, -1)
            return y @ y

    class Outer(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = _shape_checked(m)

        def forward(self, x):
            return self.inner(x) + 1
    mod = {"assert": Asserting, "op": OpFailing, "nested": Outer}[kind]()
    return mod if kind == "nested" else m.jit.script(mod)


def _jit_error(fn):
    """``fn(m)`` raises on both: the same type name and message (file paths included)."""
    out = {}
    for m in MODS:
        with pytest.raises(Exception) as info:
            fn(m)
        out[m] = (type(info.value).__module__.replace("glasstorch", "torch"), type(info.value).__qualname__,
                  str(info.value))
        if out[m][1] == "Error":
            assert isinstance(info.value, m.jit.Error) and not isinstance(info.value, RuntimeError)
    assert out[torch] == out[glasstorch]
    return out[glasstorch]


@given(rows=st.integers(1, 8), cols=st.integers(1, 5))
@settings(max_examples=20, deadline=None)
def test_scripted_assert_and_raise(rows, cols):
    x = np.ones((rows, cols))
    ok = cols == 3 and rows != 7
    if ok:
        same_on_both(lambda m, t: _scripted(m, "assert")(t), [x], grad=False)
    else:
        kind, _, msg = _jit_error(lambda m: _scripted(m, "assert")(m.tensor(x)))
        assert kind == "torch.jit" and msg.startswith("The following operation failed in the TorchScript")


def test_scripted_torch_assert_nested_module():
    _, name, msg = _jit_error(lambda m: m.jit.script(_scripted(m, "nested"))(m.ones(2, 5)))
    assert name == "Error" and msg.endswith("RuntimeError: AssertionError: invalid input shape\n")


@pytest.mark.parametrize("shape", [(3,), (2, 3), (14,)])
def test_scripted_op_error_is_runtime_error(shape):
    if shape == (14,):
        with pytest.raises(RuntimeError):
            torch.ones(2, 7) @ torch.ones(2, 7)
    _, name, _ = _jit_error(lambda m: _scripted(m, "op")(m.ones(*shape)))
    assert name == "RuntimeError"


def test_eager_module_errors_unchanged():
    same_error(lambda m: _shape_checked(m)(m.ones(2, 4)))
    same_error(lambda m: m.ones(3).view(7, -1))


# ---- GraphModule pickling and re-tracing --------------------------------------------------------------------
def _traced(m):
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = m.nn.Linear(3, 2)
            self.register_buffer("b", m.arange(2.0))

        def forward(self, x):
            h = m.nn.functional.linear(x, self.lin.weight) + m.einsum("ij,ij->i", x, x)[:, None]
            return m.relu(self.lin(x)) + self.b * x.sum(-1, keepdim=True) + h
    m.manual_seed(0)
    return m.fx.symbolic_trace(Net())


def test_graph_module_pickle_round_trip():
    def fn(m, x):
        gm2 = pickle.loads(pickle.dumps(_traced(m)))
        assert type(gm2).__name__ == "GraphModule" and isinstance(gm2, m.fx.GraphModule)
        return gm2(x)
    same_on_both(fn, [np.linspace(-2, 2, 12, dtype=np.float32).reshape(4, 3)], rtol=1e-6, atol=1e-6)
    codes = {m: pickle.loads(pickle.dumps(_traced(m))).code for m in MODS}
    assert codes[torch] == codes[glasstorch]
    ops = {m: [(n.op, str(n.target)) for n in pickle.loads(pickle.dumps(_traced(m))).graph.nodes] for m in MODS}
    assert [o for o, _ in ops[torch]] == [o for o, _ in ops[glasstorch]]


def test_graph_module_retrace_and_deepcopy():
    codes = {m: m.fx.symbolic_trace(_traced(m)).code for m in MODS}
    assert codes[torch] == codes[glasstorch]
    same_on_both(lambda m, x: m.fx.symbolic_trace(_traced(m))(x), [np.ones((2, 3), np.float32)], rtol=1e-6, atol=1e-6)
    same_on_both(lambda m, x: copy.deepcopy(_traced(m))(x), [np.ones((2, 3), np.float32)], rtol=1e-6, atol=1e-6)


def test_graph_module_pickle_keeps_state():
    def fn(m):
        gm = _traced(m)
        gm.lin.weight.data.fill_(0.5)
        gm2 = pickle.loads(pickle.dumps(gm))
        return gm2.lin.weight, gm2.b, m.tensor(gm2.training)
    same_outcome(fn)


# ---- einsum's arguments as __torch_function__ sees them -----------------------------------------------------
def _einsum_recorded(m, call):
    seen = []

    class Logged(m.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if getattr(func, "__name__", "") == "einsum":
                seen.append(tuple(type(a).__name__ if not isinstance(a, (list, tuple)) else
                                  [type(b).__name__ for b in a] for a in args) +
                            tuple(a for a in args if isinstance(a, str)))
            with m._C.DisableTorchFunctionSubclass():
                return func(*args, **(kwargs or {}))
    a = m.arange(6.0).reshape(2, 3).as_subclass(Logged)
    b = m.arange(12.0).reshape(3, 4).as_subclass(Logged)
    out = call(m, a, b)
    return seen, out.as_subclass(m.Tensor)


EINSUM_CALLS = {
    "variadic": lambda m, a, b: m.einsum("ij,jk->ik", a, b),
    "list": lambda m, a, b: m.einsum("ij,jk->ik", [a, b]),
    "tuple": lambda m, a, b: m.einsum("ij,jk->ik", (a, b)),
    "sublist": lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]),
    "sublist_no_out": lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2]),
    "functional_list": lambda m, a, b: m.functional.einsum("ij,jk", [a, b]),
}


@pytest.mark.parametrize("name", sorted(EINSUM_CALLS))
def test_einsum_torch_function_args(name):
    got = {m: _einsum_recorded(m, EINSUM_CALLS[name]) for m in MODS}
    assert got[torch][0] == got[glasstorch][0]
    np.testing.assert_array_equal(got[torch][1].numpy(), got[glasstorch][1].numpy())


def test_einsum_list_form_symbolic_trace():
    def trace(m):
        class Net(m.nn.Module):
            def forward(self, x, y):
                return m.einsum("ij,jk->ik", (x, y)) + m.einsum("ij,jk->ik", [x, y])
        gm = m.fx.symbolic_trace(Net())
        return gm.code, [len(n.args) for n in gm.graph.nodes if n.op == "call_function"][:2]
    assert trace(torch) == trace(glasstorch)


def test_einsum_list_form_errors_unchanged():
    same_error(lambda m: m.einsum("ij,jk->ik", []))
    same_error(lambda m: m.einsum("ij", [m.ones(2, 2), 3]))
