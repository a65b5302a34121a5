"""Synthetic correlated price paths, log returns, rolling statistics and drawdowns."""
import torch

torch.manual_seed(0)
n_assets, n_days = 4, 120
names = ["EQ", "BOND", "GOLD", "FX"]
vols = torch.tensor([0.20, 0.06, 0.15, 0.10]) / 252 ** 0.5
mus = torch.tensor([0.08, 0.03, 0.05, 0.01]) / 252
corr = torch.tensor([[1.0, -0.2, 0.1, 0.3],
                     [-0.2, 1.0, 0.2, 0.0],
                     [0.1, 0.2, 1.0, -0.1],
                     [0.3, 0.0, -0.1, 1.0]])
cov = corr * torch.outer(vols, vols)
L = torch.linalg.cholesky(cov)
print("cholesky lower?", torch.allclose(L, L.tril()))
z = torch.randn(n_days, n_assets)
rets = mus + z @ L.T
prices = 100 * torch.cumprod(1 + rets, dim=0)
prices = torch.cat([torch.full((1, n_assets), 100.0), prices])
print("prices shape", tuple(prices.shape), prices.dtype)
print("last prices", prices[-1])
logr = torch.diff(torch.log(prices), dim=0)
print("log-ret mean (bp)", (logr.mean(0) * 1e4).round(decimals=2))
ann_vol = logr.std(dim=0, unbiased=True) * 252 ** 0.5
for n, v in zip(names, ann_vol.tolist()):
    print(f"{n:>5}: ann vol {v:.4f}")

win = 20
roll = logr.unfold(0, win, 1)          # (days-win+1, assets, win)
print("rolling windows", tuple(roll.shape))
roll_mean = roll.mean(-1)
roll_vol = roll.std(-1) * 252 ** 0.5
print("rolling vol (last 3)\n", roll_vol[-3:])
print("max rolling vol per asset", roll_vol.max(dim=0))

# drawdowns
peak = torch.cummax(prices, dim=0).values
dd = prices / peak - 1
mdd, idx = dd.min(dim=0)
print("max drawdown", mdd)
print("trough day", idx)
print("underwater days", (dd < 0).sum(0))

# empirical correlation vs target
c = torch.corrcoef(logr.T)
print("empirical corr\n", c)
print("cov via torch.cov\n", (torch.cov(logr.T) * 252))
emp = torch.cov(logr.T, correction=0)
print("diag ratio", (emp.diag() / cov.diag()))

# cumulative returns in float64, two ways
r64 = rets.double()
cum1 = torch.prod(1 + r64, 0) - 1
cum2 = torch.expm1(torch.log1p(r64).sum(0))
print("cum ret", cum1, torch.allclose(cum1, cum2))
print("best/worst day", rets.amax(0), rets.amin(0))
print("argmax day", rets.argmax(0).tolist())
up = (rets > 0).float().mean(0)
print("hit rate", up)
