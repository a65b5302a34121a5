"""Toy computed tomography in plain torch: rotate a phantom with F.affine_grid / F.grid_sample
(align_corners True and False, bilinear and nearest, zeros/border padding) and sum columns to get a
sinogram, unfiltered and ramp-filtered backprojection (rfft along detector, smearing by rotating
back), SIRT iterations, and PSNR / SSIM written by hand with a Gaussian window and F.conv2d."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
N = 32


def phantom(n):
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, n), torch.linspace(-1, 1, n), indexing="ij")
    p = torch.zeros(n, n)
    p[(xx / 0.7) ** 2 + (yy / 0.9) ** 2 < 1] = 1.0
    p[(xx / 0.6) ** 2 + (yy / 0.8) ** 2 < 1] = 0.4
    p[((xx - 0.2) / 0.15) ** 2 + ((yy + 0.1) / 0.3) ** 2 < 1] = 0.8
    p[((xx + 0.25) / 0.1) ** 2 + ((yy - 0.3) / 0.1) ** 2 < 1] = 0.1
    return p


img = phantom(N)
print("phantom mean", f"{img.mean().item():.4f}", "max", img.max().item())


_grid_cache = {}


def rotate(x, theta, align_corners=False, mode="bilinear", padding_mode="zeros"):
    key = (round(theta, 6), tuple(x.shape), align_corners)
    if key not in _grid_cache:  # grids depend only on the angle: build each once
        c, s = math.cos(theta), math.sin(theta)
        mats = torch.tensor([[c, -s, 0.0], [s, c, 0.0]], dtype=x.dtype).unsqueeze(0).expand(x.shape[0], 2, 3)
        _grid_cache[key] = F.affine_grid(mats, list(x.shape), align_corners=align_corners)
    return F.grid_sample(x, _grid_cache[key], mode=mode, padding_mode=padding_mode, align_corners=align_corners)


angles = torch.linspace(0, math.pi, 9)[:-1]
x4 = img[None, None]

# identity rotation sanity checks
for ac in (False, True):
    same = rotate(x4, 0.0, align_corners=ac)
    print(f"align_corners={ac}: identity max err {(same - x4).abs().max().item():.1e}")
g = F.affine_grid(torch.eye(2, 3)[None], [1, 1, 2, 3], align_corners=False)
print(g)
print(F.affine_grid(torch.eye(2, 3)[None], [1, 1, 2, 3], align_corners=True))

# sinogram
sino = torch.stack([rotate(x4, a.item()).sum(dim=2)[0, 0] for a in angles])
print("sinogram", tuple(sino.shape), f"{sino.sum().item():.3f}", f"{sino.max().item():.4f}")
sino_nn = torch.stack([rotate(x4, a.item(), mode="nearest", align_corners=True).sum(dim=2)[0, 0]
                       for a in angles])
print("nearest sinogram", f"{sino_nn.sum().item():.3f}")
sino_b = torch.stack([rotate(x4, a.item(), padding_mode="border").sum(dim=2)[0, 0] for a in angles[:3]])
print("border sinogram rows", sino_b.sum(dim=1))


def backproject(s):
    out = torch.zeros(1, 1, N, N)
    for a, row in zip(angles, s):
        smear = row.reshape(1, 1, 1, N).expand(1, 1, N, N)
        out = out + rotate(smear, -a.item())
    return out[0, 0] * math.pi / len(angles)


bp = backproject(sino)
print(f"unfiltered bp corr {torch.corrcoef(torch.stack([bp.flatten(), img.flatten()]))[0, 1].item():.4f}")

freqs = torch.fft.rfftfreq(2 * N)
ramp = 2 * freqs.abs()
padded = F.pad(sino, (0, N))
filtered = torch.fft.irfft(torch.fft.rfft(padded, dim=1) * ramp, n=2 * N, dim=1)[:, :N]
fbp = backproject(filtered)
print(f"fbp corr {torch.corrcoef(torch.stack([fbp.flatten(), img.flatten()]))[0, 1].item():.4f}")

# SIRT: x <- x + C A^T R (b - A x)
x = torch.zeros(1, 1, N, N)
ones = torch.ones(1, 1, N, N)
row_sums = torch.stack([rotate(ones, a.item()).sum(dim=2)[0, 0] for a in angles]).clamp_min(1e-3)
col_sums = backproject(torch.ones_like(sino)).clamp_min(1e-3)
for it in range(5):
    proj = torch.stack([rotate(x, a.item()).sum(dim=2)[0, 0] for a in angles])
    resid = sino - proj
    x = x + (backproject(resid / row_sums) / col_sums)[None, None]
    x = x.clamp(0, 1)
    if it % 2 == 0:
        print(f"sirt {it} sino resid {resid.norm().item():.4f} img err {(x[0, 0] - img).norm().item():.4f}")


def psnr(a, b, data_range=1.0):
    mse = F.mse_loss(a, b)
    return 10 * torch.log10(data_range ** 2 / mse)


def gaussian_window(size=7, sigma=1.5):
    coords = torch.arange(size, dtype=torch.float32) - size // 2
    g1 = torch.exp(-coords ** 2 / (2 * sigma ** 2))
    g1 = g1 / g1.sum()
    return (g1[:, None] @ g1[None, :]).expand(1, 1, size, size).contiguous()


def ssim(a, b, data_range=1.0):
    w = gaussian_window()
    C1, C2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_a = F.conv2d(a, w, padding=3)
    mu_b = F.conv2d(b, w, padding=3)
    s_aa = F.conv2d(a * a, w, padding=3) - mu_a ** 2
    s_bb = F.conv2d(b * b, w, padding=3) - mu_b ** 2
    s_ab = F.conv2d(a * b, w, padding=3) - mu_a * mu_b
    num = (2 * mu_a * mu_b + C1) * (2 * s_ab + C2)
    den = (mu_a ** 2 + mu_b ** 2 + C1) * (s_aa + s_bb + C2)
    return (num / den).mean()


w = gaussian_window()
print("window", tuple(w.shape), f"{w.sum().item():.4f}", f"{w[0, 0, 3, 3].item():.4f}")
rec = x.clamp(0, 1)
noisy = (x4 + 0.1 * torch.randn_like(x4)).clamp(0, 1)
for name, r in [("sirt", rec), ("fbp", fbp.clamp(0, 1)[None, None]), ("noisy", noisy), ("self", x4)]:
    p = psnr(r, x4)
    print(f"{name:5s} psnr {p.item():.2f} dB  ssim {ssim(r, x4).item():.4f}")

# SSIM as a differentiable loss
est = noisy.clone().requires_grad_(True)
opt = torch.optim.Adam([est], lr=0.02)
for step in range(12):
    opt.zero_grad()
    loss = 1 - ssim(est, x4) + 0.1 * F.l1_loss(est, noisy)
    loss.backward()
    opt.step()
    if step % 4 == 0 or step == 11:
        print(f"ssim-opt {step:2d} loss {loss.item():.4f}")
print(f"final psnr {psnr(est.detach().clamp(0, 1), x4).item():.2f}")
