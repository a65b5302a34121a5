"""Image-processing building blocks: resizing, warping, padding modes, patches, upsampling decoders."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(8)
torch.set_printoptions(precision=3)
img = torch.arange(16.0).view(1, 1, 4, 4)

# --- resizing ------------------------------------------------------------------------------------------
print(F.interpolate(img, scale_factor=2, mode="nearest")[0, 0, :2])
print(F.interpolate(img, size=(3, 5), mode="bilinear", align_corners=False)[0, 0])
print(F.interpolate(img, size=(3, 5), mode="bilinear", align_corners=True)[0, 0])
print(F.interpolate(img, scale_factor=0.5, mode="bilinear")[0, 0], F.interpolate(img, size=2, mode="area")[0, 0])
print(F.interpolate(img, scale_factor=1.5, mode="nearest-exact")[0, 0, 0])
print(F.interpolate(img, size=(6, 6), mode="bicubic", align_corners=False)[0, 0, 0])
seq = torch.arange(6.0).view(1, 1, 6)
print(F.interpolate(seq, size=4, mode="linear"), F.interpolate(seq, scale_factor=2, mode="nearest"))
up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
print(up, up(img).shape)

# --- warping with affine_grid + grid_sample --------------------------------------------------------
theta = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
grid = F.affine_grid(theta, size=(1, 1, 4, 4), align_corners=False)
print(grid.shape, grid[0, 0])
print(torch.allclose(F.grid_sample(img, grid, align_corners=False), img))
angle = math.pi / 6
rot = torch.tensor([[[math.cos(angle), -math.sin(angle), 0.1], [math.sin(angle), math.cos(angle), -0.2]]])
g2 = F.affine_grid(rot, (1, 1, 4, 4), align_corners=True)
print(F.grid_sample(img, g2, mode="bilinear", padding_mode="zeros", align_corners=True)[0, 0])
print(F.grid_sample(img, g2, mode="nearest", padding_mode="border", align_corners=True)[0, 0])
print(F.grid_sample(img, g2, mode="bilinear", padding_mode="reflection", align_corners=False)[0, 0])
src = torch.randn(2, 3, 5, 5, requires_grad=True)
th = torch.randn(2, 2, 3) * 0.3 + torch.tensor([[1.0, 0, 0], [0, 1.0, 0]])
th.requires_grad_()
out = F.grid_sample(src, F.affine_grid(th, (2, 3, 4, 4), align_corners=False), align_corners=False)
out.square().sum().backward()
print(out.shape, src.grad.abs().sum() > 0, th.grad.shape, out.grad_fn.name())

# --- padding modes ---------------------------------------------------------------------------------
x = torch.arange(9.0).view(1, 1, 3, 3)
for mode in ["constant", "reflect", "replicate", "circular"]:
    print(mode, F.pad(x, (1, 2, 2, 1), mode=mode)[0, 0])
print(F.pad(torch.arange(4.0).view(1, 1, 4), (2, 1), mode="reflect"), F.pad(x, (1, 1), value=-1.0)[0, 0, 0])
print(nn.ReflectionPad2d(1)(x).shape, nn.ReplicationPad2d((1, 0, 2, 0))(x)[0, 0], nn.ZeroPad2d(1)(x).sum())
print(nn.ConstantPad1d(2, 3.5)(torch.ones(1, 2, 2)), nn.CircularPad2d(1)(x)[0, 0, 0])
xg = x.clone().requires_grad_()
F.pad(xg, (1, 1, 1, 1), mode="reflect").sum().backward()
print(xg.grad[0, 0])

# --- patches: unfold / fold ------------------------------------------------------------------------
patches = F.unfold(img, kernel_size=2, stride=2)
print(patches.shape, patches[0, :, 0])
back = F.fold(patches, output_size=(4, 4), kernel_size=2, stride=2)
print(torch.equal(back, img))
ov = F.unfold(img, kernel_size=3, padding=1)
counts = F.fold(torch.ones_like(ov), (4, 4), kernel_size=3, padding=1)
print(counts[0, 0], torch.allclose(F.fold(ov, (4, 4), kernel_size=3, padding=1) / counts, img))
print(img.unfold(2, 2, 1).shape, img[0, 0].unfold(0, 2, 2).unfold(1, 2, 2).reshape(-1, 4))
print(nn.Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=1)(img).shape)

# --- rolling, flipping, rotating -----------------------------------------------------------------
m = torch.arange(6).view(2, 3)
print(torch.roll(m, 1), torch.roll(m, shifts=(1, -1), dims=(0, 1)), m.roll(-1, 1))
print(torch.flip(m, [0, 1]), m.fliplr(), torch.rot90(m), torch.rot90(m, 2, [0, 1]), torch.rot90(m, -1))
print(img.flip(-1)[0, 0, 0], img.transpose(-1, -2).flip(-1)[0, 0, 0])

# --- upsampling decoders ---------------------------------------------------------------------------
ps = nn.PixelShuffle(2)
feat = torch.arange(16.0).view(1, 4, 2, 2)
print(ps(feat)[0, 0], nn.PixelUnshuffle(2)(ps(feat)).equal(feat), F.pixel_shuffle(feat, 2).shape)
decoder = nn.Sequential(
    nn.ConvTranspose2d(8, 4, kernel_size=4, stride=2, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
    nn.Conv2d(4, 4 * 4, 3, padding=1), nn.PixelShuffle(2), nn.Upsample(scale_factor=2, mode="nearest"),
    nn.Conv2d(4, 1, 3, padding=1, padding_mode="reflect"), nn.Sigmoid())
z = torch.randn(2, 8, 3, 3)
y = decoder(z)
print(decoder)
print(y.shape, f"{y.mean().item():.4f}")
ct = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1, bias=False)
nn.init.ones_(ct.weight)
print(ct(torch.ones(1, 1, 2, 2))[0, 0], ct(torch.ones(1, 1, 2, 2), output_size=[3, 3]).shape)
enc = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.AdaptiveMaxPool2d((2, 2)), nn.Flatten())
print(enc(img).shape, nn.AdaptiveMaxPool2d(1, return_indices=True)(img)[1])
print(F.adaptive_max_pool2d(img, (3, 3))[0, 0], F.adaptive_avg_pool2d(img, (3, 2))[0, 0])
print(nn.AdaptiveMaxPool1d(2)(seq), F.max_pool2d(img, 2, return_indices=True)[1][0, 0])
unpool = F.max_unpool2d(*F.max_pool2d(img, 2, return_indices=True), kernel_size=2)
print(unpool[0, 0])

# --- batch norm in eval mode, channel statistics -------------------------------------------------------
bn = nn.BatchNorm1d(3, momentum=0.5)
data = torch.randn(16, 3) * torch.tensor([1.0, 2.0, 3.0]) + torch.tensor([0.0, 1.0, -1.0])
for _ in range(4):
    bn(data)
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
print(bn(data[:2]), bn.training)
bn_nt = nn.BatchNorm1d(3, track_running_stats=False, affine=False).eval()
print(bn_nt(data[:4]).mean(0).abs().max() < 1e-5, bn_nt.running_mean)
bn2 = nn.BatchNorm2d(1).eval()
print(bn2(img)[0, 0, 0], nn.InstanceNorm2d(1)(img)[0, 0, 0], nn.GroupNorm(1, 1)(img)[0, 0, 0])
print(nn.LocalResponseNorm(2)(feat)[0, :, 0, 0], F.normalize(feat, dim=1)[0, :, 0, 0])
print(F.cosine_similarity(feat[:, 0], feat[:, 1], dim=-1), nn.CosineSimilarity(dim=0)(m.float()[0], m.float()[1]))
print(nn.PairwiseDistance()(m.float(), m.float().flip(0)), F.pairwise_distance(m.float(), m.float() + 1))
