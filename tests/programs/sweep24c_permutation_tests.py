"""Two-sample tests by hand, as in a stats-with-PyTorch blog post: a permutation test of the difference
in means with torch.randperm and with torch.argsort(torch.rand(...)) for a whole batch of shuffles,
Welch's t statistic and its Welch-Satterthwaite degrees of freedom, a Mann-Whitney U test with
average ranks for ties (argsort of argsort, then unique/scatter for the tie groups), and
Bonferroni / Benjamini-Hochberg corrections of a vector of p-values."""
import math

import torch

torch.manual_seed(7)
a = torch.randn(25) * 1.2 + 0.6
b = torch.randn(30) * 0.8
print(f"group A: n={len(a)} mean={a.mean():.4f} sd={a.std():.4f}")
print(f"group B: n={len(b)} mean={b.mean():.4f} sd={b.std():.4f}")

obs = a.mean() - b.mean()
pooled = torch.cat([a, b])
n_a = a.numel()

# one shuffle at a time with randperm
count = 0
n_perm = 200
for _ in range(n_perm):
    perm = torch.randperm(pooled.numel())
    s = pooled[perm]
    diff = s[:n_a].mean() - s[n_a:].mean()
    count += int(diff.abs() >= obs.abs())
p_loop = (count + 1) / (n_perm + 1)
print(f"observed diff = {obs.item():.4f}, permutation p = {p_loop:.4f}")

# vectorised: a batch of permutations via argsort of uniform noise
gen = torch.Generator().manual_seed(11)
keys = torch.rand(1000, pooled.numel(), generator=gen)
perms = torch.argsort(keys, dim=1)
print("perms:", perms.shape, perms.dtype, perms[0, :6])
shuf = pooled[perms]
diffs = shuf[:, :n_a].mean(1) - shuf[:, n_a:].mean(1)
p_vec = ((diffs.abs() >= obs.abs()).sum() + 1) / (diffs.numel() + 1)
print(f"vectorised p = {p_vec.item():.4f}", p_vec.dtype)
print("null quantiles:", torch.quantile(diffs, torch.tensor([0.025, 0.975])).round(decimals=2))

# Welch's t-test
va, vb = a.var(), b.var()
se = torch.sqrt(va / len(a) + vb / len(b))
t = (a.mean() - b.mean()) / se
df = (va / len(a) + vb / len(b)) ** 2 / ((va / len(a)) ** 2 / (len(a) - 1) + (vb / len(b)) ** 2 / (len(b) - 1))
print(f"Welch t = {t.item():.3f}, df = {df.item():.2f}")
# normal approximation of the two-sided p-value
p_norm = 2 * torch.special.ndtr(-t.abs())
print(f"normal approx p = {p_norm.item():.5f}")
print(f"via erfc: {torch.erfc(t.abs() / math.sqrt(2)).item():.5f}")
# t distribution from torch.distributions
td = torch.distributions.StudentT(df)
print("StudentT log_prob at t:", round(td.log_prob(t).item(), 4))


# Mann-Whitney U with average ranks for ties
def rankdata(x):
    order = torch.argsort(x, stable=True)
    ranks = torch.empty_like(order)
    ranks[order] = torch.arange(1, len(x) + 1)
    ranks = ranks.to(torch.float64)
    uniq, inv, counts = torch.unique(x, return_inverse=True, return_counts=True)
    sums = torch.zeros(len(uniq), dtype=torch.float64).scatter_add_(0, inv, ranks)
    return (sums / counts)[inv], counts


xa = torch.round(a * 2) / 2          # coarse grid -> ties
xb = torch.round(b * 2) / 2
allv = torch.cat([xa, xb])
r, counts = rankdata(allv)
print("ranks (first 8):", r[:8])
print("argsort of argsort:", torch.argsort(torch.argsort(allv[:8], stable=True)))
R1 = r[:len(xa)].sum()
U1 = R1 - len(xa) * (len(xa) + 1) / 2
U2 = len(xa) * len(xb) - U1
N = len(allv)
tie = (counts.double() ** 3 - counts.double()).sum()
sigma = math.sqrt(len(xa) * len(xb) / 12 * ((N + 1) - tie.item() / (N * (N - 1))))
mu = len(xa) * len(xb) / 2
z = (U1 - mu) / sigma
print(f"U1={U1.item():.1f} U2={U2.item():.1f} z={z.item():.4f}")
print(f"p = {(2 * torch.special.ndtr(-z.abs())).item():.5f}")
print("tie groups:", counts[counts > 1])

# multiple testing on 12 features
X = torch.randn(12, 20)
Y = torch.randn(12, 20)
Y[:3] += 1.5
tstat = (X.mean(1) - Y.mean(1)) / torch.sqrt(X.var(1) / 20 + Y.var(1) / 20)
pvals = 2 * torch.special.ndtr(-tstat.abs())
print("p-values:", pvals.double().round(decimals=4))
bonf = torch.clamp(pvals * len(pvals), max=1.0)
print("Bonferroni reject:", (bonf < 0.05).nonzero().flatten().tolist())

m = len(pvals)
sp, order = torch.sort(pvals)
ranks = torch.arange(1, m + 1, dtype=sp.dtype)
adj = sp * m / ranks
adj = torch.flip(torch.cummin(torch.flip(adj, [0]), dim=0).values, [0]).clamp(max=1)
bh = torch.empty_like(adj).scatter_(0, order, adj)
print("BH adjusted:", bh.double().round(decimals=4))
print("BH reject:", torch.where(bh < 0.05)[0])
cm = torch.cummin(torch.tensor([3., 1., 2., 1., 0.5]), 0)
print(cm)
print(torch.cummax(torch.tensor([1, 3, 2, 3, 5]), dim=0).indices)
for i, p in enumerate(pvals[:4]):
    flag = "*" if p < 0.05 else ""
    print(f"feature {i}: t={tstat[i]:+.3f} p={p:.3e}{flag}")
