"""Barycentric rasterization of a rotating mesh with a z-buffer, perspective projection and SSAA."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(1)


def quat_from_axis_angle(axis, angle):
    axis = axis / axis.norm()
    half = angle / 2
    return torch.cat([torch.cos(half).reshape(1), torch.sin(half) * axis])


def quat_mul(a, b):
    w1, x1, y1, z1 = a.unbind(-1)
    w2, x2, y2, z2 = b.unbind(-1)
    return torch.stack([
        w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
        w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
        w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
        w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2,
    ], dim=-1)


def quat_to_matrix(q):
    w, x, y, z = q.unbind(-1)
    return torch.stack([
        torch.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)]),
        torch.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)]),
        torch.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]),
    ])


def perspective(fov, aspect, near, far):
    f = 1.0 / math.tan(fov / 2)
    m = torch.zeros(4, 4)
    m[0, 0] = f / aspect
    m[1, 1] = f
    m[2, 2] = (far + near) / (near - far)
    m[2, 3] = 2 * far * near / (near - far)
    m[3, 2] = -1.0
    return m


# a cube: 8 vertices, 12 triangles
verts = torch.tensor([[x, y, z] for x in (-1.0, 1.0) for y in (-1.0, 1.0) for z in (-1.0, 1.0)])
faces = torch.tensor([
    [0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
    [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3],
])
face_colors = torch.rand(12, 3)
print("faces:", faces.shape, faces.dtype, "colors:\n", face_colors[:4])

q1 = quat_from_axis_angle(torch.tensor([0.0, 1.0, 0.0]), torch.tensor(0.6))
q2 = quat_from_axis_angle(torch.tensor([1.0, 0.0, 0.0]), torch.tensor(0.4))
q = quat_mul(q1, q2)
print("quaternion:", q, "norm:", f"{q.norm().item():.4f}")
R = quat_to_matrix(q)
print("R orthonormal:", torch.allclose(R @ R.T, torch.eye(3), atol=1e-6), "det:", f"{torch.linalg.det(R).item():.4f}")

model = torch.eye(4)
model[:3, :3] = R
model[:3, 3] = torch.tensor([0.0, 0.0, -5.0])
P = perspective(math.radians(50), 1.0, 0.1, 100.0)
mvp = P @ model
print("mvp:\n", mvp)

homo = torch.cat([verts, torch.ones(8, 1)], dim=1)
clip = homo @ mvp.T
ndc = clip[:, :3] / clip[:, 3:4]
print("ndc z range:", f"{ndc[:, 2].min().item():.4f}", f"{ndc[:, 2].max().item():.4f}")


def rasterize(size):
    screen = (ndc[:, :2] * 0.5 + 0.5) * size
    ys, xs = torch.meshgrid(torch.arange(size) + 0.5, torch.arange(size) + 0.5, indexing="ij")
    px = torch.stack([xs, ys], dim=-1).reshape(-1, 2)            # (P, 2)
    tri = screen[faces]                                          # (F, 3, 2)
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])

    def edge(p0, p1):
        return (p1[None, :, 0] - p0[None, :, 0]) * (px[:, None, 1] - p0[None, :, 1]) - \
               (p1[None, :, 1] - p0[None, :, 1]) * (px[:, None, 0] - p0[None, :, 0])

    w0 = edge(b, c) / area
    w1 = edge(c, a) / area
    w2 = edge(a, b) / area
    bary = torch.stack([w0, w1, w2], dim=-1)                     # (P, F, 3)
    inside = (bary >= 0).all(dim=-1) & (area > 0)[None, :]
    z = (bary * ndc[faces][None, :, :, 2]).sum(-1)
    z = z.masked_fill(~inside, float("inf"))
    return z, inside, bary


z, inside, bary = rasterize(16)
print("covered pixels:", int(inside.any(dim=1).sum()), "front faces:", int(inside.any(dim=0).sum()))
zbuf, face_id = z.min(dim=1)
face_id = torch.where(torch.isfinite(zbuf), face_id, torch.full_like(face_id, -1))
print("face id map:")
for row in face_id.reshape(16, 16).tolist():
    print(" ".join(f"{v:2d}" for v in row))

# the same z-buffer through scatter_reduce over fragments
pix, fid = inside.nonzero(as_tuple=True)
frag_z = z[pix, fid]
depth = torch.full((256,), float("inf")).scatter_reduce(0, pix, frag_z, reduce="amin", include_self=True)
print("scatter_reduce agrees:", torch.equal(depth, zbuf))
counts = torch.zeros(256, dtype=torch.long).index_add_(0, pix, torch.ones_like(pix))
print("overdraw histogram:", torch.bincount(counts).tolist())

# shading with face normals
v_world = verts @ R.T
tri_w = v_world[faces]
n = torch.linalg.cross(tri_w[:, 1] - tri_w[:, 0], tri_w[:, 2] - tri_w[:, 0])
n = F.normalize(n, dim=-1)
light_dir = F.normalize(torch.tensor([0.3, 0.5, 1.0]), dim=0)
diffuse = (n @ light_dir).clamp(min=0.0)
print("diffuse:", diffuse)


def render(size):
    z, inside, _ = rasterize(size)
    zb, fid = z.min(dim=1)
    mask = torch.isfinite(zb)
    col = face_colors[fid] * (0.2 + 0.8 * diffuse[fid])[:, None]
    col = col * mask[:, None]
    return col.reshape(size, size, 3).permute(2, 0, 1)


hi = render(32)
lo = F.avg_pool2d(hi.unsqueeze(0), kernel_size=4).squeeze(0)
print("ssaa image:", lo.shape, "mean:", f"{lo.mean().item():.4f}")
print("alpha coverage (ssaa):")
cov = F.avg_pool2d((hi.sum(0, keepdim=True) > 0).float().unsqueeze(0), 4)[0, 0]
print(cov)
print("edge pixels:", int(((cov > 0) & (cov < 1)).sum()))
