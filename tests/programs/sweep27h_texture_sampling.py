"""Texture mapping: grid_sample filtering modes, wrap modes, mipmaps and UV warps."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(2)

# an 8x8 RGB checkerboard texture with a gradient
yy, xx = torch.meshgrid(torch.arange(8), torch.arange(8), indexing="ij")
checker = ((xx + yy) % 2).float()
tex = torch.stack([checker, xx.float() / 7, yy.float() / 7]).unsqueeze(0)   # (1, 3, 8, 8)
print("texture:", tex.shape, tex.dtype)

# sample with UVs slightly outside [0, 1] so the wrap modes matter
u = torch.linspace(-0.2, 1.2, 6)
v = torch.linspace(-0.1, 1.1, 5)
gv, gu = torch.meshgrid(v, u, indexing="ij")
grid = torch.stack([gu * 2 - 1, gv * 2 - 1], dim=-1).unsqueeze(0)           # (1, 5, 6, 2)
for mode in ["bilinear", "nearest", "bicubic"]:
    for pad in ["zeros", "border", "reflection"]:
        for ac in [False, True]:
            out = F.grid_sample(tex, grid, mode=mode, padding_mode=pad, align_corners=ac)
            print(f"{mode:8s} {pad:10s} ac={ac!s:5s} sum={out.sum().item():9.4f} "
                  f"c0={out[0, 0, 2, 3].item():.4f} corner={out[0, 1, 0, 0].item():.4f}")

# perspective-correct UV warping with affine_grid
theta = torch.tensor([[[math.cos(0.3), -math.sin(0.3), 0.1], [math.sin(0.3), math.cos(0.3), -0.05]]])
for ac in [False, True]:
    g = F.affine_grid(theta, size=(1, 3, 6, 6), align_corners=ac)
    warped = F.grid_sample(tex, g, align_corners=ac)
    print("affine ac", ac, g.shape, "warped mean", f"{warped.mean().item():.4f}")
print(g[0, 0])

# mipmap chain
level = tex
chain = [level]
while level.shape[-1] > 1:
    level = F.avg_pool2d(level, 2)
    chain.append(level)
print("mip sizes:", [tuple(m.shape[-2:]) for m in chain])
print("top mip:", chain[-1].flatten())

# trilinear-ish lookup between mip levels with lod
lod = torch.tensor(1.4)
lo, hi = int(lod.floor()), int(lod.ceil())
frac = lod - lod.floor()
up_lo = F.interpolate(chain[lo], size=(8, 8), mode="bilinear", align_corners=False)
up_hi = F.interpolate(chain[hi], size=(8, 8), mode="bilinear", align_corners=False)
blend = torch.lerp(up_lo, up_hi, frac)
print("lod blend row:", blend[0, 0, 3])

# magnification filters
for mode in ["nearest", "nearest-exact", "bilinear", "bicubic", "area"]:
    kw = {} if mode in ("nearest", "nearest-exact", "area") else {"align_corners": False}
    up = F.interpolate(tex[:, :1, :4, :4], scale_factor=2, mode=mode, **kw)
    print(f"{mode:14s}", up.shape, f"{up.sum().item():.4f}", up[0, 0, 1, :4])

# gradients flow into both the texture and the UVs
tex_p = tex.clone().requires_grad_(True)
uv = (torch.rand(1, 4, 4, 2) * 2 - 1).requires_grad_(True)
sampled = F.grid_sample(tex_p, uv, mode="bilinear", padding_mode="border", align_corners=True)
loss = (sampled * torch.tensor([0.3, 0.5, 0.2]).view(1, 3, 1, 1)).sum()
loss.backward()
print("grad_fn:", sampled.grad_fn.name(), type(loss.grad_fn).__name__)
print("tex grad sum:", f"{tex_p.grad.sum().item():.4f}", "nonzero:", int((tex_p.grad != 0).sum()))
print("uv grad:\n", uv.grad[0, 0])

# texture atlases via unfold / fold
patches = F.unfold(tex, kernel_size=4, stride=4)
print("atlas patches:", patches.shape)
back = F.fold(patches, output_size=(8, 8), kernel_size=4, stride=4)
print("round trip:", torch.equal(back, tex))
shuffled = F.pixel_unshuffle(tex, 2)
print("pixel_unshuffle:", shuffled.shape, torch.equal(F.pixel_shuffle(shuffled, 2), tex))

# invalid calls
for name, fn in [
    ("bad mode", lambda: F.grid_sample(tex, grid, mode="trilinear", align_corners=False)),
    ("bad padding", lambda: F.grid_sample(tex, grid, padding_mode="wrap", align_corners=False)),
    ("grid shape", lambda: F.grid_sample(tex, grid[..., :1], align_corners=False)),
    ("batch mismatch", lambda: F.grid_sample(tex, grid.expand(2, -1, -1, -1), align_corners=False)),
    ("affine size", lambda: F.affine_grid(theta, size=(1, 3, 6), align_corners=False)),
    ("bicubic 3d", lambda: F.grid_sample(tex.unsqueeze(2), torch.zeros(1, 1, 1, 1, 3), mode="bicubic", align_corners=False)),
    ("interp both", lambda: F.interpolate(tex, size=4, scale_factor=2)),
    ("interp ac", lambda: F.interpolate(tex, size=4, mode="nearest", align_corners=True)),
]:
    try:
        fn()
        print(name, "-> ok")
    except Exception as e:
        print(name, "->", type(e).__name__, ":", e)

# half-precision textures (as stored on disk / in GPU memory), sampled and filtered on the CPU
tex_h = (tex * 0.9 + 0.05).half()
grid_h = grid.half()
for mode in ["bilinear", "bicubic"]:
    for pad in ["zeros", "reflection"]:
        s = F.grid_sample(tex_h, grid_h, mode=mode, padding_mode=pad, align_corners=False)
        print("half", mode, pad, s.dtype, s[0, 1, 1])
srgb_h = tex_h.clamp(0, 1).pow(1 / 2.2)
print("half gamma:", srgb_h.dtype, srgb_h[0, 2, :2, :4])
print("half exposure:", (2.0 ** (tex_h[0, 1, 0] * 3)).tolist())
mip_h = F.interpolate(tex_h, size=(3, 3), mode="area")
print("half area mip:", mip_h[0, 1])
print("half adaptive pool:", F.adaptive_avg_pool2d(tex_h, (3, 5))[0, 1, 1])
uv_h = (torch.rand(1, 3, 3, 2) * 2.2 - 1.1).half().requires_grad_(True)
tex_hp = tex_h.clone().requires_grad_(True)
out_h = F.grid_sample(tex_hp, uv_h, mode="bilinear", padding_mode="border", align_corners=True)
out_h.pow(2.2).sum().backward()
print("half uv grad:", uv_h.grad.dtype, uv_h.grad[0, 1])
print("half tex grad nonzero:", int((tex_hp.grad != 0).sum()), tex_hp.grad[0, 0].abs().max())
up = F.interpolate(tex_hp, scale_factor=1.5, mode="bilinear", align_corners=False)
tex_hp.grad = None
(up * torch.linspace(0, 1, 12).half()).sum().backward()
print("half upsample grad:", tex_hp.grad[0, 1, 2])
