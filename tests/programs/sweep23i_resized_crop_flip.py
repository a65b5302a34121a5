"""RandomResizedCrop and flips written with plain tensor ops, as in course notebooks that skip
torchvision: scale / log-ratio sampling with torch.empty(...).uniform_(generator=g), integer offsets
from torch.randint(generator=g), crops resized with F.interpolate (bilinear, antialias on and off,
align_corners variants, nearest, bicubic, area), per-sample horizontal / vertical flips through a
Bernoulli mask and torch.where, and checksums of the resulting batch."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
g = torch.Generator().manual_seed(42)

batch = torch.rand(6, 3, 20, 24, generator=g)
print(batch.shape, f"{batch.mean().item():.4f}", f"{batch.std().item():.4f}")


def get_params(h, w, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3), generator=None):
    area = h * w
    log_ratio = torch.log(torch.tensor(ratio))
    for _ in range(10):
        target_area = area * torch.empty(1).uniform_(scale[0], scale[1], generator=generator).item()
        aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1], generator=generator)).item()
        cw = int(round(math.sqrt(target_area * aspect)))
        ch = int(round(math.sqrt(target_area / aspect)))
        if 0 < cw <= w and 0 < ch <= h:
            i = torch.randint(0, h - ch + 1, size=(1,), generator=generator).item()
            j = torch.randint(0, w - cw + 1, size=(1,), generator=generator).item()
            return i, j, ch, cw
    return 0, 0, h, w


def random_resized_crop(img, size, antialias, generator):
    i, j, h, w = get_params(img.shape[-2], img.shape[-1], generator=generator)
    crop = img[..., i:i + h, j:j + w]
    out = F.interpolate(crop.unsqueeze(0), size=size, mode="bilinear", align_corners=False,
                        antialias=antialias).squeeze(0)
    return out, (i, j, h, w)


for antialias in (False, True):
    outs = []
    for k in range(batch.shape[0]):
        o, box = random_resized_crop(batch[k], (12, 12), antialias, g)
        outs.append(o)
        if k < 3:
            print("box", antialias, box)
    crops = torch.stack(outs)
    print(antialias, crops.shape, f"{crops.sum().item():.3f}", f"{crops.amin().item():.4f}",
          f"{crops.amax().item():.4f}")
    print(crops[0, 0, :3, :4].round(decimals=4))

# downscale vs upscale with and without antialias
x = batch[:2]
for size in ((10, 12), (7, 9), (31, 17)):
    for aa in (False, True):
        y = F.interpolate(x, size=size, mode="bilinear", antialias=aa)
        print(size, aa, tuple(y.shape), f"{y.mean().item():.5f}", y[0, 1, 0, :3].round(decimals=4))
y = F.interpolate(x, scale_factor=0.5, mode="bilinear", antialias=True, recompute_scale_factor=True)
print("sf", tuple(y.shape), f"{y.sum().item():.3f}")
y = F.interpolate(x, size=(9, 9), mode="bicubic", antialias=True, align_corners=False)
print("bicubic aa", f"{y.sum().item():.3f}", y[1, 2, 4, :3].round(decimals=4))
y = F.interpolate(x, size=(9, 9), mode="bicubic", align_corners=True).clamp(0, 1)
print("bicubic ac", f"{y.sum().item():.3f}")
y = F.interpolate(x, size=(13, 11), mode="bilinear", align_corners=True)
print("bilinear ac", f"{y.sum().item():.3f}", y[0, 0, -1, -3:].round(decimals=4))
print("nearest", F.interpolate(x, size=(5, 5), mode="nearest")[0, 0])
print("nearest-exact", F.interpolate(x, size=(5, 7), mode="nearest-exact")[1, 2].sum().item() > 0)
print("area", F.interpolate(x, size=(5, 6), mode="area")[0, 0, 0].round(decimals=4))

# flips on a per-sample mask
hmask = torch.rand(batch.shape[0], generator=g) < 0.5
vmask = torch.bernoulli(torch.full((batch.shape[0],), 0.3), generator=g).bool()
print(hmask.tolist(), vmask.tolist())
flipped = torch.where(hmask[:, None, None, None], batch.flip(-1), batch)
flipped = torch.where(vmask.view(-1, 1, 1, 1), torch.flip(flipped, dims=[2]), flipped)
print(f"{flipped.sum().item():.3f}", torch.equal(flipped[~hmask & ~vmask], batch[~hmask & ~vmask]))
same = (flipped[hmask] == batch[hmask].flip(3)).all(dim=(1, 2, 3))
print(same)
idx = torch.randperm(batch.shape[0], generator=g)
print(idx, hmask.nonzero().flatten(), vmask.sum().item())
batch2 = batch.clone()
batch2[hmask] = batch2[hmask].flip(-1)
print(torch.allclose(batch2, torch.where(hmask[:, None, None, None], batch.flip(-1), batch)))
print(torch.fliplr(batch[0, 0, :2, :5]), torch.flipud(batch[0, 0, :3, :2]))
