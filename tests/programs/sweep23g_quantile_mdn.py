"""Quantile regression and a mixture density network from a probabilistic-forecasting course:
a multi-quantile head trained with the pinball loss broadcast over several quantiles at once
(torch.max of two products, and the where() formulation), quantile crossing fixed with cumsum of
softplus increments, interval coverage; then an MDN head returning
MixtureSameFamily(Categorical(logits), Normal(loc, softplus scale)) trained with -log_prob(y).mean(),
its mean / variance / cdf, and sampling."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical, MixtureSameFamily, Normal

torch.manual_seed(0)
n = 256
x = torch.rand(n, 1) * 6 - 3
noise = torch.randn(n, 1) * (0.2 + 0.3 * x.abs())
y = torch.sin(x) + noise
x_te = torch.linspace(-3, 3, 9).unsqueeze(1)
quantiles = torch.tensor([0.05, 0.25, 0.5, 0.75, 0.95])
print("data", x.shape, y.shape, f"{y.mean().item():.4f}", f"{y.std().item():.4f}")


def pinball_loss(pred, target, q):
    # pred (N, Q), target (N, 1), q (Q,)
    err = target - pred
    return torch.max(q * err, (q - 1) * err).mean()


def pinball_where(pred, target, q):
    err = target - pred
    return torch.where(err >= 0, q * err, (q - 1) * err).mean(dim=0)


class QuantileNet(nn.Module):
    def __init__(self, n_q, hidden=32, monotone=False):
        super().__init__()
        self.monotone = monotone
        self.net = nn.Sequential(nn.Linear(1, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, n_q))

    def forward(self, x):
        out = self.net(x)
        if self.monotone:
            out = torch.cat([out[:, :1], out[:, :1] + torch.cumsum(F.softplus(out[:, 1:]), dim=1)], dim=1)
        return out


for monotone in (False, True):
    torch.manual_seed(1)
    qnet = QuantileNet(len(quantiles), monotone=monotone)
    opt = torch.optim.Adam(qnet.parameters(), lr=1e-2)
    for ep in range(100):
        loss = pinball_loss(qnet(x), y, quantiles)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        pred = qnet(x)
        per_q = pinball_where(pred, y, quantiles)
        cover = (y <= pred).float().mean(dim=0)
        crossing = (pred[:, 1:] < pred[:, :-1]).any(dim=1).float().mean()
        print(f"monotone={monotone} loss {loss.item():.4f}")
        print("  per-quantile", per_q.round(decimals=3))
        print("  empirical", cover.round(decimals=2), f"crossing {crossing.item():.3f}")
        pt = qnet(x_te)
        print("  test", pt[:, [0, 2, 4]].round(decimals=2)[::4])
        inside = ((y >= pred[:, :1]) & (y <= pred[:, -1:])).float().mean()
        print(f"  90% PI coverage {inside.item():.3f} width {(pred[:, -1] - pred[:, 0]).mean().item():.3f}")

sorted_pred, idx = torch.sort(pred, dim=1)
print("sort fixes crossing", torch.equal(sorted_pred, pred), idx[0].tolist())


class MDN(nn.Module):
    def __init__(self, k=3, hidden=32):
        super().__init__()
        self.k = k
        self.body = nn.Sequential(nn.Linear(1, hidden), nn.Tanh())
        self.pi = nn.Linear(hidden, k)
        self.mu = nn.Linear(hidden, k)
        self.sigma = nn.Linear(hidden, k)

    def forward(self, x):
        h = self.body(x)
        mix = Categorical(logits=self.pi(h))
        comp = Normal(self.mu(h), F.softplus(self.sigma(h)) + 1e-3)
        return MixtureSameFamily(mix, comp)


torch.manual_seed(2)
mdn = MDN()
opt = torch.optim.Adam(mdn.parameters(), lr=1e-2)
for ep in range(120):
    dist = mdn(x)
    loss = -dist.log_prob(y.squeeze(-1)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if ep % 40 == 0 or ep == 119:
        print(f"mdn epoch {ep:3d} nll {loss.item():.4f}")

with torch.no_grad():
    d = mdn(x_te)
    print(d)
    print("batch", d.batch_shape, d.event_shape, d.mixture_distribution.probs.shape)
    print("weights", d.mixture_distribution.probs[::4].round(decimals=3))
    print("mean", d.mean.round(decimals=3))
    print("std", d.variance.sqrt().round(decimals=3))
    print("cdf(0)", d.cdf(torch.zeros(9)).round(decimals=3))
    grid = torch.linspace(-4, 4, 401).unsqueeze(1)
    dens = d.log_prob(grid).exp()
    print("density integrates", (dens.sum(0) * 0.02).round(decimals=2))
    torch.manual_seed(3)
    s = d.sample((500,))
    print("samples", s.shape, f"{(s.mean(0) - d.mean).abs().max().item() < 0.3}")
    qs = torch.quantile(s, quantiles, dim=0)
    print("mdn sample quantiles", qs[:, ::4].round(decimals=1))
    logp_manual = torch.logsumexp(d.component_distribution.log_prob(torch.zeros(9, 1))
                                  + torch.log_softmax(d.mixture_distribution.logits, dim=-1), dim=-1)
    print("manual logsumexp", torch.allclose(logp_manual, d.log_prob(torch.zeros(9)), atol=1e-6))
    train_d = mdn(x)
    nll = -train_d.log_prob(y.squeeze(-1))
    print(f"train nll {nll.mean().item():.4f} median {nll.median().item():.4f}")
    print(f"gaussian baseline {-Normal(y.mean(), y.std()).log_prob(y).mean().item():.4f}",
          f"{0.5 * math.log(2 * math.pi * math.e * y.var().item()):.4f}")
