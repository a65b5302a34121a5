"""SimCLR on toy images: hand-written augmentations, a small conv encoder with a projection head,
the NT-Xent loss (cosine-similarity matrix, masked diagonal, cross-entropy) and a LARS-style step."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def random_flip(x, p=0.5):
    flip = torch.rand(x.shape[0]) < p
    out = x.clone()
    out[flip] = torch.flip(x[flip], dims=[-1])
    return out


def random_resized_crop(x, size=12, scale=(0.5, 1.0)):
    n, c, h, w = x.shape
    crops = []
    for i in range(n):
        area = torch.empty(1).uniform_(*scale).item()
        side = max(4, int(round(math.sqrt(area) * h)))
        top = torch.randint(0, h - side + 1, (1,)).item()
        left = torch.randint(0, w - side + 1, (1,)).item()
        patch = x[i:i + 1, :, top:top + side, left:left + side]
        crops.append(F.interpolate(patch, size=(size, size), mode="bilinear", align_corners=False))
    return torch.cat(crops, dim=0)


def color_jitter(x, strength=0.4):
    n = x.shape[0]
    brightness = 1 + (torch.rand(n, 1, 1, 1) * 2 - 1) * strength
    contrast = 1 + (torch.rand(n, 1, 1, 1) * 2 - 1) * strength
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - mean) * contrast + mean
    return (x * brightness).clamp(0.0, 1.0)


def gaussian_noise(x, sigma=0.05):
    return x + sigma * torch.randn_like(x)


def augment(x):
    return gaussian_noise(color_jitter(random_resized_crop(random_flip(x))))


class SmallConvNet(nn.Module):
    def __init__(self, feat_dim=32, proj_dim=16):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(16, feat_dim),
        )
        self.projector = nn.Sequential(nn.Linear(feat_dim, feat_dim), nn.ReLU(), nn.Linear(feat_dim, proj_dim))

    def forward(self, x):
        h = self.encoder(x)
        return h, self.projector(h)


def nt_xent(z1, z2, tau=0.2):
    z = torch.cat([z1, z2], dim=0)
    n = z1.size(0)
    sim = F.cosine_similarity(z.unsqueeze(1), z.unsqueeze(0), dim=-1) / tau
    self_mask = torch.eye(2 * n, dtype=torch.bool)
    sim = sim.masked_fill(self_mask, -9e15)
    pos = torch.roll(torch.arange(2 * n), shifts=n)
    loss = F.cross_entropy(sim, pos)
    with torch.no_grad():
        ranks = (sim > sim[torch.arange(2 * n), pos].unsqueeze(1)).sum(dim=1)
        top1 = (ranks == 0).float().mean()
        top5 = (ranks < 5).float().mean()
    return loss, top1, top5


class LARS(torch.optim.Optimizer):
    """Layer-wise adaptive rate scaling (You et al., 2017), the SimCLR optimizer."""

    def __init__(self, params, lr=0.1, momentum=0.9, weight_decay=1e-4, eta=0.02):
        defaults = dict(lr=lr, momentum=momentum, weight_decay=weight_decay, eta=eta)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if p.ndim > 1:          # no weight decay nor adaptation for biases and BN
                    d_p = d_p.add(p, alpha=group["weight_decay"])
                    p_norm = torch.norm(p)
                    g_norm = torch.norm(d_p)
                    q = torch.where(p_norm > 0.0,
                                    torch.where(g_norm > 0, group["eta"] * p_norm / g_norm, torch.ones_like(p_norm)),
                                    torch.ones_like(p_norm))
                    d_p = d_p.mul(q)
                state = self.state[p]
                if "mu" not in state:
                    state["mu"] = torch.zeros_like(p)
                mu = state["mu"]
                mu.mul_(group["momentum"]).add_(d_p)
                p.add_(mu, alpha=-group["lr"])


images = torch.rand(24, 3, 16, 16)
images[:12, 0] += torch.linspace(0, 0.5, 16)          # two loose "classes" of images
images = images.clamp_(0, 1)
labels = torch.cat([torch.zeros(12, dtype=torch.long), torch.ones(12, dtype=torch.long)])

model = SmallConvNet()
print(model)
print("trainable parameters:", sum(p.numel() for p in model.parameters() if p.requires_grad))
opt = LARS(model.parameters(), lr=0.2)
print(opt)

v1, v2 = augment(images[:4]), augment(images[:4])
print("view shapes", tuple(v1.shape), v1.dtype, f"range [{v1.min().item():.3f}, {v1.max().item():.3f}]")

epochs, batch = 6, 12
warmup = 2
for epoch in range(epochs):
    lr = 0.2 * (epoch + 1) / warmup if epoch < warmup else 0.1 * 0.2 * (1 + math.cos(math.pi * (epoch - warmup) / (epochs - warmup)))
    for g in opt.param_groups:
        g["lr"] = lr
    perm = torch.randperm(images.size(0))
    losses, accs = [], []
    for i in range(0, images.size(0), batch):
        x = images[perm[i:i + batch]]
        _, z1 = model(augment(x))
        _, z2 = model(augment(x))
        loss, top1, top5 = nt_xent(z1, z2)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        accs.append(top1.item())
    print(f"epoch {epoch} lr {lr:.4f} loss {sum(losses) / len(losses):.3f} top1 {sum(accs) / len(accs):.3f}")

model.eval()
with torch.no_grad():
    feats, _ = model(images)
    feats = F.normalize(feats, dim=1)
    sim = feats @ feats.T
    print("similarity block (first 4):")
    print(sim[:4, :4])
    sim.fill_diagonal_(-1)
    nn_idx = sim.argmax(dim=1)
    knn_acc = (labels[nn_idx] == labels).float().mean()
    print(f"1-NN accuracy {knn_acc.item():.4f}")
    top3 = sim.topk(3, dim=1)
    print("top-3 neighbour indices of image 0:", top3.indices[0].tolist())
    print("mean positive cosine", round(F.cosine_similarity(model(augment(images))[1], model(augment(images))[1]).mean().item(), 2))

try:
    nt_xent(torch.randn(4, 8), torch.randn(5, 8))
except RuntimeError as e:
    print("mismatched views:", e)
