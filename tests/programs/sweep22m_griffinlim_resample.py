"""Phase reconstruction and resampling with plain torch, as in an audio course notebook:
Griffin-Lim (fast variant with momentum, torch.polar / angle), a windowed-sinc low-pass FIR designed
with torch.sinc and a Kaiser window (torch.special.i0), decimation with strided conv1d, upsampling
with conv_transpose1d and F.interpolate (linear / nearest / align_corners), reflect and replicate
F.pad on 1-D signals, spectral checks via torch.fft.rfft/rfftfreq/fftshift, and an SNR report."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(3)
sr = 8000
n = 1024
t = torch.arange(n) / sr
x = 0.6 * torch.sin(2 * math.pi * 440 * t) + 0.3 * torch.sin(2 * math.pi * 1800 * t + 0.5) \
    + 0.2 * torch.sin(2 * math.pi * 3100 * t)
x = x + 0.01 * torch.randn(n)


def snr_db(ref, est):
    return 10 * torch.log10(ref.pow(2).sum() / (ref - est).pow(2).sum())


# --- Griffin-Lim -------------------------------------------------------------------
n_fft, hop = 128, 32
win = torch.hann_window(n_fft)
S = torch.stft(x, n_fft, hop, window=win, return_complex=True)
mag = S.abs()
print("target", mag.shape, f"{mag.max().item():.3f}", f"{torch.angle(S)[5, 5].item():.4f}")

gen = torch.Generator().manual_seed(0)
angles = torch.polar(torch.ones_like(mag), 2 * math.pi * torch.rand(mag.shape, generator=gen))
momentum = 0.99
tprev = torch.zeros_like(angles)
for it in range(16):
    inverse = torch.istft(mag * angles, n_fft, hop, window=win, length=n)
    rebuilt = torch.stft(inverse, n_fft, hop, window=win, return_complex=True)
    angles = rebuilt - (momentum / (1 + momentum)) * tprev
    tprev = rebuilt
    angles = angles.div(angles.abs().add(1e-16))
    if it % 5 == 0 or it == 15:
        spec_conv = (rebuilt.abs() - mag).norm() / mag.norm()
        print(f"iter {it:2d} spectral convergence {spec_conv.item():.3f}")
y = torch.istft(mag * angles, n_fft, hop, window=win, length=n)
print("griffin-lim out", y.shape, y.dtype, f"{y.pow(2).mean().sqrt().item():.3f}",
      f"{x.pow(2).mean().sqrt().item():.3f}")
print("true phase snr", f"{snr_db(x, torch.istft(S, n_fft, hop, window=win, length=n)).item() > 80}")

# --- windowed-sinc low-pass FIR --------------------------------------------------
taps = 63
cutoff = 0.25                                   # fraction of Nyquist... of the sample rate /2
m = torch.arange(taps, dtype=torch.float64) - (taps - 1) / 2
beta = 6.0
kaiser_manual = torch.special.i0(beta * torch.sqrt(1 - (2 * m / (taps - 1)) ** 2)) / torch.special.i0(
    torch.tensor(beta, dtype=torch.float64))
kaiser_builtin = torch.kaiser_window(taps, periodic=False, beta=beta, dtype=torch.float64)
print("kaiser match", torch.allclose(kaiser_manual, kaiser_builtin), f"{kaiser_builtin.sum().item():.6f}")
h = cutoff * torch.sinc(cutoff * m) * kaiser_builtin
h = (h / h.sum()).float()
print("fir", h.shape, f"{h.max().item():.5f}", torch.round(h[28:35], decimals=5))
H = torch.fft.rfft(h, n=512).abs()
freqs = torch.fft.rfftfreq(512, d=1 / sr)
print("passband gain", f"{H[freqs < 800].min().item():.4f}", "stopband max",
      f"{20 * torch.log10(H[freqs > 1400].max()).item():.1f} dB")

# filter and decimate by 2 via strided conv1d (reflect padding keeps the length)
xp = F.pad(x.view(1, 1, -1), (taps // 2, taps // 2), mode="reflect")
filtered = F.conv1d(xp, h.flip(0).view(1, 1, -1)).view(-1)
down = F.conv1d(xp, h.flip(0).view(1, 1, -1), stride=2).view(-1)
print("filtered", filtered.shape, "decimated", down.shape, torch.allclose(down, filtered[::2], atol=1e-6))
spec_f = torch.fft.rfft(filtered).abs()
fr = torch.fft.rfftfreq(n, d=1 / sr)
top = spec_f.topk(3).indices
print("remaining peaks Hz", sorted(fr[top].round().tolist()))

# upsample: zero stuffing via conv_transpose1d, then interpolation filter
L = 2
up = F.conv_transpose1d(down.view(1, 1, -1), torch.tensor([[[1.0, 0.0]]]) * L, stride=L)
print("zero-stuffed", up.shape, up[0, 0, :6].tolist() == [down[0].item() * 2, 0.0, down[1].item() * 2, 0.0,
                                                          down[2].item() * 2, 0.0])
up_f = F.conv1d(F.pad(up, (taps // 2, taps // 2), mode="replicate"), h.flip(0).view(1, 1, -1)).view(-1)
print("resampled back", up_f.shape, f"snr vs filtered {snr_db(filtered[40:-40], up_f[40:-40]).item():.1f} dB")

for mode, kw in [("linear", dict(align_corners=False)), ("linear", dict(align_corners=True)),
                 ("nearest", {}), ("nearest-exact", {})]:
    r = F.interpolate(down.view(1, 1, -1), scale_factor=2, mode=mode, **kw).view(-1)
    print(f"interp {mode:13s} {str(kw):24s}", r.shape, f"{snr_db(filtered[40:-40], r[40:-40]).item():.2f}")
r3 = F.interpolate(x.view(1, 1, -1), size=441, mode="linear")
print("to 441 samples", r3.shape, torch.round(r3[0, 0, :5], decimals=4))

# reflect / replicate / circular on 1-D signals
s = torch.arange(1.0, 6.0)
print(F.pad(s.view(1, -1), (3, 2), mode="reflect"))
print(F.pad(s.view(1, 1, -1), (2, 3), mode="replicate"))
print(F.pad(s.view(1, -1), (2, 2), mode="circular"))
print(F.pad(s, (1, 1), value=-1.0))
print(torch.fft.fftshift(torch.fft.fftfreq(8, d=0.5)))
