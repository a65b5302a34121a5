"""FIR filter design by the windowed-sinc method, as in a DSP course notebook: lowpass, highpass by
spectral inversion, bandpass as a difference of lowpasses, filtering with F.conv1d (causal padding,
'same' padding, groups for a filter bank, stride for decimation), the same through fft
multiplication, frequency response and group delay, and an nn.Conv1d with a frozen FIR kernel."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
fs = 8000.0


def lowpass(numtaps, cutoff, window="hamming"):
    n = torch.arange(numtaps, dtype=torch.float64) - (numtaps - 1) / 2
    h = 2 * cutoff / fs * torch.sinc(2 * cutoff / fs * n)
    if window == "kaiser":
        w = torch.kaiser_window(numtaps, periodic=False, beta=8.6, dtype=torch.float64)
    else:
        w = getattr(torch, f"{window}_window")(numtaps, periodic=False, dtype=torch.float64)
    h = h * w
    return h / h.sum()


h_lp = lowpass(51, 1000.0)
h_hp = -lowpass(51, 1500.0, "blackman")
h_hp[25] += 1.0                                  # spectral inversion
h_bp = lowpass(51, 2500.0, "hann") - lowpass(51, 1200.0, "hann")
print("taps", h_lp.shape, h_lp.dtype, f"{h_lp.sum().item():.4f}", f"{h_hp.sum().item():.4f}")
print("symmetric", torch.allclose(h_lp, h_lp.flip(0)), torch.equal(h_bp, torch.flip(h_bp, dims=[0])))
print(torch.round(h_lp[20:31], decimals=4))


def response(h, nfft=1024):
    H = torch.fft.rfft(h, n=nfft)
    f = torch.fft.rfftfreq(nfft, d=1 / fs)
    return f, H


for name, h in (("lp", h_lp), ("hp", h_hp), ("bp", h_bp)):
    f, H = response(h)
    mag_db = 20 * torch.log10(H.abs().clamp_min(1e-10))
    probe = [0.0, 500.0, 1000.0, 1800.0, 3000.0, 4000.0]
    idx = [int(torch.argmin((f - p).abs())) for p in probe]
    print(name, [f"{mag_db[i].item():.2f}".replace("-0.00", "0.00") for i in idx])
    # group delay of a linear-phase FIR is (N-1)/2 samples in the passband
    ph = torch.angle(H)
    unwrapped = ph.clone()
    jumps = torch.diff(ph)
    corr = -2 * math.pi * torch.cumsum(torch.round(jumps / (2 * math.pi)), 0)
    unwrapped[1:] += corr
    gd = -torch.diff(unwrapped) / (2 * math.pi / 1024)
    band = {"lp": (10, 100), "hp": (300, 500), "bp": (180, 260)}[name]
    print("  group delay", f"{gd[band[0]:band[1]].median().item():.3f}")

# --- test signal and filtering ----------------------------------------------------------------
t = torch.arange(800, dtype=torch.float64) / fs
x = torch.sin(2 * math.pi * 300 * t) + 0.5 * torch.sin(2 * math.pi * 3200 * t) + 0.1 * torch.randn(800, dtype=torch.float64)
xb = x.view(1, 1, -1)
k = h_lp.flip(0).view(1, 1, -1)                  # conv1d is correlation
y_causal = F.conv1d(F.pad(xb, (50, 0)), k)
y_same = F.conv1d(xb, k, padding="same")
y_valid = F.conv1d(xb, k)
print(y_causal.shape, y_same.shape, y_valid.shape)
print("causal vs same (delay 25):", f"{(y_causal[..., 25:] - y_same[..., :-25]).abs().max().item():.2e}" if False else
      torch.allclose(y_causal[..., 25:], y_same[..., :-25]))
print("valid == same interior:", torch.allclose(y_valid, y_same[..., 25:-25]))

# the same via fft (linear convolution with enough zero padding)
L = 800 + 51 - 1
y_fft = torch.fft.irfft(torch.fft.rfft(x, n=L) * torch.fft.rfft(h_lp, n=L), n=L)[:800]
print("fft == causal conv:", torch.allclose(y_fft, y_causal.flatten(), atol=1e-10))


def power_at(sig, freq):
    S = torch.fft.rfft(sig * torch.hann_window(sig.numel(), dtype=sig.dtype))
    fr = torch.fft.rfftfreq(sig.numel(), 1 / fs)
    return (S.abs()[torch.argmin((fr - freq).abs())] ** 2).item()


for fr in (300, 3200):
    ratio = power_at(y_same.flatten()[100:700], fr) / power_at(x[100:700], fr)
    print(f"  {fr} Hz attenuation {10 * math.log10(ratio):.2f} dB")

# --- filter bank with groups, decimation with stride ------------------------------------------
bank = torch.stack([h_lp, h_bp, h_hp]).unsqueeze(1).flip(-1)         # (3,1,51)
xs = xb.expand(1, 3, -1).contiguous()
yb = F.conv1d(xs, bank, padding=25, groups=3)
print("bank", yb.shape, [f"{v:.4f}" for v in yb.pow(2).mean(-1).flatten().tolist()])
dec = F.conv1d(xb, k, stride=4, padding=25)
print("decimated", dec.shape, f"{dec.std().item():.4f}")
print(torch.allclose(dec, y_same[..., ::4]))

# --- frozen Conv1d module ----------------------------------------------------------------------
conv = nn.Conv1d(1, 1, 51, padding=25, bias=False, padding_mode="reflect").double()
with torch.no_grad():
    conv.weight.copy_(k)
conv.weight.requires_grad_(False)
print(conv)
print(conv.weight.shape, conv.weight.requires_grad, sum(p.numel() for p in conv.parameters()))
yr = conv(xb)
print(yr.shape, yr.grad_fn is None, f"{yr[0, 0, :3].abs().sum().item():.4f}")
xg = xb.clone().requires_grad_(True)
conv(xg).pow(2).sum().backward()
print(xg.grad.shape, f"{xg.grad.norm().item():.4f}")

for label, thunk in [
    ("bad groups", lambda: F.conv1d(xs, bank, groups=2)),
    ("same+stride", lambda: F.conv1d(xb, k, stride=2, padding="same")),
    ("bad pad str", lambda: F.conv1d(xb, k, padding="full")),
    ("dtype mix", lambda: F.conv1d(xb.float(), k)),
    ("short input", lambda: F.conv1d(xb[..., :10], k)),
]:
    try:
        print(label, thunk().shape)
    except Exception as e:
        print(label, type(e).__name__, e)
