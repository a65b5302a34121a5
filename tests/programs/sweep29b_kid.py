"""Kernel Inception Distance: unbiased MMD^2 with a cubic polynomial kernel, subset averages and a
bootstrap confidence interval."""
import torch


def poly_kernel(x, y, degree=3, gamma=None, coef0=1.0):
    if gamma is None:
        gamma = 1.0 / x.shape[1]
    return (gamma * x @ y.T + coef0) ** degree


def mmd2_unbiased(x, y, **kw):
    m, n = x.shape[0], y.shape[0]
    k_xx = poly_kernel(x, x, **kw)
    k_yy = poly_kernel(y, y, **kw)
    k_xy = poly_kernel(x, y, **kw)
    sum_xx = (k_xx.sum() - k_xx.diagonal().sum()) / (m * (m - 1))
    sum_yy = (k_yy.sum() - torch.diagonal(k_yy).sum()) / (n * (n - 1))
    return sum_xx + sum_yy - 2 * k_xy.mean()


def mmd2_biased(x, y):
    k = poly_kernel(torch.cat([x, y]), torch.cat([x, y]))
    m = x.shape[0]
    w = torch.full((2 * m,), 1.0 / m)
    w[m:] = -1.0 / m
    return w @ k @ w


def kid(real, fake, n_subsets=10, subset_size=50, generator=None):
    scores = torch.empty(n_subsets)
    for i in range(n_subsets):
        ir = torch.randperm(real.shape[0], generator=generator)[:subset_size]
        jf = torch.randperm(fake.shape[0], generator=generator)[:subset_size]
        scores[i] = mmd2_unbiased(real[ir], fake[jf])
    return scores.mean(), scores.std(unbiased=True)


# settings as a command line would give them: strings
config = dict(arg.split("=") for arg in "seed=1 threads=1 subsets=10".split())
torch.set_num_threads(int(config["threads"]))
torch.manual_seed(config["seed"])       # torch.manual_seed converts with int()
d = 16
real = torch.randn(300, d)
for name, fake in [("same", torch.randn(300, d)),
                   ("scaled", 1.5 * torch.randn(300, d)),
                   ("shifted", torch.randn(300, d) + 0.5)]:
    g = torch.Generator().manual_seed(123)
    mean, std = kid(real, fake, generator=g)
    print(f"{name:8s} KID = {mean.item() * 1000:8.3f} x1e-3  (std {std.item() * 1000:.3f})")

# RBF kernel variant with the median heuristic, in float64
x = real[:100].double()
y = (torch.randn(100, d) + 0.3).double()
z = torch.cat([x, y])
dist2 = torch.cdist(z, z).pow(2)
off = dist2[~torch.eye(200, dtype=torch.bool)]
bw = off.median()
print("median sq distance:", round(bw.item(), 3), off.numel())
kern = torch.exp(-dist2 / bw)
kxx, kyy, kxy = kern[:100, :100], kern[100:, 100:], kern[:100, 100:]
mask = 1 - torch.eye(100, dtype=torch.float64)
mmd = (kxx * mask).sum() / 9900 + (kyy * mask).sum() / 9900 - 2 * kxy.mean()
print(f"rbf mmd2 = {mmd.item():.5f}")
print("biased vs unbiased:", f"{mmd2_biased(real[:60], real[60:120]).item():.4f}",
      f"{mmd2_unbiased(real[:60], real[60:120]).item():.4f}")

# bootstrap confidence interval of the per-subset scores
torch.manual_seed(7)
fake = torch.randn(300, d) * 1.2
scores = torch.stack([mmd2_unbiased(real[i * 30:(i + 1) * 30], fake[i * 30:(i + 1) * 30])
                      for i in range(10)])
idx = torch.randint(0, 10, (2000, 10))
boot = scores[idx].mean(dim=1)
lo, hi = torch.quantile(boot, torch.tensor([0.025, 0.975]))
print(f"mean {scores.mean():.4f}  95% CI [{lo:.4f}, {hi:.4f}]")
srt, _ = boot.sort()
print("sorted ends:", srt[:3], srt[-3:])
print(torch.histc(boot, bins=5, min=boot.min().item(), max=boot.max().item()))

# torch.Generator().manual_seed is stricter than torch.manual_seed
for bad_seed in ["123", 1.5, None]:
    try:
        torch.Generator().manual_seed(bad_seed)
    except RuntimeError as e:
        print("RuntimeError:", e)
try:
    torch.manual_seed("abc")
except ValueError as e:
    print("ValueError:", e)
try:
    torch.set_num_threads(config["threads"])
except RuntimeError as e:
    print("RuntimeError:", e)

# a wrong-size subset
try:
    mmd2_unbiased(real[:10], fake[:10, :8])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.quantile(boot, 1.5)
except RuntimeError as e:
    print("RuntimeError:", e)
