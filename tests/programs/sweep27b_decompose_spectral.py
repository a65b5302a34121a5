"""Classical seasonal decomposition and spectral analysis of a monthly series, as in a statistics
course: the centred 2x12 moving average by conv1d and by avg_pool1d with F.pad (reflect and
replicate), seasonal indices by index_add_ / bincount / scatter_reduce, multiplicative
decomposition, a rolling median and rolling z-scores with Tensor.unfold for anomaly flags, the
periodogram via torch.fft.rfft / rfftfreq with a Hann taper, Welch averaging of segments, an STFT,
and the dominant periods by topk."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(8027)

period = 12
years = 10
n = period * years
t = torch.arange(n, dtype=torch.float64)
trend = 100 + 0.8 * t - 0.002 * t ** 2
seasonal = 6 * torch.sin(2 * math.pi * t / period) + 2 * torch.sin(2 * math.pi * t / 4)
y = trend + seasonal + 1.5 * torch.randn(n, dtype=torch.float64)
y[[30, 77]] += torch.tensor([15.0, -12.0], dtype=torch.float64)        # two outliers
print("y", y.dtype, y.shape, y[:5])

# --- 2x12 centred moving average ----------------------------------------------------------------
w = torch.ones(period + 1, dtype=torch.float64)
w[0] = w[-1] = 0.5
w = w / period
ma = F.conv1d(y.view(1, 1, -1), w.view(1, 1, -1)).flatten()
print("trend-cycle", ma.shape, ma[:4])
ma_same = F.conv1d(y.view(1, 1, -1), w.view(1, 1, -1), padding="same").flatten()
print("padding=same", ma_same.shape, torch.allclose(ma_same[6:-6], ma))
ma_pool = F.avg_pool1d(F.avg_pool1d(y.view(1, 1, -1), period, stride=1), 2, stride=1).flatten()
print("avg_pool1d twice agrees", torch.allclose(ma_pool, ma))
padded = F.pad(y.view(1, 1, -1), (6, 6), mode="reflect")
padded_r = F.pad(y.view(1, 1, -1), (6, 6), mode="replicate")
print("reflect pad ends", padded[0, 0, :7].round(decimals=2))
print("replicate pad ends", padded_r[0, 0, -7:].round(decimals=2))
ma_full = F.conv1d(padded, w.view(1, 1, -1)).flatten()
print("full-length trend", ma_full.shape)

detr = y[6:-6] - ma
month = (torch.arange(6, n - 6)) % period
sums = torch.zeros(period, dtype=torch.float64).index_add_(0, month, detr)
counts = torch.bincount(month, minlength=period)
idx = sums / counts
idx = idx - idx.mean()
print("counts", counts)
print("seasonal indices", idx.round(decimals=2))
idx_w = torch.bincount(month, weights=detr, minlength=period) / counts
print("bincount weights agree", torch.allclose(idx_w - idx_w.mean(), idx))
mx = torch.full((period,), -math.inf, dtype=torch.float64).scatter_reduce(0, month, detr, reduce="amax")
mn = torch.zeros(period, dtype=torch.float64).scatter_reduce(0, month, detr, reduce="amin", include_self=False)
print("seasonal range", (mx - mn).round(decimals=2))
mean_sr = torch.zeros(period, dtype=torch.float64).scatter_reduce(0, month, detr, reduce="mean", include_self=False)
print("scatter mean agrees", torch.allclose(mean_sr, sums / counts))
resid = detr - idx[month]
print("resid std", f"{resid.std().item():.3f}", "largest |resid| at", (resid.abs().argmax() + 6).item())

ratio = y[6:-6] / ma
mult = torch.stack([ratio[month == k].mean() for k in range(period)])
mult = mult / mult.mean()
print("multiplicative indices", mult.round(decimals=3))
print("seasonal strength", f"{max(0.0, 1 - resid.var().item() / (detr.var().item())):.3f}")

# --- rolling statistics and anomaly flags ---------------------------------------------------------
win = 9
roll = y.unfold(0, win, 1)
print("windows", roll.shape, roll.stride())
rmed = roll.median(dim=1).values
rmad = (roll - rmed.unsqueeze(1)).abs().median(dim=1).values
robust_z = (y[win // 2: -(win // 2)] - rmed) / (1.4826 * rmad)
print("robust z > 3.5 at", (robust_z.abs() > 3.5).nonzero().flatten().add(win // 2).tolist())
rmean, rstd = roll.mean(1), roll.std(1)
z = (y[win - 1:] - rmean) / rstd
print("trailing z extremes", z.max().round(decimals=2), z.min().round(decimals=2), z.argmax().item() + win - 1)
kth = roll.kthvalue(3, dim=1)
print("kthvalue", kth.values[:3].round(decimals=2), kth.indices[:3])
ewm = torch.zeros_like(y)
ewm[0] = y[0]
for i in range(1, n):
    ewm[i] = 0.2 * y[i] + 0.8 * ewm[i - 1]
print("ewm tail", ewm[-3:])

# --- periodogram ----------------------------------------------------------------------------------
yd = y - torch.linspace(y[0].item(), y[-1].item(), n, dtype=torch.float64)   # crude detrend
yd = yd - yd.mean()
spec = torch.fft.rfft(yd)
freqs = torch.fft.rfftfreq(n, d=1.0)
power = spec.abs() ** 2 / n
print("rfft", spec.dtype, spec.shape, "freqs", freqs.dtype, freqs[:3])
top = torch.topk(power[1:], 3)
print("dominant periods", (1 / freqs[1:][top.indices]).round(decimals=2), top.values.round(decimals=1))
print("Parseval", torch.allclose(power[0] + 2 * power[1:-1].sum() + power[-1], (yd ** 2).sum()))
taper = torch.hann_window(n, periodic=False, dtype=torch.float64)
pt = torch.fft.rfft(yd * taper).abs().pow(2) / (taper ** 2).sum()
print("tapered peak period", (1 / freqs[pt[1:].argmax() + 1]).item())
print("hann window", torch.hann_window(6), torch.hamming_window(4, dtype=torch.float64))
full = torch.fft.fft(yd)
print("fft symmetry", torch.allclose(full[1:].flip(0), full[1:].conj()), torch.fft.fftfreq(6))
print("fftshift", torch.fft.fftshift(torch.fft.fftfreq(6)))

seg, hop = 48, 24
segs = yd.unfold(0, seg, hop)
win_s = torch.hann_window(seg, dtype=torch.float64)
welch = (torch.fft.rfft(segs * win_s, dim=-1).abs() ** 2).mean(0) / (win_s ** 2).sum()
print("welch", segs.shape, welch.shape, "peak period", (seg / welch[1:].argmax().add(1)).item())
S = torch.stft(yd, n_fft=seg, hop_length=hop, window=win_s, center=False, return_complex=True)
print("stft", S.shape, S.dtype, torch.allclose(S.abs().pow(2).mean(1) / (win_s ** 2).sum(), welch))
rec = torch.fft.irfft(spec, n=n)
print("irfft roundtrip", torch.allclose(rec, yd))

# low-pass filter: keep frequencies below 1/6 cycles per month
mask = freqs < 1 / 6
smooth = torch.fft.irfft(spec * mask, n=n)
print("low-pass kept", int(mask.sum()), "of", mask.numel(), "smooth", smooth[:4].round(decimals=3))

try:
    F.pad(y.view(1, 1, -1), (200, 0), mode="reflect")
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    torch.bincount(torch.tensor([1, -1]))
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    y.unfold(0, 5, 0)
except RuntimeError as err:
    print("RuntimeError:", err)
