"""Frechet Inception Distance on synthetic features: three ways to take the matrix square root."""
import math

import torch


def covariance(x):
    mu = x.mean(dim=0)
    xc = x - mu
    return mu, xc.T @ xc / (x.shape[0] - 1)


def sqrtm_eigh(a):
    vals, vecs = torch.linalg.eigh(a)
    vals = vals.clamp(min=0)
    return vecs @ torch.diag(vals.sqrt()) @ vecs.mT


def sqrtm_newton_schulz(a, iters=30):
    dim = a.shape[0]
    norm = torch.linalg.matrix_norm(a, ord="fro")
    y = a / norm
    i = torch.eye(dim, dtype=a.dtype)
    z = torch.eye(dim, dtype=a.dtype)
    for _ in range(iters):
        t = 0.5 * (3.0 * i - z @ y)
        y, z = y @ t, t @ z
    return y * norm.sqrt()


def fid_eigvals(mu1, s1, mu2, s2):
    diff = mu1 - mu2
    # trace(sqrt(s1 s2)) = sum sqrt(eigvals(s1 s2)); the eigenvalues are real and >= 0 in theory
    ev = torch.linalg.eigvals(s1 @ s2)
    tr_covmean = ev.sqrt().real.sum()
    return diff.dot(diff) + torch.trace(s1) + torch.trace(s2) - 2 * tr_covmean


def fid_sqrt(mu1, s1, mu2, s2, sqrtm):
    r1 = sqrtm(s1)
    covmean = sqrtm(r1 @ s2 @ r1)
    return (mu1 - mu2).pow(2).sum() + s1.trace() + s2.trace() - 2 * covmean.trace()


def fid_svd(mu1, s1, mu2, s2):
    s = torch.linalg.svdvals(sqrtm_eigh(s1) @ sqrtm_eigh(s2))
    return torch.sum((mu1 - mu2) ** 2) + torch.trace(s1 + s2) - 2 * s.sum()


torch.manual_seed(0)
dim = 8
mix = torch.randn(dim, dim, dtype=torch.float64) / math.sqrt(dim)
real = torch.randn(400, dim, dtype=torch.float64) @ mix + 0.5
results = {}
for shift in [0.0, 0.25, 1.0]:
    fake = torch.randn(400, dim, dtype=torch.float64) @ (mix * (1 + shift)) + 0.5 + shift
    mu_r, s_r = covariance(real)
    mu_f, s_f = covariance(fake)
    # cross-check against torch.cov (rows are variables there)
    assert torch.allclose(s_f, torch.cov(fake.T))
    a = fid_eigvals(mu_r, s_r, mu_f, s_f)
    b = fid_sqrt(mu_r, s_r, mu_f, s_f, sqrtm_eigh)
    c = fid_sqrt(mu_r, s_r, mu_f, s_f, sqrtm_newton_schulz)
    d = fid_svd(mu_r, s_r, mu_f, s_f)
    results[shift] = torch.stack([a, b, c, d])
    print(f"shift={shift:4.2f}  eigvals={a.item():.4f}  eigh={b.item():.4f}  "
          f"newton={c.item():.4f}  svd={d.item():.4f}")

table = torch.stack(list(results.values()))
print(table.dtype, table.shape)
print(table.round(decimals=3))
print("max spread per row:", (table.max(dim=1).values - table.min(dim=1).values < 1e-3).tolist())

# float32 features and the eigh path
real32 = real.float()
mu, s = covariance(real32)
print(mu.dtype, s.dtype, sqrtm_eigh(s).dtype)
r = sqrtm_eigh(s)
print("sqrt error small:", bool(torch.dist(r @ r, s) < 1e-4))
print("eigenvalues:", torch.linalg.eigvalsh(s).round(decimals=3))

# the FID of a set against itself is ~0; the statistics of a single sample are undefined
one = real[:1]
print("cov of one sample:", torch.cov(one.T).isnan().all().item())
try:
    torch.linalg.eigh(torch.randn(3, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.trace(torch.randn(2, 3, 3))
except RuntimeError as e:
    print("RuntimeError:", e)

# scipy has sqrtm; torch.linalg does not, so FID code probes for it and falls back to eigh
try:
    sqrtm = torch.linalg.sqrtm
except AttributeError as e:
    print("AttributeError:", e)
    sqrtm = sqrtm_eigh
print("has matrix_power:", hasattr(torch.linalg, "matrix_power"), "has sqrtm:", hasattr(torch.linalg, "sqrtm"))
print(sqrtm(torch.eye(2, dtype=torch.float64) * 4))
