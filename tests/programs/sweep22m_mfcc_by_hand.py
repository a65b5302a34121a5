"""MFCCs from scratch as in a speech-recognition course: pre-emphasis, framing with unfold and with
as_strided, a Hamming window, power spectrum via torch.fft.rfft, a triangular mel filterbank built
by hand (HTK mel scale), log-mel with clamp_min, an orthonormal DCT-II matrix, liftering, CMVN,
deltas via conv1d with replicate padding, plus frame energy and zero-crossing rate features."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(1)
sr = 16000
n = 4000
t = torch.arange(n, dtype=torch.float32) / sr
# a "vowel": harmonics of 140 Hz shaped by two formants, then a noisy "fricative"
f0 = 140.0
voiced = sum((1.0 / k) * torch.sin(2 * math.pi * f0 * k * t) *
             (1.0 + 2.0 * math.exp(-((f0 * k - 700) / 200) ** 2) + math.exp(-((f0 * k - 1200) / 250) ** 2))
             for k in range(1, 20))
fric = 0.3 * torch.randn(n)
sig = torch.where(t < 0.15, voiced, fric)
sig = sig / sig.abs().max()
print("signal", sig.shape, f"{sig.mean().item():.4f}", f"{sig.std().item():.4f}")

# pre-emphasis
alpha = 0.97
emph = torch.cat([sig[:1], sig[1:] - alpha * sig[:-1]])
print("pre-emph", f"{emph.std().item():.4f}", torch.round(emph[:5], decimals=4))

# framing: 25 ms / 10 ms
frame_len, hop = 400, 160
n_frames = 1 + (n - frame_len) // hop
frames = emph.unfold(0, frame_len, hop)
frames2 = torch.as_strided(emph, size=(n_frames, frame_len), stride=(hop, 1))
print("frames", frames.shape, frames.stride(), frames2.stride(), torch.equal(frames, frames2))
print("is view", frames._base is emph, frames.is_contiguous())

# energy and zero crossing rate
energy = frames.pow(2).sum(dim=1)
log_energy = torch.log(energy.clamp_min(1e-10))
signs = torch.sign(frames)
zcr = (signs[:, 1:] != signs[:, :-1]).float().mean(dim=1)
print("log energy", torch.round(log_energy, decimals=3))
print("zcr", torch.round(zcr, decimals=3))
print("voiced frames", (zcr < 0.3).nonzero().flatten().tolist())

# window + power spectrum
win = torch.hamming_window(frame_len, periodic=False)
n_fft = 512
spec = torch.fft.rfft(frames * win, n=n_fft)
pow_spec = spec.abs() ** 2 / n_fft
print("power spec", pow_spec.shape, pow_spec.dtype, f"{pow_spec.sum(dim=1).mean().item():.3f}")


def hz_to_mel(f):
    return 2595.0 * torch.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10 ** (m / 2595.0) - 1.0)


n_mels = 26
mel_pts = torch.linspace(hz_to_mel(torch.tensor(0.0)).item(), hz_to_mel(torch.tensor(sr / 2)).item(),
                         n_mels + 2)
hz_pts = mel_to_hz(mel_pts)
bins = torch.floor((n_fft + 1) * hz_pts / sr).long()
print("filter bins", bins.tolist())
fbank = torch.zeros(n_mels, n_fft // 2 + 1)
for m in range(1, n_mels + 1):
    left, center, right = bins[m - 1].item(), bins[m].item(), bins[m + 1].item()
    for k in range(left, center):
        fbank[m - 1, k] = (k - left) / (center - left)
    for k in range(center, right):
        fbank[m - 1, k] = (right - k) / (right - center)
print("fbank", fbank.shape, f"{fbank.sum().item():.4f}", (fbank > 0).sum(dim=1).tolist())

# vectorised slaney-style version with clamp, for comparison
fft_freqs = torch.linspace(0, sr / 2, n_fft // 2 + 1)
f_diff = hz_pts[1:] - hz_pts[:-1]
ramps = hz_pts.unsqueeze(1) - fft_freqs.unsqueeze(0)
lower = -ramps[:-2] / f_diff[:-1].unsqueeze(1)
upper = ramps[2:] / f_diff[1:].unsqueeze(1)
fb2 = torch.max(torch.zeros(1), torch.min(lower, upper))
enorm = 2.0 / (hz_pts[2:n_mels + 2] - hz_pts[:n_mels])
fb2 = fb2 * enorm.unsqueeze(1)
print("fb2", fb2.shape, f"{fb2.sum(dim=1).max().item():.5f}", f"{fb2.max().item():.6f}")

mel = pow_spec @ fbank.T
log_mel = torch.log(mel.clamp_min(1e-10))
log_mel_db = 10 * torch.log10(mel.clamp(min=1e-10))
log_mel_db = torch.maximum(log_mel_db, log_mel_db.max() - 80.0)
print("log-mel", log_mel.shape, f"{log_mel.mean().item():.3f}", f"{log_mel_db.min().item():.3f}")

# DCT-II (orthonormal)
n_mfcc = 13
k = torch.arange(n_mfcc, dtype=torch.float32).unsqueeze(1)
nn_ = torch.arange(n_mels, dtype=torch.float32).unsqueeze(0)
dct = torch.cos(math.pi / n_mels * (nn_ + 0.5) * k)
dct[0] *= 1.0 / math.sqrt(2.0)
dct *= math.sqrt(2.0 / n_mels)
print("dct orthonormal rows", torch.allclose(dct @ dct.T, torch.eye(n_mfcc), atol=1e-5))
mfcc = log_mel @ dct.T
lifter = 1 + (22 / 2) * torch.sin(math.pi * torch.arange(n_mfcc) / 22)
mfcc = mfcc * lifter
print("mfcc", mfcc.shape)
print(torch.round(mfcc[:3, :6], decimals=2))
cmvn = (mfcc - mfcc.mean(dim=0)) / (mfcc.std(dim=0) + 1e-8)
print("cmvn", f"{cmvn.mean().abs().item() < 1e-5}", torch.round(cmvn.std(dim=0)[:4], decimals=4))

# deltas with a regression kernel applied by conv1d, replicate padding
N = 2
kernel = torch.arange(-N, N + 1, dtype=torch.float32) / (2 * sum(i * i for i in range(1, N + 1)))
feat = mfcc.T.unsqueeze(1)                       # (13, 1, T)
padded = F.pad(feat, (N, N), mode="replicate")
delta = F.conv1d(padded, kernel.flip(0).view(1, 1, -1)).squeeze(1).T
delta2 = F.conv1d(F.pad(delta.T.unsqueeze(1), (N, N), mode="replicate"),
                  kernel.flip(0).view(1, 1, -1)).squeeze(1).T
full = torch.cat([mfcc, delta, delta2], dim=1)
print("features", full.shape, torch.round(delta[5, :4], decimals=3), torch.round(delta2[5, :3], decimals=3))
print("per-frame norm", torch.round(full.norm(dim=1)[:6], decimals=2))
