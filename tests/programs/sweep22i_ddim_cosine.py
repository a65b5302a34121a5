"""DDPM training / DDIM sampling on a 2-D Gaussian mixture, as in course notebooks on diffusion:
the improved-DDPM cosine schedule (torch.cos, clamp), alphas_cumprod by torch.cumprod, per-sample
coefficients gathered by timestep, a sinusoidal timestep embedding, an MLP epsilon-predictor with
SiLU, DDIM deterministic sampling (eta = 0) on a strided timestep subsequence and a stochastic
eta = 1 variant, all sampling driven by an explicit torch.Generator."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def gaussian_mixture(n, n_modes=8, radius=2.0, std=0.1, generator=None):
    angles = torch.arange(n_modes, dtype=torch.float32) * (2 * math.pi / n_modes)
    centers = radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=-1)
    idx = torch.randint(0, n_modes, (n,), generator=generator)
    return centers[idx] + std * torch.randn(n, 2, generator=generator), idx


def cosine_schedule(T, s=0.008, max_beta=0.999):
    t = torch.arange(T + 1, dtype=torch.float64) / T
    f = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    alphas_cumprod = f / f[0]
    betas = 1 - alphas_cumprod[1:] / alphas_cumprod[:-1]
    return torch.clamp(betas, min=0.0, max=max_beta).to(torch.float32)


T = 100
betas = cosine_schedule(T)
alphas = 1.0 - betas
alphas_cumprod = torch.cumprod(alphas, dim=0)
print("betas[0], betas[-1]:", f"{betas[0].item():.6f}", f"{betas[-1].item():.4f}")
print("alpha_bar at t=0,25,50,75,99:", [f"{a:.4f}" for a in alphas_cumprod[[0, 25, 50, 75, 99]].tolist()])


def extract(a, t, x_shape):
    b, *_ = t.shape
    out = a.gather(-1, t)
    return out.reshape(b, *((1,) * (len(x_shape) - 1)))


class SinusoidalPosEmb(nn.Module):
    def __init__(self, dim, theta=10000):
        super().__init__()
        self.dim = dim
        self.theta = theta

    def forward(self, x):
        half_dim = self.dim // 2
        emb = math.log(self.theta) / (half_dim - 1)
        emb = torch.exp(torch.arange(half_dim, device=x.device) * -emb)
        emb = x[:, None] * emb[None, :]
        return torch.cat((emb.sin(), emb.cos()), dim=-1)


class Denoiser(nn.Module):
    def __init__(self, hidden=64, t_dim=16):
        super().__init__()
        self.time_mlp = nn.Sequential(SinusoidalPosEmb(t_dim), nn.Linear(t_dim, hidden), nn.SiLU())
        self.inp = nn.Linear(2, hidden)
        self.blocks = nn.ModuleList([nn.Sequential(nn.SiLU(), nn.Linear(hidden, hidden)) for _ in range(2)])
        self.out = nn.Sequential(nn.SiLU(), nn.Linear(hidden, 2))

    def forward(self, x, t):
        h = self.inp(x) + self.time_mlp(t.float())
        for block in self.blocks:
            h = h + block(h)
        return self.out(h)


emb = SinusoidalPosEmb(8)(torch.tensor([0.0, 1.0, 50.0]))
print("embedding of t=1:", emb[1].round(decimals=3))

model = Denoiser()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=200, eta_min=1e-4)

data_gen = torch.Generator().manual_seed(42)
losses = []
for step in range(200):
    x0, _ = gaussian_mixture(128, generator=data_gen)
    t = torch.randint(0, T, (x0.shape[0],), dtype=torch.long)
    noise = torch.randn_like(x0)
    xt = extract(alphas_cumprod.sqrt(), t, x0.shape) * x0 + extract((1 - alphas_cumprod).sqrt(), t, x0.shape) * noise
    loss = F.mse_loss(model(xt, t), noise)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    losses.append(loss.item())
    if (step + 1) % 100 == 0:
        print(f"step {step + 1}: loss(avg100) = {sum(losses[-100:]) / 100:.3f}  lr = {sched.get_last_lr()[0]:.5f}")


@torch.no_grad()
def ddim_sample(model, n, steps=20, eta=0.0, generator=None):
    x = torch.randn(n, 2, generator=generator)
    times = torch.linspace(T - 1, 0, steps + 1).long()
    pairs = list(zip(times[:-1].tolist(), times[1:].tolist()))
    for t_cur, t_next in pairs:
        t_batch = torch.full((n,), t_cur, dtype=torch.long)
        eps = model(x, t_batch)
        a_t = alphas_cumprod[t_cur]
        a_next = alphas_cumprod[t_next] if t_next >= 0 else torch.tensor(1.0)
        x0_pred = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
        x0_pred = x0_pred.clamp(-3.0, 3.0)
        sigma = eta * ((1 - a_next) / (1 - a_t) * (1 - a_t / a_next)).sqrt()
        c = (1 - a_next - sigma ** 2).sqrt()
        x = a_next.sqrt() * x0_pred + c * eps
        if eta > 0:
            x = x + sigma * torch.randn(x.shape, generator=generator)
    return x


model.eval()
g = torch.Generator()
g.manual_seed(2024)
state = g.get_state()
s_det = ddim_sample(model, 256, eta=0.0, generator=g)
g.set_state(state)
s_det2 = ddim_sample(model, 256, eta=0.0, generator=g)
print("DDIM deterministic reproducible:", torch.equal(s_det, s_det2))
g_fork = g.clone_state()                      # an independent copy at the same point of the stream
s_sto = ddim_sample(model, 256, eta=1.0, generator=g)
s_sto2 = ddim_sample(model, 256, eta=1.0, generator=g_fork)
print("DDIM eta=1 reproducible from clone_state:", torch.equal(s_sto, s_sto2), g_fork.initial_seed())
for name, s in [("eta=0", s_det), ("eta=1", s_sto)]:
    r = s.norm(dim=1)
    ang = torch.atan2(s[:, 1], s[:, 0])
    mode = torch.remainder(torch.round(ang / (2 * math.pi / 8)), 8).long()
    counts = torch.bincount(mode, minlength=8)
    print(f"{name}: radius mean {r.mean().item():.2f} std {r.std().item():.2f}; modes hit {int((counts > 0).sum())}/8")
print("mode counts (eta=0):", torch.bincount(torch.remainder(torch.round(torch.atan2(s_det[:, 1], s_det[:, 0]) / (math.pi / 4)), 8).long(), minlength=8).tolist())
