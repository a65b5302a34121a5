"""Randomized smoothing (Cohen et al.): Gaussian noise sampling, Monte Carlo class counts, a
Clopper-Pearson lower bound from the binomial distribution, certified L2 radii and certified accuracy."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Binomial, Normal, Beta, Categorical

torch.manual_seed(31)
D, C = 6, 3
means = torch.tensor([[1.0, 0, 0, 0, 0, 0], [0, 1.0, 0, 0, 0, 0], [0, 0, 1.0, 0, 0, 0]]) * 2
y = torch.randint(0, C, (90,))
X = means[y] + 0.5 * torch.randn(90, D)

base = nn.Sequential(nn.Linear(D, 16), nn.GELU(), nn.Linear(16, C))
opt = torch.optim.AdamW(base.parameters(), lr=0.05, weight_decay=0.01)
sigma = 0.5
for it in range(80):
    # Gaussian data augmentation: the base classifier must be accurate under noise
    noisy = X + sigma * torch.randn_like(X)
    loss = F.cross_entropy(base(noisy), y, label_smoothing=0.05)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"noise-augmented loss {loss.item():.4f}")
base.eval()


@torch.no_grad()
def sample_counts(x, n, batch=200):
    counts = torch.zeros(C, dtype=torch.long)
    remaining = n
    while remaining > 0:
        b = min(batch, remaining)
        noise = torch.normal(0.0, sigma, size=(b, D))
        pred = base(x.unsqueeze(0) + noise).argmax(dim=1)
        counts += torch.bincount(pred, minlength=C)
        remaining -= b
    return counts


def binom_cdf(k, n, p):
    ks = torch.arange(0, k + 1, dtype=torch.float64)
    return Binomial(total_count=n, probs=torch.tensor(p, dtype=torch.float64)).log_prob(ks).exp().sum().item()


def clopper_pearson_lower(k, n, alpha):
    # one-sided lower bound: the p with P[Bin(n, p) >= k] = alpha, found by bisection
    if k == 0:
        return 0.0
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        tail = 1.0 - binom_cdf(k - 1, n, mid)
        if tail < alpha:
            lo = mid
        else:
            hi = mid
    return lo


std_normal = Normal(torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))


def certify(x, n0=100, n=500, alpha=0.001):
    c_hat = sample_counts(x, n0).argmax().item()
    counts = sample_counts(x, n)
    p_a = clopper_pearson_lower(int(counts[c_hat]), n, alpha)
    if p_a < 0.5:
        return -1, 0.0, p_a
    radius = sigma * std_normal.icdf(torch.tensor(p_a, dtype=torch.float64)).item()
    return c_hat, radius, p_a


rows = []
for i in range(12):
    c_hat, r, p_a = certify(X[i])
    rows.append((int(y[i]), c_hat, r))
    print(f"x{i:02d} label {int(y[i])} pred {c_hat:2d} pA_lower {p_a:.3f} radius {r:.3f}")
radii = torch.tensor([r if c == t else -1.0 for t, c, r in rows])
for R in [0.0, 0.25, 0.5, 0.75, 1.0]:
    print(f"certified acc @ r={R:.2f}: {(radii >= R).float().mean().item():.4f}")

# the closed-form pieces next to each other
pa = torch.tensor([0.6, 0.9, 0.99, 0.999], dtype=torch.float64)
print("ndtri   ", torch.special.ndtri(pa))
print("icdf    ", std_normal.icdf(pa))
print("erfinv  ", math.sqrt(2) * torch.erfinv(2 * pa - 1))
print("radius  ", sigma * torch.special.ndtri(pa.float()))
print("cdf back", std_normal.cdf(torch.special.ndtri(pa)))
bin_d = Binomial(total_count=torch.tensor([10.0, 20.0]), probs=torch.tensor([0.3, 0.7]))
print("binomial mean/var", bin_d.mean, bin_d.variance)
print("binomial sample", bin_d.sample((3,)))
try:
    bin_d.entropy()
except NotImplementedError as e:
    print("NotImplementedError:", e)
print("binomial entropy", Binomial(12, probs=torch.tensor([0.3, 0.7, 0.5])).entropy())
print("binomial support", bin_d.support)
beta_d = Beta(torch.tensor([2.0, 5.0]), torch.tensor([3.0, 1.0]))
print("beta mean", beta_d.mean, "log_prob", beta_d.log_prob(torch.tensor([0.4, 0.9])))
try:
    beta_d.icdf(torch.tensor([0.5, 0.5]))
except NotImplementedError as e:
    print("NotImplementedError:", repr(e))
try:
    Binomial(10, probs=torch.tensor(0.5)).cdf(torch.tensor(3.0))
except NotImplementedError as e:
    print("NotImplementedError:", repr(e))
try:
    Binomial(10, probs=torch.tensor(0.5)).log_prob(torch.tensor(11.0))
except ValueError as e:
    print("ValueError:", str(e).splitlines()[0])

# smoothed prediction by majority vote with a Categorical of the base classifier's softmax
with torch.no_grad():
    probs = F.softmax(base(X[:4].unsqueeze(1) + sigma * torch.randn(4, 64, D)), dim=-1).mean(1)
print("smoothed soft probs", probs)
cat = Categorical(probs=probs)
print("votes", cat.sample((50,)).mode(dim=0).values, "entropy", cat.entropy())
counts = torch.stack([sample_counts(X[i], 200) for i in range(4)])
print(counts, counts.dtype)
top2 = counts.topk(2, dim=1)
print("top2", top2)
print("abstain", (top2.values[:, 0] - top2.values[:, 1]) < 20)
