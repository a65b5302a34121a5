"""Kernel density estimation and correlation as in data-analysis tutorials: a Gaussian KDE evaluated with
torch.distributions.Normal(...).log_prob and torch.logsumexp, Silverman's and Scott's bandwidths,
leave-one-out log-likelihood for bandwidth selection, Pearson correlation with torch.corrcoef and
torch.cov (correction=0/1, fweights, aweights), and Spearman correlation from ranks."""
import math

import torch
from torch.distributions import Normal

torch.manual_seed(42)
data = torch.cat([torch.randn(60) * 0.5 - 1.0, torch.randn(40) * 0.8 + 1.5])
n = data.numel()
sd = data.std()
iqr = torch.quantile(data, 0.75) - torch.quantile(data, 0.25)
h_silverman = 0.9 * torch.minimum(sd, iqr / 1.34) * n ** (-1 / 5)
h_scott = 1.06 * sd * n ** (-0.2)
print(f"Silverman h = {h_silverman.item():.4f}, Scott h = {h_scott.item():.4f}")

grid = torch.linspace(-3, 4, 8)


def kde_logpdf(points, samples, h):
    kern = Normal(loc=samples, scale=h)
    lp = kern.log_prob(points.unsqueeze(-1))          # (G, N)
    return torch.logsumexp(lp, dim=-1) - math.log(samples.numel())


log_dens = kde_logpdf(grid, data, h_silverman)
print("log density:", log_dens.round(decimals=3))
print("density:", log_dens.exp().round(decimals=4))

# leave-one-out likelihood for a few bandwidths
for h in [0.1, 0.3, 0.5, 1.0]:
    lp = Normal(data.unsqueeze(0), h).log_prob(data.unsqueeze(1))
    lp = lp.masked_fill(torch.eye(n, dtype=torch.bool), float("-inf"))
    loo = (torch.logsumexp(lp, dim=1) - math.log(n - 1)).mean()
    print(f"h={h:.1f}: LOO log-lik = {loo.item():.4f}")
print("logsumexp all -inf:", torch.logsumexp(torch.full((3,), float("-inf")), 0))
print("logsumexp keepdim:", torch.logsumexp(torch.tensor([[0., 1.], [2., 3.]]), dim=1, keepdim=True))

# learn the bandwidth by gradient ascent on the LOO likelihood
log_h = torch.tensor(0.0, requires_grad=True)
opt = torch.optim.Adam([log_h], lr=0.1)
for step in range(30):
    h = log_h.exp()
    lp = Normal(data.unsqueeze(0), h).log_prob(data.unsqueeze(1))
    lp = lp.masked_fill(torch.eye(n, dtype=torch.bool), float("-inf"))
    loss = -(torch.logsumexp(lp, dim=1)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"learned h = {log_h.exp().item():.3f}")

# correlation
x = torch.randn(50, dtype=torch.float64)
y = 0.7 * x + 0.5 * torch.randn(50, dtype=torch.float64)
z = torch.randn(50, dtype=torch.float64)
M = torch.stack([x, y, z])
print("corrcoef:\n", torch.corrcoef(M).round(decimals=4))
print("cov:\n", torch.cov(M).round(decimals=4))
print("cov correction=0:\n", torch.cov(M, correction=0).round(decimals=4))
fw = torch.randint(1, 4, (50,))
aw = torch.rand(50, dtype=torch.float64)
print("cov fweights:\n", torch.cov(M, fweights=fw).round(decimals=4))
print("cov aweights:\n", torch.cov(M, aweights=aw).round(decimals=4))
print("cov both:\n", torch.cov(M, correction=0, fweights=fw, aweights=aw).round(decimals=4))
print("1-D cov:", torch.cov(x).round(decimals=4), torch.corrcoef(x))
r = torch.corrcoef(torch.stack([x, y]))[0, 1]
t_stat = r * math.sqrt(48) / torch.sqrt(1 - r ** 2)
print(f"Pearson r={r.item():.4f}, t={t_stat.item():.3f}")
# Fisher z interval
zr = torch.atanh(r)
se = 1 / math.sqrt(50 - 3)
lo, hi = torch.tanh(zr - 1.96 * se), torch.tanh(zr + 1.96 * se)
print(f"95% CI for r: [{lo.item():.4f}, {hi.item():.4f}]")


def spearman(u, v):
    ru = torch.argsort(torch.argsort(u)).to(u.dtype)
    rv = torch.argsort(torch.argsort(v)).to(v.dtype)
    return torch.corrcoef(torch.stack([ru, rv]))[0, 1]


print(f"Spearman rho = {spearman(x, y).item():.4f}, with z = {spearman(x, z).item():.4f}")
yc = y ** 3
print(f"monotone transform: pearson {torch.corrcoef(torch.stack([x, yc]))[0, 1].item():.4f} "
      f"spearman {spearman(x, yc).item():.4f}")
print("float32 corrcoef:", torch.corrcoef(M.float()[:2]).round(decimals=3))
print("constant row:", torch.corrcoef(torch.tensor([[1., 1., 1.], [1., 2., 3.]])))
print("int cov:", torch.cov(torch.tensor([[1, 2, 3], [2, 4, 7]])))
small = torch.tensor([[1., 2., 4.], [3., 5., 1.], [0.5, 0.25, 2.]], dtype=torch.float64)
print("3 observations:", torch.cov(small).tolist())
print("gram:", (small @ small.T).tolist())
