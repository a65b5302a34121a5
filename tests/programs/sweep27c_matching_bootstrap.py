"""Nearest-neighbour matching (Euclidean and Mahalanobis, with a caliper) and bootstrap confidence intervals
for the ATT."""
import torch

torch.manual_seed(3)
n1, n0, p = 60, 200, 2
X1 = torch.randn(n1, p) + torch.tensor([0.6, -0.3])
X0 = torch.randn(n0, p)
f = lambda X: 1.0 + X[:, 0] - 0.5 * X[:, 1] ** 2
Y1 = f(X1) + 1.0 + 0.4 * torch.randn(n1)
Y0 = f(X0) + 0.4 * torch.randn(n0)
print("raw mean difference: %.4f" % (Y1.mean() - Y0.mean()).item())

# Euclidean 1-NN with replacement
D = torch.cdist(X1, X0)
print("distance matrix:", D.shape, D.dtype)
nn1 = D.topk(3, dim=1, largest=False)
print("first match rows:", nn1.indices[:3].tolist())
print(nn1.values[:2])
idx = nn1.indices[:, 0]
att_1nn = (Y1 - Y0[idx]).mean()
print(f"ATT 1-NN: {att_1nn.item():.4f}")
att_3nn = (Y1 - Y0[nn1.indices].mean(dim=1)).mean()
print(f"ATT 3-NN: {att_3nn.item():.4f}")
used, times = torch.unique(idx, return_counts=True)
print("distinct controls used:", used.numel(), "max reuse:", times.max().item())

# Mahalanobis distance with the pooled covariance
S = torch.cov(torch.cat([X1, X0]).T)
Sinv = torch.linalg.inv(S)
diff = X1[:, None, :] - X0[None, :, :]
M = torch.einsum("abi,ij,abj->ab", diff, Sinv, diff).clamp_min(0).sqrt()
mval, midx = M.min(dim=1)
print("mahalanobis match agrees with euclidean on", (midx == idx).sum().item(), "of", n1)

# caliper on the matched distance
cal = 0.25
ok = mval < cal
print("within caliper:", ok.sum().item())
att_cal = (Y1[ok] - Y0[midx[ok]]).mean()
print(f"ATT with caliper: {att_cal.item():.4f}")
print("dropped treated (first 5):", torch.nonzero(~ok).flatten()[:5])

# bias-corrected matching (Abadie-Imbens): regress Y0 on X among controls
A = torch.cat([torch.ones(n0, 1), X0, X0 ** 2], 1)
beta = torch.linalg.lstsq(A, Y0).solution
mu0 = lambda X: torch.cat([torch.ones(X.shape[0], 1), X, X ** 2], 1) @ beta
att_bc = (Y1 - Y0[idx] - (mu0(X1) - mu0(X0[idx]))).mean()
print(f"ATT bias-corrected: {att_bc.item():.4f}")

# bootstrap: resample treated and controls, rematch
B = 200
gen = torch.Generator().manual_seed(7)
boot = torch.empty(B)
for b in range(B):
    i1 = torch.randint(0, n1, (n1,), generator=gen)
    i0 = torch.randint(0, n0, (n0,), generator=gen)
    d = torch.cdist(X1[i1], X0[i0])
    j = d.argmin(dim=1)
    boot[b] = (Y1[i1] - Y0[i0][j]).mean()
m, s = boot.mean(), boot.std()
print(f"bootstrap mean {m.item():.4f} sd {s.item():.4f}")
qs = torch.tensor([0.025, 0.975])
for mode in ("linear", "lower", "higher", "nearest", "midpoint"):
    lo, hi = torch.quantile(boot, qs, interpolation=mode)
    print(f"  percentile CI ({mode:8s}): [{lo.item():.4f}, {hi.item():.4f}]")
srt = boot.sort().values
print("kthvalue 5:", round(boot.kthvalue(5).values.item(), 4), "sorted[4]:", round(srt[4].item(), 4))
print("median:", round(boot.median().item(), 4), "nanmedian:", round(boot.nanmedian().item(), 4))
# basic (reverse percentile) interval
lo, hi = torch.quantile(boot, qs)
print(f"basic CI: [{(2 * att_1nn - hi).item():.4f}, {(2 * att_1nn - lo).item():.4f}]")
sd, mean = torch.std_mean(boot, correction=0)
print(f"std_mean: {sd.item():.4f} {mean.item():.4f}")

# Bayesian bootstrap: Dirichlet weights on the matched differences
dirich = torch.distributions.Dirichlet(torch.ones(n1))
W = dirich.sample((100,))
bb = W @ (Y1 - Y0[idx])
print("bayesian bootstrap:", bb.mean().round(decimals=3), bb.shape)

# position of the point estimate in the sorted bootstrap draws
pos = torch.searchsorted(srt, att_1nn.reshape(1))
print("searchsorted position:", pos)
print("running max of first 8 draws:", torch.cummax(boot[:8], 0).indices)
try:
    torch.cdist(X1, X0[:, :1])
except RuntimeError as err:
    print("cdist error:", err)
try:
    D.topk(300, dim=1)
except RuntimeError as err:
    print("topk error:", err)
try:
    torch.quantile(boot, torch.tensor([1.5]))
except RuntimeError as err:
    print("quantile error:", err)
