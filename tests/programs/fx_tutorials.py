"""torch.fx tutorials on a small seeded CNN: symbolic tracing and the generated code, the "fuse
convolution and batch norm with FX" pass, replacing every relu with gelu (by editing the graph and
with a Transformer), a profiling Interpreter that times each node (times are checked, not printed),
and ShapeProp's shapes."""
import copy
import time
from typing import Any, Dict, Tuple

import torch
import torch.fx as fx
import torch.nn as nn
import torch.nn.functional as F
from torch.fx.passes.shape_prop import ShapeProp

torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block1 = Block(1, 4)
        self.block2 = Block(4, 8)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8 * 2 * 2, 10))

    def forward(self, x):
        x = self.pool(self.block1(x))
        x = self.pool(self.block2(x))
        return F.relu(self.head(x)) + x.mean()


model = Net()
# a few training steps so that batch norm has running statistics worth fusing
opt = torch.optim.SGD(model.parameters(), lr=0.1)
data = torch.randn(16, 1, 8, 8)
target = torch.randint(0, 10, (16,))
for step in range(3):
    loss = F.cross_entropy(model(data), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f}")
model.eval()

# ---- tracing ----------------------------------------------------------------------------------------
traced = fx.symbolic_trace(model)
print(traced.code)
print(traced.graph)
print(traced)
for node in traced.graph.nodes:
    print(f"{node.op:14} {node.name:10} users={len(node.users)} args={node.args} kwargs={node.kwargs}")
try:
    traced.graph.print_tabular()
except ImportError as e:
    print("no tabulate:", type(e).__name__)
x = torch.randn(4, 1, 8, 8)
print("traced == eager:", torch.equal(traced(x), model(x)))


# ---- the conv-bn fusion tutorial --------------------------------------------------------------------
def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    if conv_b is None:
        conv_b = torch.zeros_like(bn_rm)
    bn_var_rsqrt = torch.rsqrt(bn_rv + bn_eps)
    conv_w = conv_w * (bn_w * bn_var_rsqrt).reshape([-1] + [1] * (len(conv_w.shape) - 1))
    conv_b = (conv_b - bn_rm) * bn_var_rsqrt * bn_w + bn_b
    return torch.nn.Parameter(conv_w), torch.nn.Parameter(conv_b)


def fuse_conv_bn_eval(conv, bn):
    assert not (conv.training or bn.training), "Fusion only for eval!"
    fused_conv = copy.deepcopy(conv)
    fused_conv.weight, fused_conv.bias = fuse_conv_bn_weights(
        fused_conv.weight, fused_conv.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused_conv


def _parent_name(target: str) -> Tuple[str, str]:
    *parent, name = target.rsplit(".", 1)
    return parent[0] if parent else "", name


def replace_node_module(node: fx.Node, modules: Dict[str, Any], new_module: torch.nn.Module):
    parent_name, name = _parent_name(node.target)
    setattr(modules[parent_name], name, new_module)


def fuse(model: torch.nn.Module) -> torch.nn.Module:
    model = copy.deepcopy(model)
    fx_model: fx.GraphModule = fx.symbolic_trace(model)
    modules = dict(fx_model.named_modules())
    for node in fx_model.graph.nodes:
        if node.op != "call_module":
            continue
        if type(modules[node.target]) is nn.BatchNorm2d and type(modules[node.args[0].target]) is nn.Conv2d:
            if len(node.args[0].users) > 1:
                continue
            conv = modules[node.args[0].target]
            bn = modules[node.target]
            replace_node_module(node.args[0], modules, fuse_conv_bn_eval(conv, bn))
            node.replace_all_uses_with(node.args[0])
            fx_model.graph.erase_node(node)
    fx_model.graph.lint()
    fx_model.recompile()
    return fx_model


fused = fuse(model)
print(fused.code)
print(fused)
print("fused max diff below 1e-5:", (fused(x) - model(x)).abs().max().item() < 1e-5)
print("fused conv weight sum:", f"{fused.block1.conv.weight.sum().item():.4f}")

# ---- relu -> gelu, by editing the graph -------------------------------------------------------------
gelu_model = fx.symbolic_trace(model)
for node in gelu_model.graph.nodes:
    if node.op == "call_function" and node.target in (torch.relu, F.relu):
        with gelu_model.graph.inserting_after(node):
            new_node = gelu_model.graph.call_function(F.gelu, node.args, {})
            node.replace_all_uses_with(new_node)
        gelu_model.graph.erase_node(node)
gelu_model.graph.lint()
gelu_model.recompile()
print(gelu_model.code)
print("gelu output:", [f"{v:.4f}" for v in gelu_model(x)[0].tolist()])


# ... and with a Transformer
class ReluToGelu(fx.Transformer):
    def call_function(self, target, args, kwargs):
        if target in (torch.relu, F.relu):
            return F.gelu(args[0])
        return super().call_function(target, args, kwargs)


transformed = ReluToGelu(fx.symbolic_trace(model)).transform()
print(transformed.code)
print("transformer == graph edit:", torch.equal(transformed(x), gelu_model(x)))


# ---- a profiling interpreter ------------------------------------------------------------------------
class ProfilingInterpreter(fx.Interpreter):
    def __init__(self, mod: torch.nn.Module):
        gm = fx.symbolic_trace(mod)
        super().__init__(gm)
        self.total_runtime_sec = []
        self.runtimes_sec = {}

    def run(self, *args) -> Any:
        t_start = time.time()
        return_val = super().run(*args)
        self.total_runtime_sec.append(time.time() - t_start)
        return return_val

    def run_node(self, n: torch.fx.Node) -> Any:
        t_start = time.time()
        return_val = super().run_node(n)
        self.runtimes_sec.setdefault(n, []).append(time.time() - t_start)
        return return_val

    def summary(self):
        rows = []
        for node, times in self.runtimes_sec.items():
            rows.append((node.op, node.name, len(times), all(t >= 0 for t in times)))
        return rows


interp = ProfilingInterpreter(model)
for _ in range(2):
    out = interp.run(x)
print("profiled output equals eager:", torch.equal(out, model(x)))
print("runs:", len(interp.total_runtime_sec))
for row in interp.summary():
    print(row)

# ---- shapes -----------------------------------------------------------------------------------------
gm = fx.symbolic_trace(model)
ShapeProp(gm).propagate(x)
for node in gm.graph.nodes:
    meta = node.meta.get("tensor_meta")
    print(node.name, tuple(meta.shape) if meta is not None else None, meta.dtype if meta is not None else None)

# ---- what cannot be traced --------------------------------------------------------------------------


class Branchy(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x
        return -x


try:
    fx.symbolic_trace(Branchy())
except fx.proxy.TraceError as e:
    print("TraceError:", e)
