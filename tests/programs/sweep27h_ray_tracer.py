"""A tiny batched ray tracer: spheres and a ground plane, Phong shading, hard shadows."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
W, H = 24, 16


def camera_rays(width, height, fov_deg=60.0):
    aspect = width / height
    scale = math.tan(math.radians(fov_deg) / 2)
    xs = (torch.arange(width, dtype=torch.float32) + 0.5) / width * 2 - 1
    ys = 1 - (torch.arange(height, dtype=torch.float32) + 0.5) / height * 2
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    dirs = torch.stack([gx * aspect * scale, gy * scale, -torch.ones_like(gx)], dim=-1)
    dirs = F.normalize(dirs, dim=-1)
    origins = torch.zeros_like(dirs)
    return origins.reshape(-1, 3), dirs.reshape(-1, 3)


def intersect_spheres(o, d, centers, radii):
    # o, d: (N, 3); centers: (S, 3); radii: (S,)
    oc = o[:, None, :] - centers[None, :, :]
    b = (oc * d[:, None, :]).sum(-1)
    c = (oc * oc).sum(-1) - radii[None, :] ** 2
    disc = b * b - c
    hit = disc > 0
    sq = torch.sqrt(disc.clamp(min=0))
    t0 = -b - sq
    t1 = -b + sq
    t = torch.where(t0 > 1e-4, t0, t1)
    t = torch.where(hit & (t > 1e-4), t, torch.full_like(t, float("inf")))
    return t


def intersect_plane(o, d, point, normal):
    denom = d @ normal
    t = ((point - o) @ normal) / denom
    valid = (denom.abs() > 1e-6) & (t > 1e-4)
    return torch.where(valid, t, torch.tensor(float("inf")))


centers = torch.tensor([[0.0, 0.0, -3.0], [1.2, -0.3, -2.5], [-1.3, 0.2, -4.0]])
radii = torch.tensor([0.7, 0.4, 0.9])
albedo = torch.tensor([[0.9, 0.2, 0.2], [0.2, 0.8, 0.3], [0.3, 0.4, 0.9]])
plane_p = torch.tensor([0.0, -0.8, 0.0])
plane_n = torch.tensor([0.0, 1.0, 0.0])
light = torch.tensor([2.0, 3.0, 0.0])

o, d = camera_rays(W, H)
print("rays:", o.shape, d.shape, d.dtype)
print("first dirs:\n", d[:3])

ts = intersect_spheres(o, d, centers, radii)
tp = intersect_plane(o, d, plane_p, plane_n)
all_t = torch.cat([ts, tp[:, None]], dim=1)
t_min, obj = all_t.min(dim=1)
hit = torch.isfinite(t_min)
print("hits per object:", torch.bincount(obj[hit], minlength=4).tolist())
print("hit fraction:", round(hit.float().mean().item(), 4))

pos = o + d * torch.where(hit, t_min, torch.zeros_like(t_min))[:, None]
sphere_idx = obj.clamp(max=2)
normals = torch.where((obj < 3)[:, None], F.normalize(pos - centers[sphere_idx], dim=1), plane_n.expand_as(pos))
checker = ((pos[:, 0].floor() + pos[:, 2].floor()) % 2 == 0).float()
plane_col = torch.stack([checker * 0.8 + 0.1] * 3, dim=1)
base = torch.where((obj < 3)[:, None], albedo[sphere_idx], plane_col)

to_light = light - pos
dist_light = torch.linalg.vector_norm(to_light, dim=1, keepdim=True)
l = to_light / dist_light
# shadow rays
sh_o = pos + normals * 1e-3
sh_t = intersect_spheres(sh_o, l, centers, radii).amin(dim=1)
shadow = (sh_t < dist_light.squeeze(1)) & hit
print("shadowed pixels:", int(shadow.sum()))

lambert = (normals * l).sum(1).clamp(min=0)
view = -d
half = F.normalize(l + view, dim=1)
spec = (normals * half).sum(1).clamp(min=0).pow(32)
lit = (~shadow).float()
color = base * (0.1 + 0.9 * lambert * lit)[:, None] + 0.5 * (spec * lit)[:, None]
sky = torch.tensor([0.5, 0.7, 1.0]) * (0.5 + 0.5 * d[:, 1:2])
color = torch.where(hit[:, None], color, sky)
img = color.clamp(0, 1).reshape(H, W, 3)

# gamma and quantisation
srgb = torch.where(img <= 0.0031308, 12.92 * img, 1.055 * img.pow(1 / 2.4) - 0.055)
u8 = (srgb * 255).round().to(torch.uint8)
print("u8 dtype:", u8.dtype, "max:", u8.max().item(), "min:", u8.min().item())
print("channel means:", [round(v, 3) for v in srgb.mean(dim=(0, 1)).tolist()])

lum = (img * torch.tensor([0.2126, 0.7152, 0.0722])).sum(-1)
ramp = " .:-=+*#%@"
idx = (lum * (len(ramp) - 1)).round().long().clamp(0, len(ramp) - 1)
for row in idx.tolist():
    print("".join(ramp[i] for i in row))

print("object id map row 8:", obj.reshape(H, W)[8].tolist())
print("depth stats:", f"{t_min[hit].mean().item():.3f}", f"{t_min[hit].max().item():.3f}")
print("histogram:", torch.histc(lum, bins=5, min=0, max=1).tolist())
print(torch.unique(obj, return_counts=True))
