"""Random Fourier features (Rahimi & Recht) and Nystrom, as in a kernel-methods lecture notebook:
frequencies drawn with torch.randn / torch.rand from a torch.Generator, cos / sin features scaled
by sqrt(2/D), the approximation error of the Gram matrix as D grows, ridge regression in feature
space, and the Nystrom approximation with eigh and pinv(hermitian=True)."""
import math

import torch

g = torch.Generator().manual_seed(1234)
n, d = 60, 4
X = torch.randn(n, d, generator=g)
sigma = 1.5


def rbf(A, B, s=sigma):
    return torch.exp(-torch.cdist(A, B).pow(2) / (2 * s * s))


K = rbf(X, X)
print("K", K.shape, K.dtype, f"trace {K.trace().item():.4f} mean {K.mean().item():.4f}")


class RFF:
    def __init__(self, d, D, sigma, generator):
        self.W = torch.randn(d, D, generator=generator) / sigma
        self.b = torch.rand(D, generator=generator) * 2 * math.pi
        self.D = D

    def __call__(self, x):
        return math.sqrt(2.0 / self.D) * torch.cos(x @ self.W + self.b)


def rff_sincos(x, W):
    proj = x @ W
    return torch.cat([torch.cos(proj), torch.sin(proj)], dim=1) / math.sqrt(W.shape[1])


gen = torch.Generator()
gen.manual_seed(0)
for D in [10, 100, 1000]:
    phi = RFF(d, D, sigma, gen)
    Z = phi(X)
    err = (Z @ Z.T - K).abs().max().item()
    W = torch.randn(d, D, generator=gen) / sigma
    Z2 = rff_sincos(X, W)
    err2 = torch.linalg.norm(Z2 @ Z2.T - K).item() / torch.linalg.norm(K).item()
    print(f"D={D:5d} cos+b max err {err:.2f}  sincos rel fro err {err2:.2f}  Z {tuple(Z.shape)}")

print("generator state", gen.initial_seed(), gen.get_state().shape)
print("first W", RFF(d, 3, sigma, torch.Generator().manual_seed(7)).W.round(decimals=4))

# ridge regression in feature space
y = torch.sin(X.sum(1)) + 0.05 * torch.randn(n, generator=g)
phi = RFF(d, 200, sigma, torch.Generator().manual_seed(3))
Z = phi(X)
lam = 1e-3
w = torch.linalg.solve(Z.T @ Z + lam * torch.eye(200), Z.T @ y)
print(f"rff ridge train mse {torch.mean((Z @ w - y) ** 2).item():.3f}  |w| {w.norm().item():.1f}")

# Nystrom
Xd = X.double()
Kd = rbf(Xd, Xd)
for m in [5, 15, 30]:
    idx = torch.randperm(n, generator=torch.Generator().manual_seed(m))[:m]
    C = Kd[:, idx]
    Wm = Kd[idx][:, idx]
    K_nys = C @ torch.linalg.pinv(Wm, hermitian=True) @ C.T
    evals, evecs = torch.linalg.eigh(Wm)
    keep = evals > 1e-10
    feat = C @ evecs[:, keep] / evals[keep].sqrt()
    same = torch.allclose(feat @ feat.T, K_nys, atol=1e-6)
    rel = (torch.linalg.norm(Kd - K_nys) / torch.linalg.norm(Kd)).item()
    print(f"m={m:2d} nystrom rel err {rel:.4f} top eig {evals[-1].item():.4f} rank {int(keep.sum())} feat==pinv {same}")
print("idx", idx[:6].tolist())
ev_full = torch.linalg.eigvalsh(Kd)
print("spectrum", ev_full.flip(0)[:5].round(decimals=4).tolist())
print(f"effective dim {(ev_full / (ev_full + 0.1)).sum().item():.4f}")

# gradient of the Nystrom approximation error with respect to the bandwidth
log_s = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
idx = torch.randperm(n, generator=torch.Generator().manual_seed(0))[:10]
for step in range(3):
    Ks = torch.exp(-torch.cdist(Xd, Xd).pow(2) * torch.exp(-2 * log_s) / 2)
    C = Ks[:, idx]
    approx = C @ torch.linalg.pinv(C[idx], hermitian=True) @ C.T
    err = torch.linalg.norm(Ks - approx) / torch.linalg.norm(Ks)
    err.backward()
    print(f"nystrom step {step} s {log_s.exp().item():.4f} err {err.item():.4f} grad {log_s.grad.item():+.4f}")
    with torch.no_grad():
        log_s -= 0.5 * log_s.grad
    log_s.grad.zero_()
