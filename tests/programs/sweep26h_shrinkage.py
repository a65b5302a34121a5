"""Covariance shrinkage (Ledoit-Wolf by hand), PCA factors and out-of-sample evaluation."""
import torch

torch.manual_seed(4)
T, N = 60, 8
true_vol = torch.linspace(0.01, 0.03, N, dtype=torch.float64)
F = torch.randn(T, 2, dtype=torch.float64) * 0.01
B = torch.randn(2, N, dtype=torch.float64)
X = F @ B + torch.randn(T, N, dtype=torch.float64) * true_vol
Xc = X - X.mean(0, keepdim=True)
S = Xc.T @ Xc / T
print("sample cov trace", f"{S.trace().item():.6e}")

# Ledoit-Wolf shrink toward scaled identity
mu_t = S.trace() / N
prior = mu_t * torch.eye(N, dtype=torch.float64)
d2 = torch.linalg.matrix_norm(S - prior, ord="fro") ** 2
outer = torch.einsum("ti,tj->tij", Xc, Xc)
b2_bar = ((outer - S) ** 2).sum((1, 2)).mean() / T
b2 = torch.minimum(b2_bar, d2)
delta = (b2 / d2).item()
print(f"shrinkage intensity {delta:.4f}")
S_lw = delta * prior + (1 - delta) * S
ev_s = torch.linalg.eigvalsh(S)
ev_lw = torch.linalg.eigvalsh(S_lw)
print("cond sample", f"{(ev_s[-1] / ev_s[0]).item():.2f}", "cond LW", f"{(ev_lw[-1] / ev_lw[0]).item():.2f}")

# constant-correlation target
sd = S.diagonal().sqrt()
corr = S / torch.outer(sd, sd)
rbar = (corr.sum() - N) / (N * (N - 1))
target = rbar * torch.outer(sd, sd)
target.fill_diagonal_(0)
target += torch.diag(S.diagonal())
print("rbar", f"{rbar.item():.4f}")
print("target diag equal", torch.equal(target.diagonal(), S.diagonal()))

# PCA factor model
evals, evecs = torch.linalg.eigh(S)
evals, evecs = evals.flip(0), evecs.flip(1)
explained = evals / evals.sum()
print("explained", explained[:3].float())
k = 2
Bk = evecs[:, :k] * evals[:k].sqrt()
resid = torch.clamp(S.diagonal() - (Bk ** 2).sum(1), min=1e-8)
S_pca = Bk @ Bk.T + torch.diag_embed(resid)
U, sv, Vh = torch.linalg.svd(Xc / T ** 0.5, full_matrices=False)
print("svd^2 == eig", torch.allclose(sv ** 2, evals))
print("U shape", tuple(U.shape), "Vh shape", tuple(Vh.shape))

# out-of-sample min variance
X_oos = F[:20] @ B + torch.randn(20, N, dtype=torch.float64) * true_vol
one = torch.ones(N, 1, dtype=torch.float64)
for name, C in [("sample", S), ("ledoit-wolf", S_lw), ("pca", S_pca)]:
    w = torch.cholesky_solve(one, torch.linalg.cholesky(C)).squeeze(1)
    w = w / w.sum()
    oos = X_oos @ w
    print(f"{name:>12}: oos vol {oos.std().item() * 252 ** 0.5:.4f} gross {w.abs().sum().item():.3f}")
print("pinv check", torch.allclose(torch.linalg.pinv(S_lw) @ S_lw, torch.eye(N, dtype=torch.float64), atol=1e-8))
print("slogdet", [round(v.item(), 3) for v in torch.linalg.slogdet(S_lw)])
print("norms", f"{torch.linalg.norm(S_lw).item():.6e}", f"{torch.linalg.matrix_norm(S_lw, ord=2).item():.6e}")
print("triu", torch.triu_indices(3, 3, 1))
pairs = corr[torch.triu_indices(N, N, 1).unbind()]
print("mean pairwise corr", f"{pairs.mean().item():.4f}", pairs.shape)
print(torch.tril(corr[:3, :3].float()))
try:
    torch.linalg.eigh(S[:, :3])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.cholesky_solve(one.float(), S)
except RuntimeError as e:
    print("RuntimeError:", e)
