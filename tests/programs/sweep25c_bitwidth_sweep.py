"""How many bits does a network need?  Bit-width sweeps with error tables.

Uniform quantizers at 2..8 bits, per-tensor vs per-channel, min-max vs percentile vs MSE-optimal
clipping, SQNR in dB, a KL-divergence (entropy) calibration from histograms, and the accuracy of a
small classifier as its weights lose bits.
"""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)


def uniform_quant(x, bits, clip=None, per_channel=False):
    qmax = 2 ** (bits - 1) - 1
    if per_channel:
        amax = x.abs().amax(dim=tuple(range(1, x.dim())), keepdim=True)
    else:
        amax = x.abs().max() if clip is None else torch.tensor(clip)
    scale = amax.clamp(min=1e-8) / qmax
    return torch.clamp(torch.round(x / scale), -qmax - 1, qmax) * scale


def sqnr_db(x, xq):
    return 10 * torch.log10(x.pow(2).sum() / (x - xq).pow(2).sum())


# heavy-tailed weights: a Student-t sample
w = torch.distributions.StudentT(df=4.0).sample((32, 64)) * 0.05
w[0] *= 8.0                                          # one outlier channel
print("weights", tuple(w.shape), "kurtosis", f"{((w - w.mean()) ** 4).mean() / w.var() ** 2:.2f}")

print(f"{'bits':>4} | {'per-tensor':>10} | {'per-channel':>11} | {'fake-q (pc)':>11}")
for bits in range(2, 9):
    a = sqnr_db(w, uniform_quant(w, bits))
    b = sqnr_db(w, uniform_quant(w, bits, per_channel=True))
    qmax = 2 ** (bits - 1) - 1
    scales = (w.abs().amax(dim=1) / qmax).float()
    zps = torch.zeros(32, dtype=torch.int32)
    fq = torch.fake_quantize_per_channel_affine(w, scales, zps, 0, -qmax - 1, qmax)
    c = sqnr_db(w, fq)
    print(f"{bits:>4} | {a.item():>10.2f} | {b.item():>11.2f} | {c.item():>11.2f}")

# clipping: min-max vs 99.9th percentile vs MSE search, at 4 bits
flat = w.flatten()
amax = flat.abs().max().item()
p999 = torch.quantile(flat.abs(), 0.999).item()
cands = torch.linspace(0.1, 1.0, 19) * amax
mses = torch.stack([F.mse_loss(uniform_quant(flat, 4, clip=c.item()), flat) for c in cands])
best = cands[mses.argmin()].item()
print(f"clip ratios  p99.9={p999 / amax:.3f}  mse-opt={best / amax:.3f}")
for name, c in [("min-max", amax), ("p99.9", p999), ("mse-opt", best)]:
    xq = uniform_quant(flat, 4, clip=c)
    print(f"  {name:8s} mse={F.mse_loss(xq, flat).item():.3e} sqnr={sqnr_db(flat, xq).item():6.2f} dB")

# entropy (KL) calibration of activations, TensorRT style, on a coarse histogram
acts = torch.relu(torch.randn(20000) * 1.5 + 0.3)
nbins, nlevels = 256, 16
hist = torch.histc(acts, bins=nbins, min=0.0, max=acts.max().item())
edges = torch.linspace(0.0, acts.max().item(), nbins + 1)
best_kl, best_i = float("inf"), nbins
for i in range(nlevels * 2, nbins + 1, 16):
    ref = hist[:i].clone()
    ref[i - 1] += hist[i:].sum()
    chunks = hist[:i].reshape(nlevels, -1) if i % nlevels == 0 else None
    if chunks is None:
        continue
    nz = (chunks > 0).float()
    avg = chunks.sum(1, keepdim=True) / nz.sum(1, keepdim=True).clamp(min=1)
    cand = (avg * nz).flatten()
    p = ref / ref.sum()
    q = cand / cand.sum()
    mask = (p > 0) & (q > 0)
    kl = (p[mask] * torch.log(p[mask] / q[mask])).sum().item()
    if kl < best_kl:
        best_kl, best_i = kl, i
print(f"KL threshold at bin {best_i}/{nbins}: {edges[best_i].item():.3f} (max {acts.max().item():.3f})")

# accuracy of a small classifier vs weight bit-width
X = torch.randn(512, 10)
true_w = torch.randn(10, 4)
y = (X @ true_w + 0.1 * torch.randn(512, 4)).argmax(1)
model = nn.Sequential(nn.Linear(10, 32), nn.Tanh(), nn.Linear(32, 4))
opt = torch.optim.Adam(model.parameters(), lr=0.02)
for _ in range(150):
    opt.zero_grad()
    F.cross_entropy(model(X), y).backward()
    opt.step()


@torch.no_grad()
def accuracy(m):
    return (m(X).argmax(1) == y).float().mean().item()


print(f"float32 acc {accuracy(model):.3f}")
print(" bits  acc_pt  acc_pc  size(KiB)")
nparams = sum(p.numel() for n, p in model.named_parameters() if "weight" in n)
for bits in [8, 6, 4, 3, 2]:
    accs = []
    for pc in (False, True):
        m = copy.deepcopy(model)
        with torch.no_grad():
            for mod in m.modules():
                if isinstance(mod, nn.Linear):
                    mod.weight.copy_(uniform_quant(mod.weight, bits, per_channel=pc))
        accs.append(accuracy(m))
    size = nparams * bits / 8 / 1024
    print(f" {bits:>4}  {accs[0]:.3f}   {accs[1]:.3f}   {size:.2f}")

print("ideal SQNR 6.02b+1.76:", [round(6.02 * b + 1.76, 2) for b in (4, 8)])
print("levels:", {b: 2 ** b for b in range(2, 9)}, math.log2(256))
