"""RealNVP and a planar flow on 2-D two-moons data: affine coupling layers with checkerboard masks,
log|det J| sums, Normal / MultivariateNormal / Independent base distributions, and sampling."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch import distributions as D

torch.manual_seed(42)
random.seed(42)
np.random.seed(42)


def make_moons(n, noise=0.08):
    n_out = n // 2
    n_in = n - n_out
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    x = np.concatenate([np.cos(outer), 1 - np.cos(inner)])
    y = np.concatenate([np.sin(outer), 1 - np.sin(inner) - 0.5])
    X = np.stack([x, y], axis=1) + noise * np.random.randn(n, 2)
    return torch.from_numpy(X).float()


class CouplingLayer(nn.Module):
    def __init__(self, mask, hidden=32):
        super().__init__()
        self.register_buffer("mask", mask)
        self.s = nn.Sequential(nn.Linear(2, hidden), nn.LeakyReLU(), nn.Linear(hidden, hidden), nn.LeakyReLU(),
                               nn.Linear(hidden, 2), nn.Tanh())
        self.t = nn.Sequential(nn.Linear(2, hidden), nn.LeakyReLU(), nn.Linear(hidden, hidden), nn.LeakyReLU(),
                               nn.Linear(hidden, 2))

    def forward(self, x):
        x_masked = x * self.mask
        s = self.s(x_masked) * (1 - self.mask)
        t = self.t(x_masked) * (1 - self.mask)
        y = x_masked + (1 - self.mask) * (x * torch.exp(s) + t)
        return y, s.sum(dim=1)

    def inverse(self, y):
        y_masked = y * self.mask
        s = self.s(y_masked) * (1 - self.mask)
        t = self.t(y_masked) * (1 - self.mask)
        return y_masked + (1 - self.mask) * (y - t) * torch.exp(-s)


class RealNVP(nn.Module):
    def __init__(self, n_layers=4):
        super().__init__()
        masks = [torch.tensor([1.0, 0.0]) if i % 2 == 0 else torch.tensor([0.0, 1.0]) for i in range(n_layers)]
        self.layers = nn.ModuleList([CouplingLayer(m) for m in masks])
        self.register_buffer("loc", torch.zeros(2))
        self.register_buffer("cov", torch.eye(2))

    @property
    def prior(self):
        return D.MultivariateNormal(self.loc, covariance_matrix=self.cov)

    def forward(self, x):
        log_det = torch.zeros(x.shape[0])
        for layer in self.layers:
            x, ld = layer(x)
            log_det += ld
        return x, log_det

    def log_prob(self, x):
        z, log_det = self(x)
        return self.prior.log_prob(z) + log_det

    def sample(self, n):
        z = self.prior.sample((n,))
        for layer in reversed(self.layers):
            z = layer.inverse(z)
        return z


data = make_moons(400)
print("data:", data.shape, data.dtype, data[:3])
flow = RealNVP()
print(flow.layers[0])
print("mask buffers:", [b.tolist() for name, b in flow.named_buffers() if name.endswith("mask")])
opt = torch.optim.Adam(flow.parameters(), lr=3e-3, betas=(0.9, 0.99))
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.995)
for step in range(101):
    idx = torch.randperm(len(data))[:128]
    loss = -flow.log_prob(data[idx]).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 50 == 0:
        print(f"step {step:3d}  nll {loss.item():.2f}")

with torch.no_grad():
    nll = -flow.log_prob(data).mean()
    z, _ = flow(data)
    x_rec = z
    for layer in reversed(flow.layers):
        x_rec = layer.inverse(x_rec)
print(f"final nll {nll.item():.2f}")
print("reconstruction ok:", torch.allclose(x_rec, data, atol=1e-4))
print("latent std %.1f %.1f" % tuple(z.std(0).tolist()))
samples = flow.sample(500).detach()
print("samples:", samples.shape, "x range", samples[:, 0].min().item() < 0.0, samples[:, 0].max().item() > 1.5)
print(f"lr {sched.get_last_lr()[0]:.6f}")

# the same base density three ways
base_ind = D.Independent(D.Normal(torch.zeros(2), torch.ones(2)), 1)
base_mvn = flow.prior
pts = torch.tensor([[0.0, 0.0], [1.0, -2.0], [0.5, 0.5]])
print(base_ind)
print(base_ind.batch_shape, base_ind.event_shape, base_mvn.event_shape)
print(base_ind.log_prob(pts))
print(base_mvn.log_prob(pts))
print(D.Normal(0.0, 1.0).log_prob(pts).sum(-1))
print("entropy %.4f %.4f" % (base_ind.entropy().item(), base_mvn.entropy().item()))


# a planar flow: f(z) = z + u * tanh(w^T z + b), log|det| = log|1 + u^T psi|
class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(1, dim) * 0.1)
        self.w = nn.Parameter(torch.randn(1, dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, z):
        # enforce invertibility: w^T u >= -1
        wu = (self.w @ self.u.t()).squeeze()
        m_wu = -1 + torch.nn.functional.softplus(wu)
        u_hat = self.u + (m_wu - wu) * self.w / (self.w.norm() ** 2)
        lin = z @ self.w.t() + self.b
        f = z + u_hat * torch.tanh(lin)
        psi = (1 - torch.tanh(lin) ** 2) * self.w
        log_det = torch.log(torch.abs(1 + psi @ u_hat.t()) + 1e-8).squeeze(-1)
        return f, log_det


def target_log_density(z):
    # a ring of radius 2
    r = z.norm(dim=1)
    return -0.5 * ((r - 2.0) / 0.4) ** 2


planar = nn.Sequential(*[PlanarFlow(2) for _ in range(8)])
base = D.Normal(torch.zeros(2), torch.ones(2))
opt2 = torch.optim.RMSprop(planar.parameters(), lr=5e-3)
for step in range(101):
    z0 = base.rsample((128,))
    log_q = base.log_prob(z0).sum(1)
    z = z0
    for f in planar:
        z, ld = f(z)
        log_q = log_q - ld
    kl = (log_q - target_log_density(z)).mean()
    opt2.zero_grad()
    kl.backward()
    opt2.step()
    if step % 50 == 0:
        print(f"planar step {step:3d}  reverse KL {kl.item():.2f}")
print("mean radius %.1f" % z.detach().norm(dim=1).mean().item())
print(torch.round(planar[0].u.detach(), decimals=2))
