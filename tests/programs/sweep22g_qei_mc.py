"""Monte-Carlo acquisition functions in plain torch, the way BoTorch's MC acquisition tutorial
explains them: a fixed GP posterior over q candidate points, fixed quasi-Monte-Carlo base samples
(SobolEngine.draw_base2 mapped through Normal.icdf, as a SobolQMCNormalSampler does) or i.i.d.
torch.randn base samples, reparameterized joint samples mean + L @ z with L from
linalg.cholesky (plus jitter), qEI / qPI / qUCB / qSimpleRegret as means over samples of
max over q, gradients of qEI with respect to the candidate batch, and a sequential greedy q-batch
selection over a Sobol candidate set."""
import math

import torch
from torch.distributions import Normal
from torch.quasirandom import SobolEngine

torch.manual_seed(3)
torch.set_default_dtype(torch.float64)


def rbf(x1, x2, ls=0.25):
    return torch.exp(-0.5 * torch.cdist(x1, x2).pow(2) / ls ** 2)


train_x = torch.rand(10, 2)
train_y = torch.sin(5 * train_x[:, 0]) * torch.cos(3 * train_x[:, 1]) + 0.1 * torch.randn(10)
train_y = (train_y - train_y.mean()) / train_y.std()
noise = 1e-3
K = rbf(train_x, train_x) + noise * torch.eye(10)
L_train = torch.linalg.cholesky(K)
alpha = torch.cholesky_solve(train_y.unsqueeze(-1), L_train)
best_f = train_y.max()
print(f"best observed (standardized) {best_f.item():.4f}")


def posterior(X):
    """X: batch x q x d -> mean batch x q, covariance batch x q x q"""
    Ks = rbf(train_x, X)                                   # batch x n x q
    mean = (Ks.transpose(-1, -2) @ alpha).squeeze(-1)
    v = torch.linalg.solve_triangular(L_train, Ks, upper=False)
    cov = rbf(X, X) - v.transpose(-1, -2) @ v
    return mean, cov


def qmc_normal_base_samples(n_log2, q, seed):
    engine = SobolEngine(dimension=q, scramble=True, seed=seed)
    u = engine.draw_base2(n_log2)
    u = u.clamp(1e-6, 1 - 1e-6)
    return Normal(0.0, 1.0).icdf(u)                        # (2**n_log2) x q


def mc_samples(X, base):
    mean, cov = posterior(X)
    q = cov.shape[-1]
    L = torch.linalg.cholesky(cov + 1e-8 * torch.eye(q))
    return mean.unsqueeze(-2) + (L.unsqueeze(-3) @ base.unsqueeze(-1)).squeeze(-1)


def qEI(X, base):
    s = mc_samples(X, base)
    return (s - best_f).clamp_min(0).max(dim=-1).values.mean(dim=-1)


def qPI(X, base, tau=1e-2):
    s = mc_samples(X, base)
    return torch.sigmoid((s.max(dim=-1).values - best_f) / tau).mean(dim=-1)


def qUCB(X, base, beta=0.2):
    mean, _ = posterior(X)
    s = mc_samples(X, base)
    scaled = mean.unsqueeze(-2) + math.sqrt(beta * math.pi / 2) * (s - mean.unsqueeze(-2)).abs()
    return scaled.max(dim=-1).values.mean(dim=-1)


def qSR(X, base):
    return mc_samples(X, base).max(dim=-1).values.mean(dim=-1)


q = 3
base_qmc = qmc_normal_base_samples(7, q, seed=11)
base_iid = torch.randn(128, q)
print("base samples", tuple(base_qmc.shape), f"qmc mean {base_qmc.mean().item():+.4f}",
      f"iid mean {base_iid.mean().item():+.4f}")
print(base_qmc[:3].round(decimals=4))

cands = SobolEngine(dimension=2, scramble=True, seed=5).draw(12).view(4, q, 2)
for name, fn in [("qEI", qEI), ("qPI", qPI), ("qUCB", qUCB), ("qSR", qSR)]:
    v_qmc = fn(cands, base_qmc)
    v_iid = fn(cands, base_iid)
    print(f"{name:5s} qmc {[round(v, 4) for v in v_qmc.tolist()]} iid {[round(v, 4) for v in v_iid.tolist()]}")

# analytic EI agrees with q=1 MC EI
X1 = cands[:, :1, :]
mean, cov = posterior(X1)
sigma = cov.squeeze(-1).squeeze(-1).clamp_min(1e-12).sqrt()
u = (mean.squeeze(-1) - best_f) / sigma
n01 = Normal(0.0, 1.0)
ei = sigma * (n01.log_prob(u).exp() + u * n01.cdf(u))
mc1 = qEI(X1, qmc_normal_base_samples(9, 1, seed=2))
print("analytic EI", [round(v, 4) for v in ei.tolist()])
print("MC EI q=1  ", [round(v, 3) for v in mc1.tolist()])

# gradient of qEI with respect to the candidates, then a few ascent steps clamped to [0, 1]
Xb = cands[1:2].clone().requires_grad_(True)
opt = torch.optim.Adam([Xb], lr=0.05)
for step in range(20):
    opt.zero_grad()
    val = qEI(Xb, base_qmc).sum()
    (-val).backward()
    if step == 0:
        print("grad norm at start", round(Xb.grad.norm().item(), 4))
    opt.step()
    with torch.no_grad():
        Xb.clamp_(0, 1)
print(f"qEI after ascent {qEI(Xb, base_qmc).item():.4f}")
print(Xb.detach().round(decimals=3))

# sequential greedy q-batch selection over a discrete Sobol set
pool = SobolEngine(dimension=2, scramble=True, seed=9).draw(64)
chosen = []
with torch.no_grad():
    for k in range(q):
        if chosen:
            prev = torch.stack(chosen).unsqueeze(0).expand(pool.shape[0], -1, -1)
            Xq = torch.cat([prev, pool.unsqueeze(1)], dim=1)
        else:
            Xq = pool.unsqueeze(1)
        vals = qEI(Xq, qmc_normal_base_samples(7, k + 1, seed=100 + k))
        j = vals.argmax().item()
        chosen.append(pool[j])
        print(f"pick {k}: index {j} point {[round(v, 3) for v in pool[j].tolist()]} qEI {vals[j].item():.4f}")
