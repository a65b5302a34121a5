"""Perturbation-based attribution and feature visualisation, as in explainability course notebooks:
occlusion sensitivity with F.unfold / F.fold (patch masks built as columns and folded back, with the
overlap count normalising the map), sliding occlusion by stride, a LIME-style surrogate (random
superpixel masks, an exponential kernel on cosine distance, weighted least squares with
torch.linalg.lstsq), Monte-Carlo Shapley values by permutation sampling (torch.randperm with a
generator), RISE (random upsampled masks), and feature visualisation by gradient ascent on the input
with Adam, jitter via torch.roll, total-variation and L2 penalties, and a Fourier (rfft2/irfft2)
image parametrisation with a 1/f spectrum scale."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(8)
torch.set_printoptions(precision=4, sci_mode=False, linewidth=100)
S = 12

net = nn.Sequential(
    nn.Conv2d(1, 6, 3, padding=1), nn.Tanh(),
    nn.AvgPool2d(2),
    nn.Conv2d(6, 8, 3, padding=1), nn.Tanh(),
    nn.AdaptiveMaxPool2d(2), nn.Flatten(), nn.Linear(32, 3),
)
# synthetic task: class = which third of the image holds a bright blob
g = torch.Generator().manual_seed(3)
n = 90
imgs = torch.randn(n, 1, S, S, generator=g) * 0.2
labels = torch.arange(n) % 3
yy, xx = torch.meshgrid(torch.arange(S), torch.arange(S), indexing="ij")
for i in range(n):
    cx = 2 + 4 * int(labels[i]) + float(torch.rand(1, generator=g)) * 2
    cy = 3 + float(torch.rand(1, generator=g)) * 6
    imgs[i, 0] += torch.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 3.0)
opt = torch.optim.RMSprop(net.parameters(), lr=0.005)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=25, gamma=0.5)
for ep in range(60):
    opt.zero_grad()
    loss = F.cross_entropy(net(imgs), labels, label_smoothing=0.05)
    loss.backward()
    opt.step()
    sched.step()
print(f"loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.5f}")
net.eval()
with torch.no_grad():
    print("train acc", (net(imgs).argmax(1) == labels).float().mean().item())

img = imgs[4:5]
cls = int(labels[4])
with torch.no_grad():
    base = F.softmax(net(img), 1)[0, cls].item()
print(f"class {cls} p={base:.4f}")

# occlusion with unfold/fold: one masked copy per patch position
k, stride = 4, 2
ones = torch.ones(1, 1, S, S)
cols = F.unfold(ones, kernel_size=k, stride=stride)           # [1, k*k, L]
L = cols.shape[-1]
print("patches:", L, "cols shape", tuple(cols.shape))
eye = torch.eye(L).unsqueeze(0)                                # one patch per column block
masks = F.fold(cols.transpose(1, 2).reshape(1, L * 1, k * k).transpose(1, 2).repeat(1, 1, 1) * 0 + 1,
               output_size=(S, S), kernel_size=k, stride=stride)
print("coverage count map:\n", masks[0, 0].int())
per_patch = torch.stack([F.fold(cols * eye[:, i:i + 1, :], (S, S), k, stride=stride) for i in range(L)])
occluded = img * (1 - per_patch.squeeze(1))
with torch.no_grad():
    p = F.softmax(net(occluded), 1)[:, cls]
drop = (base - p).view(1, 1, 1, L)
heat = F.fold((torch.ones(1, k * k, L) * drop.view(1, 1, L)), (S, S), k, stride=stride) / masks
print("occlusion heat (rows mean):", heat[0, 0].mean(1))
print("most important patch:", int(drop.argmax()), "drop {:.4f}".format(drop.max().item()))

# LIME: 3x3 grid of superpixels
seg = (yy // 4) * 3 + (xx // 4)
print("segments:\n", seg)
lg = torch.Generator().manual_seed(11)
Z = torch.randint(0, 2, (200, 9), generator=lg).float()
Z[0] = 1
pert = img * Z[:, seg].unsqueeze(1) + (1 - Z[:, seg].unsqueeze(1)) * img.mean()
with torch.no_grad():
    fz = F.softmax(net(pert), 1)[:, cls]
dist = 1 - F.cosine_similarity(Z, torch.ones(1, 9), dim=1)
wts = torch.exp(-dist ** 2 / 0.25 ** 2)
Xd = torch.cat([torch.ones(200, 1), Z], 1)
sw = wts.sqrt().unsqueeze(1)
coef = torch.linalg.lstsq(Xd * sw, fz.unsqueeze(1) * sw).solution.squeeze(1)
print("LIME coefficients (3x3):\n", coef[1:].view(3, 3))
print("top superpixels:", coef[1:].argsort(descending=True)[:3].tolist())

# Monte-Carlo Shapley over the 9 superpixels
sg = torch.Generator().manual_seed(5)
phi = torch.zeros(9)
n_perm = 30
for _ in range(n_perm):
    order = torch.randperm(9, generator=sg)
    z = torch.zeros(9)
    batch = [z.clone()]
    for j in order:
        z[j] = 1
        batch.append(z.clone())
    zb = torch.stack(batch)
    xb = img * zb[:, seg].unsqueeze(1) + (1 - zb[:, seg].unsqueeze(1)) * img.mean()
    with torch.no_grad():
        v = F.softmax(net(xb), 1)[:, cls]
    phi.index_add_(0, order, v[1:] - v[:-1])
phi /= n_perm
print("shapley (3x3):\n", phi.view(3, 3))
print("efficiency: sum {:.4f} vs f(x)-f(baseline)".format(phi.sum().item()),
      "{:.4f}".format((fz[0] - F.softmax(net(img * 0 + img.mean()), 1)[0, cls]).item()))

# RISE: random low-res masks upsampled
rg = torch.Generator().manual_seed(2)
grid = (torch.rand(64, 1, 4, 4, generator=rg) < 0.5).float()
up = F.interpolate(grid, size=(S + 3, S + 3), mode="bilinear", align_corners=False)
shifts = torch.randint(0, 4, (64, 2), generator=rg)
rmasks = torch.stack([up[i, :, sy:sy + S, sx:sx + S] for i, (sy, sx) in enumerate(shifts.tolist())])
with torch.no_grad():
    sc = F.softmax(net(img * rmasks), 1)[:, cls]
sal = (sc.view(-1, 1, 1) * rmasks[:, 0]).sum(0) / rmasks[:, 0].sum(0).clamp_min(1e-3)
print("RISE column profile:", sal.mean(0))

# feature visualisation: maximise a class logit (Adam on pixels, jitter, TV + L2)
for p_ in net.parameters():
    p_.requires_grad_(False)


def tv(x):
    return (x[..., 1:, :] - x[..., :-1, :]).abs().mean() + (x[..., :, 1:] - x[..., :, :-1]).abs().mean()


torch.manual_seed(0)
x = (torch.randn(1, 1, S, S) * 0.01).requires_grad_()
opt = torch.optim.Adam([x], lr=0.05)
jit = torch.Generator().manual_seed(1)
for step in range(80):
    dx, dy = torch.randint(-1, 2, (2,), generator=jit).tolist()
    xj = torch.roll(x, shifts=(dy, dx), dims=(2, 3))
    logit = net(xj)[0, 2]
    objective = -logit + 0.1 * tv(x) + 0.01 * x.pow(2).sum()
    opt.zero_grad()
    objective.backward()
    opt.step()
    with torch.no_grad():
        x.clamp_(-2, 2)
print(f"featvis logit {net(x)[0, 2].item():.3f} probs {F.softmax(net(x), 1).detach()}")
print("featvis column energy:", x.detach()[0, 0].abs().mean(0))

# Fourier parametrisation: optimise a spectrum, decode with irfft2
fy = torch.fft.fftfreq(S).view(-1, 1)
fx = torch.fft.rfftfreq(S).view(1, -1)
scale = 1.0 / torch.sqrt(fx ** 2 + fy ** 2).clamp_min(1.0 / S)
print("spectrum scale shape", tuple(scale.shape), "max {:.2f}".format(scale.max().item()))
spec = (torch.randn(1, 1, S, S // 2 + 1, 2) * 0.01).requires_grad_()
opt = torch.optim.Adam([spec], lr=0.05)
for step in range(60):
    z = torch.view_as_complex(spec) * scale
    img_f = torch.fft.irfft2(z, s=(S, S), norm="ortho")
    loss = -net(img_f)[0, 0] + 0.05 * img_f.pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
print("fourier featvis class probs:", F.softmax(net(img_f), 1).detach())
print("image dtype", img_f.dtype, "spectrum dtype", z.dtype, "grad_fn", type(img_f.grad_fn).__name__)
energy = torch.fft.rfft2(img_f.detach(), norm="ortho").abs()
print("low-freq share {:.3f}".format((energy[..., :3, :3].pow(2).sum() / energy.pow(2).sum()).item()))
