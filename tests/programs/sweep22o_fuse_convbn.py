"""Conv+BatchNorm fusion written by hand on an FX graph (as in the FX "fuse conv bn" tutorial and
many deployment scripts): find call_module conv -> bn pairs through node.args and named_modules,
fold the BN statistics into the conv weight/bias, replace_input_with + erase_node, then check the
fused GraphModule against the eval-mode original; also GraphModule state_dict round trips,
copy.deepcopy, to_folder-free re-instantiation from (root, graph), and print_readable."""
import copy
import io

import torch
import torch.fx as fx
import torch.nn as nn

torch.manual_seed(3)


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(4)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.bn2(self.conv2(x)) + x
        return self.fc(torch.flatten(self.pool(x), 1))


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    if conv_b is None:
        conv_b = torch.zeros_like(bn_rm)
    bn_var_rsqrt = torch.rsqrt(bn_rv + bn_eps)
    conv_w = conv_w * (bn_w * bn_var_rsqrt).reshape([-1] + [1] * (len(conv_w.shape) - 1))
    conv_b = (conv_b - bn_rm) * bn_var_rsqrt * bn_w + bn_b
    return nn.Parameter(conv_w), nn.Parameter(conv_b)


def fuse_conv_bn_eval(conv, bn):
    fused = copy.deepcopy(conv)
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                    bn.eps, bn.weight, bn.bias)
    return fused


def _parent_name(target):
    *parent, name = target.rsplit(".", 1)
    return parent[0] if parent else "", name


def replace_node_module(node, modules, new_module):
    parent_name, name = _parent_name(node.target)
    modules[node.target] = new_module
    setattr(modules[parent_name], name, new_module)


def fuse(model: nn.Module) -> fx.GraphModule:
    model = copy.deepcopy(model)
    fx_model = fx.symbolic_trace(model)
    modules = dict(fx_model.named_modules())
    for node in fx_model.graph.nodes:
        if node.op != "call_module":
            continue
        if type(modules[node.target]) is nn.BatchNorm2d and isinstance(node.args[0], fx.Node):
            prev = node.args[0]
            if prev.op == "call_module" and type(modules[prev.target]) is nn.Conv2d:
                if len(prev.users) > 1:
                    continue
                conv, bn = modules[prev.target], modules[node.target]
                replace_node_module(prev, modules, fuse_conv_bn_eval(conv, bn))
                node.replace_all_uses_with(prev)
                fx_model.graph.erase_node(node)
                print("fused", prev.target, "+", node.target)
    fx_model.graph.lint()
    fx_model.delete_all_unused_submodules()
    fx_model.recompile()
    return fx_model


model = ConvNet()
# give the BN layers non-trivial statistics with a few training-mode passes
with torch.no_grad():
    for _ in range(3):
        model(torch.randn(4, 3, 6, 6) * 2 + 0.5)
model.eval()
print(model.bn1.running_mean, model.bn2.running_var, model.bn1.num_batches_tracked)

fused = fuse(model)
print(fused.code)
print(fused)
x = torch.randn(2, 3, 6, 6)
with torch.no_grad():
    ref, out = model(x), fused(x)
print(ref.round(decimals=4))
print(torch.allclose(ref, out, atol=1e-5), f"{(ref - out).abs().max().item() < 1e-5}")
print([name for name, _ in fused.named_children()])
print(sorted(fused.state_dict().keys()))
print(fused.conv1.bias.requires_grad, tuple(fused.conv2.bias.shape))

# state_dict round trip into a fresh GraphModule built from the same graph
buf = io.BytesIO()
torch.save(fused.state_dict(), buf)
buf.seek(0)
fresh = fx.GraphModule(fuse(ConvNet().eval()), fused.graph)
print(torch.equal(fresh(x), out))
res = fresh.load_state_dict(torch.load(buf))
print(res)
with torch.no_grad():
    print(torch.equal(fresh(x), out))

dup = copy.deepcopy(fused)
print(type(dup).__name__, dup.code == fused.code, dup.conv1 is fused.conv1)
with torch.no_grad():
    dup.fc.weight.zero_()
    print(dup(x), torch.equal(fused(x), out))

src = fused.print_readable(print_output=False)
print(src)
n_params = sum(p.numel() for p in fused.parameters())
print(n_params, sum(p.numel() for p in model.parameters()))
