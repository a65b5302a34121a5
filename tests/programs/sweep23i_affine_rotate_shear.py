"""Random rotations, shears, scales and translations with F.affine_grid + F.grid_sample, as in the
"spatial transformer"-style augmentation cells of course notebooks: per-sample angles drawn from a
seeded generator, 2x3 theta matrices built with torch.stack, every padding_mode (zeros, border,
reflection) and interpolation mode (bilinear, nearest, bicubic), align_corners both ways, an inverse
warp round trip, and a gradient through the sampler (learned augmentation)."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(3)
g = torch.Generator().manual_seed(7)

N, C, H, W = 4, 3, 11, 13
imgs = torch.rand(N, C, H, W, generator=g)
yy, xx = torch.meshgrid(torch.linspace(-1, 1, H), torch.linspace(-1, 1, W), indexing="ij")
imgs[:, 0] = ((xx ** 2 + yy ** 2) < 0.5).float()  # a disc in the red channel


def make_theta(angle_deg, shear_deg, scale, tx, ty):
    a = angle_deg * math.pi / 180
    s = shear_deg * math.pi / 180
    cos, sin = torch.cos(a), torch.sin(a)
    row0 = torch.stack([cos / scale, (-sin + torch.tan(s) * cos) / scale, tx], dim=-1)
    row1 = torch.stack([sin / scale, cos / scale, ty], dim=-1)
    return torch.stack([row0, row1], dim=-2)


angles = (torch.rand(N, generator=g) * 2 - 1) * 30
shears = torch.empty(N).uniform_(-10, 10, generator=g)
scales = torch.empty(N).uniform_(0.9, 1.1, generator=g)
shifts = torch.randint(-2, 3, (2, N), generator=g).float() / 10
print(angles.round(decimals=3), shears.round(decimals=3))
print(scales.round(decimals=4), shifts)
theta = make_theta(angles, shears, scales, shifts[0], shifts[1])
print(theta.shape, theta[0].round(decimals=4))

for align in (False, True):
    grid = F.affine_grid(theta, size=(N, C, H, W), align_corners=align)
    print("grid", align, tuple(grid.shape), f"{grid.abs().sum().item():.3f}", grid[1, 0, 0].round(decimals=4))
    for pad in ("zeros", "border", "reflection"):
        for mode in ("bilinear", "nearest"):
            out = F.grid_sample(imgs, grid, mode=mode, padding_mode=pad, align_corners=align)
            print(align, pad, mode, f"{out.sum().item():.3f}", f"{out[:, 0].mean().item():.4f}",
                  out[2, 1, 5, :4].round(decimals=4))

grid = F.affine_grid(theta, (N, C, H, W), align_corners=False)
out = F.grid_sample(imgs, grid, mode="bicubic", padding_mode="border", align_corners=False)
print("bicubic", f"{out.sum().item():.3f}", out[0, 2, 3, :3].round(decimals=4))
out = F.grid_sample(imgs, grid, mode="bicubic", padding_mode="reflection", align_corners=True)
print("bicubic refl", f"{out.sum().item():.3f}")

# pure rotation by 90 degrees on a square image equals rot90
sq = torch.arange(25.).view(1, 1, 5, 5)
t90 = torch.tensor([[[0., -1., 0.], [1., 0., 0.]]])
r = F.grid_sample(sq, F.affine_grid(t90, sq.shape, align_corners=True), align_corners=True)
print(r[0, 0].round(decimals=3))
print(torch.allclose(r, torch.rot90(sq, 1, (2, 3)), atol=1e-4),
      torch.allclose(r, torch.rot90(sq, -1, (2, 3)), atol=1e-4))

# inverse warp round trip: identity interior stays close
theta_small = make_theta(torch.tensor([5.0]), torch.tensor([0.0]), torch.tensor([1.0]),
                         torch.tensor([0.0]), torch.tensor([0.0]))
full = torch.cat([theta_small, torch.tensor([[[0., 0., 1.]]])], dim=1)
inv = torch.linalg.inv(full)[:, :2]
img1 = imgs[:1]
fwd = F.grid_sample(img1, F.affine_grid(theta_small, img1.shape, align_corners=False), align_corners=False)
back = F.grid_sample(fwd, F.affine_grid(inv, img1.shape, align_corners=False), align_corners=False)
err = (back - img1)[..., 3:-3, 3:-3].abs()
print(f"{err.mean().item():.3f}", inv.round(decimals=4))

# 3-D grid (volumes) with affine_grid
vol = torch.rand(1, 1, 4, 5, 6, generator=g)
t3 = torch.tensor([[[1., 0., 0., 0.1], [0., 0.9, 0., 0.], [0., 0., 1.1, -0.1]]])
g3 = F.affine_grid(t3, vol.shape, align_corners=False)
o3 = F.grid_sample(vol, g3, padding_mode="border", align_corners=False)
print(tuple(g3.shape), f"{o3.sum().item():.4f}")

# learnable augmentation: gradient w.r.t. the rotation angle and the image
ang = torch.tensor([0.2], requires_grad=True)
src = imgs[:1].clone().requires_grad_(True)
c, s = torch.cos(ang), torch.sin(ang)
zero = torch.zeros_like(ang)
th = torch.stack([torch.cat([c, -s, zero]), torch.cat([s, c, zero])]).unsqueeze(0)
warped = F.grid_sample(src, F.affine_grid(th, src.shape, align_corners=False),
                       padding_mode="reflection", align_corners=False)
loss = ((warped - imgs[1:2]) ** 2).mean()
loss.backward()
print(f"{loss.item():.5f}", f"{ang.grad.item():.4f}", f"{src.grad.abs().sum().item():.4f}")
print(warped.grad_fn.name(), th.grad_fn.name())

try:
    F.affine_grid(torch.zeros(2, 3, 3), (2, 3, 8, 8), align_corners=False)
except (ValueError, RuntimeError) as e:
    print(type(e).__name__, e)
try:
    F.grid_sample(imgs, grid, mode="linear", align_corners=False)
except (ValueError, RuntimeError) as e:
    print(type(e).__name__, e)
try:
    F.grid_sample(imgs, grid, padding_mode="wrap", align_corners=False)
except (ValueError, RuntimeError) as e:
    print(type(e).__name__, e)
