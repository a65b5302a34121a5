"""BYOL: an online network with a predictor, a target network updated as an exponential moving
average (torch.no_grad, lerp_, zip over parameters and buffers), the symmetric normalised-MSE loss,
a cosine schedule for the EMA rate, and a linear probe on frozen features."""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import LambdaLR

torch.manual_seed(1)


def mlp(in_dim, hidden, out_dim):
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
                         nn.Linear(hidden, out_dim))


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 6, kernel_size=5, padding=2)
        self.norm = nn.GroupNorm(2, 6)
        self.pool = nn.AdaptiveMaxPool1d(4)
        self.out_dim = 24

    def forward(self, x):
        return torch.flatten(self.pool(F.gelu(self.norm(self.conv(x)))), 1)


class BYOL(nn.Module):
    def __init__(self, proj_dim=8, hidden=32):
        super().__init__()
        self.online_encoder = Backbone()
        self.online_projector = mlp(24, hidden, proj_dim)
        self.predictor = mlp(proj_dim, hidden, proj_dim)
        self.target_encoder = copy.deepcopy(self.online_encoder)
        self.target_projector = copy.deepcopy(self.online_projector)
        for p in list(self.target_encoder.parameters()) + list(self.target_projector.parameters()):
            p.requires_grad_(False)

    def online(self):
        return [self.online_encoder, self.online_projector]

    def target(self):
        return [self.target_encoder, self.target_projector]

    @torch.no_grad()
    def update_target(self, tau):
        for online, target in zip(self.online(), self.target()):
            for p_o, p_t in zip(online.parameters(), target.parameters()):
                p_t.lerp_(p_o, 1.0 - tau)
            for b_o, b_t in zip(online.buffers(), target.buffers()):
                b_t.copy_(b_o)

    def forward(self, v1, v2):
        p1 = self.predictor(self.online_projector(self.online_encoder(v1)))
        p2 = self.predictor(self.online_projector(self.online_encoder(v2)))
        with torch.no_grad():
            t1 = self.target_projector(self.target_encoder(v1))
            t2 = self.target_projector(self.target_encoder(v2))
        return byol_loss(p1, t2.detach()) + byol_loss(p2, t1.detach())


def byol_loss(p, z):
    p = F.normalize(p, dim=-1, p=2)
    z = F.normalize(z, dim=-1, p=2)
    return (2 - 2 * (p * z).sum(dim=-1)).mean()


def augment(x):
    # random time shift, amplitude scaling, channel dropout and jitter for 1-D signals
    shift = int(torch.randint(-3, 4, ()).item())
    x = torch.roll(x, shifts=shift, dims=-1)
    scale = torch.empty(x.size(0), 1, 1).uniform_(0.8, 1.2)
    keep = torch.bernoulli(torch.full((x.size(0), x.size(1), 1), 0.9))
    return x * scale * keep + 0.05 * torch.randn_like(x)


t = torch.linspace(0, 2 * math.pi, 32)
freqs = torch.tensor([1.0, 2.0, 3.0]).repeat_interleave(10)
phase = torch.rand(30, 1) * math.pi
signals = torch.stack([torch.sin(freqs[:, None] * t + phase), torch.cos(freqs[:, None] * t - phase)], dim=1)
classes = torch.arange(3).repeat_interleave(10)
print("signals", signals.shape, "classes", torch.bincount(classes).tolist())

model = BYOL()
n_online = sum(p.numel() for m in model.online() + [model.predictor] for p in m.parameters())
n_target = sum(p.numel() for m in model.target() for p in m.parameters())
print(f"online+predictor params {n_online}, target params {n_target}")
print(model.predictor)
params = [p for p in model.parameters() if p.requires_grad]
opt = torch.optim.SGD(params, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1.5e-6)
steps = 12
sched = LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
base_tau = 0.99
for step in range(steps):
    idx = torch.randperm(30)[:16]
    x = signals[idx]
    loss = model(augment(x), augment(x))
    opt.zero_grad()
    loss.backward()
    gnorm = nn.utils.clip_grad_norm_(params, max_norm=5.0)
    opt.step()
    sched.step()
    tau = 1 - (1 - base_tau) * (math.cos(math.pi * step / steps) + 1) / 2
    model.update_target(tau)
    if step % 3 == 0 or step == steps - 1:
        print(f"step {step:2d} loss {loss.item():.4f} |g| {gnorm.item():.3f} tau {tau:.5f} lr {sched.get_last_lr()[0]:.5f}")

with torch.no_grad():
    gap = sum((po - pt).pow(2).sum() for po, pt in zip(model.online_encoder.parameters(), model.target_encoder.parameters()))
    print(f"online/target squared distance {gap.item():.6f}")
    same = all(torch.equal(bo, bt) for bo, bt in zip(model.online_projector.buffers(), model.target_projector.buffers()))
    print("BN buffers synced:", same, model.target_projector[1].num_batches_tracked)
    print("target requires grad:", {n: p.requires_grad for n, p in model.target_projector.named_parameters()})

# linear evaluation: frozen encoder, logistic-regression head
model.eval()
with torch.no_grad():
    feats = model.online_encoder(signals)
    feats = (feats - feats.mean(0)) / (feats.std(0) + 1e-6)
head = nn.Linear(feats.size(1), 3)
probe_opt = torch.optim.Adam(head.parameters(), lr=0.05)
for it in range(60):
    logits = head(feats)
    ce = F.cross_entropy(logits, classes, label_smoothing=0.1)
    probe_opt.zero_grad()
    ce.backward()
    probe_opt.step()
acc = (head(feats).argmax(-1) == classes).float().mean()
print(f"probe loss {ce.item():.3f} accuracy {acc.item():.3f}")
conf = torch.zeros(3, 3, dtype=torch.int64)
conf.index_put_((classes, head(feats).argmax(-1)), torch.ones(30, dtype=torch.int64), accumulate=True)
print(conf)

for name, buf in model.online_projector.named_buffers():
    print(name, tuple(buf.shape), buf.dtype)
state = model.state_dict()
print(len(state), [k for k in state if k.startswith("target_projector.1")])
try:
    model.target_encoder.load_state_dict({"conv.weight": torch.zeros(6, 2, 5)})
except RuntimeError as e:
    print(type(e).__name__, str(e).splitlines()[0])

# a common EMA slip: the target rows taken under no_grad, the update made outside it
with torch.no_grad():
    rows = model.target_projector[0].weight[:4]
try:
    rows.lerp_(model.online_projector[0].weight[:4], 0.01)
except RuntimeError as e:
    print("RuntimeError:", str(e).split(". ")[0])
with torch.no_grad():
    rows.lerp_(model.online_projector[0].weight[:4], 0.01)      # both inside no_grad: fine
print("target rows updated:", rows.shape, rows.requires_grad)
