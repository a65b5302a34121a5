"""Entropic OT on a 1-D grid, as in a course notebook on computational optimal transport: Gaussian
mixtures discretised into histograms, a squared-distance cost from torch.cdist, log-domain Sinkhorn
with torch.logsumexp, the debiased Sinkhorn divergence and its gradient by autograd, and the entropic
Wasserstein barycenter of several histograms by iterative Bregman projections."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)

n = 40
grid = torch.linspace(0.0, 1.0, n, dtype=torch.float64)


def gauss_hist(mean, std):
    h = torch.exp(-0.5 * ((grid - mean) / std) ** 2)
    return h / h.sum()


a = gauss_hist(0.25, 0.06)
b = 0.6 * gauss_hist(0.65, 0.05) + 0.4 * gauss_hist(0.85, 0.04)
print("masses:", round(a.sum().item(), 6), round(b.sum().item(), 6))
print("means:", f"{(a * grid).sum().item():.4f}", f"{(b * grid).sum().item():.4f}")

C = torch.cdist(grid[:, None], grid[:, None], p=2) ** 2
print("cost:", C.shape, C.dtype, f"max {C.max().item():.4f}", f"diag {C.diagonal().abs().max().item():.1f}")


def log_sinkhorn(a, b, C, eps, iters=200):
    log_a, log_b = a.log(), b.log()
    f = torch.zeros_like(a)
    g = torch.zeros_like(b)
    for _ in range(iters):
        f = -eps * torch.logsumexp((g[None, :] - C) / eps + log_b[None, :], dim=1)
        g = -eps * torch.logsumexp((f[:, None] - C) / eps + log_a[:, None], dim=0)
    log_P = (f[:, None] + g[None, :] - C) / eps + log_a[:, None] + log_b[None, :]
    return f, g, log_P.exp()


for eps in (0.05, 0.01, 0.002):
    f, g, P = log_sinkhorn(a, b, C, eps)
    err_r = (P.sum(1) - a).abs().max().item()
    err_c = (P.sum(0) - b).abs().max().item()
    cost = (P * C).sum().item()
    ent = -(P * torch.log(P + 1e-300)).sum().item()
    print(f"eps={eps:<6} cost={cost:.5f} dual={(f @ a + g @ b).item():.5f} entropy={ent:.3f} "
          f"row_err<1e-6:{err_r < 1e-6} col_err<1e-8:{err_c < 1e-8}")

# exact 1-D W2^2 from quantile functions, as a reference for small eps
qs = torch.linspace(0.0005, 0.9995, 2000, dtype=torch.float64)
cdf_a, cdf_b = a.cumsum(0), b.cumsum(0)
ia = torch.searchsorted(cdf_a, qs).clamp(max=n - 1)
ib = torch.searchsorted(cdf_b, qs).clamp(max=n - 1)
print("quantile W2^2 ~", f"{((grid[ia] - grid[ib]) ** 2).mean().item():.4f}")

# the transport plan of a coarse problem, printed
small = torch.linspace(0, 1, 6, dtype=torch.float64)
a6 = torch.tensor([0.3, 0.2, 0.2, 0.1, 0.1, 0.1], dtype=torch.float64)
b6 = a6.flip(0)
C6 = (small[:, None] - small[None, :]) ** 2
_, _, P6 = log_sinkhorn(a6, b6, C6, 0.01, iters=500)
print(P6)
print("support of plan:", (P6 > 1e-3).nonzero().tolist())
print("argmax per row:", P6.argmax(dim=1))


def sinkhorn_cost(x, y, eps):
    _, _, P = log_sinkhorn(x, y, C, eps, iters=100)
    return (P * C).sum() + eps * (P * (P.clamp_min(1e-300).log() - x.log()[:, None] - y.log()[None, :])).sum()


def sinkhorn_divergence(x, y, eps):
    return sinkhorn_cost(x, y, eps) - 0.5 * sinkhorn_cost(x, x, eps) - 0.5 * sinkhorn_cost(y, y, eps)


eps = 0.02
S_ab = sinkhorn_divergence(a, b, eps)
S_aa = sinkhorn_divergence(a, a, eps)
print("S(a,b) =", f"{S_ab.item():.4f}", " |S(a,a)| < 1e-9:", abs(S_aa.item()) < 1e-9)

# gradient w.r.t. the logits of the source histogram: a gradient flow that pulls a towards b
logits = a.log().clone().requires_grad_(True)
opt = torch.optim.Adam([logits], lr=0.05)
for step in range(31):
    x = F.softmax(logits, dim=0)
    loss = sinkhorn_divergence(x, b, eps)
    opt.zero_grad()
    loss.backward()
    if step % 10 == 0:
        mean = (x * grid).sum().item()
        print(f"flow step {step:2d}: S={loss.item():.4f} mean={mean:.4f} |grad|={logits.grad.norm().item():.4f}")
    opt.step()
print("grad_fn:", loss.grad_fn.name(), x.grad_fn.name())

# entropic barycenter of three histograms (Benamou et al. 2015, iterative Bregman projections)
A = torch.stack([gauss_hist(0.2, 0.05), gauss_hist(0.5, 0.08), gauss_hist(0.8, 0.04)], dim=1)
print("A:", tuple(A.shape))
K = torch.exp(-C / 0.004)


def barycenter(A, weights, K, iters=300):
    v = torch.ones_like(A)
    u = torch.ones_like(A)
    for _ in range(iters):
        u = A / (K @ v)
        bary = torch.exp((torch.log(K.T @ u) * weights[None, :]).sum(dim=1))
        v = bary[:, None] / (K.T @ u)
    return bary


for w in ([1 / 3, 1 / 3, 1 / 3], [0.8, 0.1, 0.1], [0.0, 0.5, 0.5]):
    weights = torch.tensor(w, dtype=torch.float64)
    bary = barycenter(A, weights, K)
    bary = bary / bary.sum()
    m = (bary * grid).sum()
    sd = ((bary * (grid - m) ** 2).sum()).sqrt()
    print(f"weights {w}: mean {m.item():.4f} sd {sd.item():.4f} peak at {grid[bary.argmax()].item():.4f}")

# float32 version of the same iteration, and a mismatched-marginal error
P32 = log_sinkhorn(a6.float(), b6.float(), C6.float(), 0.05, iters=200)[2]
print(P32.dtype, P32.sum(0))
try:
    log_sinkhorn(a6, b[:5], C6, 0.05, iters=1)
except RuntimeError as e:
    print("RuntimeError:", e)
