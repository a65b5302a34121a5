"""Wasserstein distances between empirical distributions, as in a tutorial on sliced optimal transport:
closed-form 1-D W_p from sorted samples and from CDFs (torch.sort, torch.cumsum, torch.searchsorted),
earth mover's distance between histograms built with torch.histc and torch.bincount, the sliced
Wasserstein distance with random projections on the sphere, and a sliced-Wasserstein gradient flow
with torch.optim that moves a point cloud onto a target."""
import math

import torch
import torch.nn.functional as F
from torch.distributions import Normal, MultivariateNormal, Uniform

torch.manual_seed(7)


def w1d_sorted(x, y, p=2):
    xs, _ = torch.sort(x)
    ys, _ = torch.sort(y)
    return (xs - ys).abs().pow(p).mean().pow(1.0 / p)


def w1_cdf(x, y):
    allv, _ = torch.cat([x, y]).sort()
    deltas = allv.diff()
    cx = torch.searchsorted(x.sort().values, allv[:-1], right=True).float() / x.numel()
    cy = torch.searchsorted(y.sort().values, allv[:-1], right=True).float() / y.numel()
    return ((cx - cy).abs() * deltas).sum()


x = Normal(0.0, 1.0).sample((500,))
y = Normal(2.0, 0.5).sample((500,))
print("sample means:", f"{x.mean().item():.3f}", f"{y.mean().item():.3f}")
print("W1 sorted:", f"{w1d_sorted(x, y, p=1).item():.4f}", " W1 cdf:", f"{w1_cdf(x, y).item():.4f}")
print("W2 sorted:", f"{w1d_sorted(x, y).item():.4f}",
      " closed form:", f"{math.sqrt(2.0 ** 2 + (1.0 - 0.5) ** 2):.4f}")

# quantile functions
q = torch.tensor([0.1, 0.25, 0.5, 0.75, 0.9])
print("quantiles x:", torch.quantile(x, q))
print("quantiles y:", y.quantile(q, interpolation="nearest"))
print("W1 via quantiles:", f"{(torch.quantile(x, torch.linspace(0.005, 0.995, 199)) - torch.quantile(y, torch.linspace(0.005, 0.995, 199))).abs().mean().item():.4f}")

# earth mover's distance on histograms with common bins
bins, lo, hi = 30, -4.0, 4.0
hx = torch.histc(x, bins=bins, min=lo, max=hi)
hy = torch.histc(y, bins=bins, min=lo, max=hi)
print("hist x:", hx.long().tolist())
print("hist y nonzero bins:", hy.nonzero().squeeze(1).tolist())
width = (hi - lo) / bins
emd = (torch.cumsum(hx / hx.sum(), 0) - torch.cumsum(hy / hy.sum(), 0)).abs().sum() * width
print("EMD on histogram:", f"{emd.item():.3f}")
idx_x = ((x - lo) / width).floor().long().clamp(0, bins - 1)
print("bincount == histc:", torch.equal(torch.bincount(idx_x, minlength=bins).float(), hx))
edges = torch.linspace(lo, hi, bins + 1)
print("bucketize agrees:", torch.equal((torch.bucketize(x, edges[1:-1], right=True)), idx_x))

# sliced Wasserstein in 2-D
src = MultivariateNormal(torch.zeros(2), torch.eye(2)).sample((300,))
theta = Uniform(0.0, 2 * math.pi).sample((300,))
tgt = torch.stack([torch.cos(theta), torch.sin(theta)], dim=1) * 2.0 + torch.randn(300, 2) * 0.1
print("src", tuple(src.shape), src.dtype, " tgt radius mean:", f"{tgt.norm(dim=1).mean().item():.3f}")


def sliced_w2(X, Y, n_proj=64, generator=None):
    dirs = torch.randn(X.shape[1], n_proj, generator=generator)
    dirs = F.normalize(dirs, dim=0)
    px, _ = (X @ dirs).sort(dim=0)
    py, _ = (Y @ dirs).sort(dim=0)
    return ((px - py) ** 2).mean()


g = torch.Generator().manual_seed(123)
print("SW2^2(src, tgt):", f"{sliced_w2(src, tgt, generator=g).item():.4f}")
print("SW2^2(src, src):", sliced_w2(src, src).item())
print("SW2^2(tgt, tgt+1):", f"{sliced_w2(tgt, tgt + 1.0, n_proj=500).item():.2f}")

# gradient flow of the particles
particles = src.clone().requires_grad_(True)
opt = torch.optim.SGD([particles], lr=1.0, momentum=0.5)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=40, gamma=0.5)
for it in range(120):
    opt.zero_grad()
    loss = sliced_w2(particles, tgt, n_proj=32)
    loss.backward()
    opt.step()
    sched.step()
    if it % 40 == 0 or it == 119:
        r = particles.detach().norm(dim=1)
        print(f"iter {it:3d} SW={loss.item():.4f} radius mean={r.mean().item():.3f} "
              f"std={r.std().item():.3f} lr={sched.get_last_lr()[0]}")
print(particles.grad.shape, particles.grad.dtype, type(loss.grad_fn).__name__, loss.grad_fn.next_functions[0][0].name())

# errors a user hits
try:
    torch.histc(torch.arange(5), bins=4)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.quantile(x, torch.tensor([1.5]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.searchsorted(torch.tensor([3.0, 1.0]), torch.tensor([2.0]), sorter=torch.tensor([2, 0]))
except RuntimeError as e:
    print("RuntimeError:", e)
