"""STFT / ISTFT as in a speech-processing course notebook: a linear chirp built from the cumulative
phase, additive randn noise, every window function (periodic and symmetric, torch.signal.windows),
torch.stft with center / pad_mode / onesided / normalized / return_complex variants, magnitude and
power spectrograms, and torch.istft round trips with their reconstruction error."""
import math

import torch

torch.manual_seed(0)
sr = 8000
dur = 0.25
t = torch.arange(int(sr * dur)) / sr
f0, f1 = 200.0, 2400.0
inst_freq = f0 + (f1 - f0) * t / dur
phase = 2 * math.pi * torch.cumsum(inst_freq, dim=0) / sr
x = 0.8 * torch.sin(phase) + 0.05 * torch.randn_like(t)
print("signal", x.shape, x.dtype, f"{x.abs().max().item():.4f}", f"{x.pow(2).mean().item():.4f}")

# --- windows ---------------------------------------------------------------
N = 16
wins = {
    "hann": torch.hann_window(N),
    "hann_sym": torch.hann_window(N, periodic=False),
    "hamming": torch.hamming_window(N),
    "hamming_sym": torch.hamming_window(N, periodic=False),
    "blackman": torch.blackman_window(N),
    "blackman_sym": torch.blackman_window(N, periodic=False),
    "bartlett": torch.bartlett_window(N),
    "kaiser": torch.kaiser_window(N),
    "kaiser_b5_sym": torch.kaiser_window(N, periodic=False, beta=5.0),
    "sig_hann": torch.signal.windows.hann(N),
    "sig_hann_per": torch.signal.windows.hann(N, sym=False),
    "sig_gauss": torch.signal.windows.gaussian(N, std=3.0),
    "sig_cosine": torch.signal.windows.cosine(N),
    "sig_expo": torch.signal.windows.exponential(N, tau=4.0),
    "sig_nuttall": torch.signal.windows.nuttall(N),
    "sig_kaiser": torch.signal.windows.kaiser(N, beta=8.0),
}
for name, w in wins.items():
    print(f"{name:14s}", w.dtype, tuple(w.shape), f"sum={w.sum().item():.4f}",
          f"energy={w.pow(2).sum().item():.4f}", torch.round(w[:4], decimals=4).tolist())
print(torch.hamming_window(5, periodic=False, alpha=0.5, beta=0.5, dtype=torch.float64))
torch.set_printoptions(precision=8)              # Kaiser windows to the last printed digit
print(torch.kaiser_window(9, periodic=False, beta=8.0))
print(torch.kaiser_window(6, True, 14.0, dtype=torch.float64))
print(torch.i0(torch.linspace(0, 12, 5)))
torch.set_printoptions(profile="default")

# --- stft variants -----------------------------------------------------------
n_fft, hop = 256, 64
window = torch.hann_window(n_fft)
S = torch.stft(x, n_fft, hop_length=hop, window=window, return_complex=True)
print("stft", S.shape, S.dtype)
mag = S.abs()
power = mag.pow(2)
print("mag mean", f"{mag.mean().item():.4f}", "power max", f"{power.max().item():.2f}")
peak_bins = mag.argmax(dim=0)
print("peak bin per frame", peak_bins[::4].tolist())
print("peak freq Hz", (peak_bins[::8].float() * sr / n_fft).tolist())

for kw in [dict(center=False), dict(center=True, pad_mode="constant"), dict(pad_mode="replicate"),
           dict(normalized=True), dict(onesided=False), dict(win_length=128),
           dict(window=torch.hamming_window(n_fft, periodic=False))]:
    args = dict(n_fft=n_fft, hop_length=hop, window=window, return_complex=True)
    args.update(kw)
    if "win_length" in kw:
        args["window"] = torch.hann_window(kw["win_length"])
    Z = torch.stft(x, **args)
    print(sorted(kw), tuple(Z.shape), f"{Z.abs().sum().item() / Z.numel():.4f}",
          f"{Z.real[3, 2].item():.4f}")

Sr = torch.stft(x, n_fft, hop_length=hop, window=window, return_complex=False)
print("real view", Sr.shape, torch.allclose(torch.view_as_complex(Sr), S))

batch = torch.stack([x, x.flip(0)])
SB = torch.stft(batch, 128, hop_length=32, window=torch.hann_window(128), return_complex=True)
print("batched", SB.shape, f"{(SB[0].abs() - SB[1].abs()).abs().max().item():.2f} (differs)")

# --- round trips ---------------------------------------------------------------
for kw in [dict(), dict(normalized=True), dict(center=True, pad_mode="constant")]:
    Z = torch.stft(x, n_fft, hop_length=hop, window=window, return_complex=True, **kw)
    ikw = {k: v for k, v in kw.items() if k != "pad_mode"}
    y = torch.istft(Z, n_fft, hop_length=hop, window=window, length=x.shape[0], **ikw)
    err = (y - x).abs().max().item()
    print("roundtrip", sorted(kw), y.shape, y.dtype, "ok" if err < 1e-5 else f"err={err}")
y2 = torch.istft(SB, 128, hop_length=32, window=torch.hann_window(128))
print("batched istft", y2.shape, f"{(y2 - batch[:, :y2.shape[1]]).abs().max().item() < 1e-5}")
xd = x.double()
Zd = torch.stft(xd, 64, hop_length=16, window=torch.hann_window(64, dtype=torch.float64),
                return_complex=True)
yd = torch.istft(Zd, 64, hop_length=16, window=torch.hann_window(64, dtype=torch.float64),
                 length=xd.numel())
print("double", Zd.dtype, yd.dtype, f"{(yd - xd).abs().max().item() < 1e-12}")
print(torch.round(Zd[:3, :3].abs(), decimals=3))
