"""Bootstrap confidence intervals as in stats-course notebooks: resampling indices with torch.randint
driven by a torch.Generator, percentile intervals from torch.quantile with every interpolation mode,
nanquantile on data with missing values, bias-corrected and accelerated (BCa) intervals from
torch.special.ndtr / ndtri and a jackknife, and the standard error of the median."""
import torch

torch.manual_seed(0)
g = torch.Generator().manual_seed(2024)

# skewed synthetic sample (exponential-ish), as a course would simulate
x = torch.empty(40).exponential_(1.5, generator=g)
print("sample:", x[:8])
print(f"n={x.numel()} mean={x.mean().item():.4f} median={x.median().item():.4f} std={x.std().item():.4f}")


def bootstrap(data, stat, B=500, generator=None):
    n = data.shape[0]
    idx = torch.randint(0, n, (B, n), generator=generator)
    return stat(data[idx])


boot_means = bootstrap(x, lambda s: s.mean(dim=1), generator=g)
print("boot means shape:", tuple(boot_means.shape), boot_means.dtype)
print(f"bootstrap SE of mean: {boot_means.std(unbiased=True).item():.4f}")
print("sample SD in double:", x.double().std().item(), "var:", x.var(correction=0).item())

alpha = 0.05
probs = torch.tensor([alpha / 2, 1 - alpha / 2])
for mode in ["linear", "lower", "higher", "nearest", "midpoint"]:
    lo, hi = torch.quantile(boot_means, probs, interpolation=mode)
    print(f"{mode:>8}: [{lo.item():.4f}, {hi.item():.4f}]")

q = torch.quantile(boot_means, 0.5)
print("median of boot means:", round(q.item(), 4), q.shape)
print("quartiles:", torch.quantile(x, torch.tensor([0.25, 0.5, 0.75]), interpolation="midpoint"))
print("keepdim:", torch.quantile(x.view(4, 10), 0.5, dim=1, keepdim=True).shape)

# median bootstrap with a 2-D quantile along dim
boot_medians = bootstrap(x, lambda s: s.quantile(0.5, dim=1), B=300, generator=g)
print(f"median SE: {boot_medians.std().item():.4f}")
ci = boot_medians.quantile(torch.tensor([0.05, 0.95], dtype=torch.float32))
print("90% CI for median:", ci.round(decimals=3))

# missing values: nanquantile vs quantile
y = x.clone()
y[torch.tensor([3, 7, 19])] = float("nan")
print("quantile with nan:", torch.quantile(y, 0.5))
print("nanquantile:", torch.nanquantile(y, torch.tensor([0.1, 0.5, 0.9])).round(decimals=4))
yy = y.view(4, 10)
print("row nanquantile:", torch.nanquantile(yy, 0.5, dim=1, interpolation="lower"))
print("nanmedian:", torch.nanmedian(y), torch.nanmean(y).round(decimals=4))

# BCa interval
theta_hat = x.mean()
z0 = torch.special.ndtri((boot_means < theta_hat).float().mean())
n = x.numel()
mask = ~torch.eye(n, dtype=torch.bool)
jack = torch.stack([x[mask[i]].mean() for i in range(n)])
jbar = jack.mean()
num = ((jbar - jack) ** 3).sum()
den = 6.0 * ((jbar - jack) ** 2).sum() ** 1.5
a = num / den
print(f"z0={z0.item():.4f} a={a.item():.4f}")
z = torch.special.ndtri(probs)
print("z alpha:", z)
adj = torch.special.ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
print("adjusted probs:", adj.round(decimals=4))
bca = torch.quantile(boot_means, adj)
print("BCa CI:", bca.round(decimals=3))
print("log_ndtr:", torch.special.log_ndtr(torch.tensor([-3.0, 0.0, 2.0])))

# jackknife bias and SE of the variance estimator
jvar = torch.stack([x[mask[i]].var(correction=0) for i in range(n)])
full = x.var(correction=0)
bias = (n - 1) * (jvar.mean() - full)
se = ((n - 1) / n * ((jvar - jvar.mean()) ** 2).sum()).sqrt()
print(f"var={full.item():.4f} jackknife bias={bias.item():.4f} se={se.item():.4f}")

# a batch of bootstrap replicates for two statistics at once
idx = torch.randint(n, (200, n), generator=g)
res = x[idx]
stats = torch.stack([res.mean(1), res.std(1), res.amax(1) - res.amin(1)], dim=1)
print("stat table shape:", stats.shape)
print("CIs per stat:\n", torch.quantile(stats, torch.tensor([0.025, 0.975]), dim=0).round(decimals=3))
print(torch.quantile(torch.tensor([[1., 2.], [3., 4.]], dtype=torch.float64), 0.3, dim=None))
print(torch.quantile(torch.arange(10.), torch.tensor(0.37), interpolation="nearest"))
print(torch.quantile(torch.arange(11.), torch.tensor([0.25, 0.75]), interpolation="nearest"))
