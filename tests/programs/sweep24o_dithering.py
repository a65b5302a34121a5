"""Dithering as in image-processing course exercises: ordered dithering with a recursively built
Bayer matrix (torch.cat / repeat / tile), Floyd-Steinberg error diffusion with an in-place
Python loop over pixels (item access, += on tensor elements), Atkinson dithering on a padded
buffer, multi-level quantization to a fixed number of gray levels, and error statistics."""
import torch

torch.manual_seed(3)


def bayer(n):
    if n == 1:
        return torch.tensor([[0, 2], [3, 1]])
    b = bayer(n - 1)
    return torch.cat([torch.cat([4 * b, 4 * b + 2], dim=1),
                      torch.cat([4 * b + 3, 4 * b + 1], dim=1)], dim=0)


def ordered_dither(gray, n=2):
    m = bayer(n)
    size = m.shape[0]
    thresh = (m.float() + 0.5) / (size * size)
    h, w = gray.shape
    t = thresh.repeat((h + size - 1) // size, (w + size - 1) // size)[:h, :w]
    return (gray > t).to(torch.uint8) * 255


def floyd_steinberg(gray):
    img = gray.clone().float()
    h, w = img.shape
    out = torch.zeros(h, w, dtype=torch.uint8)
    for y in range(h):
        for x in range(w):
            old = img[y, x].item()
            new = 1.0 if old >= 0.5 else 0.0
            out[y, x] = int(new * 255)
            err = old - new
            if x + 1 < w:
                img[y, x + 1] += err * 7 / 16
            if y + 1 < h:
                if x > 0:
                    img[y + 1, x - 1] += err * 3 / 16
                img[y + 1, x] += err * 5 / 16
                if x + 1 < w:
                    img[y + 1, x + 1] += err * 1 / 16
    return out


def atkinson(gray):
    h, w = gray.shape
    buf = torch.zeros(h + 2, w + 3)
    buf[:h, 1:w + 1] = gray
    for y in range(h):
        for x in range(1, w + 1):
            old = buf[y, x]
            new = torch.where(old > 0.5, torch.tensor(1.0), torch.tensor(0.0))
            err = (old - new) / 8
            buf[y, x] = new
            buf[y, x + 1] += err
            buf[y, x + 2] += err
            buf[y + 1, x - 1:x + 2] += err
            buf[y + 2, x] += err
    return buf[:h, 1:w + 1].mul(255).to(torch.uint8)


def quantize_levels(gray, levels):
    q = torch.round(gray * (levels - 1)) / (levels - 1)
    return (q * 255).round().to(torch.uint8)


print(bayer(1))
print(bayer(2))
print("bayer3 shape", tuple(bayer(3).shape), bayer(3).sum().item(), bayer(3).unique().numel())

# horizontal gradient + noise, 8x12
h, w = 8, 12
ramp = torch.linspace(0, 1, w).expand(h, w)
gray = (ramp + 0.05 * torch.randn(h, w)).clamp(0, 1)
print("gray 8-bit\n", (gray * 255).round().to(torch.uint8))

od = ordered_dither(gray)
print("ordered\n", (od // 255))
print("ordered mean", f"{od.float().mean().item() / 255:.4f}", "vs", f"{gray.mean().item():.4f}")

fs = floyd_steinberg(gray)
print("floyd-steinberg\n", fs // 255)
print("fs column means", (fs.float().mean(0) / 255).round(decimals=2))

at = atkinson(gray)
print("atkinson\n", at.div(255, rounding_mode="floor"))
print("white pixels", (od == 255).sum().item(), (fs == 255).sum().item(), (at == 255).sum().item())

for levels in (2, 4, 8):
    q = quantize_levels(gray, levels)
    err = (q.float() / 255 - gray).abs()
    print(f"levels={levels} unique={q.unique().tolist()} mae={err.mean().item():.4f}")

# color ordered dither per channel with tile
rgb = torch.rand(3, 4, 4)
thresh = ((bayer(2).float() + 0.5) / 16).tile(1, 1)
dithered = (rgb > thresh).byte() * 255
print(dithered[0])
print("per channel ones", (dithered > 0).sum(dim=(1, 2)))
