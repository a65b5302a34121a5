"""A hypernetwork that generates the weights of a small target MLP (Ha et al. style).

The hypernetwork maps a task embedding to a flat parameter vector, which is sliced into the
weights of a two-layer MLP used through F.linear and torch.func.functional_call."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call

torch.manual_seed(0)


class TargetMLP(nn.Module):
    def __init__(self, d_in=3, d_hidden=8, d_out=1):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


class HyperNet(nn.Module):
    def __init__(self, target, z_dim=4, hidden=16):
        super().__init__()
        self.shapes = {name: p.shape for name, p in target.named_parameters()}
        self.numels = {name: p.numel() for name, p in target.named_parameters()}
        total = sum(self.numels.values())
        self.body = nn.Sequential(nn.Linear(z_dim, hidden), nn.ReLU(), nn.Linear(hidden, total))
        with torch.no_grad():
            self.body[2].weight.mul_(0.1)
            self.body[2].bias.zero_()

    def forward(self, z):
        flat = self.body(z)
        params, offset = {}, 0
        for name, shape in self.shapes.items():
            n = self.numels[name]
            params[name] = flat[..., offset:offset + n].reshape(*flat.shape[:-1], *shape)
            offset += n
        return params


target = TargetMLP()
hyper = HyperNet(target)
print(target)
print(hyper)
print("target parameter shapes:", {k: tuple(v) for k, v in hyper.shapes.items()})
print("generated numel:", sum(hyper.numels.values()))
n_hyper = sum(p.numel() for p in hyper.parameters())
print("hypernetwork parameters:", n_hyper)

# --- generate weights for one task and run the target via F.linear
z = torch.randn(4)
params = hyper(z)
for k, v in params.items():
    print(k, tuple(v.shape), v.grad_fn.name() if v.grad_fn is not None else None)

x = torch.randn(5, 3)
h = torch.tanh(F.linear(x, params["fc1.weight"], params["fc1.bias"]))
y_manual = F.linear(h, params["fc2.weight"], params["fc2.bias"])
y_func = functional_call(target, params, (x,))
print("manual == functional_call:", torch.allclose(y_manual, y_func))
print(y_func.squeeze(-1))

# --- gradients flow back into the hypernetwork, not into the target's own parameters
loss = y_func.pow(2).mean()
grads = torch.autograd.grad(loss, list(hyper.parameters()), retain_graph=True)
for (name, p), g in zip(hyper.named_parameters(), grads):
    print(f"{name:14s} grad norm {g.norm().item():.4f}")
print("target params have grad:", [p.grad is not None for p in target.parameters()])

# gradient wrt the generated weights themselves
g_w = torch.autograd.grad(loss, params["fc1.weight"], retain_graph=True)[0]
print("dL/d fc1.weight shape:", tuple(g_w.shape), f"{g_w.abs().sum().item():.4f}")

# --- batched: one weight set per task, applied with bmm / einsum
tasks = torch.randn(3, 4)
bparams = hyper(tasks)
print({k: tuple(v.shape) for k, v in bparams.items()})
xs = torch.randn(3, 6, 3)
hb = torch.tanh(torch.bmm(xs, bparams["fc1.weight"].transpose(1, 2)) + bparams["fc1.bias"].unsqueeze(1))
yb = torch.einsum("bnh,boh->bno", hb, bparams["fc2.weight"]) + bparams["fc2.bias"][:, None, :]
print("batched out shape:", tuple(yb.shape))
# compare one task against functional_call
one = {k: v[1] for k, v in bparams.items()}
print("task 1 matches:", torch.allclose(yb[1], functional_call(target, one, (xs[1],)), atol=1e-6))

# vmap over tasks
from torch.func import vmap
yv = vmap(lambda p, xx: functional_call(target, p, (xx,)))(bparams, xs)
print("vmap matches:", torch.allclose(yv, yb, atol=1e-6))

# --- meta-training on a family of sine-ish regression tasks
def make_task(amplitude, phase, n=20, gen=None):
    xx = torch.rand(n, 3, generator=gen) * 2 - 1
    yy = amplitude * torch.sin(xx.sum(-1, keepdim=True) + phase)
    return xx, yy


gen = torch.Generator().manual_seed(123)
embed = nn.Embedding(4, 4)
amps = torch.tensor([0.5, 1.0, 1.5, 2.0])
phases = torch.tensor([0.0, 0.5, 1.0, 1.5])
opt = torch.optim.Adam(list(hyper.parameters()) + list(embed.parameters()), lr=1e-2)
for step in range(60):
    total = 0.0
    opt.zero_grad()
    for t in range(4):
        xx, yy = make_task(amps[t], phases[t], gen=gen)
        p = hyper(embed(torch.tensor(t)))
        pred = functional_call(target, p, (xx,))
        l = F.mse_loss(pred, yy)
        l.backward()
        total += l.item()
    opt.step()
    if step % 15 == 0 or step == 59:
        print(f"step {step:2d} loss {total / 4:.3f}")

with torch.no_grad():
    e = embed.weight
    print("embedding norms:", [round(v, 2) for v in e.norm(dim=1).tolist()])
    gen_w = hyper(e)["fc1.weight"]
    print("generated fc1 weights shape:", tuple(gen_w.shape), gen_w.requires_grad)

# --- chunked hypernetwork: one shared generator for weight chunks with learned chunk embeddings
class ChunkedHyper(nn.Module):
    def __init__(self, n_params, chunk=16, z=4):
        super().__init__()
        self.n_chunks = math.ceil(n_params / chunk)
        self.n_params = n_params
        self.chunk_emb = nn.Parameter(torch.randn(self.n_chunks, z) * 0.5)
        self.gen = nn.Linear(2 * z, chunk)

    def forward(self, task_z):
        zz = torch.cat([self.chunk_emb, task_z.expand(self.n_chunks, -1)], dim=1)
        return self.gen(zz).flatten()[: self.n_params]


ch = ChunkedHyper(sum(hyper.numels.values()))
print(ch)
flat = ch(torch.randn(1, 4))
print("chunks:", ch.n_chunks, "flat:", tuple(flat.shape), flat.grad_fn.name())
try:
    ch(torch.randn(2, 4))
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    functional_call(target, {"fc1.weight": torch.randn(3, 8)}, (x,))
except RuntimeError as err:
    print("RuntimeError:", str(err).splitlines()[0])

# --- a tied-weight autoencoder whose shared weight comes from the hypernetwork
class TiedAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(4, 4, bias=False)
        self.dec = nn.Linear(4, 4, bias=False)
        self.dec.weight = self.enc.weight

    def forward(self, x):
        return self.dec(torch.tanh(self.enc(x)))


ae = TiedAE()
print("tied names:", [n for n, _ in ae.named_parameters(remove_duplicate=False)])
w_gen = nn.Linear(4, 16)(torch.randn(4)).view(4, 4)
xa = torch.randn(2, 4)
out_tied = functional_call(ae, {"enc.weight": w_gen}, (xa,))
ref_tied = F.linear(torch.tanh(F.linear(xa, w_gen)), w_gen)
print("tied weight follows the generated one:", torch.allclose(out_tied, ref_tied))
print("untied (decoder keeps its own):", torch.allclose(functional_call(ae, {"enc.weight": w_gen}, (xa,), tie_weights=False), ref_tied))
try:
    functional_call(ae, {"enc.weight": w_gen, "dec.weight": w_gen.t()}, (xa,))
except ValueError as err:
    print("ValueError:", err)
try:
    functional_call(ae, {"dec.weight": w_gen}, (xa,), strict=True, tie_weights=False)
except RuntimeError as err:
    print("RuntimeError:", err)
print("strict with tying:", tuple(functional_call(ae, {"dec.weight": w_gen}, (xa,), strict=True).shape))
