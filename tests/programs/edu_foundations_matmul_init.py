"""fast.ai part 2, "from the foundations": matrix multiplication from loops to broadcasting to einsum,
then initialisation studies (kaiming vs xavier vs naive), activation statistics with forward hooks
and torch.histc, and a "general ReLU" with a leak and a shift."""
import math
import random
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
random.seed(42)
np.random.seed(42)
torch.set_printoptions(precision=2, linewidth=140, sci_mode=False)


def matmul_loops(a, b):
    (ar, ac), (br, bc) = a.shape, b.shape
    c = torch.zeros(ar, bc)
    for i in range(ar):
        for j in range(bc):
            for k in range(ac):
                c[i, j] += a[i, k] * b[k, j]
    return c


def matmul_row(a, b):
    (ar, ac), (br, bc) = a.shape, b.shape
    c = torch.zeros(ar, bc)
    for i in range(ar):
        for j in range(bc):
            c[i, j] = (a[i, :] * b[:, j]).sum()
    return c


def matmul_bcast(a, b):
    c = torch.zeros(a.shape[0], b.shape[1])
    for i in range(a.shape[0]):
        c[i] = (a[i, :, None] * b).sum(dim=0)
    return c


print("== matmul, four ways ==")
m1 = torch.randn(5, 784)[:, :6]
m2 = torch.randn(6, 10)
t1 = matmul_loops(m1, m2)
print(t1.shape)
for f in (matmul_row, matmul_bcast, lambda a, b: torch.einsum("ik,kj->ij", a, b), torch.matmul, torch.mm):
    print(torch.allclose(t1, f(m1, m2), atol=1e-5), end=" ")
print()
print((m1 @ m2 - t1).abs().max() < 1e-5)

print("== broadcasting rules ==")
c = torch.tensor([10.0, 20, 30])
m = torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
print(c + m)
print(c[:, None] + m)
print(c[None, :] * c[:, None])
print(c.expand_as(m), c.expand_as(m).stride(), c.unsqueeze(1).shape, c[..., None].shape)
print(torch.broadcast_shapes((3, 1), (1, 4)), torch.broadcast_tensors(c[:, None], c)[0])
try:
    torch.ones(3, 2) + torch.ones(3)
except RuntimeError as e:
    print("RuntimeError:", e)

print("== einsum gallery ==")
A, B = torch.randn(3, 4), torch.randn(4, 5)
print(torch.einsum("ij->ji", A).shape, torch.einsum("ij->", A).round(decimals=2))
print(torch.einsum("ii->i", torch.arange(9.0).view(3, 3)), torch.einsum("i,j->ij", c, c[:2]))
bat = torch.randn(2, 3, 4)
print(torch.allclose(torch.einsum("bij,jk->bik", bat, B), bat @ B, atol=1e-6))
print(torch.einsum("bij,bij->b", bat, bat).round(decimals=2))

print("== init studies: activation scale through 50 layers ==")
x = torch.randn(512)
for name, scale in [("N(0,1)", 1.0), ("N(0,0.01)", 0.01), ("1/sqrt(n)", 1 / math.sqrt(512))]:
    y = x.clone()
    for i in range(50):
        y = torch.randn(512, 512) * scale @ y
        if y.std() > 1e25:       # exploded (a fixed threshold, so the same layer on any BLAS)
            break
    print(f"{name:10s} after {i + 1} layers: std {y.std().item():.1e}")
y = x.clone()
for i in range(50):
    y = torch.relu(torch.randn(512, 512) * math.sqrt(2 / 512) @ y)
print(f"kaiming + relu: mean {y.mean().item():.1f} std {y.std().item():.1f}")

print("== torch.nn.init ==")
w = torch.empty(256, 128)
for fn in (nn.init.kaiming_normal_, nn.init.kaiming_uniform_, nn.init.xavier_normal_, nn.init.xavier_uniform_):
    fn(w)
    print(f"{fn.__name__:18s} std {w.std().item():.3f}  bound {w.abs().max().item():.2f}")
nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
print("fan_out std %.3f" % w.std().item())
for nl in ["linear", "conv2d", "sigmoid", "tanh", "relu", "selu"]:
    print(nl, round(nn.init.calculate_gain(nl), 4), end="; ")
print(round(nn.init.calculate_gain("leaky_relu", 0.2), 4))
nn.init.orthogonal_(w2 := torch.empty(4, 4))
print(torch.allclose(w2 @ w2.T, torch.eye(4), atol=1e-5))
nn.init.trunc_normal_(w, std=0.02)
print("trunc_normal within 2: %s" % (w.abs().max() <= 2).item())
nn.init.constant_(w2, 0.5)
nn.init.zeros_(w2[0])
print(w2)


class GeneralRelu(nn.Module):
    def __init__(self, leak=None, sub=None, maxv=None):
        super().__init__()
        self.leak, self.sub, self.maxv = leak, sub, maxv

    def forward(self, x):
        x = F.leaky_relu(x, self.leak) if self.leak is not None else F.relu(x)
        if self.sub is not None:
            x = x - self.sub
        if self.maxv is not None:
            x = x.clamp_max_(self.maxv)
        return x


def get_model(act, n_in=64, nh=(50, 50, 50, 50, 50), n_out=10):
    layers, prev = [], n_in
    for h in nh:
        layers += [nn.Linear(prev, h), act()]
        prev = h
    return nn.Sequential(*layers, nn.Linear(prev, n_out))


def init_weights(m, leaky=0.0):
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, a=leaky)
        m.bias.data.zero_()


class Hooks:
    def __init__(self, modules):
        self.stats, self.handles = {}, []
        for i, mod in enumerate(modules):
            self.stats[i] = ([], [], [])
            self.handles.append(mod.register_forward_hook(partial(self.hook, i)))

    def hook(self, i, mod, inp, out):
        means, stds, hists = self.stats[i]
        means.append(out.data.mean().item())
        stds.append(out.data.std().item())
        hists.append(out.data.cpu().histc(bins=10, min=-2, max=8))

    def __enter__(self):
        return self

    def __exit__(self, *args):
        for h in self.handles:
            h.remove()


print("== hooks: activation statistics while training ==")
X = torch.randn(256, 64)
yv = (X[:, :10].sum(1) > 0).long() + 2 * (X[:, 10:20].sum(1) > 0).long()
for name, act, leak in [("relu", nn.ReLU, 0.0), ("general", partial(GeneralRelu, leak=0.1, sub=0.4, maxv=6.0), 0.1)]:
    torch.manual_seed(0)
    model = get_model(act)
    model.apply(partial(init_weights, leaky=leak))
    acts = [m for m in model if not isinstance(m, nn.Linear)]
    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    with Hooks(acts) as hooks:
        for it in range(20):
            for xb, yb in zip(X.split(64), yv.split(64)):
                loss = F.cross_entropy(model(xb), yb)
                loss.backward()
                opt.step()
                opt.zero_grad()
    print(f"{name}: final loss {loss.item():.2f}")
    for i, (means, stds, hists) in hooks.stats.items():
        h = torch.stack(hists).sum(0)
        frac_low = (h[:3].sum() / h.sum()).item()
        print(f"  layer {i}: first mean {means[0]:.2f} std {stds[0]:.2f}; last mean {means[-1]:.2f} "
              f"std {stds[-1]:.2f}; near-zero fraction {frac_low:.2f}")
    print("  hooks left:", len(acts[0]._forward_hooks))
print(model[1], GeneralRelu(0.1, 0.4).extra_repr() == "")
print(torch.histc(torch.tensor([1.0, 2, 1, 4, 2.5]), bins=4, min=0, max=3))
print(torch.histc(torch.arange(10.0), bins=5))
print(torch.histogram(torch.arange(10.0), bins=3))
counts, edges = np.histogram(np.arange(10.0), bins=3)
print(counts, edges.round(2))
print(torch.bincount(torch.tensor([0, 1, 1, 3, 2, 1, 7])), torch.bincount(torch.tensor([0, 1, 1]), minlength=4))
