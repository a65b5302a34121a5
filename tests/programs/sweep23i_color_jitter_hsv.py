"""ColorJitter written by hand, as Kaggle kernels do when they avoid torchvision: brightness by a
multiplicative factor, contrast blended towards the grayscale mean, saturation towards the
luminance image (ITU-R 601 weights), hue through an RGB -> HSV -> RGB round trip written with
tensor ops (max / min, torch.where chains, fmod, remainder, floor, gather), random order of the four
ops with torch.randperm, all with a seeded generator; plus gamma, solarize, posterize on uint8,
autocontrast and equalize-like histograms."""
import torch

torch.manual_seed(11)
g = torch.Generator()
g.manual_seed(2023)

imgs = torch.rand(5, 3, 8, 8, generator=g)
imgs[0, :, 0, 0] = torch.tensor([0.5, 0.5, 0.5])       # gray pixel: saturation 0
imgs[0, :, 0, 1] = torch.tensor([1.0, 0.0, 0.0])       # pure red
imgs[0, :, 0, 2] = torch.tensor([0.0, 0.0, 0.0])       # black


def blend(img1, img2, ratio):
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, 1.0)


def rgb_to_grayscale(img):
    r, gg, b = img.unbind(dim=-3)
    return (0.2989 * r + 0.587 * gg + 0.114 * b).unsqueeze(dim=-3)


def adjust_brightness(img, f):
    return blend(img, torch.zeros_like(img), f)


def adjust_contrast(img, f):
    mean = torch.mean(rgb_to_grayscale(img), dim=(-3, -2, -1), keepdim=True)
    return blend(img, mean, f)


def adjust_saturation(img, f):
    return blend(img, rgb_to_grayscale(img), f)


def rgb2hsv(img):
    r, gg, b = img.unbind(dim=-3)
    maxc = torch.max(img, dim=-3).values
    minc = torch.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_divisor = torch.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - gg) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == gg) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != gg) & (maxc != r)) * (4.0 + gc - rc)
    h = hr + hg + hb
    h = torch.fmod((h / 6.0 + 1.0), 1.0)
    return torch.stack((h, s, maxc), dim=-3)


def hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = torch.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=torch.int32)
    p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    mask = i.unsqueeze(dim=-3) == torch.arange(6, device=i.device).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v), dim=-3)
    a2 = torch.stack((t, v, v, q, p, p), dim=-3)
    a3 = torch.stack((p, p, t, v, v, q), dim=-3)
    a4 = torch.stack((a1, a2, a3), dim=-4)
    return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)


def adjust_hue(img, hue_factor):
    hsv = rgb2hsv(img)
    h, s, v = hsv.unbind(dim=-3)
    h = (h + hue_factor) % 1.0
    return hsv2rgb(torch.stack((h, s, v), dim=-3))


hsv = rgb2hsv(imgs[0])
print(hsv[:, 0, :3].round(decimals=4))
back = hsv2rgb(hsv)
print(f"{(back - imgs[0]).abs().max().item():.5f}", torch.allclose(back, imgs[0], atol=1e-5))
print(f"{hsv[0].mean().item():.4f}", f"{hsv[1].mean().item():.4f}", f"{hsv[2].mean().item():.4f}")


def color_jitter(img, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, generator=None):
    order = torch.randperm(4, generator=generator)
    b = float(torch.empty(1).uniform_(1 - brightness, 1 + brightness, generator=generator))
    c = float(torch.empty(1).uniform_(1 - contrast, 1 + contrast, generator=generator))
    s = float(torch.empty(1).uniform_(1 - saturation, 1 + saturation, generator=generator))
    h = float(torch.empty(1).uniform_(-hue, hue, generator=generator))
    for fn_id in order.tolist():
        if fn_id == 0:
            img = adjust_brightness(img, b)
        elif fn_id == 1:
            img = adjust_contrast(img, c)
        elif fn_id == 2:
            img = adjust_saturation(img, s)
        else:
            img = adjust_hue(img, h)
    return img, order.tolist(), (round(b, 4), round(c, 4), round(s, 4), round(h, 4))


out = []
for k in range(imgs.shape[0]):
    o, order, factors = color_jitter(imgs[k], generator=g)
    out.append(o)
    print(k, order, factors, f"{o.sum().item():.3f}")
out = torch.stack(out)
print(out.shape, f"{out.mean().item():.4f}", out[0, :, 0, :3].round(decimals=4))

# batched version of every op
print(f"{adjust_hue(imgs, 0.25).sum().item():.3f}", f"{adjust_hue(imgs, -0.5).sum().item():.3f}")
print(f"{adjust_saturation(imgs, 0.0).std().item():.4f}", f"{adjust_contrast(imgs, 0.5).std().item():.4f}")
gray = rgb_to_grayscale(imgs)
print(gray.shape, f"{gray.mean().item():.4f}", gray.expand(-1, 3, -1, -1).is_contiguous())


# uint8 ops: gamma, solarize, posterize, invert, autocontrast, equalize histogram
u8 = (imgs * 255).round().clamp(0, 255).to(torch.uint8)
print(u8.dtype, u8[0, :, 0, :4], u8.sum().item())
gamma = (255 * (u8.float() / 255) ** 0.8).round().to(torch.uint8)
print(gamma[1, 0, 0, :6])
solar = torch.where(u8 >= 128, 255 - u8, u8)
print(solar[1, 0, 0, :6], (255 - u8)[0, 0, 0, :3])
mask = -int(2 ** (8 - 3))
poster = u8 & mask
print(mask, poster[1, 1, 1, :6], (u8 >> 5 << 5).equal(poster))
lo = u8.amin(dim=(-2, -1), keepdim=True).float()
hi = u8.amax(dim=(-2, -1), keepdim=True).float()
scale = 255.0 / (hi - lo)
ac = ((u8.float() - lo) * scale).clamp(0, 255).to(torch.uint8)
print(ac[2, 2, 3, :6], lo.flatten()[:6].tolist())
hist = torch.histc(u8[0, 0].float(), bins=8, min=0, max=255)
print(hist)
bc = torch.bincount(u8[0, 0].flatten() // 32, minlength=8)
print(bc, bc.cumsum(0))
cdf = torch.bincount(u8[1, 0].flatten(), minlength=256).cumsum(0)
lut = ((cdf - cdf[cdf > 0][0]) * 255 / (cdf[-1] - cdf[cdf > 0][0])).floor().clamp(0, 255).to(torch.uint8)
eq = lut[u8[1, 0].long()]
print(eq[0], eq.float().mean().round(decimals=2))
