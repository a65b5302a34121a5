"""Deform a sphere mesh into a target point cloud: Adam on vertex offsets with chamfer, edge-length,
normal-consistency and Laplacian regularisers (a PyTorch3D-style tutorial without PyTorch3D)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(4)


def octahedron_sphere(levels):
    verts = torch.tensor([[1., 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]])
    faces = torch.tensor([[0, 2, 4], [2, 1, 4], [1, 3, 4], [3, 0, 4],
                          [2, 0, 5], [1, 2, 5], [3, 1, 5], [0, 3, 5]])
    for _ in range(levels):
        e = torch.cat([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]).sort(1).values
        edges, inv = torch.unique(e, dim=0, return_inverse=True)
        mids = F.normalize((verts[edges[:, 0]] + verts[edges[:, 1]]) / 2, dim=1)
        nV, nF = verts.shape[0], faces.shape[0]
        verts = torch.cat([verts, mids])
        m01, m12, m20 = (inv.view(3, nF) + nV).unbind(0)
        a, b, c = faces.T
        faces = torch.cat([torch.stack(t, 1) for t in
                           ((a, m01, m20), (m01, b, m12), (m20, m12, c), (m01, m12, m20))])
    return verts, faces


verts, faces = octahedron_sphere(2)
print("src mesh", verts.shape[0], "verts", faces.shape[0], "faces")
edges = torch.unique(torch.cat([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]).sort(1).values, dim=0)

# target: an ellipsoid with a bump, as a point cloud
tgt = F.normalize(torch.randn(300, 3), dim=1)
tgt = tgt * torch.tensor([1.3, 0.8, 0.7]) + 0.2 * torch.exp(-((tgt - torch.tensor([0, 0, 1.0])) ** 2).sum(1, keepdim=True) * 4) * torch.tensor([0, 0, 1.0])

# per-face opposite vertex pairs for normal consistency
e_all = torch.cat([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]).sort(1).values
_, inv = torch.unique(e_all, dim=0, return_inverse=True)
fid = torch.arange(faces.shape[0]).repeat(3)
order = inv.argsort(stable=True)
face_pairs = fid[order].view(-1, 2)

# uniform Laplacian as a sparse matrix
V = verts.shape[0]
ij = torch.cat([edges, edges.flip(1)]).T
deg = torch.bincount(ij[0], minlength=V).float()
Lap = torch.sparse_coo_tensor(ij, 1.0 / deg[ij[0]], (V, V))


def face_normals(v):
    t = v[faces]
    return F.normalize(torch.linalg.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]), dim=1)


def sample_surface(v, n):
    t = v[faces]
    area = 0.5 * torch.linalg.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]).norm(dim=1)
    fi = torch.multinomial(area.detach(), n, replacement=True)
    r1, r2 = torch.rand(n, 1).sqrt(), torch.rand(n, 1)
    tt = t[fi]
    return (1 - r1) * tt[:, 0] + r1 * (1 - r2) * tt[:, 1] + r1 * r2 * tt[:, 2]


def chamfer(a, b):
    d = torch.cdist(a, b).pow(2)
    return d.min(1).values.mean() + d.min(0).values.mean()


class Deform(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.offset = nn.Parameter(torch.zeros(n, 3))
        self.scale = nn.Parameter(torch.ones(3))

    def forward(self, v):
        return v * self.scale + self.offset


model = Deform(V)
print(model)
print("params", sum(p.numel() for p in model.parameters()),
      [(n, tuple(p.shape)) for n, p in model.named_parameters()])
opt = torch.optim.Adam(model.parameters(), lr=0.02)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=40, gamma=0.5)
w = {"chamfer": 1.0, "edge": 0.5, "normal": 0.01, "lap": 0.1}
for it in range(80):
    opt.zero_grad(set_to_none=True)
    v = model(verts)
    pts = sample_surface(v, 400)
    l_ch = chamfer(pts, tgt)
    el = (v[edges[:, 0]] - v[edges[:, 1]]).norm(dim=1)
    l_edge = ((el - el.mean()) ** 2).mean()
    n = face_normals(v)
    l_norm = (1 - F.cosine_similarity(n[face_pairs[:, 0]], n[face_pairs[:, 1]], dim=1)).mean()
    l_lap = (v - torch.sparse.mm(Lap, v)).norm(dim=1).mean()
    loss = w["chamfer"] * l_ch + w["edge"] * l_edge + w["normal"] * l_norm + w["lap"] * l_lap
    loss.backward()
    gn = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
    sched.step()
    if it % 20 == 0 or it == 79:
        print(f"it {it:2d} loss {loss.item():.4f} chamfer {l_ch.item():.4f} edge {l_edge.item():.5f} "
              f"normal {l_norm.item():.4f} lap {l_lap.item():.4f} gnorm {gn.item():.4f} lr {sched.get_last_lr()[0]:.4f}")

with torch.no_grad():
    v = model(verts)
    ext = v.amax(0) - v.amin(0)
    print("extent", ext)
    print("scale", model.scale)
    vol = (v[faces[:, 0]] * torch.linalg.cross(v[faces[:, 1]], v[faces[:, 2]])).sum() / 6
    print("volume", f"{vol.item():.3f}", "ellipsoid", f"{4 / 3 * math.pi * 1.3 * 0.8 * 0.7:.3f}")
print("state_dict keys", list(model.state_dict().keys()))
print("optimizer state step", opt.state_dict()["state"][0]["step"])

try:
    torch.multinomial(torch.tensor([0.0, 0.0]), 1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.cosine_similarity(torch.randn(3, 3), torch.randn(4, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
