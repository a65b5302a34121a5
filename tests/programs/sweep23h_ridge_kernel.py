"""ML-theory homework, week 3: ridge regression paths and kernel ridge regression. The ridge solution
for a whole grid of lambdas at once with a batched torch.linalg.solve, the effective degrees of freedom
from the singular values, leave-one-out CV through the hat matrix, and kernel ridge regression with an
RBF kernel built from torch.cdist, picking the bandwidth on a validation split."""
import math

import torch

torch.manual_seed(1)


def make_data(n, d, noise=0.5, gen=None):
    X = torch.randn(n, d, generator=gen)
    w = torch.linspace(1.0, -1.0, d)
    y = X @ w + noise * torch.randn(n, generator=gen)
    return X, y, w


X, y, w_true = make_data(30, 8)
X64, y64 = X.double(), y.double()
lams = torch.logspace(-3, 3, 7, dtype=torch.float64)
print("lambda grid:", [f"{l:.0e}" for l in lams.tolist()])

d = X64.shape[1]
G = X64.T @ X64
A = G.unsqueeze(0) + lams.view(-1, 1, 1) * torch.eye(d, dtype=torch.float64)   # (L, d, d)
b = (X64.T @ y64).expand(len(lams), d)                                          # (L, d)
W = torch.linalg.solve(A, b)                                                    # (L, d)
print("batched A:", tuple(A.shape), "W:", tuple(W.shape))
W2 = torch.linalg.solve(A, b.unsqueeze(-1)).squeeze(-1)
print("solve with column rhs agrees:", torch.allclose(W, W2))

s = torch.linalg.svdvals(X64)
dof = (s.pow(2).unsqueeze(0) / (s.pow(2).unsqueeze(0) + lams.unsqueeze(1))).sum(1)
for lam, w, df in zip(lams, W, dof):
    err = (w - w_true.double()).norm().item()
    print(f"lam={lam.item():8.3f}  ||w||={w.norm().item():.4f}  df={df.item():.3f}  ||w-w*||={err:.4f}")

# leave-one-out via the hat matrix H = X (X^T X + lam I)^-1 X^T
loo = []
for lam in lams:
    H = X64 @ torch.linalg.solve(G + lam * torch.eye(d, dtype=torch.float64), X64.T)
    r = (y64 - H @ y64) / (1 - H.diagonal())
    loo.append(r.pow(2).mean())
loo = torch.stack(loo)
best = loo.argmin()
print("LOO errors:", loo.round(decimals=4))
print(f"best lambda: {lams[best].item():.3f} (index {best.item()})")
print("trace(H) matches df:", math.isclose(torch.trace(X64 @ torch.linalg.solve(G + lams[3] * torch.eye(d, dtype=torch.float64), X64.T)).item(), dof[3].item(), rel_tol=1e-9))

# ridge via the SVD, the textbook formula
U, S, Vh = torch.linalg.svd(X64, full_matrices=False)
w_svd = Vh.T @ torch.diag(S / (S ** 2 + lams[3])) @ U.T @ y64
print("svd formula agrees:", torch.allclose(w_svd, W[3]))
print("U, S, Vh shapes:", tuple(U.shape), tuple(S.shape), tuple(Vh.shape))


# kernel ridge regression on a 1-d problem
def rbf(A, B, gamma):
    return torch.exp(-gamma * torch.cdist(A, B).pow(2))


g = torch.Generator().manual_seed(7)
xtr = torch.rand(40, 1, generator=g) * 6 - 3
ytr = torch.sin(xtr).squeeze(1) + 0.1 * torch.randn(40, generator=g)
xva = torch.rand(20, 1, generator=g) * 6 - 3
yva = torch.sin(xva).squeeze(1)
print("cdist p=2 vs p=1:", f"{torch.cdist(xtr[:3], xva[:2]).sum().item():.4f}",
      f"{torch.cdist(xtr[:3], xva[:2], p=1).sum().item():.4f}")
D2 = torch.cdist(xtr, xtr, compute_mode="donot_use_mm_for_euclid_dist").pow(2)
print(f"dist^2 symmetric: {torch.allclose(D2, D2.T)}, diag max: {D2.diagonal().abs().max().item():.6f}")

results = {}
for gamma in [0.1, 1.0, 10.0]:
    for lam in [1e-3, 1e-1]:
        K = rbf(xtr.double(), xtr.double(), gamma)
        alpha = torch.linalg.solve(K + lam * torch.eye(40, dtype=torch.float64), ytr.double())
        pred = rbf(xva.double(), xtr.double(), gamma) @ alpha
        mse = (pred - yva.double()).pow(2).mean().item()
        results[(gamma, lam)] = mse
        print(f"gamma={gamma:5.1f} lam={lam:.0e}  val MSE={mse:.4f}  ||alpha||={alpha.norm().item():.2f}")
gbest, lbest = min(results, key=results.get)
print("best (gamma, lam):", (gbest, lbest))

K = rbf(xtr.double(), xtr.double(), gbest)
evals = torch.linalg.eigvalsh(K)
print(f"kernel top eigenvalues: {evals[-3:].flip(0).round(decimals=3).tolist()}, above 1e-3: {int((evals > 1e-3).sum())}")
print("K is PSD (up to roundoff):", bool(evals.min() > -1e-8))
Lk = torch.linalg.cholesky(K + lbest * torch.eye(40, dtype=torch.float64))
alpha_c = torch.cholesky_solve(ytr.double().unsqueeze(1), Lk).squeeze(1)
alpha_s = torch.linalg.solve(K + lbest * torch.eye(40, dtype=torch.float64), ytr.double())
print("cholesky_solve == solve:", torch.allclose(alpha_c, alpha_s))
grid = torch.linspace(-3, 3, 7).unsqueeze(1).double()
print("fit on grid:", (rbf(grid, xtr.double(), gbest) @ alpha_c).round(decimals=2))
print("sin on grid:", torch.sin(grid).squeeze(1).round(decimals=2))

# float32 batched solve with a left/right choice
A32 = torch.randn(4, 3, 3) + 3 * torch.eye(3)
B32 = torch.randn(4, 3, 2)
Xl = torch.linalg.solve(A32, B32)
Xr = torch.linalg.solve(A32, B32.transpose(-1, -2), left=False)
print("left:", tuple(Xl.shape), "right:", tuple(Xr.shape), Xl.dtype)
print(f"residual small: {bool((A32 @ Xl - B32).abs().max() < 1e-4)}, {bool((Xr @ A32 - B32.transpose(-1, -2)).abs().max() < 1e-4)}")
sol, info = torch.linalg.solve_ex(A32, B32)
print("solve_ex info:", info)
