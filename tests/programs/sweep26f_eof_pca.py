"""Empirical orthogonal functions (EOFs) of a synthetic sea-surface-temperature anomaly field, as in a
climate-variability course notebook: area weighting by sqrt(cos(lat)), EOFs via torch.linalg.svd
with a sign convention, explained variance, principal-component time series, North's rule of thumb,
a comparison with torch.linalg.eigh of the covariance and with torch.pca_lowrank,
and a reconstruction from the leading modes."""
import math

import torch

torch.manual_seed(3)
nt, nlat, nlon = 120, 12, 20
lat = torch.linspace(-55, 55, nlat, dtype=torch.float64)
lon = torch.linspace(120, 280, nlon, dtype=torch.float64)
LAT, LON = torch.meshgrid(lat, lon, indexing="ij")
t = torch.arange(nt, dtype=torch.float64)

# an "ENSO-like" pattern and a "meridional dipole" with different time scales
p1 = torch.exp(-(LAT / 15) ** 2 - ((LON - 230) / 40) ** 2)
p2 = torch.tanh(LAT / 20) * torch.exp(-((LON - 180) / 60) ** 2)
a1 = 1.5 * torch.sin(2 * math.pi * t / 45) + 0.3 * torch.randn(nt, dtype=torch.float64)
a2 = 0.8 * torch.cos(2 * math.pi * t / 12)
sst = a1[:, None, None] * p1 + a2[:, None, None] * p2 + 0.2 * torch.randn(nt, nlat, nlon, dtype=torch.float64)
sst = sst - sst.mean(dim=0, keepdim=True)
print("SST anomalies:", tuple(sst.shape), sst.dtype)

wgt = torch.sqrt(torch.cos(torch.deg2rad(lat))).clamp(min=0)
X = (sst * wgt[None, :, None]).reshape(nt, -1)
U, S, Vh = torch.linalg.svd(X, full_matrices=False)
print("svd shapes:", tuple(U.shape), tuple(S.shape), tuple(Vh.shape))
var = S ** 2 / (S ** 2).sum()
print("explained variance (first 5):", var[:5])
print("cumulative:", torch.cumsum(var, 0)[:3])

# sign convention: make the largest-magnitude loading of each EOF positive
k = 4
eofs = Vh[:k]
imax = eofs.abs().argmax(dim=1)
sgn = torch.sign(eofs.gather(1, imax[:, None]))
eofs = eofs * sgn
pcs = (U[:, :k] * S[:k]) * sgn.T
print("max-loading cells:", imax.tolist())
print("EOF norms:", torch.linalg.vector_norm(eofs, dim=1))
print("PC orthogonality:", torch.allclose(pcs.T @ pcs, torch.diag(S[:k] ** 2), atol=1e-8))

# North et al. (1982) sampling error
err = var * math.sqrt(2.0 / nt)
sep = (var[:-1] - var[1:]) > err[:-1]
print("well separated (first 4):", sep[:4].tolist())

# covariance + eigh agree
C = X.T @ X / (nt - 1)
evals, evecs = torch.linalg.eigh(C)
evals, order = torch.sort(evals, descending=True)
print("eigh == svd:", torch.allclose(evals[:k], S[:k] ** 2 / (nt - 1)))
v0 = evecs[:, order[0]]
print("|cos| between EOF1 and eigvec1:", f"{(v0 @ eofs[0]).abs().item():.6f}")

# the two leading EOFs without a full eigendecomposition: LOBPCG on the covariance
torch.manual_seed(5)

# pattern correlation with the true patterns
def pattern_corr(a, b):
    return torch.corrcoef(torch.stack([a.flatten(), b.flatten()]))[0, 1]


eof1_map = (eofs[0].view(nlat, nlon) / wgt[:, None])
eof2_map = (eofs[1].view(nlat, nlon) / wgt[:, None])
# the broad dipole carries more variance than the localized warm pool, so it comes first
print("|corr(EOF1, p2)| =", f"{pattern_corr(eof1_map, p2).abs().item():.3f}")
print("corr(EOF2, p1) =", f"{pattern_corr(eof2_map, p1).item():.3f}")
print("|corr(PC1, a2)| =", f"{pattern_corr(pcs[:, 0], a2).abs().item():.3f}")
print("corr(PC2, a1) =", f"{pattern_corr(pcs[:, 1], a1).item():.3f}")

# reconstruction from the leading modes
for m in (1, 2, 4):
    Xr = U[:, :m] @ torch.diag(S[:m]) @ Vh[:m]
    rel = torch.linalg.matrix_norm(X - Xr) / torch.linalg.matrix_norm(X)
    print(f"rank-{m} reconstruction error: {rel.item():.4f}")

# randomized low-rank PCA
torch.manual_seed(0)
Ul, Sl, Vl = torch.pca_lowrank(X, q=6, center=False, niter=4)
print("pca_lowrank singular values vs svd:", torch.allclose(Sl[:2], S[:2], rtol=1e-4))
print("pca_lowrank shapes:", tuple(Ul.shape), tuple(Sl.shape), tuple(Vl.shape))

# svdvals and condition number, float32 variant
X32 = X.float()
sv = torch.linalg.svdvals(X32)
print("float32 svdvals (first 3):", sv[:3], sv.dtype)
print("condition number:", f"{torch.linalg.cond(X[:, :10]).item():.3f}")
print("matrix rank:", torch.linalg.matrix_rank(X).item(), torch.linalg.matrix_rank(X, atol=5.0).item())

# project new data onto EOFs
new = sst[:5].reshape(5, -1) * wgt.repeat_interleave(nlon)
proj = new @ eofs.T
print("projected PCs match:", torch.allclose(proj, pcs[:5]))
print(torch.linalg.svd(torch.zeros(0, 3)).S)
try:
    torch.linalg.svd(torch.ones(3, 3, dtype=torch.int64))
except RuntimeError as e:
    print("svd int error:", e)
try:
    torch.linalg.eigh(X[:, :5])
except RuntimeError as e:
    print("eigh error:", e)
