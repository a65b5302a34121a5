"""Wavelet transform coding: Haar and CDF 5/3 (LeGall) lifting steps with strided slicing, a
multi-level 2-D decomposition, hard thresholding of detail coefficients, integer-to-integer
lifting that reconstructs exactly, and a Daubechies-4 filter bank via conv1d."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(1)
torch.set_printoptions(precision=4, sci_mode=False)


def haar_1d(x, dim=-1):
    even = x.narrow(dim, 0, x.size(dim) // 2 * 2)
    a = even.unfold(dim, 2, 2)
    s = (a[..., 0] + a[..., 1]) / math.sqrt(2)
    d = (a[..., 0] - a[..., 1]) / math.sqrt(2)
    return s, d


sig = torch.tensor([4.0, 6.0, 10.0, 12.0, 8.0, 6.0, 5.0, 5.0])
s, d = haar_1d(sig)
print("haar approx:", s)
print("haar detail:", d)
print("energy preserved:", f"{sig.pow(2).sum().item():.4f}", f"{(s.pow(2).sum() + d.pow(2).sum()).item():.4f}")


def lift53_forward(x):
    """CDF 5/3 lifting along the last dim with symmetric extension (float version)."""
    x = x.clone()
    even, odd = x[..., 0::2], x[..., 1::2]
    right = torch.cat([even[..., 1:], even[..., -1:]], dim=-1)
    odd -= 0.5 * (even + right)               # predict
    left = torch.cat([odd[..., :1], odd[..., :-1]], dim=-1)
    even += 0.25 * (left + odd)               # update
    return even, odd


def lift53_inverse(s, d):
    left = torch.cat([d[..., :1], d[..., :-1]], dim=-1)
    even = s - 0.25 * (left + d)
    right = torch.cat([even[..., 1:], even[..., -1:]], dim=-1)
    odd = d + 0.5 * (even + right)
    out = torch.empty(*s.shape[:-1], s.shape[-1] * 2, dtype=s.dtype)
    out[..., 0::2] = even
    out[..., 1::2] = odd
    return out


s53, d53 = lift53_forward(sig)
print("5/3 lowpass:", s53)
print("5/3 highpass:", d53)
print("5/3 perfect reconstruction:", torch.allclose(lift53_inverse(s53, d53), sig))


def lift53_int(x):
    """Reversible integer 5/3 (JPEG 2000 lossless path) with floor division."""
    even, odd = x[..., 0::2].clone(), x[..., 1::2].clone()
    right = torch.cat([even[..., 1:], even[..., -1:]], dim=-1)
    odd -= torch.div(even + right, 2, rounding_mode="floor")
    left = torch.cat([odd[..., :1], odd[..., :-1]], dim=-1)
    even += torch.div(left + odd + 2, 4, rounding_mode="floor")
    return even, odd


def unlift53_int(s, d):
    left = torch.cat([d[..., :1], d[..., :-1]], dim=-1)
    even = s - torch.div(left + d + 2, 4, rounding_mode="floor")
    right = torch.cat([even[..., 1:], even[..., -1:]], dim=-1)
    odd = d + torch.div(even + right, 2, rounding_mode="floor")
    return torch.stack([even, odd], dim=-1).flatten(-2)


xi = torch.randint(0, 256, (4, 16), dtype=torch.int32)
si, di = lift53_int(xi)
print("integer lowpass row 0:", si[0])
print("integer highpass row 0:", di[0])
print("integer lossless:", torch.equal(unlift53_int(si, di), xi), unlift53_int(si, di).dtype)

# 2-D multi-level Haar decomposition of a synthetic image
yy, xx = torch.meshgrid(torch.linspace(-1, 1, 32), torch.linspace(-1, 1, 32), indexing="ij")
img = torch.sin(3 * xx) * torch.cos(2 * yy) + (xx.abs() + yy.abs() < 0.6).float()
img = img + 0.05 * torch.randn_like(img)


def haar2d(x):
    lo, hi = haar_1d(x, dim=-1)
    ll, lh = haar_1d(lo.transpose(-1, -2), dim=-1)
    hl, hh = haar_1d(hi.transpose(-1, -2), dim=-1)
    return ll.transpose(-1, -2), (lh.transpose(-1, -2), hl.transpose(-1, -2), hh.transpose(-1, -2))


def ihaar2d(ll, bands):
    lh, hl, hh = bands
    r2 = math.sqrt(2)

    def ih(s, d):
        return torch.stack([(s + d) / r2, (s - d) / r2], dim=-1).flatten(-2)
    lo = ih(ll.transpose(-1, -2), lh.transpose(-1, -2)).transpose(-1, -2)
    hi = ih(hl.transpose(-1, -2), hh.transpose(-1, -2)).transpose(-1, -2)
    return ih(lo, hi)


levels = []
cur = img
for lev in range(3):
    cur, bands = haar2d(cur)
    levels.append(bands)
    e = [b.pow(2).sum().item() for b in bands]
    print(f"level {lev + 1}: LL {tuple(cur.shape)} detail energies", [f"{v:.3f}" for v in e])
print("coarsest LL:\n", cur)

allc = torch.cat([cur.flatten()] + [b.flatten() for bands in levels for b in bands])
print("coefficient count:", allc.numel(), "total energy:", f"{allc.pow(2).sum().item():.3f}",
      "image energy:", f"{img.pow(2).sum().item():.3f}")

for keep in (0.05, 0.1, 0.25):
    k = int(keep * allc.numel())
    thr = allc.abs().kthvalue(allc.numel() - k).values
    kept_levels = [tuple(torch.where(b.abs() > thr, b, torch.zeros_like(b)) for b in bands) for bands in levels]
    rec = torch.where(cur.abs() > thr, cur, torch.zeros_like(cur))
    for bands in reversed(kept_levels):
        rec = ihaar2d(rec, bands)
    mse = F.mse_loss(rec, img)
    psnr = 10 * torch.log10((img.max() - img.min()) ** 2 / mse)
    print(f"keep {keep:.2f}: threshold {thr.item():.4f}, psnr {psnr.item():.2f} dB")

# Daubechies-4 analysis filter bank via conv1d with stride 2 and circular padding
r3 = math.sqrt(3)
h = torch.tensor([1 + r3, 3 + r3, 3 - r3, 1 - r3]) / (4 * math.sqrt(2))
g = h.flip(0) * torch.tensor([1.0, -1.0, 1.0, -1.0])
print("db4 lowpass:", h)
print("db4 highpass:", g)
print("sum h:", f"{h.sum().item():.4f}", "sum g ~ 0:", g.sum().abs().item() < 1e-6,
      "h.g ~ 0:", (h @ g).abs().item() < 1e-6)
bank = torch.stack([h, g]).unsqueeze(1)                 # (2, 1, 4)
x = torch.randn(3, 1, 16)
xp = F.pad(x, (0, 2), mode="circular")
out = F.conv1d(xp, bank, stride=2)
print("filter bank output shape:", out.shape)
print("energy in/out:", f"{x.pow(2).sum().item():.4f}", f"{out.pow(2).sum().item():.4f}")
# synthesis: transposed conv with the same (orthogonal) bank
y = F.conv_transpose1d(out, bank, stride=2)
y = y[..., :16] + F.pad(y[..., 16:], (0, 14))
print("db4 perfect reconstruction:", torch.allclose(y, x, atol=1e-5))
ramp_hp = F.conv1d(torch.arange(12.0).view(1, 1, -1), g.view(1, 1, -1), stride=2)
print("ramp highpass (vanishing moments):", ramp_hp.shape, ramp_hp.abs().max().item() < 1e-5)

try:
    lift53_inverse(torch.zeros(4), torch.zeros(3))
except RuntimeError as e:
    print("RuntimeError:", e)
