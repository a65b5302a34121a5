"""MONAI-style sliding-window inference: pad the volume, cut overlapping patches with unfold,
run a small network, weight patches with a Gaussian importance map and average overlaps with fold."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)


def gaussian_importance_map(patch, sigma_scale=0.125):
    coords = [torch.arange(p, dtype=torch.float32) - (p - 1) / 2 for p in patch]
    sig = [p * sigma_scale for p in patch]
    g = [torch.exp(-(c ** 2) / (2 * s ** 2)) for c, s in zip(coords, sig)]
    m = torch.outer(g[0], g[1])
    m = m / m.max()
    return m.clamp(min=m[m > 0].min())


net = nn.Sequential(
    nn.Conv2d(1, 4, 3, padding=1, padding_mode="reflect"),
    nn.InstanceNorm2d(4, affine=True),
    nn.LeakyReLU(0.01),
    nn.Conv2d(4, 2, 1),
)
print(net)
net.eval()

image = torch.rand(1, 1, 37, 45)
patch = (16, 16)
overlap = 0.25
stride = [int(p * (1 - overlap)) for p in patch]
print("stride:", stride)

H, W = image.shape[-2:]
pad_h = (math.ceil((H - patch[0]) / stride[0]) * stride[0] + patch[0]) - H
pad_w = (math.ceil((W - patch[1]) / stride[1]) * stride[1] + patch[1]) - W
padded = F.pad(image, (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2), mode="constant", value=0.0)
print("padded:", tuple(padded.shape), "pads:", pad_h, pad_w)

patches = F.unfold(padded, kernel_size=patch, stride=stride)
print("unfold:", patches.shape)
n_patches = patches.shape[-1]
patches = patches.transpose(1, 2).reshape(n_patches, 1, *patch)

imp = gaussian_importance_map(patch)
print("importance corners:", imp[0, 0].item() > 0, f"{imp.sum().item():.3f}")

with torch.inference_mode():
    outs = []
    for batch in torch.split(patches, 4):
        outs.append(net(batch).softmax(1))
    out = torch.cat(outs)
    print("inference tensor:", out.is_inference(), out.requires_grad)
out = out * imp
cols = out.reshape(n_patches, -1).t().unsqueeze(0)
summed = F.fold(cols, output_size=padded.shape[-2:], kernel_size=patch, stride=stride)
weight = F.fold(imp.reshape(1, -1, 1).expand(1, -1, n_patches).contiguous(),
                output_size=padded.shape[-2:], kernel_size=patch, stride=stride)
print("summed:", summed.shape, "weight:", weight.shape)
ph, pw = pad_h // 2, pad_w // 2
result = (summed / weight)[..., ph:ph + H, pw:pw + W]
print("result:", result.shape)
print("channel sums close to 1:", torch.allclose(result.sum(1), torch.ones(1, H, W), atol=1e-5))
print("mean probability per class:", result.mean(dim=(0, 2, 3)))
seg = result.argmax(1)
print("foreground fraction:", f"{seg.float().mean().item():.4f}")

# padding modes a transform would use
small = torch.arange(12, dtype=torch.float32).reshape(1, 1, 3, 4)
for mode in ["reflect", "replicate", "circular"]:
    print(mode, F.pad(small, (1, 2, 1, 1), mode=mode)[0, 0])
print("constant", F.pad(small, (0, 1, 2, 0), value=-1)[0, 0])
print("negative pad crops:", F.pad(small, (-1, -1, 0, -1)).shape)
try:
    F.pad(small, (4, 0, 0, 0), mode="reflect")
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.unfold(small[0], kernel_size=5)
except RuntimeError as e:
    print("RuntimeError:", e)

# 3D: patches along depth with Tensor.unfold
vol = torch.randn(1, 1, 10, 8, 8)
tiles = vol.unfold(2, 4, 3).unfold(3, 4, 4).unfold(4, 4, 4)
print("3D tiles:", tiles.shape, tiles.is_contiguous())
tiles = tiles.contiguous().view(-1, 4, 4, 4)
print("tile means:", tiles.mean(dim=(1, 2, 3))[:5])
# simple averaging of overlaps along depth
acc = torch.zeros(10, 8, 8)
cnt = torch.zeros(10, 8, 8)
for d0 in range(0, 10 - 4 + 1, 3):
    acc[d0:d0 + 4] += vol[0, 0, d0:d0 + 4] * 2
    cnt[d0:d0 + 4] += 1
avg = acc / cnt.clamp(min=1)
print("uncovered slices:", (cnt[:, 0, 0] == 0).nonzero().flatten().tolist())
print("avg matches:", torch.allclose(avg[:10], 2 * vol[0, 0]))
conv3 = nn.Conv3d(1, 2, kernel_size=3, padding=1)
print(conv3(vol).shape, conv3.weight.shape, conv3)
up = F.interpolate(vol, scale_factor=(1, 2, 2), mode="trilinear", align_corners=True)
print("upsampled:", up.shape, f"{up.mean().item():.4f}")
near = F.interpolate(vol, size=(5, 4, 4), mode="nearest")
print("nearest down:", near.shape, near[0, 0, 0, 0])
