"""WGAN-GP on an 8-Gaussians ring: gradient penalty through autograd.grad(create_graph=True),
torch.rand interpolation weights, spectral / weight normalisation, n_critic updates."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch import autograd
from torch.nn.utils import spectral_norm, weight_norm
from torch.nn.utils import parametrizations

torch.manual_seed(1)
random.seed(1)
np.random.seed(1)

centers = torch.tensor([(math.cos(2 * math.pi * k / 8), math.sin(2 * math.pi * k / 8)) for k in range(8)]) * 2


def sample_real(n):
    idx = torch.from_numpy(np.random.randint(0, 8, size=n))
    return centers[idx] + 0.02 * torch.randn(n, 2)


class Generator(nn.Module):
    def __init__(self, nz=2, h=64):
        super().__init__()
        self.net = nn.Sequential(
            weight_norm(nn.Linear(nz, h)), nn.ReLU(True),
            nn.Linear(h, h), nn.ReLU(True),
            nn.Linear(h, 2))

    def forward(self, z):
        return self.net(z)


class Critic(nn.Module):
    def __init__(self, h=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, h), nn.LeakyReLU(0.2), nn.Linear(h, h), nn.LeakyReLU(0.2),
                                 nn.Linear(h, 1))

    def forward(self, x):
        return self.net(x).view(-1)


def compute_gradient_penalty(D, real_samples, fake_samples):
    alpha = torch.rand(real_samples.size(0), 1)
    alpha = alpha.expand(real_samples.size())
    interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)
    d_interpolates = D(interpolates)
    gradients = autograd.grad(outputs=d_interpolates, inputs=interpolates,
                              grad_outputs=torch.ones(d_interpolates.size()),
                              create_graph=True, retain_graph=True, only_inputs=True)[0]
    gradients = gradients.view(gradients.size(0), -1)
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean()


G, D = Generator(), Critic()
print(G.net[0])
print(sorted(n for n, _ in G.net[0].named_parameters()))
print(f"weight_g {G.net[0].weight_g.shape}  weight_v {G.net[0].weight_v.shape}")
optG = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.9))
optD = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.9))
LAMBDA, CRITIC_ITERS, BATCH = 0.1, 3, 64
one = torch.tensor(1, dtype=torch.float)
mone = one * -1

for iteration in range(60):
    for p in D.parameters():
        p.requires_grad = True
    for _ in range(CRITIC_ITERS):
        real = sample_real(BATCH)
        D.zero_grad()
        D_real = D(real).mean()
        D_real.backward(mone)
        noise = torch.randn(BATCH, 2)
        with torch.no_grad():
            fake = G(noise)
        D_fake = D(fake).mean()
        D_fake.backward(one)
        gradient_penalty = compute_gradient_penalty(D, real, fake) * LAMBDA
        gradient_penalty.backward()
        D_cost = D_fake - D_real + gradient_penalty
        Wasserstein_D = D_real - D_fake
        optD.step()
    for p in D.parameters():
        p.requires_grad = False
    G.zero_grad()
    fake = G(torch.randn(BATCH, 2))
    G_cost = -D(fake).mean()
    G_cost.backward()
    optG.step()
    if iteration % 20 == 0:
        print(f"iter {iteration:2d}  D_cost {D_cost.item():.2f}  W {Wasserstein_D.item():.2f}  "
              f"GP {gradient_penalty.item():.3f}")

with torch.no_grad():
    out = G(torch.randn(1000, 2))
print("generated spread %.0f" % out.std().item())
print(D.net[0].weight.requires_grad, D.net[0].weight.grad is not None)

# spectral norm, both the old hook-based API and the parametrization
torch.manual_seed(5)
lin = spectral_norm(nn.Linear(6, 4))
print(sorted(k for k in lin.state_dict()))
for _ in range(5):
    y = lin(torch.randn(3, 6))
sigma = torch.linalg.matrix_norm(lin.weight.detach(), ord=2)
print(f"old-style sigma {sigma.item():.3f}")
lin2 = parametrizations.spectral_norm(nn.Linear(6, 4))
print(type(lin2).__name__, sorted(k for k in lin2.state_dict()))
lin2.train()
for _ in range(10):
    lin2(torch.randn(3, 6))
print(f"parametrized sigma {torch.linalg.matrix_norm(lin2.weight.detach(), ord=2).item():.3f}")
print(lin2.parametrizations.weight.original.shape)

conv = spectral_norm(nn.Conv2d(2, 3, 3))
conv(torch.randn(1, 2, 5, 5))
w = conv.weight.detach().reshape(3, -1)
print(f"conv sigma {torch.linalg.svdvals(w)[0].item():.2f}")

wn = parametrizations.weight_norm(nn.Linear(3, 2))
print(sorted(k for k in wn.state_dict()))
print(torch.allclose(wn.weight, wn.parametrizations.weight.original1 /
                     wn.parametrizations.weight.original1.norm(dim=1, keepdim=True)
                     * wn.parametrizations.weight.original0))

# gradient of the gradient penalty reaches the critic's weights (double backward)
x = torch.randn(4, 2, requires_grad=True)
crit = Critic(8)
g, = autograd.grad(crit(x).sum(), x, create_graph=True)
pen = (g.norm(2, dim=1) - 1).pow(2).mean()
pen.backward()
print(g.grad_fn.name(), crit.net[0].weight.grad.abs().sum().item() > 0)
