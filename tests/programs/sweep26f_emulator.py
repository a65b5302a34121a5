"""A small neural-network emulator of a column physics parameterization, as in a machine-learning-for-
climate tutorial: synthetic "convective heating" targets as a function of a temperature/humidity
profile, input normalization, an MLP with LayerNorm trained with Adam and a cosine schedule, RMSE and
correlation (torch.corrcoef) metrics per level, a probabilistic head with a Normal likelihood, and
a physical-constraint penalty (column energy conservation) with autograd."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal

torch.manual_seed(4)
nlev, nsamp = 10, 512
p = torch.linspace(1000.0, 100.0, nlev)           # hPa
dp = torch.full((nlev,), 100.0)
T = 300 - 60 * (1 - p / 1000) + 2.0 * torch.randn(nsamp, 1) + 0.5 * torch.randn(nsamp, nlev)
q = 0.018 * torch.exp(-(1000 - p) / 250) * (1 + 0.2 * torch.randn(nsamp, 1)).clamp(min=0.1)
cape = F.softplus((T[:, :3].mean(1) - 295.0) + 500.0 * (q[:, 0] - 0.015))
shape = torch.sin(math.pi * (1000 - p) / 900)
heating = cape[:, None] * shape - (cape[:, None] * shape * dp).sum(1, keepdim=True) / dp.sum() \
    + 0.05 * torch.randn(nsamp, nlev)
print("column-integrated heating ~ 0:", f"{(heating * dp).sum(1).abs().mean().item():.3f}")

X = torch.cat([T, q * 1000], dim=1)
mu, sd = X.mean(0), X.std(0)
Xn = (X - mu) / sd
print("normalized mean/std:", f"{Xn.mean().item():.4f}", f"{Xn.std(0).mean().item():.4f}")
ntrain = 400
Xtr, Xte, ytr, yte = Xn[:ntrain], Xn[ntrain:], heating[:ntrain], heating[ntrain:]


class Emulator(nn.Module):
    def __init__(self, nin, nout, width=32):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(nin, width), nn.LayerNorm(width), nn.GELU(),
                                  nn.Linear(width, width), nn.SiLU())
        self.mean = nn.Linear(width, nout)
        self.log_sigma = nn.Linear(width, nout)

    def forward(self, x):
        h = self.body(x)
        return self.mean(h), self.log_sigma(h).clamp(-5, 2)


model = Emulator(2 * nlev, nlev)
print(model)
print("parameters:", sum(pr.numel() for pr in model.parameters()))
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-5)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=90)
for epoch in range(90):
    perm = torch.randperm(ntrain)
    for i in range(0, ntrain, 100):
        idx = perm[i:i + 100]
        m, ls = model(Xtr[idx])
        nll = -Normal(m, ls.exp()).log_prob(ytr[idx]).mean()
        energy = ((m * dp).sum(1) / dp.sum()).pow(2).mean()
        loss = nll + 10.0 * energy
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        opt.step()
    sched.step()
    if epoch % 30 == 29:
        print(f"epoch {epoch + 1}: loss {loss.item():.2f} lr {sched.get_last_lr()[0]:.6f}")

model.eval()
with torch.no_grad():
    pred, ls = model(Xte)
rmse = torch.sqrt(F.mse_loss(pred, yte, reduction="none").mean(0))
# float32 training: summation order moves the last digits, so print coarse summaries
print("test RMSE: all levels < 0.1:", bool((rmse < 0.1).all()), "mean", f"{rmse.mean().item():.3f}")
r = torch.stack([torch.corrcoef(torch.stack([pred[:, k], yte[:, k]]))[0, 1] for k in range(nlev)])
print("correlation: min > 0.8:", r.min().item() > 0.8, "mean", f"{r.mean().item():.2f}")
print("overall R^2 > 0.5:", (1 - F.mse_loss(pred, yte) / yte.var()).item() > 0.5)
cover = ((yte - pred).abs() < 2 * ls.exp()).float().mean()
print("2-sigma coverage in [0.8, 1]:", 0.8 <= cover.item() <= 1.0)
print("energy residual small:", (pred * dp).sum(1).abs().mean().item() < 0.5 * (yte * dp).abs().sum(1).mean().item())

# sensitivity (Jacobian) of the emulator wrt the input profile
x0 = Xte[:1].clone().requires_grad_(True)
m0, _ = model(x0)
m0[0, 5].backward()
print("grad shape:", tuple(x0.grad.shape), "grad finite:", bool(torch.isfinite(x0.grad).all()))
J = torch.autograd.functional.jacobian(lambda z: model(z)[0], Xte[0])
print("jacobian:", tuple(J.shape), J.dtype)
state = model.state_dict()
print(list(state)[:4], state["body.1.weight"].shape)
d = Normal(torch.zeros(2), torch.ones(2))
print(d, d.sample((3,)).shape, d.entropy())
try:
    Normal(torch.zeros(2), -torch.ones(2), validate_args=True)
except ValueError as e:
    print("ValueError:", str(e).split("\n")[0])
try:
    model(torch.randn(3, 7))
except RuntimeError as e:
    print("RuntimeError:", e)
