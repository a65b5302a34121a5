"""torch.fx on glasstorch, continued (see test_fx.py): editing graphs (relu -> gelu, the conv-bn fusion
tutorial, dead code, graphs built by hand, node API), running them (Interpreter, Transformer, ShapeProp,
print_tabular, print_readable), on torch and glasstorch alike."""
import contextlib
import copy
import io
import operator

import numpy as np
import torch

import glasstorch

from ._fx_models import _big, _both, _convnet, _fn, _nodes, _same, _x
from ._helpers import MODS, assert_same_array


# ---- editing graphs --------------------------------------------------------------------------------
def test_replace_relu_with_gelu():
    def run(t):
        gm = t.fx.symbolic_trace(_convnet(t))
        for node in gm.graph.nodes:
            if node.op == "call_function" and node.target in (t.relu, t.nn.functional.relu):
                with gm.graph.inserting_after(node):
                    new = gm.graph.call_function(t.nn.functional.gelu, node.args, {"approximate": "tanh"})
                    node.replace_all_uses_with(new)
                gm.graph.erase_node(node)
        gm.graph.lint()
        gm.recompile()
        return gm.code, str(gm.graph), _nodes(gm), repr(gm(_x(t, 2, 1, 4, 4)).detach().numpy().round(4))
    _same(run)


def _fuse_conv_bn(t, model):
    """The "fuse conv and batch norm with FX" tutorial."""
    model = copy.deepcopy(model)
    fx_model = t.fx.symbolic_trace(model)
    modules = dict(fx_model.named_modules())
    for node in fx_model.graph.nodes:
        if node.op != "call_module":
            continue
        if type(modules[node.target]) is t.nn.BatchNorm2d and type(modules[node.args[0].target]) is t.nn.Conv2d:
            if len(node.args[0].users) > 1:
                continue
            conv, bn = modules[node.args[0].target], modules[node.target]
            fused = copy.deepcopy(conv)
            w, b = fused.weight, fused.bias
            if b is None:
                b = t.zeros_like(bn.running_mean)
            scale = t.rsqrt(bn.running_var + bn.eps)
            fused.weight = t.nn.Parameter(w * (bn.weight * scale).reshape([-1] + [1] * (len(w.shape) - 1)))
            fused.bias = t.nn.Parameter((b - bn.running_mean) * scale * bn.weight + bn.bias)
            parent, _, name = node.args[0].target.rpartition(".")
            setattr(modules[parent], name, fused)
            node.replace_all_uses_with(node.args[0])
            fx_model.graph.erase_node(node)
    fx_model.graph.lint()
    fx_model.recompile()
    return fx_model


def test_conv_bn_fusion_tutorial():
    fused = _both(lambda t: _fuse_conv_bn(t, _convnet(t)))
    assert fused[torch].code == fused[glasstorch].code
    assert str(fused[torch]) == str(fused[glasstorch])
    assert_same_array(fused[torch].conv.weight, fused[glasstorch].conv.weight, rtol=1e-6, atol=1e-7)
    assert_same_array(fused[torch].conv2.bias, fused[glasstorch].conv2.bias, rtol=1e-6, atol=1e-7)
    outs = {m: (fused[m](_x(m, 2, 1, 4, 4)), _convnet(m)(_x(m, 2, 1, 4, 4))) for m in MODS}
    assert_same_array(outs[torch][0], outs[glasstorch][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs[glasstorch][0].detach().numpy(), outs[glasstorch][1].detach().numpy(),
                               rtol=1e-5, atol=1e-5)


def test_eliminate_dead_code_and_graph_edits():
    def run(t):
        def f(x, y):
            unused = x * 3
            also_unused = unused.sum()
            z = x + y
            return z.relu()
        gm = t.fx.symbolic_trace(f)
        before = gm.code
        changed = gm.graph.eliminate_dead_code()
        again = gm.graph.eliminate_dead_code()
        add = next(n for n in gm.graph.nodes if n.name == "add")
        with gm.graph.inserting_before(add):
            neg = gm.graph.call_function(operator.neg, (add.args[0],))
        add.update_arg(0, neg)
        add.update_kwarg("unused_kw", None) if False else None
        gm.recompile()
        return before, changed, again, gm.code, str(gm.graph), repr(gm(t.tensor([1.0, -2.0]), t.tensor([0.5, 0.5])))
    _same(run)


def test_build_graph_by_hand():
    def run(t):
        g = t.fx.Graph()
        inp = g.placeholder("input")
        k = g.placeholder("k", default_value=2)
        w = g.get_attr("weight")
        mm = g.call_function(t.matmul, (inp, w))
        s = g.call_method("sum", (mm,), {"dim": 0})
        s2 = g.call_function(operator.mul, (s, k))
        sq = g.call_function(t.square, (s2,), name="squared")
        lst = g.call_function(t.stack, ([sq, s],))
        g.output({"out": lst, "pair": (s, 1)})
        gm = t.fx.GraphModule({"weight": t.nn.Parameter(t.eye(2))}, g, "Handmade")
        g.lint()
        return str(g), gm.code, str(gm), _nodes(g), repr(gm(t.tensor([[1.0, 2.0], [3.0, 4.0]]))["out"].tolist())
    _same(run)


def test_node_api():
    def run(t):
        gm = t.fx.symbolic_trace(_fn(t))
        nodes = list(gm.graph.nodes)
        first, last = nodes[0], nodes[-1]
        info = [repr(first), str(first), first.next.name, last.prev.name, len(gm.graph.nodes),
                [n.name for n in reversed(gm.graph.nodes)], first.meta, first.type, last.op]
        sin = next(n for n in nodes if n.name == "sin")
        try:
            sin.args[0].append(1) if isinstance(sin.args[0], list) else list.append(gm.graph.output_node().args, 1)
        except Exception as e:        # noqa: BLE001
            info.append(f"{type(e).__name__}: {e}")
        cos = next(n for n in nodes if n.name == "cos")
        changed = sin.replace_all_uses_with(cos)
        info += [[n.name for n in changed], [n.name for n in cos.users], [n.name for n in sin.users]]
        return info
    _same(run)


def test_deepcopy_and_copy_of_graph_module():
    def run(t):
        gm = t.fx.symbolic_trace(_convnet(t))
        dc = copy.deepcopy(gm)
        return str(dc), dc.code, str(dc.graph), type(dc).__name__, str(copy.copy(gm))
    _same(run)


# ---- running graphs --------------------------------------------------------------------------------
def test_interpreter_with_run_node_override():
    def run(t):
        seen = []

        class Profiler(t.fx.Interpreter):
            def run_node(self, n):
                result = super().run_node(n)
                seen.append((n.format_node(), tuple(getattr(result, "shape", ()))))
                return result
        gm = t.fx.symbolic_trace(_convnet(t))
        out = Profiler(gm).run(_x(t, 2, 1, 4, 4))
        return seen, repr(out.detach().numpy().round(4))
    _same(run)


def test_transformer_swaps_functions_and_methods():
    def run(t):
        class Swap(t.fx.Transformer):
            def call_function(self, target, args, kwargs):
                if target in (t.relu, t.nn.functional.relu):
                    return t.sigmoid(args[0])
                return super().call_function(target, args, kwargs)

            def call_method(self, target, args, kwargs):
                if target == "flatten":
                    return args[0].reshape(args[0].shape[0], -1)
                return super().call_method(target, args, kwargs)
        gm = Swap(t.fx.symbolic_trace(_convnet(t))).transform()
        return gm.code, str(gm), _nodes(gm), repr(gm(_x(t, 2, 1, 4, 4)).detach().numpy().round(4))
    _same(run)


def test_shape_prop():
    def run(t):
        from importlib import import_module
        ShapeProp = import_module(f"{t.__name__}.fx.passes.shape_prop").ShapeProp
        gm = t.fx.symbolic_trace(_big(t))
        ShapeProp(gm).propagate(_x(t, 3, 4))
        return [(n.name, str(n.meta.get("tensor_meta")), n.meta.get("type").__name__) for n in gm.graph.nodes]
    _same(run)


def test_proxy_made_by_hand():
    def run(t):
        g = t.fx.Graph()
        x = t.fx.Proxy(g.placeholder("x"))
        y = t.sigmoid(x) * x.relu() + t.nn.functional.silu(x)
        g.output(y.node)
        gm = t.fx.GraphModule(t.nn.Module(), g)
        return gm.code, repr(y), repr(gm(t.tensor([0.5, -1.0])))
    _same(run)


def test_print_tabular():
    def run(t):
        gm = t.fx.symbolic_trace(lambda x, y: (x + y).relu().sum(dim=0) * 2)
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                gm.graph.print_tabular()
            err = None
        except Exception as e:      # noqa: BLE001 - torch's error (tabulate missing) is the expectation
            err = (type(e).__name__, str(e))
        return buf.getvalue(), err
    _same(run)


def test_print_readable_after_shape_prop():
    def run(t):
        from importlib import import_module
        ShapeProp = import_module(f"{t.__name__}.fx.passes.shape_prop").ShapeProp
        gm = t.fx.symbolic_trace(_convnet(t))
        before = gm.print_readable(print_output=False)
        ShapeProp(gm).propagate(_x(t, 2, 1, 4, 4))
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            after = gm.print_readable()
        return before, after, buf.getvalue()
    _same(run)


def test_decomposition_with_proxies_on_a_new_graph():
    """The "decompose with Proxy and GraphAppendingTracer" example: rules written as torch code run on
    Proxies that append to a new graph."""
    def run(t):
        F = t.nn.functional

        class M(t.nn.Module):
            def forward(self, x):
                return F.relu(x) + t.sigmoid(x).neg() + x.relu()
        rules = {F.relu: lambda x: (x > 0) * x, t.sigmoid: lambda x: 1 / (1 + t.exp(-x))}
        graph = t.fx.Tracer().trace(M())
        new_graph, env = t.fx.Graph(), {}
        tracer = t.fx.proxy.GraphAppendingTracer(new_graph)
        for node in graph.nodes:
            if node.op == "call_function" and node.target in rules:
                proxy_args = t.fx.node.map_arg(node.args, lambda n: t.fx.Proxy(env[n.name], tracer))
                env[node.name] = rules[node.target](*proxy_args).node
            else:
                env[node.name] = new_graph.node_copy(node, lambda n: env[n.name])
        gm = t.fx.GraphModule(M(), new_graph)
        return gm.code, str(new_graph), repr(gm(t.tensor([-1.0, 0.5, 2.0])))
    _same(run)
