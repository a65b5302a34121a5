"""nn.Module machinery: buffers, hooks, apply/init, freezing, parametrizations, deepcopy, whole-model save."""
import copy
import io
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.utils.parametrize as parametrize
from torch.nn.utils.parametrizations import weight_norm, orthogonal, spectral_norm

torch.manual_seed(11)


class Normalizer(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.register_buffer("running_mean", torch.zeros(dim))
        self.register_buffer("count", torch.tensor(0))
        self.register_buffer("scratch", torch.ones(dim), persistent=False)

    def forward(self, x):
        if self.training:
            with torch.no_grad():
                self.count += 1
                self.running_mean.mul_(0.9).add_(x.mean(0), alpha=0.1)
        return x - self.running_mean


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = Normalizer(dim)
        self.fc = nn.Linear(dim, dim)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.fc(self.norm(x))) + x


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Linear(4, 8)
        self.blocks = nn.ModuleList([Block(8) for _ in range(2)])
        self.heads = nn.ModuleDict({"cls": nn.Linear(8, 3), "reg": nn.Linear(8, 1)})
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x):
        x = self.stem(x)
        for b in self.blocks:
            x = b(x)
        return self.heads["cls"](x) * self.scale, self.heads["reg"](x)


net = Net()
print(net)
print([n for n, _ in net.named_modules()])
print([n for n, _ in net.named_buffers()])
print(list(net.state_dict().keys()))
print([n for n, p in net.named_parameters()][:5], len(list(net.parameters())))
print([type(m).__name__ for m in net.children()], net.blocks[0].norm.count)


def init_fn(m):
    if isinstance(m, nn.Linear):
        nn.init.trunc_normal_(m.weight, std=0.02)
        nn.init.constant_(m.bias, 0.0)


net.apply(init_fn)
print(f"{net.stem.weight.std().item():.4f}", net.stem.bias.abs().sum().item())
nn.init.orthogonal_(net.blocks[0].fc.weight)
w = net.blocks[0].fc.weight
print(torch.allclose(w @ w.T, torch.eye(8), atol=1e-5))
nn.init.kaiming_uniform_(net.blocks[1].fc.weight, a=0.1, mode="fan_out", nonlinearity="leaky_relu")
nn.init.xavier_normal_(net.heads["cls"].weight, gain=nn.init.calculate_gain("tanh"))
nn.init.uniform_(net.heads["reg"].weight, -0.1, 0.1)
nn.init.normal_(net.heads["reg"].bias, mean=0.5, std=0.0)
nn.init.eye_(torch.empty(3, 3))
print(nn.init.calculate_gain("relu"), nn.init.calculate_gain("leaky_relu", 0.2), nn.init.calculate_gain("selu"))
print(f"{net.blocks[1].fc.weight.abs().max().item():.4f} {net.heads['reg'].bias.item():.2f}")

# forward hooks collect activations; a pre-hook edits the input; handles remove them
activations = {}


def save_act(name):
    def hook(module, inp, out):
        activations[name] = out.detach()
    return hook


handles = [m.register_forward_hook(save_act(n)) for n, m in net.named_modules() if isinstance(m, nn.Linear)]
pre = net.stem.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
x = torch.randn(5, 4)
cls, reg = net(x)
print(sorted(activations), activations["stem"].shape, net.blocks[0].norm.count.item())
for h in handles:
    h.remove()
pre.remove()
activations.clear()
net(x)
print(len(activations))
grads = {}
hb = net.stem.register_full_backward_hook(lambda m, gin, gout: grads.update(out=gout[0].shape))
net(x)[0].sum().backward()
print(grads)
hb.remove()
net.zero_grad()
print(net.stem.weight.grad)
tensor_grads = []
x_req = torch.randn(2, 4, requires_grad=True)
x_req.register_hook(lambda g: tensor_grads.append(g.sum().item()))
net(x_req)[1].sum().backward()
print(len(tensor_grads))

# freezing: the stem and the first block train no more
for p in net.stem.parameters():
    p.requires_grad_(False)
net.blocks[0].requires_grad_(False)
trainable = [n for n, p in net.named_parameters() if p.requires_grad]
print(trainable)
opt = torch.optim.Adam(filter(lambda p: p.requires_grad, net.parameters()), lr=1e-2)
before = net.stem.weight.clone()
net.zero_grad()
loss = net(x)[0].pow(2).mean()
loss.backward()
opt.step()
print(torch.equal(before, net.stem.weight), net.stem.weight.grad is None, net.heads["cls"].weight.grad.shape)
net.eval()
print(net.training, net.blocks[0].norm.training, net.train().training)

# parametrizations
lin = nn.Linear(5, 3)
lin = weight_norm(lin)
print(lin)
print(sorted(n for n, _ in lin.named_parameters()), lin.parametrizations.weight.original0.shape)
print(torch.allclose(lin.weight.norm(dim=1, keepdim=True), lin.parametrizations.weight.original0))
out = lin(torch.randn(2, 5)).sum()
out.backward()
print(lin.parametrizations.weight.original1.grad.shape, parametrize.is_parametrized(lin, "weight"))


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
print(torch.allclose(layer.weight, layer.weight.T), type(layer).__name__)
with parametrize.cached():
    print(torch.equal(layer.weight, layer.weight))
parametrize.remove_parametrizations(layer, "weight", leave_parametrized=True)
print(type(layer).__name__, isinstance(layer.weight, nn.Parameter))
orth = orthogonal(nn.Linear(4, 4))
q = orth.weight
print(torch.allclose(q @ q.T, torch.eye(4), atol=1e-5))
sn = spectral_norm(nn.Linear(6, 4))
sn(torch.randn(1, 6))
print(f"{torch.linalg.matrix_norm(sn.weight, ord=2).item():.2f}")
old = nn.utils.weight_norm(nn.Linear(3, 2), name="weight")
print(sorted(n for n, _ in old.named_parameters()))

# deepcopy, whole-model save/load, state_dict round trips
twin = copy.deepcopy(net)
print(twin is net, torch.equal(twin.stem.weight, net.stem.weight), twin.stem.weight is net.stem.weight)
twin.stem.weight.data.add_(1.0)
print(torch.equal(twin.stem.weight, net.stem.weight))
path = os.path.join(tempfile.mkdtemp(), "whole.pt")
torch.save(net, path)
loaded = torch.load(path, weights_only=False)
print(type(loaded).__name__, torch.equal(loaded(x)[1], net(x)[1]))
buf = io.BytesIO()
torch.save(net.state_dict(), buf)
buf.seek(0)
sd = torch.load(buf)
fresh = Net()
result = fresh.load_state_dict(sd, strict=True)
print(result.missing_keys, result.unexpected_keys)
partial = {k: v for k, v in sd.items() if not k.startswith("heads")}
result = fresh.load_state_dict(partial, strict=False)
print(result.missing_keys)
try:
    fresh.load_state_dict({"stem.weight": torch.zeros(2, 2)}, strict=False)
except RuntimeError as e:
    print(str(e).splitlines()[0])
print(net.get_submodule("blocks.1.fc"), net.get_parameter("heads.reg.bias").shape)
print(net.get_buffer("blocks.0.norm.running_mean").shape)
net.register_module("extra", nn.Identity())
net.extra2 = nn.Dropout(0.5)
del net.extra
print([n for n, _ in net.named_children()])
net.half()
print(net.stem.weight.dtype, net.blocks[0].norm.count.dtype)
net.float()
print(net.stem.weight.dtype)
print(sum(p.numel() for p in net.parameters()), sum(b.numel() for b in net.buffers()))
