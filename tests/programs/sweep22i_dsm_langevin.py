"""Noise-conditional score network (NCSN) on two moons, as in blog posts on score-based models:
moons generated with torch, a geometric sigma ladder from torch.exp(torch.linspace(log ...)),
denoising score matching with a sigma-scaled loss (lambda(sigma) = sigma^2), the score net
conditioned on log(sigma) via torch.cat, and annealed Langevin dynamics with an explicit
torch.Generator passed to randn / randint, printing sample statistics and a cdist-based MMD."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)


def make_moons(n, noise=0.08, generator=None):
    n_out = n // 2
    n_in = n - n_out
    t_out = torch.linspace(0, math.pi, n_out)
    t_in = torch.linspace(0, math.pi, n_in)
    outer = torch.stack([torch.cos(t_out), torch.sin(t_out)], dim=1)
    inner = torch.stack([1 - torch.cos(t_in), 1 - torch.sin(t_in) - 0.5], dim=1)
    X = torch.cat([outer, inner], dim=0)
    X = X + noise * torch.randn(X.shape, generator=generator)
    perm = torch.randperm(n, generator=generator)
    return X[perm]


g_data = torch.Generator().manual_seed(0)
data = make_moons(512, generator=g_data)
data = (data - data.mean(0)) / data.std(0)
print("standardized:", bool(data.mean(0).abs().max() < 1e-5), "std", data.std(0).round(decimals=4).tolist())

sigma_begin, sigma_end, L = 2.0, 0.05, 8
sigmas = torch.exp(torch.linspace(math.log(sigma_begin), math.log(sigma_end), L))
print("sigmas", [f"{s:.4f}" for s in sigmas.tolist()])


class ScoreNet(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(3, hidden), nn.Softplus(),
            nn.Linear(hidden, hidden), nn.Softplus(),
            nn.Linear(hidden, 2),
        )

    def forward(self, x, sigma):
        # condition on log sigma, output score scaled by 1/sigma (Song & Ermon, technique 3)
        h = torch.cat([x, sigma.log().view(-1, 1).expand(x.shape[0], 1)], dim=1)
        return self.net(h) / sigma.view(-1, 1)


def dsm_loss(model, x, sigmas, anneal_power=2.0):
    labels = torch.randint(0, len(sigmas), (x.shape[0],), device=x.device)
    used_sigmas = sigmas[labels].view(x.shape[0], *([1] * len(x.shape[1:])))
    noise = torch.randn_like(x) * used_sigmas
    perturbed = x + noise
    target = -1 / (used_sigmas ** 2) * noise
    scores = model(perturbed, used_sigmas.squeeze(-1))
    target = target.view(target.shape[0], -1)
    scores = scores.view(scores.shape[0], -1)
    loss = 1 / 2. * ((scores - target) ** 2).sum(dim=-1) * used_sigmas.squeeze() ** anneal_power
    return loss.mean(dim=0)


model = ScoreNet()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
for step in range(1, 151):
    idx = torch.randint(0, data.shape[0], (128,))
    loss = dsm_loss(model, data[idx], sigmas)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    opt.step()
    if step % 50 == 0:
        print(f"step {step:3d}  dsm loss {loss.item():.3f}")


@torch.no_grad()
def anneal_langevin(model, x, sigmas, n_steps_each=10, step_lr=2e-4, generator=None):
    trajectory_norms = []
    for c, sigma in enumerate(sigmas):
        labels = torch.ones(x.shape[0]) * sigma
        step_size = step_lr * (sigma / sigmas[-1]) ** 2
        for s in range(n_steps_each):
            grad = model(x, labels)
            noise = torch.randn(x.shape, generator=generator)
            x = x + step_size * grad + noise * torch.sqrt(step_size * 2)
        trajectory_norms.append(x.norm(dim=1).mean().item())
    return x, trajectory_norms


gen = torch.Generator().manual_seed(1234)
x0 = torch.rand(200, 2, generator=gen) * 4 - 2
model.eval()
samples, norms = anneal_langevin(model, x0, sigmas, generator=gen)
print("mean |x| per level", [round(v, 2) for v in norms])
print("sample mean", samples.mean(0).round(decimals=2).tolist())
print("sample cov\n", torch.cov(samples.T).round(decimals=2))


def mmd_rbf(x, y, bandwidths=(0.2, 0.5, 1.0, 2.0)):
    xx, yy, xy = torch.cdist(x, x) ** 2, torch.cdist(y, y) ** 2, torch.cdist(x, y) ** 2
    k_xx = sum(torch.exp(-0.5 * xx / h ** 2) for h in bandwidths)
    k_yy = sum(torch.exp(-0.5 * yy / h ** 2) for h in bandwidths)
    k_xy = sum(torch.exp(-0.5 * xy / h ** 2) for h in bandwidths)
    return k_xx.mean() + k_yy.mean() - 2 * k_xy.mean()


ref = data[torch.randperm(data.shape[0], generator=gen)[:200]]
print(f"MMD(samples, data) = {mmd_rbf(samples, ref).item():.3f}")
print(f"MMD(uniform, data) = {mmd_rbf(x0, ref).item():.3f}")
in_box = ((samples.abs() < 3).all(dim=1)).float().mean()
print("fraction inside box:", in_box.item())
