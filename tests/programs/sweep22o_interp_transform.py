"""torch.fx Interpreter and Transformer patterns from the FX docs: a Transformer that rewrites
torch.sigmoid / F.relu call_function nodes (and call_method 'neg'), a ShapeProp clone built on
Interpreter that records each node's shape/dtype in node.meta, an Interpreter that stores every
intermediate output, a hand-written constant-folding pass over get_attr-only subexpressions, and a
negating Interpreter (run_node override) -- original and transformed modules are compared."""
import operator

import torch
import torch.fx as fx
import torch.nn as nn
import torch.nn.functional as F
from torch.fx import Interpreter, Transformer

torch.manual_seed(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.fc2 = nn.Linear(8, 4)
        # frozen Parameters are traced as get_attr nodes (plain buffers would be baked in as constants)
        self.scale = nn.Parameter(torch.tensor([1.0, 2.0, 3.0, 4.0]), requires_grad=False)
        self.shift = nn.Parameter(torch.tensor([0.5, -0.5, 0.25, -0.25]), requires_grad=False)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        h = torch.sigmoid(h) * 2.0
        h = self.fc2(h).neg()
        folded = self.scale * 2 + self.shift  # only depends on buffers -> foldable
        return torch.tanh(h) * folded


class ReluToGelu(Transformer):
    def call_function(self, target, args, kwargs):
        if target is F.relu:
            return super().call_function(F.gelu, args, {})
        if target is torch.sigmoid:
            return super().call_function(torch.tanh, args, kwargs)
        return super().call_function(target, args, kwargs)

    def call_method(self, target, args, kwargs):
        if target == "neg":
            return super().call_function(operator.mul, (args[0], -0.5), {})
        return super().call_method(target, args, kwargs)


class ShapeRecorder(Interpreter):
    def run_node(self, n):
        result = super().run_node(n)
        if isinstance(result, torch.Tensor):
            n.meta["shape"] = tuple(result.shape)
            n.meta["dtype"] = result.dtype
        return result


class RecordAll(Interpreter):
    def __init__(self, gm):
        super().__init__(gm)
        self.outputs = {}

    def run_node(self, n):
        out = super().run_node(n)
        self.outputs[n.name] = out
        return out


class NegSigmoid(Interpreter):
    def call_function(self, target, args, kwargs):
        if target is torch.sigmoid:
            return torch.neg(torch.sigmoid(*args, **kwargs))
        return super().call_function(target, args, kwargs)


def constant_fold(gm: fx.GraphModule):
    """Evaluate nodes whose inputs are all get_attr / constants and store the result as a buffer."""
    env = {}
    foldable = set()
    for node in gm.graph.nodes:
        if node.op == "get_attr":
            foldable.add(node)
        elif node.op == "call_function" and node.all_input_nodes and all(a in foldable for a in node.all_input_nodes):
            foldable.add(node)
    count = 0
    for node in list(gm.graph.nodes):
        if node in foldable and node.op == "call_function" and any(u not in foldable for u in node.users):
            interp = Interpreter(gm)
            for n in gm.graph.nodes:
                if n in foldable:
                    env[n] = interp.run_node(n) if n.op != "get_attr" else interp.fetch_attr(n.target)
                    interp.env[n] = env[n]
            name = f"_folded_{count}"
            gm.register_buffer(name, env[node])
            with gm.graph.inserting_before(node):
                new = gm.graph.get_attr(name)
            node.replace_all_uses_with(new)
            count += 1
    gm.graph.eliminate_dead_code()
    gm.recompile()
    return count


net = Net()
x = torch.randn(5, 6)
gm = fx.symbolic_trace(net)
print(gm.code)

new_gm = ReluToGelu(gm).transform()
print(new_gm.code)
print(type(new_gm).__name__)
ref = torch.tanh(net.fc2(torch.tanh(F.gelu(net.fc1(x))) * 2.0) * -0.5) * (net.scale * 2 + net.shift)
print(torch.allclose(new_gm(x), ref), (new_gm(x) - gm(x)).abs().max().item() > 0)

ShapeRecorder(gm).run(x)
for node in gm.graph.nodes:
    print(f"{node.name:12s} {node.op:14s} {node.meta.get('shape')} {node.meta.get('dtype')}")

rec = RecordAll(gm)
final = rec.run(x)
print(list(rec.outputs.keys()))
print(torch.equal(final, gm(x)), torch.equal(rec.outputs["output"], final))
print(rec.outputs["relu"].ge(0).all().item(), f"{rec.outputs['sigmoid'].mean().item():.4f}")
print(rec.outputs["add"])

neg_out = NegSigmoid(gm).run(x)
print(neg_out.round(decimals=4))

n_folded = constant_fold(gm)
print("folded:", n_folded)
print(gm.code)
print(torch.allclose(gm(x), net(x)))
print([name for name, _ in gm.named_buffers()], [name for name, _ in gm.named_parameters()])
print(gm._folded_0)

init_env = Interpreter(gm, garbage_collect_values=False)
out2 = init_env.run(x)
print(len(init_env.env), torch.equal(out2, gm(x)))
with torch.no_grad():
    print(gm(torch.zeros(2, 6)).round(decimals=4))
