"""Audio-like signal processing without an FFT: framing with Tensor.unfold, Hann/Hamming windows,
a hand-built mel filterbank applied to a DFT-by-matmul power spectrum, log-mel + DCT features,
FIR filtering with conv1d, SpecAugment-style masking and a small 1-D CNN keyword classifier."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(5)
random.seed(5)
np.random.seed(5)

SR, DUR = 4000, 0.5
N_SAMPLES = int(SR * DUR)
N_FFT, HOP, N_MELS = 128, 64, 20

# ---- windows ----
hann = torch.hann_window(8)
print(hann)
print(torch.hann_window(8, periodic=False))
print(torch.hamming_window(6, dtype=torch.float64))
print(torch.blackman_window(5))
print("bartlett:", torch.bartlett_window(5, periodic=False).tolist())
print(torch.kaiser_window(6, True, 8.0))


def hz_to_mel(f):
    return 2595.0 * torch.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10 ** (m / 2595.0) - 1.0)


def mel_filterbank(n_mels, n_fft, sr):
    n_freqs = n_fft // 2 + 1
    freqs = torch.linspace(0, sr / 2, n_freqs)
    mels = torch.linspace(hz_to_mel(torch.tensor(0.0)), hz_to_mel(torch.tensor(sr / 2)), n_mels + 2)
    hz = mel_to_hz(mels)
    lower, center, upper = hz[:-2, None], hz[1:-1, None], hz[2:, None]
    up = (freqs[None] - lower) / (center - lower)
    down = (upper - freqs[None]) / (upper - center)
    fb = torch.clamp(torch.minimum(up, down), min=0.0)
    enorm = 2.0 / (upper - lower)  # slaney-style area normalisation
    return fb * enorm


fb = mel_filterbank(N_MELS, N_FFT, SR)
print("filterbank:", tuple(fb.shape), "nonzero per filter:", (fb > 0).sum(1)[:6].tolist())
print("peak bins:", fb.argmax(dim=1)[:8])

# real DFT as a matrix (no torch.fft): power spectrum = (x @ C)^2 + (x @ S)^2
k = torch.arange(N_FFT // 2 + 1, dtype=torch.float32)
n = torch.arange(N_FFT, dtype=torch.float32)
ang = 2 * math.pi * torch.outer(n, k) / N_FFT
COS, SIN = torch.cos(ang), -torch.sin(ang)
WIN = torch.hann_window(N_FFT)


def frames(x):
    x = F.pad(x.unsqueeze(1), (N_FFT // 2, N_FFT // 2), mode="reflect").squeeze(1)
    return x.unfold(-1, N_FFT, HOP)  # (batch, n_frames, N_FFT)


def log_mel(x):
    fr = frames(x) * WIN
    power = (fr @ COS) ** 2 + (fr @ SIN) ** 2
    mel = power @ fb.T
    return torch.log(mel.clamp_min(1e-6)).transpose(1, 2)  # (batch, n_mels, n_frames)


def dct_matrix(n_out, n_in):
    i = torch.arange(n_in, dtype=torch.float32)
    kk = torch.arange(n_out, dtype=torch.float32).unsqueeze(1)
    d = torch.cos(math.pi / n_in * (i + 0.5) * kk) * math.sqrt(2.0 / n_in)
    d[0] /= math.sqrt(2.0)
    return d


# a pure tone should light up the mel bin that contains its frequency
t = torch.arange(N_SAMPLES) / SR
tone = torch.sin(2 * math.pi * 440.0 * t)
lm = log_mel(tone.unsqueeze(0))
print("log-mel:", tuple(lm.shape), "loudest mel bin:", lm[0].mean(1).argmax().item())
D = dct_matrix(8, N_MELS)
print("dct orthonormal rows:", torch.allclose(D @ D.T, torch.eye(8), atol=1e-5))
mfcc = torch.einsum("km,bmt->bkt", D, lm)
print("mfcc:", tuple(mfcc.shape), f"c0 mean {mfcc[0, 0].mean().item():.2f}")

# FIR low-pass (windowed sinc) with conv1d, and a moving average with avg_pool1d
taps = 31
m = torch.arange(taps) - (taps - 1) / 2
cutoff = 600.0 / SR
h = 2 * cutoff * torch.sinc(2 * cutoff * m) * torch.hamming_window(taps, periodic=False)
h = h / h.sum()
print(f"fir dc gain {h.sum().item():.4f} symmetric {torch.allclose(h, torch.flip(h, [0]))}")
mix = torch.sin(2 * math.pi * 200 * t) + torch.sin(2 * math.pi * 1500 * t)
low = F.conv1d(mix.view(1, 1, -1), h.view(1, 1, -1), padding=taps // 2).view(-1)
resid = low - torch.sin(2 * math.pi * 200 * t)
print(f"low-pass residual rms {resid[100:-100].pow(2).mean().sqrt().item():.2f}")
ma = F.avg_pool1d(mix.view(1, 1, -1), kernel_size=5, stride=1, padding=2, count_include_pad=False)
print("moving average:", tuple(ma.shape), f"{ma.abs().max().item():.2f}")
down = F.interpolate(mix.view(1, 1, -1), scale_factor=0.5, mode="linear", align_corners=False)
print("resampled:", tuple(down.shape))
zc = (torch.sign(mix[1:]) != torch.sign(mix[:-1])).sum().item()
print("zero crossings:", zc)
energy = frames(mix.unsqueeze(0)).pow(2).mean(-1)
print("frame energy:", tuple(energy.shape), energy[0, :4].round(decimals=2))
pre = torch.cat([mix[:1], mix[1:] - 0.97 * mix[:-1]])
segments = torch.tensor_split(mix, 3)
print("segment lengths:", [len(s) for s in segments],
      "rms:", [f"{s.pow(2).mean().sqrt().item():.3f}" for s in segments])
onset_env = torch.diff(energy[0], prepend=energy[0, :1])
onsets = torch.heaviside(onset_env - 0.01, torch.tensor(0.0))
print("onset frames:", onsets.nonzero().flatten().tolist())
print(f"pre-emphasis std {pre.std().item():.3f}")


# ---- synthetic "keyword" dataset: 3 classes of chirps / tones / noise bursts ----
def make_clip(c):
    f0 = random.uniform(300, 500)
    if c == 0:
        sig = torch.sin(2 * math.pi * f0 * t)
    elif c == 1:
        sig = torch.sin(2 * math.pi * (f0 * t + 1200 * t ** 2))  # rising chirp
    else:
        sig = torch.randn(N_SAMPLES) * 0.5
        sig = F.conv1d(sig.view(1, 1, -1), h.view(1, 1, -1), padding=taps // 2).view(-1) * 3
    env = torch.ones(N_SAMPLES)
    start = random.randint(0, N_SAMPLES // 2)
    env[:start] = 0.05
    sig = sig * env + 0.05 * torch.randn(N_SAMPLES)
    return torch.roll(sig, shifts=random.randint(-200, 200))


ys = torch.tensor([i % 3 for i in range(150)])
clips = torch.stack([make_clip(c) for c in ys.tolist()])
feats = log_mel(clips)
mean, std = feats.mean(dim=(0, 2), keepdim=True), feats.std(dim=(0, 2), keepdim=True)
feats = (feats - mean) / (std + 1e-5)
print("features:", tuple(feats.shape), f"{feats.mean().item():.3f}")


def spec_augment(x, max_f=3, max_t=4):
    b, f, tt = x.shape
    f0 = torch.randint(0, f - max_f, (b, 1, 1))
    t0 = torch.randint(0, tt - max_t, (b, 1, 1))
    fi = torch.arange(f).view(1, f, 1)
    ti = torch.arange(tt).view(1, 1, tt)
    mask = ((fi >= f0) & (fi < f0 + max_f)) | ((ti >= t0) & (ti < t0 + max_t))
    return x.masked_fill(mask, 0.0)


aug = spec_augment(feats[:2])
print("masked fraction:", f"{(aug == 0).float().mean().item():.3f}")


class KWS(nn.Module):
    def __init__(self, n_mels=N_MELS, n_classes=3):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(n_mels, 32, 5, padding=2, bias=False), nn.BatchNorm1d(32), nn.ReLU(),
            nn.Conv1d(32, 32, 3, padding=2, dilation=2, groups=4, bias=False), nn.BatchNorm1d(32), nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(32, 32, 3, padding=1), nn.Hardswish(),
            nn.AdaptiveAvgPool1d(1), nn.Flatten())
        self.head = nn.Linear(32, n_classes)

    def forward(self, x):
        return self.head(self.body(x))


model = KWS()
print(model.body[3])
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=6 * 4)
dl = DataLoader(TensorDataset(feats[:120], ys[:120]), batch_size=32, shuffle=True)
for epoch in range(6):
    model.train()
    tot, correct = 0.0, 0
    for xb, yb in dl:
        out = model(spec_augment(xb))
        loss = F.cross_entropy(out, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        tot += loss.item() * len(yb)
        correct += (out.argmax(1) == yb).sum().item()
    print(f"epoch {epoch}: loss {tot / 120:.2f} acc {correct / 120:.2f}")

model.eval()
with torch.no_grad():
    logits = model(feats[120:])
pred = logits.argmax(1)
print("test acc:", f"{(pred == ys[120:]).float().mean().item():.2f}")
print("confusion:\n", torch.bincount(ys[120:] * 3 + pred, minlength=9).view(3, 3))
print("saliency-free check, logits finite:", torch.isfinite(logits).all().item())
