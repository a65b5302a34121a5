"""Resampling 3-D volumes the way medical-imaging augmentation code does it in plain torch:
F.interpolate on 5-D input (trilinear with and without align_corners, nearest and nearest-exact,
scale_factor with recompute_scale_factor, area), a random rigid transform applied with
F.affine_grid + F.grid_sample (bilinear/nearest, zeros/border/reflection padding), a spatial
transformer that learns a 3x4 theta by gradient descent, and F.pad on 5-D (constant, replicate,
reflect, circular) including a reflect-padded Conv3d."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

vol = torch.rand(1, 1, 4, 5, 6)
print("volume", tuple(vol.shape), f"{vol.sum().item():.4f}")

for kw in [dict(size=(8, 10, 12), mode="trilinear", align_corners=False),
           dict(size=(8, 10, 12), mode="trilinear", align_corners=True),
           dict(scale_factor=1.5, mode="trilinear"),
           dict(scale_factor=(2, 0.5, 1.3), mode="trilinear", recompute_scale_factor=True),
           dict(scale_factor=2, mode="nearest"),
           dict(size=(3, 7, 4), mode="nearest"),
           dict(size=(3, 7, 4), mode="nearest-exact"),
           dict(size=(2, 3, 3), mode="area")]:
    out = F.interpolate(vol, **kw)
    print(kw, tuple(out.shape), f"{out.sum().item():.4f}", f"{out[0, 0, -1, -1, -1].item():.4f}")

up = nn.Upsample(scale_factor=2, mode="trilinear", align_corners=False)
print(up, tuple(up(vol).shape))
x = vol.clone().requires_grad_()
F.interpolate(x, scale_factor=(2, 2, 2), mode="trilinear", align_corners=True).pow(2).sum().backward()
print("interp grad", x.grad[0, 0, 0].round(decimals=3))


def random_rigid_theta(batch, max_angle=0.3, max_shift=0.1):
    a = (torch.rand(batch) * 2 - 1) * max_angle
    c, s = torch.cos(a), torch.sin(a)
    theta = torch.zeros(batch, 3, 4)
    theta[:, 0, 0] = c
    theta[:, 0, 1] = -s
    theta[:, 1, 0] = s
    theta[:, 1, 1] = c
    theta[:, 2, 2] = 1
    theta[:, :, 3] = (torch.rand(batch, 3) * 2 - 1) * max_shift
    return theta


imgs = torch.rand(2, 2, 4, 6, 6)
theta = random_rigid_theta(2)
print("theta[0]", theta[0].round(decimals=4))
for ac in (False, True):
    grid = F.affine_grid(theta, list(imgs.shape), align_corners=ac)
    print("grid", tuple(grid.shape), f"{grid.sum().item():.4f}", grid[0, 0, 0, 0].round(decimals=4))
    for mode in ("bilinear", "nearest"):
        for pm in ("zeros", "border", "reflection"):
            out = F.grid_sample(imgs, grid, mode=mode, padding_mode=pm, align_corners=ac)
            print(f"  ac={ac} {mode:8s} {pm:10s} {out.sum().item():.4f}")

ident = F.affine_grid(torch.eye(3, 4).unsqueeze(0), [1, 1, 4, 5, 6], align_corners=False)
same = F.grid_sample(vol, ident, align_corners=False)
print("identity resample max err < 1e-6:", (same - vol).abs().max().item() < 1e-6)

target = F.grid_sample(imgs, F.affine_grid(theta, list(imgs.shape), align_corners=False), align_corners=False,
                       padding_mode="border")
theta_hat = torch.eye(3, 4).unsqueeze(0).repeat(2, 1, 1).requires_grad_()
opt = torch.optim.Adam([theta_hat], lr=0.05)
for it in range(6):
    grid = F.affine_grid(theta_hat, list(imgs.shape), align_corners=False)
    warped = F.grid_sample(imgs, grid, align_corners=False, padding_mode="border")
    loss = F.mse_loss(warped, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"register it {it} loss {loss.item():.5f} |grad| {theta_hat.grad.norm().item():.4f}")

small = torch.arange(2 * 2 * 3, dtype=torch.float32).reshape(1, 1, 2, 2, 3)
for mode in ("constant", "replicate", "reflect", "circular"):
    kw = dict(value=-1.0) if mode == "constant" else {}
    p = F.pad(small, (1, 1, 1, 0, 1, 1), mode=mode, **kw)
    print(mode, tuple(p.shape), p.sum().item())
    print(p[0, 0, 0])
p = F.pad(small, (2, 1, 0, 1, 1, 0), mode="replicate")
print("replicate asym", tuple(p.shape), p[0, 0, -1].tolist())
print(nn.ReplicationPad3d((1, 0, 1, 0, 1, 0)), nn.ReflectionPad3d(1), nn.CircularPad3d(1), nn.ConstantPad3d(1, 0.5))

conv = nn.Conv3d(1, 2, 3, padding=1, padding_mode="reflect")
print(conv)
xs = torch.randn(1, 1, 3, 4, 4, requires_grad=True)
o = conv(xs)
o.square().mean().backward()
print("reflect conv", tuple(o.shape), f"{o.sum().item():.4f}", f"{xs.grad.abs().sum().item():.4f}")
conv_c = nn.Conv3d(1, 1, 3, padding=1, padding_mode="circular", bias=False)
xc = torch.randn(1, 1, 3, 3, 3, requires_grad=True)
conv_c(xc).sum().backward()
print("circular conv grad", xc.grad[0, 0, 1].round(decimals=4))
