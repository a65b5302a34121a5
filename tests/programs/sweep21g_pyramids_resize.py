"""Image pyramids and resampling the way a vision course builds them: a Gaussian pyramid (blur with a
5-tap binomial kernel via depthwise conv2d, then stride-2 subsampling or avg_pool2d), a Laplacian
pyramid with bilinear/bicubic/nearest upsampling and exact reconstruction, scale_factor vs size,
align_corners both ways, antialiased downsampling, nearest-exact, area, recompute_scale_factor,
and an integral image (cumsum) box filter checked against avg_pool2d."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
yy, xx = torch.meshgrid(torch.linspace(-1, 1, 24), torch.linspace(-1, 1, 32), indexing="ij")
checker = ((torch.floor(xx * 4) + torch.floor(yy * 4)) % 2)
img = torch.stack([checker, torch.sin(3 * xx) * torch.cos(2 * yy), (xx ** 2 + yy ** 2).sqrt()])[None]
img = img + 0.05 * torch.rand_like(img)
print("input", tuple(img.shape), f"{img.mean().item():.4f}")

binom = torch.tensor([1., 4., 6., 4., 1.]) / 16
k2d = torch.outer(binom, binom).expand(3, 1, 5, 5)
print("kernel", k2d.shape, k2d.is_contiguous(), f"{k2d.sum().item():.4f}")


def pyr_down(x):
    x = F.conv2d(F.pad(x, (2, 2, 2, 2), mode="reflect"), k2d, groups=3)
    return x[..., ::2, ::2]


def pyr_up(x, size, mode):
    kw = {} if mode in ("nearest", "nearest-exact", "area") else {"align_corners": False}
    return F.interpolate(x, size=size, mode=mode, **kw)


gauss = [img]
for _ in range(3):
    gauss.append(pyr_down(gauss[-1]))
print("gaussian pyramid", [tuple(g.shape[-2:]) for g in gauss])
print("level means", [round(g.mean().item(), 4) for g in gauss])

for mode in ("nearest", "bilinear", "bicubic"):
    lap = []
    for lo, hi in zip(gauss[1:], gauss[:-1]):
        lap.append(hi - pyr_up(lo, hi.shape[-2:], mode))
    rec = gauss[-1]
    for band in reversed(lap):
        rec = pyr_up(rec, band.shape[-2:], mode) + band
    energy = [f"{b.abs().mean().item():.4f}" for b in lap]
    print(f"{mode:8s} laplacian energy {energy} reconstruction err {(rec - img).abs().max().item() < 1e-5}")

small = gauss[2]
print("small level", small.shape)
for mode, ac in [("bilinear", False), ("bilinear", True), ("bicubic", False), ("bicubic", True)]:
    up = F.interpolate(small, scale_factor=2.5, mode=mode, align_corners=ac)
    print(f"{mode} align_corners={ac}", tuple(up.shape), up[0, 1, 2, :5].round(decimals=4))
up_rs = F.interpolate(small, scale_factor=1.7, mode="bilinear", recompute_scale_factor=True)
up_nrs = F.interpolate(small, scale_factor=1.7, mode="bilinear")
print("recompute_scale_factor", tuple(up_rs.shape), f"{(up_rs - up_nrs).abs().max().item():.4f}")
for mode in ("nearest", "nearest-exact"):
    y = F.interpolate(small, scale_factor=1.5, mode=mode)
    print(mode, tuple(y.shape), y[0, 0, 0].round(decimals=3))

for mode in ("bilinear", "bicubic"):
    for aa in (False, True):
        d = F.interpolate(img, size=(7, 10), mode=mode, antialias=aa, align_corners=False)
        print(f"down {mode} antialias={aa}", f"{d.mean().item():.4f}", d[0, 0, 3].round(decimals=3))
area = F.interpolate(img, size=(6, 8), mode="area")
avg = F.avg_pool2d(img, 4)
print("area == avg_pool2d(4):", torch.allclose(area, avg, atol=1e-6), F.adaptive_avg_pool2d(img, (5, 7)).shape)
print(F.avg_pool2d(img, 3, stride=2, padding=1, count_include_pad=False)[0, 2, 0, :4].round(decimals=4))
print(F.avg_pool2d(img, 3, stride=2, padding=1, ceil_mode=True)[0, 2, -1, -4:].round(decimals=4))

# integral image box filter
gray = img.mean(1, keepdim=True)
ii = F.pad(gray.cumsum(-1).cumsum(-2), (1, 0, 1, 0))
r = 2
box = (ii[..., 2 * r + 1:, 2 * r + 1:] - ii[..., :-2 * r - 1, 2 * r + 1:]
       - ii[..., 2 * r + 1:, :-2 * r - 1] + ii[..., :-2 * r - 1, :-2 * r - 1]) / (2 * r + 1) ** 2
ref = F.avg_pool2d(gray, 2 * r + 1, stride=1)
print("integral box filter", tuple(box.shape), torch.allclose(box, ref, atol=1e-5), f"{box.mean().item():.4f}")
up = F.upsample(small, scale_factor=2, mode="nearest") if hasattr(F, "upsample") else None
print("upsample alias", None if up is None else tuple(up.shape))
print(torch.nn.Upsample(scale_factor=2, mode="bilinear"), torch.nn.UpsamplingBilinear2d(scale_factor=2)(small).shape)

# uint8 images resized directly (as torchvision's resize does on uint8 tensors)
u8 = (img.clamp(0, 1) * 255).round().to(torch.uint8)
for mode in ("bilinear", "bicubic"):
    for aa in (False, True):
        r = F.interpolate(u8, size=(10, 13), mode=mode, antialias=aa, align_corners=False)
        print(f"uint8 {mode} antialias={aa}", r.dtype, r[0, 1, 4].tolist(), r.sum().item())
print("uint8 upscale", F.interpolate(u8[:, :, :4, :4], scale_factor=2, mode="bilinear")[0, 0, :3].tolist())
print("float64 antialias", F.interpolate(img.double(), size=(9, 11), mode="bilinear", antialias=True)[0, 0, 2, :4].round(decimals=6))
