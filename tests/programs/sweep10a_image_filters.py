"""Image processing without torchvision: Sobel and Gaussian filters with conv2d, interpolate in
every mode, affine_grid + grid_sample rotation, pixel_shuffle, rot90/flip, unfold/fold patches,
pooling with indices and max_unpool2d."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
img = torch.zeros(1, 1, 8, 8)
img[..., 2:6, 3:7] = 1.0
img += 0.1 * torch.rand(1, 1, 8, 8)
rgb = torch.rand(2, 3, 6, 6)

sobel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
kernels = torch.stack([sobel_x, sobel_x.t()]).unsqueeze(1)
print(kernels.shape, kernels.is_contiguous())
edges = F.conv2d(img, kernels, padding=1)
mag = edges.pow(2).sum(dim=1, keepdim=True).sqrt()
print(edges.shape, mag[0, 0].round(decimals=2))
print(F.conv2d(img, kernels, padding="same").shape, F.conv2d(img, kernels, stride=2, dilation=2).shape)


def gaussian_kernel(size, sigma):
    ax = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    g = torch.exp(-(ax ** 2) / (2 * sigma ** 2))
    g = g / g.sum()
    return torch.outer(g, g)


gk = gaussian_kernel(5, 1.0)
print(gk.round(decimals=4), f"{gk.sum():.4f}")
blur = F.conv2d(F.pad(rgb, (2, 2, 2, 2), mode="reflect"), gk.expand(3, 1, 5, 5), groups=3)
print(blur.shape, blur[0, 0].round(decimals=3))
print(F.pad(img, (1, 1, 1, 1), mode="replicate").shape, F.pad(img, (1, 2, 0, 1), mode="circular")[0, 0, 0].round(decimals=2))

small = torch.arange(16, dtype=torch.float32).view(1, 1, 4, 4)
print(F.interpolate(small, scale_factor=2, mode="nearest")[0, 0])
print(F.interpolate(small, size=(6, 6), mode="nearest-exact")[0, 0])
print(F.interpolate(small, size=(6, 6), mode="bilinear", align_corners=False)[0, 0].round(decimals=3))
print(F.interpolate(small, size=(6, 6), mode="bilinear", align_corners=True)[0, 0].round(decimals=3))
print(F.interpolate(small, scale_factor=1.5, mode="bicubic", align_corners=False)[0, 0].round(decimals=3))
print(F.interpolate(small, size=(3, 3), mode="area")[0, 0].round(decimals=3))
print(F.interpolate(small, size=(2, 2), mode="bilinear", antialias=True)[0, 0].round(decimals=3))
print(F.interpolate(torch.arange(5.0).view(1, 1, 5), size=8, mode="linear")[0, 0].round(decimals=3))
up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
print(up, up(small).shape)
for bad in (lambda: F.interpolate(small, size=(6, 6), mode="linear"), lambda: F.interpolate(small, size=(3, 3, 3)),
            lambda: F.conv2d(img, kernels, padding="same", stride=2), lambda: F.conv2d(img, kernels, padding="full"),
            lambda: F.conv_transpose2d(img, kernels.transpose(0, 1), stride=2, output_padding=2),
            lambda: F.max_unpool2d(*F.max_pool2d(img, 2, return_indices=True), 2, output_size=(11, 11))):
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)

theta = torch.tensor([[math.cos(math.pi / 2), -math.sin(math.pi / 2), 0.0],
                      [math.sin(math.pi / 2), math.cos(math.pi / 2), 0.0]]).unsqueeze(0)
grid = F.affine_grid(theta, size=(1, 1, 4, 4), align_corners=False)
print(grid.shape, grid[0, 0].round(decimals=3))
rot = F.grid_sample(small, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
print(rot[0, 0].round(decimals=3))
print(torch.rot90(small, 1, dims=(2, 3))[0, 0])
theta30 = torch.tensor([[[math.cos(0.5), -math.sin(0.5), 0.1], [math.sin(0.5), math.cos(0.5), -0.2]]])
g30 = F.affine_grid(theta30, (1, 1, 4, 4), align_corners=True)
for mode in ["bilinear", "nearest", "bicubic"]:
    for pad in ["zeros", "border", "reflection"]:
        o = F.grid_sample(small, g30, mode=mode, padding_mode=pad, align_corners=True)
        print(mode, pad, o[0, 0, 1].round(decimals=3).tolist())

ps = torch.arange(32.0).view(1, 8, 2, 2)
shuf = F.pixel_shuffle(ps, 2)
print(shuf.shape, shuf[0, 0])
print(torch.equal(F.pixel_unshuffle(shuf, 2), ps), nn.PixelShuffle(2), nn.PixelUnshuffle(2), F.pixel_unshuffle(small, 2).shape)
print(torch.rot90(small, 2, (2, 3))[0, 0, 0], torch.rot90(small, -1, (2, 3))[0, 0, 0])
print(torch.flip(small, dims=[3])[0, 0, 0], small.flip(2, 3)[0, 0, 0], torch.fliplr(small[0, 0])[0], torch.flipud(small[0, 0])[0])
try:
    torch.rot90(small, 1, dims=(2, 2))
except Exception as e:
    print(type(e).__name__, e)

patches = F.unfold(rgb, kernel_size=2, stride=2)
print(patches.shape)
back = F.fold(patches, output_size=(6, 6), kernel_size=2, stride=2)
print(torch.equal(back, rgb))
over = F.unfold(rgb, kernel_size=3, padding=1)
cnt = F.fold(torch.ones_like(over), output_size=(6, 6), kernel_size=3, padding=1)
print(over.shape, cnt[0, 0])
print(torch.allclose(F.fold(over, (6, 6), 3, padding=1) / cnt, rgb), nn.Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=1))
pt = rgb.unfold(2, 3, 3).unfold(3, 3, 3)
print(pt.shape, pt.stride())

pooled, idx = F.max_pool2d(img, 2, return_indices=True)
print(pooled[0, 0].round(decimals=3), idx[0, 0], idx.dtype)
unp = F.max_unpool2d(pooled, idx, 2)
print(unp.shape, (unp != 0).sum().item())
pool = nn.MaxPool2d(3, stride=2, padding=1, return_indices=True)
unpool = nn.MaxUnpool2d(3, stride=2, padding=1)
p2, i2 = pool(img)
print(pool, unpool, p2.shape, i2[0, 0], unpool(p2, i2, output_size=img.shape).shape)
print(F.avg_pool2d(img, 2)[0, 0].round(decimals=3))
print(F.avg_pool2d(img, 3, stride=2, padding=1, count_include_pad=False)[0, 0].round(decimals=3))
print(F.avg_pool2d(img, 3, stride=2, padding=1, ceil_mode=True, divisor_override=4)[0, 0].round(decimals=3))
print(F.adaptive_avg_pool2d(rgb, (4, 3)).shape, F.adaptive_max_pool2d(rgb, 1, return_indices=True)[1].view(2, 3))
print(F.lp_pool2d(img, 2, 2)[0, 0].round(decimals=3))

x = img.clone().requires_grad_()
y = F.grid_sample(x, g30, align_corners=True).sum() + F.interpolate(x, scale_factor=0.5, mode="bilinear").sum()
y.backward()
print(type(y.grad_fn).__name__, x.grad[0, 0].round(decimals=3))
