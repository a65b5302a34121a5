"""Exact Gaussian-process regression written in plain torch, the way GPyTorch-inspired tutorials
build it from scratch: an RBF kernel through torch.cdist, raw (unconstrained) hyperparameters
mapped through softplus, the negative marginal log-likelihood from linalg.cholesky,
cholesky_solve and the log-diagonal of L, optimized with Adam, then the posterior mean and variance
(solve_triangular), a 95% credible band and the test log-likelihood."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def f_true(x):
    return torch.sin(3 * x) + 0.3 * torch.cos(9 * x)


n_train = 24
train_x = torch.rand(n_train, 1) * 2 - 1
train_y = f_true(train_x).squeeze(-1) + 0.05 * torch.randn(n_train)
test_x = torch.linspace(-1, 1, 9).unsqueeze(-1)


class RBFKernel(nn.Module):
    def __init__(self):
        super().__init__()
        self.raw_lengthscale = nn.Parameter(torch.zeros(1))
        self.raw_outputscale = nn.Parameter(torch.zeros(()))

    @property
    def lengthscale(self):
        return F.softplus(self.raw_lengthscale) + 1e-4

    @property
    def outputscale(self):
        return F.softplus(self.raw_outputscale)

    def forward(self, x1, x2):
        d = torch.cdist(x1 / self.lengthscale, x2 / self.lengthscale).pow(2)
        return self.outputscale * torch.exp(-0.5 * d)


class ExactGP(nn.Module):
    def __init__(self, train_x, train_y):
        super().__init__()
        self.train_x, self.train_y = train_x, train_y
        self.kernel = RBFKernel()
        self.mean_const = nn.Parameter(torch.zeros(()))
        self.raw_noise = nn.Parameter(torch.tensor(-2.0))

    @property
    def noise(self):
        return F.softplus(self.raw_noise) + 1e-6

    def neg_mll(self):
        n = self.train_x.shape[0]
        K = self.kernel(self.train_x, self.train_x) + self.noise * torch.eye(n)
        L = torch.linalg.cholesky(K)
        r = (self.train_y - self.mean_const).unsqueeze(-1)
        alpha = torch.cholesky_solve(r, L)
        quad = (r * alpha).sum()
        logdet = 2 * torch.log(torch.diagonal(L)).sum()
        return 0.5 * (quad + logdet + n * math.log(2 * math.pi)) / n

    def posterior(self, x):
        n = self.train_x.shape[0]
        K = self.kernel(self.train_x, self.train_x) + self.noise * torch.eye(n)
        L = torch.linalg.cholesky(K)
        Ks = self.kernel(self.train_x, x)
        r = (self.train_y - self.mean_const).unsqueeze(-1)
        alpha = torch.cholesky_solve(r, L)
        mean = self.mean_const + (Ks.transpose(-1, -2) @ alpha).squeeze(-1)
        v = torch.linalg.solve_triangular(L, Ks, upper=False)
        var = self.kernel.outputscale - v.pow(2).sum(0)
        return mean, var.clamp_min(1e-9)


model = ExactGP(train_x, train_y)
print(model)
for name, p in model.named_parameters():
    print(f"{name:28s} {tuple(p.shape)} {p.item():.4f}")

optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
for it in range(60):
    optimizer.zero_grad()
    loss = model.neg_mll()
    loss.backward()
    optimizer.step()
    if it % 10 == 0 or it == 59:
        print(f"iter {it:3d} loss {loss.item():.4f} lengthscale {model.kernel.lengthscale.item():.4f} "
              f"outputscale {model.kernel.outputscale.item():.4f} noise {model.noise.item():.5f}")

with torch.no_grad():
    mean, var = model.posterior(test_x)
    std = var.sqrt()
    lower, upper = mean - 1.96 * std, mean + 1.96 * std
    truth = f_true(test_x).squeeze(-1)
    for x, m, lo, hi, t in zip(test_x.squeeze(-1), mean, lower, upper, truth):
        print(f"x={x.item():+.3f} mean={m.item():+.4f} band=[{lo.item():+.4f}, {hi.item():+.4f}] "
              f"true={t.item():+.4f}")
    covered = ((truth >= lower) & (truth <= upper)).sum().item()
    print("covered", covered, "of", truth.numel())
    rmse = (mean - truth).pow(2).mean().sqrt()
    print(f"rmse {rmse.item():.4f}")
    pred = torch.distributions.Normal(mean, (var + model.noise).sqrt())
    print(f"test log-lik {pred.log_prob(truth).sum().item():.4f}")
    print(torch.round(mean, decimals=3))
    print(var.dtype, mean.shape, std.max() > std.min())
