"""Unsupervised learning from an ML course: k-means with cdist/argmin, a Gaussian mixture fitted by
EM in log space (logsumexp), PCA three ways (eigh of torch.cov, torch.pca_lowrank, torch.svd_lowrank)
and correlation matrices."""
import math

import torch

torch.manual_seed(21)
torch.set_printoptions(precision=3, sci_mode=False)

# ---- data: three anisotropic blobs in 2-D, plus a 6-D low-rank cloud ------------------------------
means = torch.tensor([[0.0, 0.0], [5.0, 5.0], [0.0, 6.0]])
scales = torch.tensor([[1.0, 0.5], [0.6, 1.2], [0.8, 0.8]])
labels = torch.arange(3).repeat_interleave(torch.tensor([50, 70, 40]))
X = means[labels] + scales[labels] * torch.randn(160, 2)
print("X", X.shape, X.mean(0), X.std(0))
print("cov\n", torch.cov(X.T), "\ncorrcoef\n", torch.corrcoef(X.T))
w = torch.randint(1, 4, (160,))
print("weighted cov", torch.cov(X.T, correction=0, fweights=w).shape, torch.cov(X.T, aweights=torch.rand(160)).shape)


# ---- k-means ----------------------------------------------------------------------------------------
def kmeans(data, k, iters=20):
    idx = torch.randperm(data.size(0))[:k]
    c = data[idx].clone()
    for it in range(iters):
        d = torch.cdist(data, c)
        assign = torch.argmin(d, dim=1)
        new_c = torch.stack([data[assign == j].mean(0) for j in range(k)])
        shift = (new_c - c).norm(dim=1).max()
        c = new_c
        if shift < 1e-6:
            break
    inertia = (data - c[assign]).pow(2).sum()
    return c, assign, it, inertia


C, assign, n_it, inertia = kmeans(X, 3)
order = torch.argsort(C[:, 0] * 10 + C[:, 1])
print("kmeans iters", n_it, "centers\n", C[order], "\ninertia", round(inertia.item(), 2))
print("cluster sizes", torch.bincount(assign, minlength=3)[order])
print("cdist p=1", torch.cdist(X[:3], C, p=1).shape, torch.cdist(X[:2], X[:2], p=0))
onehot = torch.nn.functional.one_hot(assign, 3).float()
print("scatter means equal", torch.allclose(onehot.T @ X / onehot.sum(0, keepdim=True).T, C, atol=1e-5))


# ---- Gaussian mixture, EM ---------------------------------------------------------------------------
def log_gauss(data, mu, cov):
    return torch.distributions.MultivariateNormal(mu, covariance_matrix=cov).log_prob(data[:, None, :])


K = 3
mu = C.clone()
cov = torch.eye(2).repeat(K, 1, 1)
log_pi = torch.full((K,), -math.log(K))
prev = -float("inf")
for it in range(50):
    lp = log_gauss(X, mu, cov) + log_pi                         # (N, K)
    ll = torch.logsumexp(lp, dim=1)
    resp = (lp - ll[:, None]).exp()
    Nk = resp.sum(0)
    mu = (resp.T @ X) / Nk[:, None]
    diff = X[:, None, :] - mu[None]                             # (N, K, 2)
    cov = torch.einsum("nk,nki,nkj->kij", resp, diff, diff) / Nk[:, None, None] + 1e-6 * torch.eye(2)
    log_pi = (Nk / X.size(0)).log()
    total = ll.sum().item()
    if it % 10 == 0:
        print(f"em {it:2d} loglik {total:.2f}")
    if total - prev < 1e-6:
        break
    prev = total
o = torch.argsort(mu[:, 0] * 10 + mu[:, 1])
print("em stopped", it, "weights", log_pi.exp()[o], "\nmeans\n", mu[o])
print("stds", cov[o].diagonal(dim1=1, dim2=2).sqrt())
hard = resp.argmax(1)
print("agree with kmeans", (hard == assign).float().mean().item(), resp.shape, resp.sum(1)[:3])
print("logsumexp", torch.logsumexp(torch.tensor([[1000.0, 1000.0], [-1000.0, -1000.0]]), 1),
      torch.logsumexp(torch.tensor([-float("inf"), -float("inf")]), 0), torch.logsumexp(torch.zeros(3, 0), 1))

# ---- PCA --------------------------------------------------------------------------------------------
Z = torch.randn(200, 2) @ torch.tensor([[3.0, 1.0, 0.0, 0.5, 0.0, 0.0], [0.0, 1.0, 2.0, 0.0, 0.5, 0.0]])
Z = Z + 0.1 * torch.randn(200, 6)
Zc = Z - Z.mean(0)
evals, evecs = torch.linalg.eigh(torch.cov(Zc.T))
evals, evecs = evals.flip(0), evecs.flip(1)
explained = evals / evals.sum()
print("explained", explained.round(decimals=3), torch.cumsum(explained, 0)[1].round(decimals=3))
U, S, V = torch.pca_lowrank(Z, q=3, center=True, niter=4)
print("pca_lowrank", U.shape, S.shape, V.shape, (S ** 2 / (Z.size(0) - 1)).round(decimals=2), evals[:3].round(decimals=2))
print("same subspace", torch.allclose((V[:, :2].T @ evecs[:, :2]).abs().det().abs(), torch.tensor(1.0), atol=1e-3))
U2, S2, V2 = torch.svd_lowrank(Zc, q=2, niter=3)
print("svd_lowrank", S2.round(decimals=2), torch.linalg.svdvals(Zc)[:2].round(decimals=2))
proj = Zc @ V2
recon = proj @ V2.T
print("recon err", round((recon - Zc).pow(2).mean().item(), 3), proj.shape)
Uf, Sf, Vf = torch.svd(Zc)
print("torch.svd", Uf.shape, Sf.shape, Vf.shape, torch.allclose(Uf @ torch.diag(Sf) @ Vf.T, Zc, atol=1e-4))
print("corrcoef", torch.corrcoef(Z.T)[0, :3].round(decimals=2), torch.corrcoef(torch.tensor([1.0, 2.0, 3.0])))
print("argmin", torch.argmin(torch.tensor([[3, 1, 1], [0, 5, 0]]), dim=1), torch.argmin(torch.tensor([2.0, -1.0, -1.0])),
      torch.argmin(torch.tensor([[3, 1], [0, 5]]), dim=0, keepdim=True))
