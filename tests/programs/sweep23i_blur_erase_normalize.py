"""Gaussian blur, random erasing and normalisation written by hand: a 1-D Gaussian kernel from
torch.linspace / exp, applied as a separable depthwise conv2d (groups=3) after reflect padding,
sigma drawn per image from a generator; cutout with boolean masks built by arange comparisons;
random erasing with random values (normal_(generator=g)); per-channel normalize / un-normalize with
in-place sub_ / div_ and broadcasting; uint8 <-> float conversions with clamp, round and casts."""
import torch
import torch.nn.functional as F

torch.manual_seed(5)
g = torch.Generator().manual_seed(99)

imgs = torch.rand(4, 3, 16, 16, generator=g)
imgs[:, :, 6:10, 6:10] = 1.0


def gaussian_kernel1d(ksize, sigma):
    half = (ksize - 1) * 0.5
    x = torch.linspace(-half, half, steps=ksize)
    pdf = torch.exp(-0.5 * (x / sigma).pow(2))
    return pdf / pdf.sum()


def gaussian_blur(img, ksize, sigma):
    k = gaussian_kernel1d(ksize, sigma)
    c = img.shape[-3]
    kx = k.view(1, 1, 1, ksize).expand(c, 1, 1, ksize)
    ky = k.view(1, 1, ksize, 1).expand(c, 1, ksize, 1)
    pad = ksize // 2
    x = F.pad(img, [pad, pad, pad, pad], mode="reflect")
    x = F.conv2d(x, kx, groups=c)
    return F.conv2d(x, ky, groups=c)


k5 = gaussian_kernel1d(5, 1.0)
print(k5.round(decimals=5), f"{k5.sum().item():.5f}")
kernel2d = torch.outer(k5, k5)
print(kernel2d.shape, f"{kernel2d[2, 2].item():.5f}")
sigmas = torch.empty(4).uniform_(0.1, 2.0, generator=g)
print(sigmas.round(decimals=4))
blurred = torch.stack([gaussian_blur(imgs[i:i + 1], 5, s.item())[0] for i, s in enumerate(sigmas)])
print(blurred.shape, f"{blurred.sum().item():.3f}", blurred[0, 0, 7, 4:9].round(decimals=4))
# separable equals full 2-D depthwise conv
full = F.conv2d(F.pad(imgs, [2] * 4, mode="reflect"), kernel2d.expand(3, 1, 5, 5), groups=3)
sep = gaussian_blur(imgs, 5, 1.0)
print(torch.allclose(full, sep, atol=1e-6), f"{(full - sep).abs().max().item():.1e}" != "")
for mode in ("replicate", "circular", "constant"):
    p = F.pad(imgs[:1], (2, 2, 2, 2), mode=mode)
    print(mode, tuple(p.shape), f"{p.sum().item():.3f}")
box = F.avg_pool2d(imgs, 3, stride=1, padding=1, count_include_pad=False)
print("box", f"{box.sum().item():.3f}")
conv_blur = torch.nn.Conv2d(3, 3, 5, padding=2, padding_mode="reflect", groups=3, bias=False)
with torch.no_grad():
    conv_blur.weight.copy_(kernel2d.expand(3, 1, 5, 5))
print(conv_blur, torch.allclose(conv_blur(imgs), full, atol=1e-6))

# cutout with masks
H, W = 16, 16
cy = torch.randint(0, H, (4,), generator=g)
cx = torch.randint(0, W, (4,), generator=g)
ys = torch.arange(H).view(1, H, 1)
xs = torch.arange(W).view(1, 1, W)
half = 3
mask = ((ys - cy.view(-1, 1, 1)).abs() <= half) & ((xs - cx.view(-1, 1, 1)).abs() <= half)
print(cy.tolist(), cx.tolist(), mask.sum(dim=(1, 2)).tolist())
cut = imgs * (~mask).unsqueeze(1)
print(f"{cut.sum().item():.3f}", (cut == 0).sum().item())
cut2 = imgs.masked_fill(mask.unsqueeze(1), 0.5)
print(f"{cut2.mean().item():.4f}")


# random erasing (torchvision-style) per sample
def random_erasing(img, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), generator=None):
    if torch.rand(1, generator=generator).item() >= p:
        return img, None
    c, h, w = img.shape
    area = h * w
    log_ratio = torch.log(torch.tensor(ratio))
    for _ in range(10):
        erase_area = area * torch.empty(1).uniform_(scale[0], scale[1], generator=generator).item()
        aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1], generator=generator)).item()
        eh = int(round((erase_area * aspect) ** 0.5))
        ew = int(round((erase_area / aspect) ** 0.5))
        if not (eh < h and ew < w):
            continue
        v = torch.empty([c, eh, ew], dtype=torch.float32).normal_(generator=generator)
        i = torch.randint(0, h - eh + 1, size=(1,), generator=generator).item()
        j = torch.randint(0, w - ew + 1, size=(1,), generator=generator).item()
        img = img.clone()
        img[..., i:i + eh, j:j + ew] = v
        return img, (i, j, eh, ew)
    return img, None


for k in range(4):
    e, box = random_erasing(imgs[k], p=0.7, generator=g)
    print(k, box, f"{e.sum().item():.3f}")

# normalize / un-normalize
mean = torch.tensor([0.485, 0.456, 0.406])
std = torch.tensor([0.229, 0.224, 0.225])
x = imgs.clone()
x.sub_(mean[:, None, None]).div_(std[:, None, None])
print(f"{x.mean().item():.4f}", x.mean(dim=(0, 2, 3)).round(decimals=4), x.std(dim=(0, 2, 3)).round(decimals=4))
y = x * std.view(1, 3, 1, 1) + mean.view(1, 3, 1, 1)
print(torch.allclose(y, imgs, atol=1e-6), f"{(y - imgs).abs().max().item() < 1e-6}")
ch_mean = imgs.mean(dim=[0, 2, 3])
ch_std = imgs.std(dim=[0, 2, 3], unbiased=False)
print(ch_mean.round(decimals=4), ch_std.round(decimals=4))
z = (imgs - ch_mean[None, :, None, None]) / ch_std[None, :, None, None]
print(z.mean(dim=(0, 2, 3)).abs().max().item() < 1e-5, z.var(dim=(0, 2, 3), correction=0).round(decimals=3))

# uint8 round trips
u8 = imgs.mul(255).round().clamp(0, 255).to(torch.uint8)
f = u8.float().div(255)
print(u8.dtype, u8[0, 0, 0, :5], f"{(f - imgs).abs().max().item():.5f}")
noisy = imgs + torch.randn(imgs.shape, generator=g) * 0.3
print(noisy.mul(255).clamp(0, 255).byte()[1, 1, 1, :6])
print(noisy.mul(255).round().clamp_(0, 255).to(torch.uint8).sum().item())
print(torch.tensor([0.5, 1.5, 2.5, -0.5, 254.5, 255.5]).round(), torch.tensor([1.7, -0.3, 255.9]).to(torch.uint8))
print((u8 + 10)[0, 0, 0, :5], (u8.int() + 10).clamp(max=255).to(torch.uint8)[0, 0, 0, :5])
print(u8.float().mean().round(decimals=3), u8.double().std().item() > 0, u8.to(torch.float16).dtype)
print(torch.clamp(noisy, min=torch.zeros(3, 1, 1), max=torch.ones(3, 1, 1) * 0.9).amax(dim=(0, 2, 3)))
