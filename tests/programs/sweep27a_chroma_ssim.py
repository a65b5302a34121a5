"""Colour transform coding: RGB -> YCbCr (BT.601, JPEG full range), 4:2:0 chroma subsampling with
avg_pool2d and upsampling with several interpolate modes, SSIM with a Gaussian window (grouped
conv2d), multi-scale PSNR, and a DCT computed through torch.fft (Makhoul's reordering)."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_printoptions(precision=4, sci_mode=False)

M = torch.tensor([[0.299, 0.587, 0.114],
                  [-0.168736, -0.331264, 0.5],
                  [0.5, -0.418688, -0.081312]])
offset = torch.tensor([0.0, 128.0, 128.0])
print("RGB->YCbCr matrix:\n", M)
M_inv = torch.linalg.inv(M)
print("inverse matrix:\n", M_inv)
print("cond:", f"{torch.linalg.cond(M).item():.4f}", "det:", f"{torch.linalg.det(M).item():.4f}")

# synthetic 3x24x24 colour image (uint8)
yy, xx = torch.meshgrid(torch.arange(24.0), torch.arange(24.0), indexing="ij")
r = 200 - 5 * yy + 10 * torch.randn(24, 24)
g = 60 + 6 * xx + 10 * torch.randn(24, 24)
b = 120 + 80 * torch.sin(xx / 4) * torch.cos(yy / 5)
rgb = torch.stack([r, g, b]).round().clamp(0, 255).to(torch.uint8)
print("rgb:", rgb.shape, rgb.dtype, "channel means:", rgb.float().mean(dim=(1, 2)))

ycc = torch.einsum("ij,jhw->ihw", M, rgb.float()) + offset.view(3, 1, 1)
print("Y/Cb/Cr ranges:", [(round(c.min().item(), 2), round(c.max().item(), 2)) for c in ycc])
ycc_u8 = ycc.round().clamp(0, 255).byte()
back = torch.einsum("ij,jhw->ihw", M_inv, ycc_u8.float() - offset.view(3, 1, 1))
err = (back.round().clamp(0, 255) - rgb.float()).abs()
print("colour round-trip max error:", err.max().item(), "mean:", f"{err.mean().item():.4f}")

y, cbcr = ycc[:1], ycc[1:]
sub = F.avg_pool2d(cbcr.unsqueeze(0), kernel_size=2)
print("subsampled chroma:", sub.shape)
print("Cb block:\n", sub[0, 0, :3, :3])
samples = y.numel() + sub.numel()
print("samples kept:", samples, "of", ycc.numel(), f"({samples / ycc.numel():.2%})")


def psnr(a, b, peak=255.0):
    return 10 * torch.log10(peak ** 2 / F.mse_loss(a, b))


for mode, kw in [("nearest", {}), ("bilinear", {"align_corners": False}),
                 ("bicubic", {"align_corners": False}), ("bilinear", {"align_corners": True})]:
    up = F.interpolate(sub, scale_factor=2, mode=mode, **kw)[0]
    rec = torch.cat([y, up]).clamp(0, 255)
    rgb_rec = torch.einsum("ij,jhw->ihw", M_inv, rec - offset.view(3, 1, 1)).clamp(0, 255)
    print(f"{mode:8s} {kw}: chroma psnr {psnr(up, cbcr).item():.2f}  rgb psnr {psnr(rgb_rec, rgb.float()).item():.2f}")

# aggressive 3x chroma decimation (like 4:1:0 with a 3-pixel grid) and back
sub3 = F.avg_pool2d(cbcr.unsqueeze(0), kernel_size=3)
ramp = torch.arange(4.0).view(1, 1, 1, 4)
torch.set_printoptions(profile="default")
print("3x linear ramp:", F.interpolate(ramp, scale_factor=3, mode="bilinear")[0, 0, 0])
print("3x linear ramp (1-d):", F.interpolate(ramp[0], scale_factor=(3,), mode="linear")[0, 0, :6])
torch.set_printoptions(precision=4, sci_mode=False)
for mode in ("bilinear", "bicubic", "nearest", "nearest-exact"):
    up3 = F.interpolate(sub3, scale_factor=3, mode=mode)
    corner = [round(v, 3) for v in up3[0, 0, 0, :4].tolist()]
    print(f"3x {mode:13s}: corner {corner} psnr {psnr(up3[0], cbcr).item():.2f}")
up3_73 = F.interpolate(sub3, size=(23, 22), mode="bicubic", align_corners=True)
print("bicubic to 23x22:", up3_73.shape, f"{up3_73.mean().item():.4f}")

near = F.interpolate(sub, size=(24, 24), mode="nearest")
print("nearest == repeat_interleave:",
      torch.equal(near, sub.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)))
area = F.interpolate(cbcr.unsqueeze(0), scale_factor=0.5, mode="area")
print("area == avg_pool2d:", torch.allclose(area, sub))
aa = F.interpolate(cbcr.unsqueeze(0), size=(8, 8), mode="bilinear", antialias=True)
print("antialiased 1/3 chroma corner:", aa[0, 1, :2, :2])
# Pillow-style Lanczos-3 decimation of the chroma planes, then back up
lz = F.interpolate(cbcr.unsqueeze(0), scale_factor=0.5, mode="lanczos", antialias=True)
lz_up = F.interpolate(lz, size=(24, 24), mode="lanczos", antialias=True)
print("lanczos chroma:", lz.shape, lz[0, 0, :2, :3], f"round-trip psnr {psnr(lz_up[0], cbcr).item():.2f}")
lz64 = F.interpolate(cbcr.double().unsqueeze(0), size=(7, 9), mode="lanczos", antialias=True)
print("lanczos float64 7x9 corner:", lz64[0, 1, :2, :2])
for bad in (dict(antialias=False), dict(antialias=True, align_corners=True)):
    try:
        F.interpolate(cbcr.unsqueeze(0), scale_factor=0.5, mode="lanczos", **bad)
    except ValueError as e:
        print("ValueError:", e)
try:
    F.interpolate(cbcr, scale_factor=0.5, mode="lanczos", antialias=True)
except ValueError as e:
    print("ValueError:", e)


def gaussian_window(size=7, sigma=1.5):
    ax = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    g = torch.exp(-ax ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    return torch.outer(g, g)


def ssim(a, b, peak=255.0, size=7):
    c = a.size(1)
    w = gaussian_window(size).expand(c, 1, size, size)
    C1, C2 = (0.01 * peak) ** 2, (0.03 * peak) ** 2
    mu_a = F.conv2d(a, w, groups=c)
    mu_b = F.conv2d(b, w, groups=c)
    s_aa = F.conv2d(a * a, w, groups=c) - mu_a ** 2
    s_bb = F.conv2d(b * b, w, groups=c) - mu_b ** 2
    s_ab = F.conv2d(a * b, w, groups=c) - mu_a * mu_b
    num = (2 * mu_a * mu_b + C1) * (2 * s_ab + C2)
    den = (mu_a ** 2 + mu_b ** 2 + C1) * (s_aa + s_bb + C2)
    return (num / den).mean(dim=(1, 2, 3))


ref = rgb.float().unsqueeze(0)
print("window sum:", f"{gaussian_window().sum().item():.4f}", "center:", f"{gaussian_window()[3, 3].item():.4f}")
print("ssim(ref, ref):", f"{ssim(ref, ref).item():.4f}")
for noise in (2.0, 8.0, 20.0):
    dist = (ref + noise * torch.randn_like(ref)).clamp(0, 255)
    print(f"noise {noise:4.1f}: psnr {psnr(dist, ref).item():.2f}  ssim {ssim(dist, ref).item():.4f}")
blurred = F.avg_pool2d(F.pad(ref, (1, 1, 1, 1), mode="replicate"), 3, stride=1)
print(f"blur 3x3: psnr {psnr(blurred, ref).item():.2f}  ssim {ssim(blurred, ref).item():.4f}")

# differentiable SSIM: gradient of 1-SSIM drives a noisy image back toward the reference
x = (ref + 15 * torch.randn_like(ref)).requires_grad_()
opt = torch.optim.SGD([x], lr=2000.0)
for it in range(4):
    loss = 1 - ssim(x, ref)
    opt.zero_grad()
    loss.backward()
    print(f"iter {it}: 1-ssim {loss.item():.4f}  grad norm {x.grad.norm().item():.5f}")
    opt.step()


def dct_fft(x):
    """Orthonormal DCT-II along the last dim via one FFT (Makhoul 1980)."""
    N = x.shape[-1]
    v = torch.cat([x[..., ::2], x[..., 1::2].flip(-1)], dim=-1)
    Vc = torch.fft.fft(v, dim=-1)
    k = torch.arange(N, dtype=x.dtype)
    W = torch.exp(-1j * math.pi * k / (2 * N))
    X = (Vc * W).real * math.sqrt(2 / N)
    X[..., 0] = X[..., 0] / math.sqrt(2)
    return X


def dct_matrix(n):
    k = torch.arange(n, dtype=torch.float64).unsqueeze(1)
    i = torch.arange(n, dtype=torch.float64).unsqueeze(0)
    c = torch.cos(math.pi * (2 * i + 1) * k / (2 * n)) * math.sqrt(2 / n)
    c[0] /= math.sqrt(2)
    return c


blk = y[0, :8, :8].double() - 128
D = dct_matrix(8)
ref2d = D @ blk @ D.T
fft2d = dct_fft(dct_fft(blk).transpose(0, 1)).transpose(0, 1)
print("fft DCT matches matrix DCT:", torch.allclose(fft2d, ref2d, atol=1e-9), fft2d.dtype)
print("luma block DCT:\n", ref2d.float())
spec = torch.fft.rfft2(y[0] - y[0].mean())
print("rfft2 shape:", spec.shape, spec.dtype)
power = spec.abs() ** 2
phase = spec.angle()
print("phase corner:", phase[:2, :5])
print("hue angle of chroma (atan2):", torch.atan2(cbcr[1, :2, :5] - 128, cbcr[0, :2, :5] - 128))
print("low-frequency energy share:", f"{(power[:4, :4].sum() / power.sum()).item():.4f}")
print("fftfreq:", torch.fft.fftfreq(8), "rfftfreq:", torch.fft.rfftfreq(8))
# vertical spectra of the luma columns: torch lays the result out batch-first
cols = torch.fft.rfft(y[0] - 128, dim=0)
print("column spectrum:", cols.shape, cols.stride(), cols.is_contiguous())
rows_cols = torch.fft.fft2(y[0, :8, :8], dim=(1, 0))
print("fft2 dims (1, 0):", rows_cols.stride(), "fftn dim 0 of 3-d:", torch.fft.fftn(ycc, dim=(0,)).stride())
try:
    cols.view(-1)
except RuntimeError as e:
    print("RuntimeError:", e)
print("flattened with reshape:", cols.reshape(-1).shape, f"{cols.abs().sum().item() / 1000:.2f}k")

try:
    F.avg_pool2d(torch.zeros(1, 1, 1, 1), kernel_size=2)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.interpolate(sub, scale_factor=2, mode="bicubic", antialias=True, align_corners=None).shape
    F.interpolate(sub[0, 0], scale_factor=2, mode="bilinear")
except (ValueError, NotImplementedError) as e:
    print(type(e).__name__ + ":", e)
