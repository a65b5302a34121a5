"""Mesh basics: build an icosphere by hand, subdivide it, compute normals, edges and statistics."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)

phi = (1.0 + math.sqrt(5.0)) / 2.0
verts = torch.tensor([
    [-1, phi, 0], [1, phi, 0], [-1, -phi, 0], [1, -phi, 0],
    [0, -1, phi], [0, 1, phi], [0, -1, -phi], [0, 1, -phi],
    [phi, 0, -1], [phi, 0, 1], [-phi, 0, -1], [-phi, 0, 1],
], dtype=torch.float32)
verts = F.normalize(verts, dim=1)
faces = torch.tensor([
    [0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11],
    [1, 5, 9], [5, 11, 4], [11, 10, 2], [10, 7, 6], [7, 1, 8],
    [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9],
    [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1],
], dtype=torch.int64)
print("icosahedron:", verts.shape, faces.shape, faces.dtype)


def mesh_edges(faces):
    e = torch.cat([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]], dim=0)
    e, _ = e.sort(dim=1)
    uniq, inverse, counts = torch.unique(e, dim=0, return_inverse=True, return_counts=True)
    return uniq, inverse, counts


def subdivide(verts, faces):
    edges, inverse, _ = mesh_edges(faces)
    mids = F.normalize(verts[edges].mean(dim=1), dim=-1)
    V = verts.shape[0]
    new_verts = torch.cat([verts, mids], dim=0)
    F_ = faces.shape[0]
    e01, e12, e20 = inverse[:F_] + V, inverse[F_:2 * F_] + V, inverse[2 * F_:] + V
    a, b, c = faces.unbind(1)
    new_faces = torch.stack([
        torch.stack([a, e01, e20], 1), torch.stack([b, e12, e01], 1),
        torch.stack([c, e20, e12], 1), torch.stack([e01, e12, e20], 1),
    ], dim=1).reshape(-1, 3)
    return new_verts, new_faces


for level in range(2):
    verts, faces = subdivide(verts, faces)
    edges, _, counts = mesh_edges(faces)
    chi = verts.shape[0] - edges.shape[0] + faces.shape[0]
    print(f"level {level + 1}: V={verts.shape[0]} E={edges.shape[0]} F={faces.shape[0]} chi={chi}",
          "manifold:", bool((counts == 2).all()))

tri = verts[faces]                       # (F, 3, 3)
e1 = tri[:, 1] - tri[:, 0]
e2 = tri[:, 2] - tri[:, 0]
cr = torch.cross(e1, e2, dim=-1)
areas = 0.5 * torch.linalg.vector_norm(cr, dim=-1)
fn = F.normalize(cr, p=2, dim=-1, eps=1e-12)
print("total area", f"{areas.sum().item():.4f}", "sphere", f"{4 * math.pi:.4f}")
print("area min/max", f"{areas.min().item():.5f}", f"{areas.max().item():.5f}")
centroids = tri.mean(dim=1)
outward = (fn * centroids).sum(-1)
print("all faces point outward:", bool((outward > 0).all()))

# area-weighted vertex normals, two ways
vn = torch.zeros_like(verts)
for k in range(3):
    vn.index_add_(0, faces[:, k], cr)
vn = F.normalize(vn, dim=1)
vn2 = torch.zeros_like(verts).scatter_add_(0, faces.reshape(-1, 1).expand(-1, 3),
                                             cr.repeat_interleave(3, dim=0))
vn2 = F.normalize(vn2, dim=1)
print("index_add vs scatter_add close:", torch.allclose(vn, vn2, atol=1e-6))
print("normal vs position angle error (deg):",
      f"{torch.rad2deg(torch.acos((vn * verts).sum(1).clamp(-1, 1))).max().item():.3f}")

valence = torch.bincount(edges.flatten(), minlength=verts.shape[0])
print("valence histogram:", torch.bincount(valence))
print("valence dtype", valence.dtype, "unique:", torch.unique(valence).tolist())

# face adjacency through shared edges
_, inv, _ = mesh_edges(faces)
Fn = faces.shape[0]
face_idx = torch.arange(Fn).repeat(3)
order = torch.argsort(inv, stable=True)
pairs = face_idx[order].view(-1, 2)
print("adjacent face pairs", pairs.shape, pairs[:4].tolist())
dihedral = torch.acos((fn[pairs[:, 0]] * fn[pairs[:, 1]]).sum(-1).clamp(-1, 1))
print("mean dihedral (deg)", f"{torch.rad2deg(dihedral).mean().item():.3f}")

# edge lengths statistics
el = (verts[edges[:, 0]] - verts[edges[:, 1]]).norm(dim=1)
print("edge length mean/std", f"{el.mean().item():.4f}", f"{el.std().item():.4f}")
print(torch.histc(el, bins=4, min=0.21, max=0.41))
q = torch.quantile(el, torch.tensor([0.1, 0.5, 0.9]))
print("quantiles", q)

# a few printed rows
print(verts[:3])
print(faces[-3:])
print(fn[:2])

# error handling
try:
    torch.cross(torch.randn(4, 2), torch.randn(4, 2), dim=1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.zeros(3, 3).index_add_(0, torch.tensor([0, 5]), torch.ones(2, 3))
except (IndexError, RuntimeError) as e:
    print(type(e).__name__ + ":", e)
try:
    torch.unique(torch.randn(3, 4), dim=2)
except (IndexError, RuntimeError) as e:
    print(type(e).__name__ + ":", e)
