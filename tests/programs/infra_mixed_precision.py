"""Course lab: squeezing a training step on the CPU -- switchable autocast, GradScaler (disabled on CPU),
activation checkpointing, inference_mode, freezing a backbone, optimizer hooks and a state-dict
round trip with non-persistent buffers and assign=True."""
import io
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

torch.manual_seed(42)


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.lin = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d)
        self.register_buffer("scale", torch.tensor(0.5))
        self.register_buffer("cache", torch.zeros(d), persistent=False)

    def forward(self, x):
        return x + self.scale * F.gelu(self.lin(self.norm(x)))


class Net(nn.Module):
    def __init__(self, d=16, use_ckpt=False):
        super().__init__()
        self.stem = nn.Linear(8, d)
        self.blocks = nn.ModuleList([Block(d) for _ in range(3)])
        self.head = nn.Linear(d, 4)
        self.use_ckpt = use_ckpt

    def forward(self, x):
        h = self.stem(x)
        for blk in self.blocks:
            h = checkpoint(blk, h, use_reentrant=False) if self.use_ckpt else blk(h)
        return self.head(h)


X = torch.randn(64, 8)
y = torch.randint(0, 4, (64,))
net = Net()
print(list(net.state_dict().keys()))
print("cache" in dict(net.named_buffers()).keys() or "blocks.0.cache" in dict(net.named_buffers()))

# ---- autocast, written so that it can be switched off (bf16 on this CPU is a flag away)
use_amp = False
with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=use_amp):
    out = net(X)
    loss = F.cross_entropy(out, y)
print(out.dtype, loss.dtype, torch.is_autocast_enabled("cpu"), torch.get_autocast_dtype("cpu"))
with torch.autocast("cpu", enabled=False):
    print(net.stem(X).dtype, torch.is_autocast_enabled("cpu"))
print(f"loss {loss.item():.4f}")
loss.backward()
print(net.stem.weight.grad.dtype, net.head.bias.grad.shape)
net.zero_grad()

# GradScaler on CPU, written the way CUDA tutorials write it
scaler = torch.amp.GradScaler("cpu", enabled=False)
opt = torch.optim.AdamW(net.parameters(), lr=1e-2)
for step in range(5):
    opt.zero_grad()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_amp):
        loss = F.cross_entropy(net(X), y)
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    gn = torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
    scaler.step(opt)
    scaler.update()
    print(f"step {step} loss {loss.item():.4f} grad-norm>0 {gn.item() > 0} scale {scaler.get_scale()}")
print(scaler.is_enabled(), scaler.state_dict())

# ---- activation checkpointing gives the same gradients
torch.manual_seed(1)
a = Net(use_ckpt=False)
b = Net(use_ckpt=True)
b.load_state_dict(a.state_dict())
la = F.cross_entropy(a(X), y)
lb = F.cross_entropy(b(X), y)
la.backward()
lb.backward()
print(f"{la.item():.5f} {lb.item():.5f}", type(lb.grad_fn).__name__)
print(all(torch.allclose(p.grad, q.grad, atol=1e-6) for p, q in zip(a.parameters(), b.parameters())))
seq = nn.Sequential(nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))
z = checkpoint_sequential(seq, 2, X, use_reentrant=False)
z.sum().backward()
print(z.shape, f"{seq[0].weight.grad.abs().sum().item():.4f}")

# how often does a checkpointed block run?  (dropout must draw the same mask when it reruns)
runs = []


class Noisy(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)
        self.drop = nn.Dropout(0.3)

    def forward(self, x, shift=0.0):
        runs.append(x.requires_grad)
        return self.drop(torch.relu(self.lin(x))) + shift


torch.manual_seed(5)
noisy = Noisy()
for reentrant in (True, False):
    runs.clear()
    noisy.zero_grad()
    xin = X.clone().requires_grad_()
    torch.manual_seed(6)
    out = checkpoint(noisy, xin, use_reentrant=reentrant)
    out.pow(2).mean().backward()
    after = torch.rand(1).item()
    n_runs = len(runs)
    g_ckpt = noisy.lin.weight.grad.clone()
    noisy.zero_grad()
    torch.manual_seed(6)
    noisy(X.clone().requires_grad_()).pow(2).mean().backward()
    print(f"reentrant={reentrant}: grad_fn {type(out.grad_fn).__name__}, forward ran {n_runs}x,",
          torch.allclose(g_ckpt, noisy.lin.weight.grad), after == torch.rand(1).item(), runs)
out = checkpoint(noisy, X, use_reentrant=True)   # the classic pitfall: input without grad
print("pitfall:", out.requires_grad, out.grad_fn)
out = checkpoint(noisy, X, use_reentrant=False, shift=1.0)
print("non-reentrant:", out.requires_grad, type(out.grad_fn).__name__)
try:
    torch.autograd.grad(checkpoint(noisy, xin, use_reentrant=True).sum(), xin)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
g, = torch.autograd.grad(checkpoint(noisy, xin, use_reentrant=False).sum(), xin)
print(g.shape)
try:
    checkpoint(noisy, X, use_reentrant=True, shift=1.0)
except ValueError as e:
    print("ValueError:", e)

# ---- freezing a backbone and fine-tuning only the head
for p in a.parameters():
    p.requires_grad_(False)
a.head.requires_grad_(True)
trainable = [n for n, p in a.named_parameters() if p.requires_grad]
print(trainable, sum(p.numel() for p in a.parameters() if p.requires_grad))
opt = torch.optim.SGD(filter(lambda p: p.requires_grad, a.parameters()), lr=0.1)
print(len(opt.param_groups[0]["params"]))
calls = []
h1 = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
h2 = opt.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))
a.zero_grad()
before = a.stem.weight.clone()
F.cross_entropy(a(X), y).backward()
opt.step()
print(calls, a.stem.weight.grad is None, torch.equal(before, a.stem.weight))
h1.remove()
h2.remove()
opt.step()
print(calls)

# ---- inference mode and no_grad
with torch.inference_mode():
    p = a(X)
print(p.requires_grad, p.is_inference(), torch.is_inference_mode_enabled())
try:
    p.requires_grad_(True)
    (p * 2).sum().backward()
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[0])

# ---- save/load round trips
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "net.pt")
    torch.save(a.state_dict(), path)
    sd = torch.load(path, map_location="cpu", weights_only=True)
    print(type(sd).__name__, len(sd), sd["blocks.0.scale"], hasattr(sd, "_metadata"))
    fresh = Net()
    res = fresh.load_state_dict(sd, assign=True)
    print(res, fresh.head.weight.requires_grad, fresh.stem.weight.requires_grad)
    print(torch.equal(fresh.head.weight, a.head.weight), isinstance(fresh.head.weight, nn.Parameter))
    torch.save([torch.arange(3), {"k": (1, 2.5, "s")}, None, True], path)
    print(torch.load(path))
    meta = torch.nn.Module()
    try:
        torch.load(os.path.join(d, "missing.pt"))
    except FileNotFoundError as e:
        print("FileNotFoundError:", e.strerror)

buf = io.BytesIO()
half = Net().half()
torch.save(half.state_dict(), buf)
buf.seek(0)
sd16 = torch.load(buf)
print(sd16["head.weight"].dtype, sd16["blocks.1.scale"])
full = Net()
full.load_state_dict(sd16)
print(full.head.weight.dtype, torch.equal(full.head.weight, sd16["head.weight"].float()))
print(f"{full.head.weight[0, :4].tolist()}")
