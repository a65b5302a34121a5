"""Autocorrelation pitch detection and polyphase resampling, as in a speech/DSP course notebook:
framing with Tensor.unfold, autocorrelation by the Wiener-Khinchin theorem (|rfft|^2 -> irfft),
parabolic peak interpolation, the YIN difference function, rational resampling by L/M with
torch.gcd, upsampling by zero stuffing and by conv_transpose1d, a polyphase filter bank,
STFT/ISTFT with a window at the new rate, and dB conversions with clamping."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(21)
fs = 8000
N = 2048
t = torch.arange(N) / fs
f0 = torch.tensor([150.0, 220.0, 310.0])
# harmonic signals, one per row
harm = torch.arange(1, 6, dtype=torch.float32)
amps = 1.0 / harm
x = (amps * torch.sin(2 * math.pi * f0[:, None, None] * harm * t[None, :, None])).sum(-1)
x = x + 0.05 * torch.randn_like(x)
print(x.shape, x.dtype)

# --- framing -------------------------------------------------------------------------------
frame, hop = 400, 200
frames = x.unfold(-1, frame, hop)
print("frames", frames.shape, frames.stride(), frames.is_contiguous())
frames = frames - frames.mean(-1, keepdim=True)

# --- autocorrelation via fft ------------------------------------------------------------------
nfft = 1024
spec = torch.fft.rfft(frames, n=nfft)
ac = torch.fft.irfft(spec.abs() ** 2, n=nfft)[..., :frame]
ac = ac / ac[..., :1]
print("ac", ac.shape, f"{ac[0, 0, 1].item():.4f}", f"{ac[1, 2, 10].item():.4f}")

lag_min, lag_max = fs // 500, fs // 80
seg = ac[..., lag_min:lag_max]
vals, idx = seg.max(dim=-1)
lag = idx + lag_min
# parabolic interpolation around the peak
ym1 = ac.gather(-1, (lag - 1).unsqueeze(-1)).squeeze(-1)
y0 = ac.gather(-1, lag.unsqueeze(-1)).squeeze(-1)
yp1 = ac.gather(-1, (lag + 1).unsqueeze(-1)).squeeze(-1)
delta = 0.5 * (ym1 - yp1) / (ym1 - 2 * y0 + yp1)
pitch = fs / (lag.float() + delta)
print("lag", lag[:, :4].tolist(), lag.dtype)
print("pitch", [[f"{p:.1f}" for p in row] for row in pitch[:, :4].tolist()])
print("median pitch", [f"{v:.1f}" for v in pitch.median(dim=-1).values.tolist()])

# --- YIN difference function and cumulative mean normalisation ------------------------------
fr = frames[0, 3]
W = 200
taus = torch.arange(1, 100)
d = torch.stack([((fr[:W] - fr[tau:tau + W]) ** 2).sum() for tau in taus.tolist()])
cmnd = d * taus / torch.cumsum(d, 0)
below = torch.nonzero(cmnd < 0.15).flatten()
tau_est = int(taus[below[0]]) if below.numel() else int(taus[cmnd.argmin()])
# descend to the local minimum
while tau_est < 99 and cmnd[tau_est] < cmnd[tau_est - 1]:
    tau_est += 1
print("yin tau", tau_est, f"f0 {fs / tau_est:.1f}", f"cmnd min {cmnd.min().item():.4f}")

# --- rational resampling 8000 -> 11025 --------------------------------------------------------
fs_new = 11025
g = torch.gcd(torch.tensor(fs), torch.tensor(fs_new))
L, M = fs_new // int(g), fs // int(g)
print("gcd", g, g.dtype, "L", L, "M", M)

# a simpler ratio for the demo: 3/2
L, M = 3, 2
taps = 48
n = torch.arange(taps * L, dtype=torch.float64) - (taps * L - 1) / 2
cut = 1.0 / max(L, M)
h = cut * torch.sinc(cut * n) * torch.kaiser_window(taps * L, periodic=False, beta=7.0, dtype=torch.float64)
h = h * L / h.sum()
sig = x[0].double()
# zero stuffing
up = torch.zeros(sig.numel() * L, dtype=torch.float64)
up[::L] = sig
y_direct = F.conv1d(up.view(1, 1, -1), h.flip(0).view(1, 1, -1), padding=(taps * L) // 2)[0, 0, ::M]
# the same with conv_transpose1d (stride L does the zero stuffing)
y_tr = F.conv_transpose1d(sig.view(1, 1, -1), h.view(1, 1, -1), stride=L)
print("up shapes", y_direct.shape, y_tr.shape)
# polyphase: L sub-filters, each runs at the low rate
poly = h.view(-1, L).t().contiguous()                      # (L, taps)
print("poly", poly.shape, [f"{v:.4f}" for v in poly.sum(1).tolist()])
phases = F.conv1d(F.pad(sig.view(1, 1, -1), (taps - 1, 0)), poly.flip(-1).unsqueeze(1))
inter = phases[0].t().reshape(-1)                          # interleave the phases
print("polyphase == zero stuffing + fir:", torch.allclose(inter, y_tr[0, 0, :inter.numel()]))
y_res = inter[::M]
print("resampled", y_res.shape, f"{y_res.pow(2).mean().item():.4f}", f"{sig.pow(2).mean().item():.4f}")
lin = F.interpolate(sig.view(1, 1, -1), scale_factor=1.5, mode="linear", align_corners=False)
print("interpolate", lin.shape, f"{lin.pow(2).mean().item():.4f}")
near = F.interpolate(sig[:8].view(1, 1, -1), size=12, mode="nearest")
print(torch.round(near, decimals=3))

# --- STFT at the new rate, dB conversions ---------------------------------------------------
fs2 = fs * L // M
win = torch.hann_window(256, dtype=torch.float64)
S = torch.stft(y_res, n_fft=256, hop_length=64, window=win, return_complex=True)
P = S.abs() ** 2
print("stft", S.shape, S.dtype)
db = 10 * torch.log10(P.clamp_min(1e-10))
db = torch.maximum(db, db.max() - 80.0)                    # top_db = 80
print(f"db range {db.min().item():.2f} .. {db.max().item():.2f}")
peak_bin = P.mean(-1).argmax()
print("peak freq", f"{peak_bin.item() * fs2 / 256:.1f}", peak_bin.dtype)
amp_db = 20 * torch.log10(S.abs().clamp(min=1e-5))
print(f"{amp_db.mean().item():.3f}", torch.allclose(amp_db, db, atol=1e-6) if False else amp_db.shape)
back = 10 ** (db / 10)
print(f"{(back - P.clamp_min(1e-10)).abs().max().item() < 1.0}")
rec = torch.istft(S, n_fft=256, hop_length=64, window=win, length=y_res.numel())
print("istft err", f"{(rec - y_res).abs().max().item():.2e}" if False else bool((rec - y_res).abs().max() < 1e-9))
for label, thunk in [
    ("unfold too big", lambda: x.unfold(-1, 5000, 10)),
    ("unfold step 0", lambda: x.unfold(-1, 4, 0)),
    ("gcd float", lambda: torch.gcd(torch.tensor(4.0), torch.tensor(6.0))),
    ("stft no window len", lambda: torch.stft(y_res, 256, window=torch.hann_window(100), return_complex=True)),
    ("stft no complex", lambda: torch.stft(y_res, 256)),
    ("istft real", lambda: torch.istft(P, 256)),
    ("interp bad", lambda: F.interpolate(sig.view(1, 1, -1), scale_factor=1.5, mode="bilinear")),
]:
    try:
        r = thunk()
        print(label, "->", r.shape)
    except Exception as e:
        print(label, type(e).__name__, e)
