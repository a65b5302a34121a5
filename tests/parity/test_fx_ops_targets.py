"""torch.fx graphs whose nodes call ``torch.ops`` operators, and the examples of pytorch/examples' fx
folder that use them, against torch.

Fixed in glasstorch:
- ``torch.fx.replace_pattern`` was not importable from ``torch.fx`` (only from ``subgraph_rewriter``).
- A node whose target is ``torch.ops.aten.add.Tensor`` / ``torch.ops.aten.relu`` is named
  ``add_tensor`` / ``relu`` and written ``torch.ops.aten.add.Tensor(x, x)`` in the generated code
  (glasstorch crashed naming it, and its code called a made-up global).
- ``torch.ops.profiler._record_function_enter`` / ``_enter_new`` / ``_exit`` exist (FX tracers
  emit them to keep ``record_function`` ranges in traced code), and an operator called on fx
  Proxies is recorded as a node.
"""
import glasstorch
import torch

from ._helpers import same_error


def _graph(m):
    g = m.fx.Graph()
    x = g.placeholder("x")
    a = g.call_function(m.ops.aten.add.Tensor, (x, x))
    b = g.call_function(m.ops.aten.relu, (a,))
    h = g.call_function(m.ops.profiler._record_function_enter, ("foo",))
    g.call_function(m.ops.profiler._record_function_exit, (h,))
    g.output(b)
    return g


def test_ops_targets_print_and_run():
    out = {}
    for m in (torch, glasstorch):
        g = _graph(m)
        gm = m.fx.GraphModule(m.nn.Module(), g)
        out[m] = (str(g), g.python_code("self").src, gm(m.tensor([-1.0, 2.0])).tolist(),
                  m.ops.aten.add.Tensor.__name__, m.ops.aten.add.__name__, m.ops.aten.add.__module__)
    assert out[glasstorch] == out[torch]


class _Foo:
    @staticmethod
    def make(m):
        class Foo(m.nn.Module):
            def forward(self, x):
                with m.profiler.record_function("foo"):
                    return m.relu(x)
        return Foo()


def _profiler_tracer(m):
    """pytorch/examples fx/profiling_tracer.py's tracer: record_function ranges become graph nodes."""
    class ProfilerTracer(m.fx.Tracer):
        def trace(self, root, concrete_args=None):
            rf = m.autograd.profiler.record_function
            orig_enter, orig_exit = rf.__enter__, rf.__exit__
            tracer = self

            def fake_enter(_self):
                proxy = tracer.create_proxy("call_function", m.ops.profiler._record_function_enter, (_self.name,), {})
                _self._fx_profiler_ctx = proxy
                return proxy

            def fake_exit(_self, *exc):
                m.ops.profiler._record_function_exit(_self._fx_profiler_ctx)
                _self._fx_profiler_ctx = None
            rf.__enter__, rf.__exit__ = fake_enter, fake_exit
            try:
                return super().trace(root, concrete_args)
            finally:
                rf.__enter__, rf.__exit__ = orig_enter, orig_exit
    return ProfilerTracer()


def test_profiling_tracer_example():
    out = {}
    for m in (torch, glasstorch):
        pt = _profiler_tracer(m)
        graph = pt.trace(_Foo.make(m))
        gm = m.fx.GraphModule(pt.root, graph)
        x = m.tensor([[-1.0, 3.0]])
        with m.autograd.profiler.profile() as prof:
            y = gm(x)
        names = [e.name for e in prof.function_events]
        out[m] = (gm.code, str(graph), y.tolist(), "foo" in names)
    assert out[glasstorch] == out[torch]
    assert out[torch][3]


def test_record_function_ops_direct():
    for m in (torch, glasstorch):
        with m.autograd.profiler.profile() as prof:
            h = m.ops.profiler._record_function_enter_new("outer")
            m.ones(2).sum()
            m.ops.profiler._record_function_exit._RecordFunction(h)
        assert "outer" in [e.name for e in prof.function_events]
        assert str(h) == "ScriptObject <__torch__.torch.classes.profiler._RecordFunction>"
        assert repr(h).startswith("<torch.ScriptObject object at 0x")
    same_error(lambda m: m.ops.profiler._record_function_exit(3))


def test_replace_pattern_from_fx():
    def run(m):
        class M(m.nn.Module):
            def forward(self, x, w1, w2):
                m1 = m.cat([m.neg(w1), w2]).sum()
                m2 = m.cat([m.neg(w1), w2]).sum()
                return x + m.max(m1) + m.max(m2)
        traced = m.fx.symbolic_trace(M())
        matches = m.fx.replace_pattern(traced, lambda a1, a2: m.cat([m.neg(a1), a2]).sum(),
                                       lambda w1, w2: m.stack([w1, w2]))
        args = (m.ones(2), m.tensor([1.0, 2.0]), m.tensor([3.0, 4.0]))
        return traced.code, str(traced.graph), len(matches), traced(*args).tolist()
    assert run(glasstorch) == run(torch)
