"""Hand-written tensor data augmentation, the way course notebooks do it without torchvision: flips,
rot90, random crops by slicing after reflect padding, ColorJitter-like arithmetic, Gaussian noise,
Cutout, mixup and CutMix with torch.distributions.Beta, a Dataset that applies a Compose of callables,
and a short training run on the augmented batches."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Beta
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(2024)
random.seed(0)
np.random.seed(0)

img = torch.arange(2 * 4 * 4, dtype=torch.float32).view(2, 4, 4) / 31
print(img.shape, img.dtype, f"{img.max().item():.4f}")

# ---- geometric -----------------------------------------------------------------------------------------
print(torch.flip(img, dims=[2])[0, 0])
print(img.flip(-2)[1, :, 0], torch.fliplr(img[0])[0], torch.flipud(img[0])[:, 0])
print(torch.rot90(img, 1, dims=(1, 2))[0])
print(torch.rot90(img, k=-1, dims=[1, 2])[0, 0], torch.rot90(img, 4, (1, 2)).equal(img))
print(torch.rot90(img, 2, (1, 2)).equal(img.flip(1).flip(2)))
try:
    torch.rot90(img, 1, (1, 1))
except RuntimeError as e:
    print("rot90:", e)
try:
    torch.rot90(img, 1, [0, 1, 2])
except RuntimeError as e:
    print("rot90:", e)
print(img.transpose(1, 2).contiguous().is_contiguous(), img.transpose(1, 2).is_contiguous())
print(img.permute(1, 2, 0).shape, img.permute(1, 2, 0).numpy().shape)


def random_crop(x, size, padding=1):
    x = F.pad(x.unsqueeze(0), (padding,) * 4, mode="reflect").squeeze(0)
    _, h, w = x.shape
    i = torch.randint(0, h - size + 1, size=(1,)).item()
    j = torch.randint(0, w - size + 1, size=(1,)).item()
    return x[:, i:i + size, j:j + size]


crop = random_crop(img, 4)
print(crop.shape, crop.is_contiguous(), crop.stride())
print(crop[0])
padded = F.pad(img, (2, 2, 1, 1), mode="reflect")
print(padded.shape, padded[0, 0])
print(F.pad(img[None], [1, 1, 1, 1], mode="replicate")[0, 0, :, 0])
print(F.pad(img, (1, 1), "constant", 0.5)[0, 0])
try:
    F.pad(img, (4, 4, 0, 0), mode="reflect")
except RuntimeError as e:
    print("pad:", e)


def center_crop(x, size):
    h, w = x.shape[-2:]
    top, left = (h - size) // 2, (w - size) // 2
    return x[..., top:top + size, left:left + size]


print(center_crop(img, 2)[1])
print(img[:, ::2, ::2].shape, img[..., 1:-1, 1:-1].shape)


def random_resized_crop(x, out=4, scale=(0.5, 1.0)):
    _, h, w = x.shape
    area = h * w * torch.empty(1).uniform_(*scale).item()
    side = max(1, min(h, int(round(math.sqrt(area)))))
    i = random.randint(0, h - side)
    j = random.randint(0, w - side)
    patch = x[:, i:i + side, j:j + side]
    return F.interpolate(patch[None], size=(out, out), mode="bilinear", align_corners=False)[0]


rrc = random_resized_crop(img)
print(rrc.shape, f"{rrc.sum().item():.4f}")

# ---- photometric ---------------------------------------------------------------------------------------
def adjust_brightness(x, factor):
    return (x * factor).clamp(0, 1)


def adjust_contrast(x, factor):
    gray = (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]) if x.shape[0] == 3 else x.mean(0)
    mean = gray.mean()
    return (factor * x + (1 - factor) * mean).clamp_(0.0, 1.0)


def adjust_saturation(x, factor):
    gray = (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]).unsqueeze(0)
    return torch.lerp(gray.expand_as(x), x, factor).clamp(0, 1)


def color_jitter(x, brightness=0.4, contrast=0.4, saturation=0.4):
    b = float(torch.empty(1).uniform_(1 - brightness, 1 + brightness))
    c = float(torch.empty(1).uniform_(1 - contrast, 1 + contrast))
    s = float(torch.empty(1).uniform_(1 - saturation, 1 + saturation))
    order = torch.randperm(3).tolist()
    for k in order:
        if k == 0:
            x = adjust_brightness(x, b)
        elif k == 1:
            x = adjust_contrast(x, c)
        else:
            x = adjust_saturation(x, s)
    return x, (round(b, 4), round(c, 4), round(s, 4), order)


rgb = torch.rand(3, 4, 4)
jit, params = color_jitter(rgb)
print(params, jit.shape, f"{jit.mean().item():.4f}", bool((jit >= 0).all() and (jit <= 1).all()))
print(adjust_brightness(rgb, 1.5).max(), adjust_contrast(rgb, 0.0).std() < 1e-6)
gray = rgb.mul(torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)).sum(0, keepdim=True)
print(gray.shape, torch.allclose(gray, adjust_saturation(rgb, 0.0)[:1]))
mean = torch.tensor([0.485, 0.456, 0.406])[:, None, None]
std = torch.tensor([0.229, 0.224, 0.225])[:, None, None]
norm = (rgb - mean) / std
print(norm.shape, torch.allclose(norm * std + mean, rgb, atol=1e-6))
noisy = (rgb + 0.05 * torch.randn_like(rgb)).clamp(0, 1)
print(f"{(noisy - rgb).abs().max().item():.4f}")
u8 = (rgb * 255).round().to(torch.uint8)
print(u8.dtype, u8[0, 0], u8.float().div(255).sub(rgb).abs().max() <= 0.5 / 255 + 1e-7)
inv = 255 - u8
print(inv[0, 0], (u8 // 64)[0, 0], (u8 >> 6)[0, 0], torch.bitwise_and(u8, 0xF0)[0, 0])
sol = torch.where(rgb >= 0.5, 1.0 - rgb, rgb)
print(f"{sol.sum().item():.4f}", (rgb > 0.5).sum().item())
print(torch.clamp(rgb * 2 - 0.5, min=0.0, max=1.0).amin(dim=(1, 2)))


# ---- Cutout, mixup, CutMix -----------------------------------------------------------------------------
def cutout(x, size=2):
    x = x.clone()
    _, h, w = x.shape
    cy, cx = np.random.randint(h), np.random.randint(w)
    y1, y2 = np.clip(cy - size // 2, 0, h), np.clip(cy + size // 2, 0, h)
    x1, x2 = np.clip(cx - size // 2, 0, w), np.clip(cx + size // 2, 0, w)
    x[:, y1:y2, x1:x2] = 0.0
    return x


co = cutout(img)
print((co == 0).sum().item(), type(np.clip(3, 0, 4)).__name__)

x = torch.rand(4, 3, 6, 6)
y = torch.tensor([0, 1, 2, 1])
beta = Beta(torch.tensor([0.4]), torch.tensor([0.4]))
lam = beta.sample()
print(lam.shape, lam)
idx = torch.randperm(x.size(0))
mixed = lam * x + (1 - lam) * x[idx]
print(idx, mixed.shape, torch.allclose(mixed, x * lam.item() + x[idx] * (1 - lam.item()), atol=1e-6))
lam_np = np.random.beta(1.0, 1.0)
print(f"{lam_np:.6f}", type(lam_np).__name__)
d = Beta(2.0, 5.0)
print(d.sample((3,)), f"{d.mean.item():.4f}", d.batch_shape, d.event_shape)
print(d.log_prob(torch.tensor([0.1, 0.5])), d.entropy())
print(Beta(torch.ones(2), torch.ones(2) * 3).rsample().shape)


def rand_bbox(size, lam):
    W, H = size[2], size[3]
    cut_rat = np.sqrt(1.0 - lam)
    cut_w, cut_h = int(W * cut_rat), int(H * cut_rat)
    cx, cy = np.random.randint(W), np.random.randint(H)
    bbx1, bby1 = np.clip(cx - cut_w // 2, 0, W), np.clip(cy - cut_h // 2, 0, H)
    bbx2, bby2 = np.clip(cx + cut_w // 2, 0, W), np.clip(cy + cut_h // 2, 0, H)
    return bbx1, bby1, bbx2, bby2


lam = float(Beta(1.0, 1.0).sample())
rand_index = torch.randperm(x.size()[0])
target_a, target_b = y, y[rand_index]
bbx1, bby1, bbx2, bby2 = rand_bbox(x.size(), lam)
x_cm = x.clone()
x_cm[:, :, bbx1:bbx2, bby1:bby2] = x[rand_index, :, bbx1:bbx2, bby1:bby2]
lam = 1 - ((bbx2 - bbx1) * (bby2 - bby1) / (x.size()[-1] * x.size()[-2]))
print(rand_index.tolist(), target_b.tolist(), f"{lam:.4f}", x_cm.shape, type(lam).__name__)
one_hot = F.one_hot(y, 3).float()
soft = lam * one_hot + (1 - lam) * one_hot[rand_index]
print(soft.sum(1), soft.dtype)

# ---- a Dataset with a Compose of callables ----------------------------------------------------------------
class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self):
        return f"{self.__class__.__name__}({', '.join(getattr(t, '__name__', type(t).__name__) for t in self.transforms)})"


class RandomHorizontalFlip:
    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, x):
        return x.flip(-1) if torch.rand(1) < self.p else x


class ToyImages(Dataset):
    def __init__(self, n, transform=None):
        g = torch.Generator().manual_seed(5)
        self.labels = torch.randint(0, 2, (n,), generator=g)
        base = torch.rand(n, 1, 8, 8, generator=g) * 0.2
        base[self.labels == 1, :, :, :4] += 0.7     # class 1: bright left half
        self.data = base
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = self.data[i]
        if self.transform:
            x = self.transform(x)
        return x, self.labels[i]


train_tf = Compose([lambda t: random_crop(t, 8), RandomHorizontalFlip(0.0), lambda t: t + 0.01 * torch.randn_like(t)])
print(train_tf)
ds = ToyImages(32, transform=train_tf)
loader = DataLoader(ds, batch_size=8, shuffle=True, drop_last=True)
xb, yb = next(iter(loader))
print(xb.shape, yb.dtype, yb.shape, len(loader))

model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 2)), nn.Flatten(),
                      nn.Linear(8, 2))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
mix = Beta(torch.tensor(0.4), torch.tensor(0.4))
for epoch in range(4):
    total = 0.0
    for xb, yb in loader:
        lam = mix.sample()
        perm = torch.randperm(xb.size(0))
        xm = lam * xb + (1 - lam) * xb[perm]
        out = model(xm)
        loss = lam * F.cross_entropy(out, yb) + (1 - lam) * F.cross_entropy(out, yb[perm])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch}: mixup loss {total / len(loader):.3f}")
model.eval()
with torch.no_grad():
    clean = ToyImages(32)
    acc = (model(clean.data).argmax(1) == clean.labels).float().mean()
print(f"clean accuracy {acc.item():.2f}", acc.dtype)

# ---- test-time augmentation: average over flips and rotations ------------------------------------------
@torch.no_grad()
def tta(model, x):
    views = [x, x.flip(-1), x.flip(-2), torch.rot90(x, 1, (2, 3)), torch.rot90(x, 3, (2, 3))]
    probs = torch.stack([F.softmax(model(v), dim=1) for v in views])
    return probs.mean(0)


p = tta(model, clean.data[:4])
print(p.shape, torch.allclose(p.sum(1), torch.ones(4)), p.requires_grad)
