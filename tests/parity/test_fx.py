"""torch.fx on glasstorch (glasstorch/fx/): symbolic tracing, the generated code, graph printing, and
the errors of common mistakes.  Each test runs the same tracing code with torch and with glasstorch and
compares the text torch prints (``gm.code``, ``str(graph)``, ``print(gm)``, node descriptions), the traced
module's results and gradients.  Graph editing and running: test_fx_passes.py.

Not compared: ``str(node.target)`` for a torch function (torch's are C builtins, ``<built-in method
relu ...>``, glasstorch's Python functions), so print_tabular is compared on graphs whose targets are
operators, methods and modules."""
import math
import operator

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import glasstorch

from ._fx_models import _LeafNothing, _big, _both, _convnet, _fn, _nodes, _same, _x
from ._helpers import MODS, assert_same_array, same_error, same_on_both


# ---- tracing: the code, the graph, the module ------------------------------------------------------
def test_module_trace_prints_what_torch_prints():
    gms = _both(lambda t: t.fx.symbolic_trace(_big(t)))
    assert gms[torch].code == gms[glasstorch].code
    assert str(gms[torch].graph) == str(gms[glasstorch].graph)
    assert str(gms[torch]) == str(gms[glasstorch])
    assert _nodes(gms[torch]) == _nodes(gms[glasstorch])
    assert type(gms[torch]).__name__ == type(gms[glasstorch]).__name__
    outs = {m: gms[m](_x(m, 3, 4)) for m in MODS}
    assert_same_array(outs[torch][0], outs[glasstorch][0], rtol=1e-6, atol=1e-6)
    assert_same_array(outs[torch][1][1]["k"], outs[glasstorch][1][1]["k"], rtol=1e-6, atol=1e-6)


def test_function_trace_prints_what_torch_prints():
    gms = _both(lambda t: t.fx.symbolic_trace(_fn(t)))
    for attr in ("code",):
        assert getattr(gms[torch], attr) == getattr(gms[glasstorch], attr)
    assert str(gms[torch]) == str(gms[glasstorch])
    assert str(gms[torch].graph) == str(gms[glasstorch].graph)
    assert _nodes(gms[torch]) == _nodes(gms[glasstorch])
    outs = {m: gms[m](_x(m, 4, 2), _x(m, 4, 2, seed=2)) for m in MODS}
    for a, b in zip(outs[torch], outs[glasstorch]):
        assert_same_array(a, b, rtol=1e-5, atol=1e-6)


def test_node_targets_are_the_torch_functions():
    def targets(t):
        gm = t.fx.symbolic_trace(_convnet(t))
        tracer_gm = t.fx.GraphModule(gm, _LeafNothing[t]().trace(_convnet(t)))
        fn_gm = t.fx.symbolic_trace(_fn(t))
        # (not F.conv2d: in torch it is torch.conv2d, in glasstorch a function of its own; the node holds
        # torch.conv2d, the name the code prints)
        checks = (t.relu, t.nn.functional.relu, t.conv2d, t.nn.functional.linear,
                  t.sin, t.einsum, t.linalg.norm, t.nn.functional.softmax, operator.add, operator.getitem, getattr)
        return [(n.name, [n.target == c for c in checks]) for g in (gm, tracer_gm, fn_gm) for n in g.graph.nodes]
    _same(targets)


def test_custom_tracer_is_leaf_module():
    def run(t):
        g = _LeafNothing[t]().trace(_convnet(t))
        gm = t.fx.GraphModule(_convnet(t), g, "Traced")
        return str(g), gm.code, str(gm), _nodes(g)
    _same(run)


def test_traced_module_results_and_gradients():
    def run(t, x):
        return t.fx.symbolic_trace(_convnet(t, eval_mode=False))(x)
    same_on_both(run, [np.random.default_rng(3).standard_normal((2, 1, 4, 4)).astype(np.float32)],
                 rtol=1e-5, atol=1e-6)


@given(st.integers(1, 4), st.integers(1, 5))
def test_traced_function_matches_eager(rows, cols):
    def run(t, x, y):
        def f(a, b):
            return (a * b).tanh().sum(dim=0) + a.mean() - t.sigmoid(b).pow(2)[0]
        return t.fx.symbolic_trace(f)(x, y)
    rng = np.random.default_rng(rows * 10 + cols)
    same_on_both(run, [rng.standard_normal((rows, cols)), rng.standard_normal((rows, cols))],
                 rtol=1e-12, atol=1e-12)


def my_leaf(x, y):
    return x * y + len(x.shape)


torch.fx.wrap("my_leaf")
glasstorch.fx.wrap("my_leaf")


def test_wrap_and_autowrapped_math():
    def run(t):
        def f(x):
            return my_leaf(x, 2.0) + math.sqrt(4) * x.relu()
        gm = t.fx.symbolic_trace(f)
        return gm.code, str(gm.graph), repr(gm(t.tensor([1.0, -2.0])))
    out = _same(run)
    assert "my_leaf" in out[torch][0]


# ---- mistakes ---------------------------------------------------------------------------------------
def test_data_dependent_control_flow_is_a_trace_error():
    def f(x):
        if x.sum() > 0:
            return x
        return -x
    same_error(lambda t: t.fx.symbolic_trace(f))

    def run(t):
        try:
            t.fx.symbolic_trace(f)
        except t.fx.proxy.TraceError as e:
            return type(e).__mro__[1].__name__, str(e)
    assert _same(run)[torch][1] == "symbolically traced variables cannot be used as inputs to control flow"


def test_len_and_iteration_of_a_proxy():
    same_error(lambda t: t.fx.symbolic_trace(lambda x: len(x)))

    def loop(x):
        for row in x:
            pass
        return x
    same_error(lambda t: t.fx.symbolic_trace(loop))

    def unpack(x):
        a, b = x
        return a + b
    _same(lambda t: t.fx.symbolic_trace(unpack).code)


def test_erase_node_with_users_and_lint_errors():
    def erase(t):
        gm = t.fx.symbolic_trace(lambda x: x.relu() + 1)
        gm.graph.erase_node(next(n for n in gm.graph.nodes if n.name == "relu"))
    same_error(erase)

    def out_of_order(t):
        g = t.fx.Graph()
        x = g.placeholder("x")
        a = g.call_function(operator.add, (x, 1))
        with g.inserting_before(a):
            g.call_function(operator.mul, (a, 2))
        g.lint()
    same_error(out_of_order)

    def missing_target(t):
        g = t.fx.Graph()
        g.output(g.get_attr("nowhere"))
        t.fx.GraphModule({}, g)
    same_error(missing_target)

    def bad_call_function(t):
        t.fx.Graph().call_function("relu")
    same_error(bad_call_function)


def test_interpreter_error_names_the_node():
    def run(t):
        gm = t.fx.symbolic_trace(lambda x: x.view(7))
        t.fx.Interpreter(gm).run(t.ones(2, 3))
    try:
        run(torch)
    except RuntimeError as e:
        want = str(e).split("\n\n", 1)[1]
    with pytest.raises(RuntimeError) as got:
        run(glasstorch)
    assert str(got.value).split("\n\n", 1)[1] == want


# ---- specialising inputs, *args / **kwargs, print_readable ------------------------------------------
def test_concrete_args_specialise_and_check():
    def run(t):
        def f(x, flag, y=None, n=2):
            out = x * n if flag else -x
            return out if y is None else out + y
        gm = t.fx.symbolic_trace(f, concrete_args={"flag": True, "y": None})
        gm2 = t.fx.symbolic_trace(lambda x, n: x * n, concrete_args=(t.fx.PH, 3))
        res = [gm.code, str(gm.graph), gm2.code, str(gm2.graph), repr(gm(t.tensor([1.0, 2.0]), True))]
        for bad in ((t.tensor([1.0]), False), (t.tensor([1.0]), True, t.ones(1))):
            try:
                gm(*bad)
            except AssertionError as e:
                res.append(str(e))
        return res
    _same(run)


def test_varargs_and_kwargs_placeholders():
    def run(t):
        def f(x, *args, **kwargs):
            return x + args[0] * kwargs["k"]
        gm = t.fx.symbolic_trace(f)
        return gm.code, str(gm.graph), repr(gm(t.ones(2), t.full((2,), 3.0), k=2.0))
    _same(run)


def test_tracing_leaves_the_library_as_it_found_it():
    from glasstorch import _torch_function
    call, getattr_ = glasstorch.nn.Module.__call__, glasstorch.nn.Module.__getattr__
    glasstorch.fx.symbolic_trace(_big(glasstorch))
    with pytest.raises(glasstorch.fx.proxy.TraceError):
        glasstorch.fx.symbolic_trace(lambda x: x if x.sum() > 0 else -x)
    glasstorch.fx.Transformer(glasstorch.fx.symbolic_trace(_convnet(glasstorch))).transform()
    assert not _torch_function.STATE.active
    assert glasstorch.nn.Module.__call__ is call and glasstorch.nn.Module.__getattr__ is getattr_
    assert glasstorch.relu is getattr(glasstorch.relu, "_tf_original", glasstorch.relu)


def test_tracing_while_torch_function_checks_are_on():
    """A program that defined a Tensor subclass has glasstorch's checks on for good: tracing still
    records the functions under torch's names, and node.target still is torch.relu."""
    def run(t):
        class Logged(t.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return super().__torch_function__(func, types, args, kwargs or {})
        gm = t.fx.symbolic_trace(_convnet(t))
        targets = [(n.name, n.target == t.relu, n.target == t.nn.functional.relu) for n in gm.graph.nodes]
        return gm.code, targets, repr(gm(_x(t, 2, 1, 4, 4)).detach().numpy().round(4)), Logged.__name__
    _same(run)


def test_factories_given_traced_sizes():
    def run(t):
        def f(x):
            n = x.size(0)
            return (t.zeros(x.shape) + t.ones((n, 2)) + t.arange(n) + t.full((n, 1), 3.0)
                    + t.randn(x.shape).mul(0) + t.tensor(1.0))
        gm = t.fx.symbolic_trace(f)
        return gm.code, str(gm.graph), repr(gm(t.ones(2, 2))), repr(t.zeros(2))
    _same(run)


def test_functions_print_under_torch_names():
    """torch.linalg / fft / special functions print as torch's C++ names (torch._C._linalg.linalg_norm),
    nn.functional ones as torch.nn.functional.X, torch._C._nn.X or torch.X, as torch's are bound.
    (Not torch.functional's Python functions, split, norm, unique ...: torch records the keyword defaults
    their own handle_torch_function call passes, glasstorch the call as written.)"""
    def run(t):
        F = t.nn.functional

        def f(x):
            a = t.linalg.vector_norm(x) + t.special.erf(x) + t.fft.fft(x).real + F.threshold(x, 0.1, 0.0)
            b = F.gelu(a) + F.softplus(a) + F.conv1d(a[None, None], t.ones(1, 1, 1)).flatten() + a[:2].sum()
            return F.dropout(b, training=False) + F.layer_norm(b, (b.shape[-1],)) + t.einsum("i,i->", b, b)
        gm = t.fx.symbolic_trace(f)
        return gm.code, str(gm.graph), gm(t.arange(4.0) / 4)
    out = _both(run)
    assert out[torch][:2] == out[glasstorch][:2]
    # float32 fft / erf / gelu / softplus agree to rounding, not bit for bit
    assert_same_array(out[torch][2], out[glasstorch][2], rtol=1e-6, atol=1e-5)
