"""Anomaly detection on sensor windows with a 1-D conv / dense autoencoder: standard scaling,
reconstruction-error thresholds (quantile, kthvalue, topk), rolling statistics and simple metrics."""
import io
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)
random.seed(7)
np.random.seed(7)

# ---- a multichannel sensor stream with injected anomalies ----
N, C = 1200, 3
tt = torch.arange(N, dtype=torch.float32)
base = torch.stack([torch.sin(tt / 20), torch.cos(tt / 35), torch.sin(tt / 9) * 0.5], dim=1)
stream = base + 0.05 * torch.randn(N, C)
anomaly_at = torch.tensor([150, 520, 530, 900, 1100])
stream[anomaly_at] += torch.tensor([2.5, -2.0, 1.5])
stream[700:712, 1] = 0.0  # a stuck sensor
stream[333, 2] = float("nan")
print("nan count per channel:", torch.isnan(stream).sum(0))
col_mean = torch.nanmean(stream, dim=0)
stream = torch.where(torch.isnan(stream), col_mean.expand_as(stream), stream)
print("filled:", torch.isfinite(stream).all().item())

mean, std = stream[:600].mean(0), stream[:600].std(0, unbiased=True)
z = (stream - mean) / std
print("train z mean:", z[:600].mean(0).abs().lt(1e-5).tolist(), "std:", z[:600].std(0).round(decimals=3))

# rolling statistics with unfold
W = 16
win = z.T.unfold(1, W, 1)  # (C, N-W+1, W)
roll_mean, roll_std = win.mean(-1), win.std(-1)
print("rolling:", tuple(win.shape), f"{roll_std.mean().item():.3f}")
print("stuck sensor min rolling std:", f"{roll_std[1].min().item():.4f}", "at", roll_std[1].argmin().item())
ema = torch.zeros(N)
alpha = 0.1
for i in range(1, N):
    ema[i] = alpha * z[i, 0] + (1 - alpha) * ema[i - 1]
print(f"ema tail {ema[-3:].tolist()[0]:.3f}")
cm, ci = torch.cummax(z[:50, 0], dim=0)
print("cummax last idx:", ci[-1].item(), f"{cm[-1].item():.3f}")

# ---- windows for the autoencoder ----
windows = z.unfold(0, W, W // 2).contiguous()  # (n_win, C, W)
labels = torch.zeros(len(windows), dtype=torch.bool)
starts = torch.arange(len(windows)) * (W // 2)
for a in anomaly_at.tolist() + list(range(700, 712)):
    labels |= (starts <= a) & (a < starts + W)
print("windows:", tuple(windows.shape), "anomalous:", labels.sum().item())
train_mask = (starts + W <= 600) & ~labels
train_x = windows[train_mask]
print("train windows:", len(train_x))


class ConvAE(nn.Module):
    def __init__(self, c=C, latent=6):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv1d(c, 16, 3, padding=1), nn.LeakyReLU(0.1), nn.MaxPool1d(2),
                                 nn.Conv1d(16, 8, 3, padding=1), nn.LeakyReLU(0.1), nn.Flatten(),
                                 nn.Linear(8 * W // 2, latent))
        self.dec = nn.Sequential(nn.Linear(latent, 8 * W // 2), nn.Unflatten(1, (8, W // 2)),
                                 nn.Upsample(scale_factor=2, mode="nearest"),
                                 nn.ConvTranspose1d(8, 16, 3, padding=1), nn.ELU(),
                                 nn.Conv1d(16, c, 3, padding=1))

    def forward(self, x):
        return self.dec(self.enc(x))


model = ConvAE()
print(model.enc)
opt = torch.optim.Adam(model.parameters(), lr=3e-3, betas=(0.9, 0.99))
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=25, eta_min=1e-4)
dl = DataLoader(TensorDataset(train_x), batch_size=16, shuffle=True)
for epoch in range(25):
    model.train()
    tot = 0.0
    for (xb,) in dl:
        noisy = xb + 0.05 * torch.randn_like(xb)  # denoising AE
        loss = F.smooth_l1_loss(model(noisy), xb, beta=0.5)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(xb)
    sched.step()
    if epoch % 5 == 4:
        print(f"epoch {epoch}: loss {tot / len(train_x):.3f} lr {sched.get_last_lr()[0]:.5f}")

buf = io.BytesIO()
torch.save({"model": model.state_dict(), "mean": mean, "std": std, "W": W}, buf)
buf.seek(0)
ckpt = torch.load(buf, weights_only=True)
print("checkpoint:", sorted(ckpt.keys()), ckpt["mean"].dtype, ckpt["W"])

model.eval()
with torch.no_grad():
    recon = model(windows)
    err = (recon - windows).pow(2).mean(dim=(1, 2))
train_err = err[train_mask]
thr_q = torch.quantile(train_err, 0.99)
k = int(0.95 * len(train_err))
thr_k = torch.kthvalue(train_err, k).values
thr_3s = train_err.mean() + 3 * train_err.std()
print(f"thresholds: q99 {thr_q.item():.3f} k95 {thr_k.item():.3f} 3sigma {thr_3s.item():.3f}")
print("median / nanmedian equal:", torch.median(train_err).item() == torch.nanmedian(train_err).item())
print("quantile interpolations:",
      [f"{torch.quantile(train_err[:-1], 0.5, interpolation=m).item():.4f}" for m in ("linear", "lower", "higher",
                                                                                  "midpoint", "nearest")])

for name, thr in (("q99", thr_q), ("3sigma", thr_3s)):
    pred = err > thr
    tp = (pred & labels).sum().item()
    fp = (pred & ~labels).sum().item()
    fn = (~pred & labels).sum().item()
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    f1 = 2 * prec * rec / max(prec + rec, 1e-8)
    print(f"{name}: tp {tp} fp {fp} fn {fn} precision {prec:.2f} recall {rec:.2f} f1 {f1:.2f}")

top = torch.topk(err, k=5)
print("top-5 windows:", sorted(top.indices.tolist()), "all labelled:", bool(labels[top.indices].all()))
print("top-5 starts:", starts[top.indices].sort().values)
bottom = torch.topk(err, k=3, largest=False, sorted=True)
print("most normal errors below median:", bool((bottom.values <= err.median()).all()))
ranks = err.argsort(descending=True).argsort()
print("rank of first anomaly window:", ranks[labels.nonzero().squeeze(1)[0]].item() < 20)

# per-channel attribution for the worst window
w_idx = top.indices[0]
per_ch = (recon[w_idx] - windows[w_idx]).abs().mean(-1)
print("worst window channel errors:", per_ch.round(decimals=1))
hist = torch.histc(err.log10(), bins=6, min=-3, max=1)
print("log10 error histogram:", hist)
edges = torch.tensor([0.01, 0.1, 1.0])
print("bucketized counts:", torch.bincount(torch.bucketize(err, edges), minlength=4))
sorted_err, _ = torch.sort(train_err)
pos = torch.searchsorted(sorted_err, thr_q)
print(f"fraction under q99: {pos.item() / len(sorted_err):.2f}")
