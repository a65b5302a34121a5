"""Goodness-of-fit and independence tests from a statistics course: contingency tables built with
torch.bincount (minlength=, weights=), histograms with torch.histc and torch.histogram (bins as an int,
as an edge tensor, range=, density=True, weight=), Pearson chi-square statistics and Cramer's V, and
one- and two-sample Kolmogorov-Smirnov statistics from sorted ECDFs with torch.searchsorted."""
import math

import torch

torch.manual_seed(3)

# contingency table for two categorical variables
n = 300
group = torch.randint(0, 3, (n,))
p_out = torch.tensor([0.5, 0.3, 0.2])
outcome = torch.multinomial(p_out, n, replacement=True)
outcome = torch.where((group == 2) & (torch.rand(n) < 0.3), torch.zeros_like(outcome), outcome)
table = torch.bincount(group * 3 + outcome, minlength=9).view(3, 3)
print("table:\n", table)
print("row sums:", table.sum(1), "col sums:", table.sum(0))
obs = table.float()
expected = obs.sum(1, keepdim=True) * obs.sum(0, keepdim=True) / obs.sum()
print("expected:\n", expected.round(decimals=2))
chi2 = ((obs - expected) ** 2 / expected).sum()
dof = (table.shape[0] - 1) * (table.shape[1] - 1)
print(f"chi2 = {chi2.item():.3f} with {dof} dof")
chi = torch.distributions.Chi2(torch.tensor(float(dof)))
print(f"upper tail via igammac: {torch.special.gammaincc(torch.tensor(dof / 2), chi2 / 2).item():.5f}")
print(f"chi2 log_prob: {chi.log_prob(chi2).item():.4f}")
cramers_v = math.sqrt(chi2.item() / (n * (min(table.shape) - 1)))
print(f"Cramer's V = {cramers_v:.4f}")

# weighted counts
w = torch.rand(n)
wc = torch.bincount(outcome, weights=w)
print("weighted counts:", wc.round(decimals=3), wc.dtype)
print("bincount double weights:", torch.bincount(torch.tensor([0, 2, 2, 5]), weights=torch.tensor([0.5, 1., 1., 2.], dtype=torch.float64)))
print("empty bincount:", torch.bincount(torch.tensor([], dtype=torch.long), minlength=3))

# goodness of fit of a die
rolls = torch.randint(1, 7, (600,))
counts = torch.bincount(rolls, minlength=7)[1:]
print("die counts:", counts)
exp_c = torch.full((6,), 100.0)
gof = ((counts - exp_c) ** 2 / exp_c).sum()
print(f"GOF chi2 = {gof.item():.2f}")

# histograms: histc and histogram
x = torch.randn(500)
h = torch.histc(x, bins=10, min=-3, max=3)
print("histc:", h)
print("histc default range:", torch.histc(torch.tensor([1., 2., 1., 4.]), bins=4))
hist, edges = torch.histogram(x, bins=8)
print("histogram counts:", hist)
print("edges:", edges.round(decimals=3))
hist_d, edges_d = torch.histogram(x, bins=6, range=(-3.0, 3.0), density=True)
print("density:", hist_d.round(decimals=4))
print(f"density integrates to {(hist_d * edges_d.diff()).sum().item():.4f}")
edge_t = torch.tensor([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
hist_e, e2 = torch.histogram(x, bins=edge_t)
print("custom edges:", hist_e, torch.equal(e2, edge_t))
hw, _ = torch.histogram(x, bins=edge_t, weight=torch.ones(500) * 0.5)
print("weighted:", hw)
hwd = torch.histogram(x, bins=edge_t, weight=torch.rand(500), density=True)
print("weighted density:", hwd.hist.round(decimals=4))
print("named:", type(hwd).__name__, hwd.bin_edges.shape)
print("weighted density values:", hwd.hist.tolist())

# chi-square GOF against the normal using bin probabilities from ndtr
cdf = torch.special.ndtr(edge_t)
probs = cdf.diff()
probs = probs / probs.sum()
exp_n = probs * x.numel()
stat = ((hist_e - exp_n) ** 2 / exp_n).sum()
print(f"normal GOF chi2 = {stat.item():.3f}")

# one-sample KS against N(0, 1)
xs, _ = torch.sort(x)
m = xs.numel()
F = torch.distributions.Normal(0.0, 1.0).cdf(xs)
ecdf_hi = torch.arange(1, m + 1) / m
ecdf_lo = torch.arange(0, m) / m
D = torch.maximum((ecdf_hi - F).max(), (F - ecdf_lo).max())
print(f"KS D = {D.item():.4f}, sqrt(n) D = {math.sqrt(m) * D.item():.4f}")

# two-sample KS with searchsorted
y = torch.randn(400) * 1.1 + 0.1
ys, _ = torch.sort(y)
grid = torch.cat([xs, ys])
cdf_x = torch.searchsorted(xs, grid, right=True) / xs.numel()
cdf_y = torch.searchsorted(ys, grid, right=True) / ys.numel()
D2 = (cdf_x - cdf_y).abs().max()
print(f"two-sample D = {D2.item():.4f}")
left = torch.searchsorted(xs, torch.tensor([-1.0, 0.0, 1.0]), side="left")
right = torch.searchsorted(xs, torch.tensor([-1.0, 0.0, 1.0]), side="right")
print("left:", left, "right:", right)
print(torch.searchsorted(torch.tensor([1, 2, 2, 3]), torch.tensor([2, 2]), right=True))
print(torch.searchsorted(torch.tensor([1., 2., 2., 3.]), 2.0))
print(torch.searchsorted(torch.tensor([[1., 3.], [2., 4.]]), torch.tensor([[2.5], [2.5]]), out_int32=True))
sorter = torch.argsort(torch.tensor([3., 1., 2.]))
print(torch.searchsorted(torch.tensor([3., 1., 2.]), torch.tensor([2.5]), sorter=sorter))
print("bucketize:", torch.bucketize(torch.tensor([-2., 0.3, 5.]), edge_t), torch.bucketize(torch.tensor([0.5]), edge_t, right=True))
