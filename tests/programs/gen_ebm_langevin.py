"""An energy-based model on 2-D data trained by contrastive divergence with short-run Langevin
dynamics (autograd.grad w.r.t. the inputs, requires_grad_(), a replay buffer), plus score
matching on a 1-D mixture."""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
random.seed(11)
np.random.seed(11)


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


class EnergyNet(nn.Module):
    def __init__(self, h=64):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(2, h), Swish(), nn.Linear(h, h), Swish(), nn.Linear(h, 1))

    def forward(self, x):
        return self.f(x).squeeze(-1)


def sample_data(n):
    mix = torch.distributions.Categorical(torch.tensor([0.5, 0.5]))
    comp = torch.distributions.Independent(
        torch.distributions.Normal(torch.tensor([[-1.5, 0.0], [1.5, 0.0]]), torch.tensor([[0.3, 0.3], [0.3, 0.3]])), 1)
    gmm = torch.distributions.MixtureSameFamily(mix, comp)
    return gmm.sample((n,))


def langevin(model, x, steps=20, step_size=0.05, noise=0.01):
    model.eval()
    x = x.clone().detach().requires_grad_(True)
    for p in model.parameters():
        p.requires_grad_(False)
    for _ in range(steps):
        x.data.add_(noise * torch.randn_like(x))
        energy = model(x).sum()
        grad_x, = torch.autograd.grad(energy, [x])
        x.data.add_(-step_size * grad_x.data.clamp_(-0.1, 0.1))
    for p in model.parameters():
        p.requires_grad_(True)
    model.train()
    return x.detach()


data = sample_data(1024)
print("data:", data.shape, f"mean |x| {data[:, 0].abs().mean().item():.2f}")
model = EnergyNet()
opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.0, 0.999))
buffer = torch.rand(512, 2) * 6 - 3
for it in range(60):
    real = data[torch.randint(0, len(data), (64,))]
    n_new = int((torch.rand(64) < 0.05).sum())
    idx = torch.randint(0, len(buffer), (64 - n_new,))
    init = torch.cat([torch.rand(n_new, 2) * 6 - 3, buffer[idx]], dim=0)
    fake = langevin(model, init)
    buffer[idx] = fake[n_new:]
    e_real, e_fake = model(real), model(fake)
    reg = 0.1 * (e_real ** 2 + e_fake ** 2).mean()
    loss = e_real.mean() - e_fake.mean() + reg
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_value_(model.parameters(), 0.5)
    opt.step()
    if it % 20 == 0:
        print(f"it {it:2d}  cd {(e_real.mean() - e_fake.mean()).item():+.2f}  reg {reg.item():.2f}")

with torch.no_grad():
    grid = torch.stack(torch.meshgrid(torch.linspace(-3, 3, 7), torch.linspace(-3, 3, 7), indexing="xy"), -1)
    energy = model(grid.reshape(-1, 2)).reshape(7, 7)
    print(grid.shape, energy.shape)
    print("energy at modes lower than at origin:",
          bool(model(torch.tensor([[-1.5, 0.0], [1.5, 0.0]])).mean() < model(torch.zeros(1, 2)) + 1.0))
samples = langevin(model, torch.rand(256, 2) * 6 - 3, steps=40)
print("samples finite:", torch.isfinite(samples).all().item(), samples.dtype, samples.requires_grad)

# gradient of the log-density: exact for a Gaussian
x = torch.randn(5, 2).requires_grad_()
mvn = torch.distributions.MultivariateNormal(torch.zeros(2), torch.tensor([[2.0, 0.5], [0.5, 1.0]]))
score, = torch.autograd.grad(mvn.log_prob(x).sum(), x)
exact = -x.detach() @ torch.linalg.inv(mvn.covariance_matrix)
print("Gaussian score matches:", torch.allclose(score, exact, atol=1e-5))
print(torch.round(score, decimals=3))


# denoising score matching on 1-D data with a noise-conditional net
class ScoreNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 32), nn.Softplus(), nn.Linear(32, 32), nn.Softplus(), nn.Linear(32, 1))

    def forward(self, x, sigma):
        return self.net(torch.cat([x, sigma.log()], dim=1)) / sigma


sigmas = torch.exp(torch.linspace(np.log(1.0), np.log(0.05), 5))
print("sigmas", sigmas)
x1d = torch.cat([torch.randn(256, 1) * 0.2 - 1, torch.randn(256, 1) * 0.2 + 1])
net = ScoreNet()
opt = torch.optim.Adam(net.parameters(), lr=3e-3)
for step in range(150):
    xb = x1d[torch.randperm(len(x1d))[:128]]
    labels = torch.randint(0, len(sigmas), (xb.shape[0],))
    used = sigmas[labels].view(-1, 1)
    perturbed = xb + torch.randn_like(xb) * used
    target = -(perturbed - xb) / used ** 2
    scores = net(perturbed, used)
    loss = 0.5 * ((scores - target) ** 2 * used ** 2).sum(dim=-1).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 0:
        print(f"dsm step {step:3d}  loss {loss.item():.2f}")

# annealed Langevin sampling
with torch.no_grad():
    xs = torch.rand(200, 1) * 4 - 2
    for sigma in sigmas:
        alpha = 0.1 * (sigma / sigmas[-1]) ** 2 * 0.001
        for _ in range(10):
            s = torch.full_like(xs, sigma.item())
            xs = xs + alpha * net(xs, s) + torch.sqrt(2 * alpha) * torch.randn_like(xs)
print("fraction near a mode: %.1f" % ((xs.abs() - 1).abs() < 0.5).float().mean().item())
print(F.softplus(torch.tensor([-30.0, -1.0, 0.0, 1.0, 30.0]), beta=2, threshold=10))
