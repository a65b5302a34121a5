"""torch.fx basics in the style of the official "torch.fx overview" docs: symbolic_trace of a module
(op, target, args, kwargs, users), swapping torch.add / operator.add for torch.mul and recompiling,
inserting a relu with graph.inserting_after, eliminate_dead_code, and the GraphModule's state_dict
and re-execution compared against the original module."""
import operator

import torch
import torch.fx
import torch.nn as nn

torch.manual_seed(0)


class MyModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.param = nn.Parameter(torch.rand(3, 4))
        self.linear = nn.Linear(4, 5)

    def forward(self, x):
        return self.linear(x + self.param).clamp(min=0.0, max=1.0)


module = MyModule()
symbolic_traced: torch.fx.GraphModule = torch.fx.symbolic_trace(module)
print(type(symbolic_traced).__name__)
print(symbolic_traced.graph)
print(symbolic_traced.code)
print(symbolic_traced)

for node in symbolic_traced.graph.nodes:
    print(f"{node.name:10s} op={node.op:14s} target={node.target!s:20s} args={node.args} kwargs={node.kwargs}")
    print("   users:", [u.name for u in node.users], "inputs:", [n.name for n in node.all_input_nodes])

x = torch.randn(3, 4)
print(torch.equal(module(x), symbolic_traced(x)))


def my_func(x, y):
    z = torch.add(x, y)
    w = z + y
    unused = torch.relu(w) * 3  # noqa: F841  (dead code)
    return torch.add(w, 1.0) - x.sum(dim=-1, keepdim=True)


gm = torch.fx.symbolic_trace(my_func)
print(gm.code)
print(len(list(gm.graph.nodes)))
changed = gm.graph.eliminate_dead_code()
print("dce changed:", changed)
gm.recompile()
print(gm.code)

a, b = torch.randn(2, 3), torch.randn(2, 3)
before = gm(a, b)

# replace every add by a mul
for node in gm.graph.nodes:
    if node.op == "call_function" and node.target in (torch.add, operator.add):
        print("replacing", node.name, node.target.__name__)
        node.target = torch.mul if node.target is torch.add else operator.mul
gm.recompile()
print(gm.code)
after = gm(a, b)
ref = ((a * b) * b) * 1.0 - a.sum(dim=-1, keepdim=True)
print(torch.allclose(after, ref), torch.equal(before, after))

# insert a relu after the first mul
graph = gm.graph
first = next(n for n in graph.nodes if n.target is torch.mul)
with graph.inserting_after(first):
    new_node = graph.call_function(torch.relu, args=(first,))
    first.replace_all_uses_with(new_node)
    new_node.args = (first,)
graph.lint()
gm.recompile()
print(gm.code)
print(gm(a, b).round(decimals=4))
print(graph)

# inserting_before with call_method and kwargs
out_node = graph.output_node() if hasattr(graph, "output_node") else [n for n in graph.nodes if n.op == "output"][0]
ret = out_node.args[0]
with graph.inserting_before(out_node):
    scaled = graph.call_method("mul", args=(ret, 2.0))
    summed = graph.call_function(torch.sum, args=(scaled,), kwargs={"dim": 0})
out_node.args = (summed,)
gm.recompile()
print(gm.code)
print(gm(a, b).round(decimals=4))

sd = symbolic_traced.state_dict()
print(list(sd.keys()))
for k, v in sd.items():
    print(k, tuple(v.shape), f"{v.sum().item():.4f}")
gm2 = torch.fx.GraphModule(module, symbolic_traced.graph, "Renamed")
print(type(gm2).__name__, gm2.__class__.__name__)
print(torch.equal(gm2(x), module(x)))
with torch.no_grad():
    module.linear.weight.mul_(0.5)
print(torch.equal(symbolic_traced(x), module(x)))
print(symbolic_traced.linear is module.linear)
