"""Kernel PCA and HSIC as in an ML-theory course: centering with H = I - 11^T/n, the centred Gram
matrix's eigendecomposition (eigh, flipped to descending order), projections of training and new
points, explained variance, and the biased HSIC statistic with a permutation null."""
import torch

torch.manual_seed(7)
n = 50
theta = torch.rand(n) * 2 * torch.pi
r = torch.where(torch.arange(n) < n // 2, torch.tensor(1.0), torch.tensor(3.0))
X = torch.stack([r * torch.cos(theta), r * torch.sin(theta)], 1) + 0.1 * torch.randn(n, 2)
X = X.double()


def rbf(A, B, gamma=0.5):
    return torch.exp(-gamma * torch.cdist(A, B) ** 2)


K = rbf(X, X)
H = torch.eye(n, dtype=torch.float64) - torch.ones(n, n, dtype=torch.float64) / n
Kc = H @ K @ H
one_n = torch.full((n, n), 1.0 / n, dtype=torch.float64)
Kc2 = K - one_n @ K - K @ one_n + one_n @ K @ one_n
print("centering agree", torch.allclose(Kc, Kc2), f"row sums {Kc.sum(1).abs().max().item() < 1e-10}")
evals, evecs = torch.linalg.eigh(Kc)
evals, evecs = evals.flip(0), evecs.flip(1)
print("top eigenvalues", evals[:4].round(decimals=4))
explained = evals[:5] / evals.clamp(min=0).sum()
print("explained", [f"{v:.3f}" for v in explained.tolist()], f"cum {explained.cumsum(0)[-1].item():.3f}")
alphas = evecs[:, :2] / evals[:2].sqrt()
proj = Kc @ alphas
signs = torch.sign(proj[0])
proj = proj * signs
print("proj", proj.shape, proj[:3].round(decimals=4))
inner = proj[: n // 2, 0].mean().item()
outer = proj[n // 2:, 0].mean().item()
print(f"class means on pc1 {inner:.4f} {outer:.4f} separated {abs(inner - outer) > 0.1}")

Xnew = torch.tensor([[0.0, 1.0], [3.0, 0.0]], dtype=torch.float64)
Kn = rbf(Xnew, X)
ones_m = torch.full((2, n), 1.0 / n, dtype=torch.float64)
Knc = Kn - ones_m @ K - Kn @ one_n + ones_m @ K @ one_n
print("new points", (Knc @ alphas * signs).round(decimals=4))


def hsic(X, Y, sx, sy):
    m = X.shape[0]
    Kx = torch.exp(-torch.cdist(X, X).pow(2) / (2 * sx ** 2))
    Ky = torch.exp(-torch.cdist(Y, Y).pow(2) / (2 * sy ** 2))
    Hm = torch.eye(m, dtype=X.dtype) - 1.0 / m
    return torch.trace(Kx @ Hm @ Ky @ Hm) / (m - 1) ** 2


def median_bw(Z):
    return torch.pdist(Z).median()


torch.manual_seed(11)
a = torch.randn(40, 1, dtype=torch.float64)
b_dep = a ** 2 + 0.1 * torch.randn(40, 1, dtype=torch.float64)
b_ind = torch.randn(40, 1, dtype=torch.float64)
for name, b in [("dependent", b_dep), ("independent", b_ind)]:
    sx, sy = median_bw(a), median_bw(b)
    stat = hsic(a, b, sx, sy)
    null = torch.stack([hsic(a, b[torch.randperm(40)], sx, sy) for _ in range(50)])
    p = (null >= stat).double().mean().item()
    print(f"{name:11s} hsic {stat.item():.5f} null mean {null.mean().item():.5f} p {p:.2f}"
          f" corr {torch.corrcoef(torch.cat([a, b], 1).T)[0, 1].item():+.3f}")

# normalised HSIC (CKA)
def cka(Kx, Ky):
    Kx_c = H @ Kx @ H
    Ky_c = H @ Ky @ H
    return (Kx_c * Ky_c).sum() / (torch.linalg.matrix_norm(Kx_c) * torch.linalg.norm(Ky_c, "fro"))


print(f"cka self {cka(K, K).item():.4f} vs linear {cka(K, X @ X.T).item():.4f}")
