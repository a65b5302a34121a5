"""SwAV: multi-crop views, learnable prototypes kept on the unit sphere, Sinkhorn-Knopp equal-partition
codes, the swapped-prediction loss, prototype freezing for the first iterations, plus an FFT
amplitude-mix augmentation and a look at the code distribution."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

torch.manual_seed(3)


@torch.no_grad()
def sinkhorn(out, epsilon=0.05, n_iters=3):
    Q = torch.exp(out / epsilon).t()          # K x B
    B = Q.shape[1]
    K = Q.shape[0]
    Q /= torch.sum(Q)
    for _ in range(n_iters):
        Q /= torch.sum(Q, dim=1, keepdim=True)
        Q /= K
        Q /= torch.sum(Q, dim=0, keepdim=True)
        Q /= B
    Q *= B
    return Q.t()


def amplitude_mix(x, lam=0.3):
    """Mix the Fourier amplitude of each image with that of a shuffled partner, keep the phase."""
    spec = torch.fft.fft2(x)
    amp, pha = spec.abs(), spec.angle()
    partner = amp[torch.randperm(x.size(0))]
    amp = (1 - lam) * amp + lam * partner
    return torch.fft.ifft2(torch.polar(amp, pha)).real


def multi_crop(x, n_global=2, n_local=2, g=12, l=6):
    crops = []
    for size, count in ((g, n_global), (l, n_local)):
        for _ in range(count):
            side = int(torch.randint(size, 17, (1,)))
            i, j = torch.randint(0, 17 - side, (2,)).tolist()
            c = x[..., i:i + side, j:j + side]
            if torch.rand(()) < 0.5:
                c = c.flip(-1)
            crops.append(F.interpolate(c, size=size, mode="bilinear", antialias=False, align_corners=True))
    return crops


class SwAVNet(nn.Module):
    def __init__(self, dim=16, n_prototypes=10):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=1, padding=1, bias=False), nn.BatchNorm2d(8), nn.LeakyReLU(0.1),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d((1, 1)),
        )
        self.head = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, dim))
        self.prototypes = nn.Linear(dim, n_prototypes, bias=False)

    def forward(self, crops):
        # group crops of equal resolution as SwAV does, one forward per resolution
        sizes = torch.tensor([c.shape[-1] for c in crops])
        idx_crops = torch.cumsum(torch.unique_consecutive(sizes, return_counts=True)[1], 0)
        start, outs = 0, []
        for end in idx_crops.tolist():
            feats = self.trunk(torch.cat(crops[start:end]))
            outs.append(feats.squeeze(-1).squeeze(-1))
            start = end
        z = F.normalize(self.head(torch.cat(outs)), dim=1, p=2)
        return z, self.prototypes(z)


images = torch.zeros(16, 1, 16, 16)
yy, xx = torch.meshgrid(torch.arange(16.0), torch.arange(16.0), indexing="ij")
for k in range(16):
    cy, cx = torch.randint(4, 12, (2,)).float()
    r = 2.5 + (k % 2) * 2
    images[k, 0] = ((yy - cy) ** 2 + (xx - cx) ** 2 < r ** 2).float()
images = images + 0.1 * torch.rand_like(images)
print("images", images.shape, f"mean {images.mean().item():.4f}")

mixed = amplitude_mix(images)
print("amplitude mix keeps the DC term:",
      torch.allclose(torch.fft.fft2(mixed)[..., 0, 0].abs().mean(), torch.fft.fft2(images)[..., 0, 0].abs().mean(), rtol=1e-4))
print("rfft2 shape", torch.fft.rfft2(images).shape, torch.fft.rfft2(images).dtype)

model = SwAVNet()
print(model.prototypes)
crops = multi_crop(images)
print("crop shapes", [tuple(c.shape) for c in crops])
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-6)
temperature, crops_for_assign, n_crops = 0.1, [0, 1], 4
freeze_prototypes_iters = 3
for it in range(8):
    with torch.no_grad():
        w = model.prototypes.weight.data.clone()
        w = F.normalize(w, dim=1, p=2)
        model.prototypes.weight.copy_(w)
    crops = multi_crop(amplitude_mix(images) if it % 2 else images)
    embedding, output = model(crops)
    bs = images.size(0)
    loss = 0
    for i, crop_id in enumerate(crops_for_assign):
        with torch.no_grad():
            out = output[bs * crop_id: bs * (crop_id + 1)].detach()
            q = sinkhorn(out)[-bs:]
        subloss = 0
        for v in torch.arange(n_crops)[torch.arange(n_crops) != crop_id].tolist():
            x = output[bs * v: bs * (v + 1)] / temperature
            subloss -= torch.mean(torch.sum(q * F.log_softmax(x, dim=1), dim=1))
        loss += subloss / (n_crops - 1)
    loss /= len(crops_for_assign)
    opt.zero_grad()
    loss.backward()
    if it < freeze_prototypes_iters:
        for name, p in model.named_parameters():
            if "prototypes" in name:
                p.grad = None
    opt.step()
    print(f"iter {it} loss {loss.item():.4f} proto grad {'frozen' if model.prototypes.weight.grad is None else 'live'}")

with torch.no_grad():
    model.eval()
    z, scores = model([images])
    q = sinkhorn(scores, n_iters=5)
    print("code row sums", q.sum(dim=1)[:4], "column sums", q.sum(dim=0)[:4])
    assign = q.argmax(dim=1)
    print("cluster sizes", torch.bincount(assign, minlength=10).tolist())
    ent = Categorical(probs=q).entropy()
    print(f"mean code entropy {ent.mean().item():.3f} (max {torch.log(torch.tensor(10.0)).item():.3f})")
    marginal = Categorical(probs=q.mean(0))
    print(f"marginal entropy {marginal.entropy().item():.3f}", marginal.probs.shape)
    print("prototype norms", model.prototypes.weight.norm(dim=1)[:3])
    print("soft assignment of image 0", F.softmax(scores[0] / temperature, dim=0).max().item() > 0.1)

try:
    torch.fft.ifft2(torch.zeros(5))
except IndexError as e:
    print("IndexError:", e)
try:
    torch.fft.fft2(torch.zeros(4, 4), dim=(0, 0))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    Categorical(probs=torch.tensor([[0.5, -0.5]]))
except ValueError as e:
    print("ValueError:", str(e)[:90])
