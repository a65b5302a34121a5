"""A tiny keyword-spotting model in the style of speech-commands tutorials, on synthetic "words":
tone-sweep patterns plus randn noise, random time shift with torch.roll, log-mel features from
batched torch.stft and a hand-built mel matrix, SpecAugment time/frequency masking with masked_fill,
a small Conv1d + BatchNorm1d + MaxPool1d + AdaptiveAvgPool1d network trained with AdamW, and
accuracy / confusion matrix via bincount."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
sr, n = 4000, 2000
n_fft, hop, n_mels = 128, 64, 20
classes = ["up", "down", "flat", "noise"]


def make_word(label, g):
    t = torch.arange(n) / sr
    if label == 0:
        f = 300 + 1200 * t / t[-1]
    elif label == 1:
        f = 1500 - 1200 * t / t[-1]
    elif label == 2:
        f = torch.full_like(t, 800.0)
    else:
        return 0.5 * torch.randn(n, generator=g)
    phase = 2 * math.pi * torch.cumsum(f, 0) / sr
    env = torch.hann_window(n, periodic=False)
    w = env * torch.sin(phase) + 0.1 * torch.randn(n, generator=g)
    shift = int(torch.randint(-200, 201, (1,), generator=g))
    return torch.roll(w, shifts=shift)


g = torch.Generator().manual_seed(123)
labels = torch.arange(4).repeat(12)
waves = torch.stack([make_word(int(l), g) for l in labels])
print("dataset", waves.shape, labels.bincount().tolist())


def mel_matrix(n_freqs, n_mels, sr):
    mel = lambda f: 1127.0 * math.log(1 + f / 700.0)
    inv = lambda m: 700.0 * (math.exp(m / 1127.0) - 1)
    pts = torch.tensor([inv(m) for m in torch.linspace(0, mel(sr / 2), n_mels + 2).tolist()])
    freqs = torch.linspace(0, sr / 2, n_freqs)
    lo, ce, hi = pts[:-2, None], pts[1:-1, None], pts[2:, None]
    up = (freqs - lo) / (ce - lo)
    down = (hi - freqs) / (hi - ce)
    return torch.clamp(torch.minimum(up, down), min=0.0)


M = mel_matrix(n_fft // 2 + 1, n_mels, sr)
print("mel matrix", M.shape, f"{M.sum().item():.4f}")


def features(w):
    spec = torch.stft(w, n_fft, hop, window=torch.hann_window(n_fft), center=True,
                      pad_mode="reflect", return_complex=True)
    power = spec.abs().pow(2)                     # (B, F, T)
    melspec = torch.einsum("mf,bft->bmt", M, power)
    return torch.log(melspec.clamp_min(1e-6))


X = features(waves)
mean, std = X.mean(dim=(0, 2), keepdim=True), X.std(dim=(0, 2), keepdim=True)
X = (X - mean) / std
print("features", X.shape, f"{X.mean().abs().item():.4f}", f"{X.std().item():.4f}")  # mean ~0: print |mean|


def spec_augment(x, g, F_=4, T_=5):
    x = x.clone()
    B, nm, nt = x.shape
    f0 = torch.randint(0, nm - F_, (B,), generator=g)
    t0 = torch.randint(0, nt - T_, (B,), generator=g)
    fr = torch.arange(nm).view(1, -1, 1)
    tr = torch.arange(nt).view(1, 1, -1)
    fmask = (fr >= f0.view(-1, 1, 1)) & (fr < (f0 + F_).view(-1, 1, 1))
    tmask = (tr >= t0.view(-1, 1, 1)) & (tr < (t0 + T_).view(-1, 1, 1))
    return x.masked_fill(fmask | tmask, 0.0), (fmask | tmask).sum().item()


class KWS(nn.Module):
    def __init__(self, n_mels, n_classes):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(n_mels, 16, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm1d(16),
            nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(16, 16, kernel_size=3, padding="same", groups=4),
            nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
            nn.Flatten(),
            nn.Dropout(0.1),
            nn.Linear(16, n_classes),
        )

    def forward(self, x):
        return self.net(x)


model = KWS(n_mels, len(classes))
print(model)
print("params", sum(p.numel() for p in model.parameters()))
opt = torch.optim.AdamW(model.parameters(), lr=0.03, weight_decay=1e-3)
perm_gen = torch.Generator().manual_seed(5)
for epoch in range(8):
    model.train()
    perm = torch.randperm(len(X), generator=perm_gen)
    tot, masked = 0.0, 0
    for i in range(0, len(X), 24):
        idx = perm[i:i + 24]
        xb, nmask = spec_augment(X[idx], g)
        masked += nmask
        loss = F.cross_entropy(model(xb), labels[idx], label_smoothing=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(idx)
    if epoch % 2 == 1:
        print(f"epoch {epoch:2d} loss {tot / len(X):.3f} masked {masked}")

model.eval()
with torch.no_grad():
    logits = model(X)
    pred = logits.argmax(dim=1)
    probs = logits.softmax(dim=1)
acc = (pred == labels).float().mean().item()
print(f"train acc {acc:.3f}")
conf = torch.bincount(labels * 4 + pred, minlength=16).view(4, 4)
print(conf)
print("mean confidence", f"{probs.max(dim=1).values.mean().item():.2f}")
print("bn running mean", torch.round(model.net[1].running_mean[:4], decimals=2))
