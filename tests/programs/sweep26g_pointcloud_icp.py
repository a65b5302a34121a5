"""Point clouds: sampling a mesh surface, farthest point sampling, kNN normals, chamfer distance, ICP."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_printoptions(precision=4, sci_mode=False)

# sample a torus surface
N = 400
uv = torch.rand(N, 2, dtype=torch.float64) * 2 * math.pi
Rmaj, rmin = 1.0, 0.3
u, v = uv.unbind(1)
cloud = torch.stack([(Rmaj + rmin * v.cos()) * u.cos(), (Rmaj + rmin * v.cos()) * u.sin(), rmin * v.sin()], 1)
print("cloud", cloud.shape, cloud.dtype)
print("bbox min", cloud.amin(0), "max", cloud.amax(0))


def farthest_point_sampling(x, k):
    n = x.shape[0]
    chosen = torch.zeros(k, dtype=torch.long)
    dist = torch.full((n,), float("inf"), dtype=x.dtype)
    chosen[0] = 0
    for i in range(1, k):
        d = ((x - x[chosen[i - 1]]) ** 2).sum(-1)
        dist = torch.minimum(dist, d)
        chosen[i] = torch.argmax(dist)
    return chosen


idx = farthest_point_sampling(cloud, 32)
print("fps first indices", idx[:8].tolist())
sub = cloud[idx]
pd = torch.cdist(sub, sub)
pd.fill_diagonal_(float("inf"))
print("fps min spacing", f"{pd.min().item():.4f}")

# kNN with topk and PCA normals
k = 10
D = torch.cdist(cloud, cloud)
knn_d, knn_i = D.topk(k, dim=1, largest=False)
nbrs = cloud[knn_i]                               # (N, k, 3)
centered = nbrs - nbrs.mean(1, keepdim=True)
cov = centered.transpose(1, 2) @ centered / (k - 1)
evals, evecs = torch.linalg.eigh(cov)
normals = evecs[..., 0]
# true torus normal
ring = torch.stack([u.cos(), u.sin(), torch.zeros_like(u)], 1) * Rmaj
true_n = F.normalize(cloud - ring, dim=1)
cosang = (normals * true_n).sum(1).abs()
print("normal estimate |cos| mean", f"{cosang.mean().item():.4f}", "min", f"{cosang.min().item():.4f}")
curv = evals[:, 0] / evals.sum(1)
print("surface variation mean", f"{curv.mean().item():.5f}")
print("cov check", torch.allclose(cov[0], torch.cov(nbrs[0].T)))
print("knn self distance zero", bool((knn_d[:, 0] == 0).all()), knn_i.dtype)


def chamfer(a, b):
    d = torch.cdist(a, b) ** 2
    return d.min(1).values.mean() + d.min(0).values.mean()


# rigid transform of a subsample + noise
def rot_z(t):
    c, s = math.cos(t), math.sin(t)
    return torch.tensor([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]], dtype=torch.float64)


Rtrue = rot_z(0.3) @ torch.linalg.matrix_exp(torch.tensor([[0, 0, 0.2], [0, 0, 0], [-0.2, 0, 0]], dtype=torch.float64))
ttrue = torch.tensor([0.2, -0.1, 0.05], dtype=torch.float64)
src = cloud[torch.randperm(N)[:200]]
dst = src @ Rtrue.T + ttrue + 0.002 * torch.randn(200, 3, dtype=torch.float64)
print("initial chamfer", f"{chamfer(src, dst).item():.5f}")


def kabsch(P, Q):
    mp, mq = P.mean(0), Q.mean(0)
    H = (P - mp).T @ (Q - mq)
    U, S, Vh = torch.linalg.svd(H)
    d = torch.sign(torch.linalg.det(Vh.T @ U.T))
    Dm = torch.diag(torch.stack([torch.ones_like(d), torch.ones_like(d), d]))
    R = Vh.T @ Dm @ U.T
    return R, mq - R @ mp


cur = src.clone()
R_acc, t_acc = torch.eye(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
for it in range(15):
    nn_idx = torch.cdist(cur, dst).argmin(1)
    R, t = kabsch(cur, dst[nn_idx])
    cur = cur @ R.T + t
    R_acc, t_acc = R @ R_acc, R @ t_acc + t
    if it % 5 == 4:
        print(f"icp iter {it + 1}: chamfer {chamfer(cur, dst).item():.6f}")
err_R = torch.rad2deg(torch.acos(((R_acc.T @ Rtrue).trace() - 1) / 2).clamp(-1, 1))
print("rotation error below 1 deg:", err_R.item() < 1.0)
print("t", t_acc.round(decimals=3))

# reflection case handled by the det fix
P = torch.randn(20, 3, dtype=torch.float64)
Q = P * torch.tensor([1.0, 1.0, -1.0], dtype=torch.float64)
R, _ = kabsch(P, Q)
print("det after fix", f"{torch.linalg.det(R).item():.4f}")

# batched chamfer with gradient
a = torch.randn(2, 50, 3, requires_grad=True)
b = torch.randn(2, 60, 3)
dd = torch.cdist(a, b)
loss = dd.min(dim=2).values.pow(2).mean() + dd.min(dim=1)[0].pow(2).mean()
loss.backward()
print("batched chamfer", f"{loss.item():.4f}", "grad shape", tuple(a.grad.shape))
print("grad nonzero rows", int((a.grad.abs().sum(-1) > 0).sum()))
print("cdist p=1", torch.cdist(a[0, :2], b[0, :3], p=1))
print("cdist p=inf", torch.cdist(a[0, :2], b[0, :3], p=float("inf")))

# voxel downsampling with unique
vox = torch.floor(cloud / 0.25).long()
keys, inv, cnt = torch.unique(vox, dim=0, return_inverse=True, return_counts=True)
centroids = torch.zeros(keys.shape[0], 3, dtype=torch.float64).index_add_(0, inv, cloud) / cnt[:, None]
print("voxels", keys.shape[0], "max per voxel", cnt.max().item(), centroids.dtype)

try:
    torch.cdist(torch.randn(4, 3), torch.randn(5, 2))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.svd(torch.randn(3, dtype=torch.float64))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    D.topk(500, dim=1)
except RuntimeError as e:
    print("RuntimeError:", e)
