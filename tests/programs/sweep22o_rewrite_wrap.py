"""torch.fx pattern rewriting and tracing control, following the FX docs: replace_pattern from
torch.fx.subgraph_rewriter (a pattern/replacement pair of plain functions, the returned Match
objects), torch.fx.wrap for a leaf function that branches on its input, a custom Tracer whose
is_leaf_module keeps a user Block opaque (and one that traces through nn.Sequential leaves), and
graph surgery results compared with the eager module."""
import torch
import torch.fx
import torch.nn as nn
from torch.fx import subgraph_rewriter, symbolic_trace

torch.manual_seed(2)


def clamp_if_large(x, limit: float):
    # data-dependent control flow: untraceable, so it is wrapped as a leaf
    if x.abs().max() > limit:
        return x.clamp(-limit, limit)
    return x


torch.fx.wrap("clamp_if_large")


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.lin = nn.Linear(d, d)

    def forward(self, x):
        return torch.relu(self.lin(x)) + x


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block(4)
        self.head = nn.Sequential(nn.Linear(4, 3), nn.ReLU())

    def forward(self, x, w1, w2):
        val1 = torch.neg(w1)
        m1 = torch.cat([val1, w2]).sum()
        val2 = torch.neg(w1)
        m2 = torch.cat([val2, w2]).sum()
        y = self.block(x + m1 + m2)
        y = clamp_if_large(y, 2.0)
        return self.head(y)


def pattern(w1, w2):
    return torch.cat([w1, w2]).sum()


def replacement(w1, w2):
    return torch.stack([w1, w2])


m = M()
x, w1, w2 = torch.randn(2, 4), torch.randn(3), torch.randn(3)
traced = symbolic_trace(m)
print(traced.code)
eager = m(x, w1, w2)
print(torch.equal(traced(x, w1, w2), eager))

matches = subgraph_rewriter.replace_pattern(traced, pattern, replacement)
print(len(matches), type(matches).__name__, type(matches[0]).__name__)
for mt in matches:
    print(mt.anchor.name, sorted(k.name for k in mt.nodes_map), [n.name for n in mt.replacements] if hasattr(mt, "replacements") else None)
print(traced.code)


def pattern2(x):
    return torch.neg(x)


def replacement2(x):
    return x * -1.0


matches2 = subgraph_rewriter.replace_pattern(traced, pattern2, replacement2)
print(len(matches2))
print(traced.code)


class LeafBlockTracer(torch.fx.Tracer):
    def is_leaf_module(self, m, module_qualified_name):
        return isinstance(m, Block) or super().is_leaf_module(m, module_qualified_name)


class DeepTracer(torch.fx.Tracer):
    def is_leaf_module(self, m, module_qualified_name):
        return False


for tracer_cls in (torch.fx.Tracer, LeafBlockTracer, DeepTracer):
    tracer = tracer_cls()
    graph = tracer.trace(m)
    gm = torch.fx.GraphModule(tracer.root, graph, tracer_cls.__name__ + "Module")
    print(tracer_cls.__name__, type(gm).__name__)
    print([(n.op, n.target if isinstance(n.target, str) else n.target.__name__) for n in graph.nodes])
    print(torch.equal(gm(x, w1, w2), eager))


# a wrapped function on a free function, traced as a call_function node
def f(a, b):
    return clamp_if_large(a * 10, 3.0) + b.dim()


gf = symbolic_trace(f)
print(gf.code)
print(gf(torch.tensor([0.1, 0.5, -0.9]), torch.zeros(2, 2)))
print([n.target.__name__ for n in gf.graph.nodes if n.op == "call_function"])

# rewriting a pattern that appears zero times
print(len(subgraph_rewriter.replace_pattern(gf, pattern, replacement)))
