"""Fourier feature networks (Tancik et al. 2020) and explicit feature grids: positional encoding,
Gaussian random features, spectral bias measured with the FFT, and tri-plane / voxel lookups with
grid_sample."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, Uniform

torch.manual_seed(11)


def positional_encoding(x, L, include_input=True):
    freqs = 2.0 ** torch.arange(L, dtype=x.dtype) * math.pi
    xb = x[..., None, :] * freqs[:, None]                                  # (..., L, d)
    enc = torch.cat([torch.sin(xb), torch.cos(xb)], dim=-1).flatten(-2)
    return torch.cat([x, enc], -1) if include_input else enc


class GaussianFourierFeatures(nn.Module):
    def __init__(self, in_dim, n_feats, scale):
        super().__init__()
        self.register_buffer("B", torch.randn(in_dim, n_feats) * scale)

    def forward(self, x):
        proj = 2 * math.pi * x @ self.B
        return torch.cat([proj.sin(), proj.cos()], dim=-1)


x = torch.linspace(0, 1, 5).unsqueeze(-1)
pe = positional_encoding(x, 3)
print("PE", pe.shape)
print(pe)
print("no input", positional_encoding(torch.rand(2, 3), 4, include_input=False).shape)

# 1D signal with high-frequency content
N = 128
t = torch.arange(N, dtype=torch.float32) / N
signal = torch.sin(2 * math.pi * 3 * t) + 0.5 * torch.sin(2 * math.pi * 17 * t) + 0.25 * torch.sign(torch.sin(2 * math.pi * 5 * t))
spec = torch.fft.rfft(signal)
print("spectrum", spec.shape, spec.dtype)
mag = spec.abs() / N
print("top frequencies", torch.topk(mag, 4).indices.sort().values)
print("energy (Parseval)", f"{(signal ** 2).sum().item():.3f}", f"{(torch.fft.fft(signal).abs() ** 2).sum().item() / N:.3f}")
rec = torch.fft.irfft(spec, n=N)
print("irfft max err < 1e-5:", bool((rec - signal).abs().max() < 1e-5))
freqs = torch.fft.rfftfreq(N, d=1.0 / N)
print("rfftfreq", freqs[:5], freqs.dtype)


def make_mlp(in_dim, width=64):
    return nn.Sequential(nn.Linear(in_dim, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 1))


results = {}
for name in ("none", "pe", "gauss"):
    torch.manual_seed(0)
    if name == "none":
        enc, d = nn.Identity(), 1
    elif name == "pe":
        enc, d = (lambda z: positional_encoding(z, 6)), 13
    else:
        enc, d = GaussianFourierFeatures(1, 16, scale=10.0), 32
    mlp = make_mlp(d)
    opt = torch.optim.Adam(mlp.parameters(), lr=3e-3)
    inp = enc(t.unsqueeze(-1))
    for it in range(150):
        out = mlp(inp).squeeze(-1)
        loss = F.mse_loss(out, signal)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        out = mlp(inp).squeeze(-1)
        err_spec = torch.fft.rfft(out - signal).abs() / N
    results[name] = (loss.item(), err_spec[3].item(), err_spec[17].item())
    print(f"{name:6s} loss {loss.item():.3f} psnr {(10 * torch.log10(signal.abs().max() ** 2 / loss)).item():.1f}")
print("low-frequency error smaller than high-frequency for ReLU MLP:", results["none"][1] < results["none"][2])

# Gaussian features from torch.distributions
dist = Normal(torch.zeros(2), torch.full((2,), 6.0))
Bmat = dist.sample((8,)).T
print("B", Bmat.shape, dist.batch_shape, dist.event_shape, dist)
print("log prob", dist.log_prob(torch.tensor([0.0, 6.0])))
u = Uniform(torch.tensor(-1.0), torch.tensor(1.0))
pts = u.sample((4, 2))
print("uniform pts", pts.shape, bool((pts.abs() <= 1).all()), u.entropy())
ff = torch.einsum("nd,df->nf", pts, Bmat)
print("einsum == matmul:", torch.allclose(ff, pts @ Bmat))

# Explicit representations: dense voxel grid and a tri-plane, sampled with grid_sample
C, R = 4, 8
voxels = torch.randn(1, C, R, R, R)
planes = torch.randn(3, C, R, R)
q = torch.rand(1, 5, 3) * 2 - 1
vfeat = F.grid_sample(voxels, q.view(1, 1, 1, 5, 3), mode="bilinear", align_corners=True)
print("voxel features", vfeat.shape)
print(vfeat.view(C, 5).T)
coords2d = torch.stack([q[0][:, [0, 1]], q[0][:, [0, 2]], q[0][:, [1, 2]]]).unsqueeze(1)   # (3, 1, 5, 2)
pfeat = F.grid_sample(planes, coords2d, mode="bilinear", padding_mode="border", align_corners=False)
print("triplane features", pfeat.shape)
print(pfeat.sum(0).squeeze(1).T)
near = F.grid_sample(planes, coords2d, mode="nearest", align_corners=False)
print("nearest", near[0, :, 0, :2])
outside = F.grid_sample(planes[:1], torch.full((1, 1, 2, 2), 1.5), padding_mode="zeros", align_corners=False)
print("outside zeros", outside.view(-1))
refl = F.grid_sample(planes[:1], torch.full((1, 1, 2, 2), 1.2), padding_mode="reflection", align_corners=True)
print("reflection", refl.view(-1))

# gradients flow into the grid: total-variation regularised fit
grid = torch.zeros(1, 1, R, R, requires_grad=True)
opt = torch.optim.SGD([grid], lr=5.0, momentum=0.9)
xy = torch.rand(1, 64, 1, 2) * 2 - 1
target = (torch.sin(3 * xy[..., 0]) * torch.cos(2 * xy[..., 1])).view(1, 1, 64, 1)
for it in range(40):
    pred = F.grid_sample(grid, xy, align_corners=True)
    tv = (grid[..., 1:, :] - grid[..., :-1, :]).pow(2).mean() + (grid[..., :, 1:] - grid[..., :, :-1]).pow(2).mean()
    loss = F.mse_loss(pred, target) + 1e-3 * tv
    opt.zero_grad()
    loss.backward()
    opt.step()
print("grid fit loss", f"{loss.item():.4f}", "grad_fn", type(pred.grad_fn).__name__)
up = F.interpolate(grid.detach(), scale_factor=2, mode="bilinear", align_corners=True)
print("upsampled", up.shape, f"{up.mean().item():.4f}", f"{grid.mean().item():.4f}")
up3 = F.interpolate(voxels, size=(4, 4, 4), mode="trilinear", align_corners=False)
print("downsampled voxels", up3.shape, f"{up3.std().item():.4f}")

try:
    F.grid_sample(planes, torch.zeros(3, 1, 5, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.grid_sample(planes, coords2d, mode="bicubic_spline")
except ValueError as e:
    print("ValueError:", e)
