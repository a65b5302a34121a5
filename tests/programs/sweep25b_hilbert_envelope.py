"""The Hilbert transform and the analytic signal with torch.fft, as in a DSP course notebook:
an AM signal's envelope, instantaneous phase and frequency of an FM chirp, a batched analytic
signal along a chosen dim, single-sideband modulation, the discrete Hilbert FIR kernel, and
complex tensor printing, views (view_as_real / view_as_complex) and conj."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(5)
fs = 2000.0
N = 512
t = torch.arange(N, dtype=torch.float64) / fs


def analytic(x, dim=-1):
    n = x.shape[dim]
    X = torch.fft.fft(x, dim=dim)
    h = torch.zeros(n, dtype=x.dtype)
    if n % 2 == 0:
        h[0] = h[n // 2] = 1
        h[1:n // 2] = 2
    else:
        h[0] = 1
        h[1:(n + 1) // 2] = 2
    shape = [1] * x.dim()
    shape[dim] = n
    return torch.fft.ifft(X * h.view(shape), dim=dim)


# --- AM envelope ----------------------------------------------------------------------------
m = 1 + 0.5 * torch.cos(2 * math.pi * 8 * t)
carrier = torch.cos(2 * math.pi * 250 * t)
am = m * carrier
z = analytic(am)
print(z.dtype, z.shape, z.is_complex(), z.real.dtype)
env = z.abs()
err = (env[50:-50] - m[50:-50]).abs().max()
print(f"envelope err {err.item():.4f}  mean {env.mean().item():.4f}")
print("real part is the signal:", torch.allclose(z.real, am))
print(torch.view_as_real(z[:4]).round(decimals=4) + 0.0)   # + 0.0: no signed zeros

# --- instantaneous frequency of a chirp ------------------------------------------------------
f0, k = 100.0, 600.0
chirp = torch.cos(2 * math.pi * (f0 * t + 0.5 * k * t ** 2))
zc = analytic(chirp)
phase = torch.angle(zc)
d = torch.diff(phase)
d = d - 2 * math.pi * torch.round(d / (2 * math.pi))      # unwrap the increments
inst_f = d * fs / (2 * math.pi)
expect = f0 + k * (t[:-1] + 0.5 / fs)
print("inst freq", [f"{v:.1f}" for v in inst_f[100:400:60].tolist()])
print(f"max dev mid {(inst_f[60:-60] - expect[60:-60]).abs().max().item():.3f} Hz")
unwrapped = torch.cat([phase[:1], phase[0] + torch.cumsum(d, 0)])
print(f"total phase {unwrapped[-1].item() - unwrapped[0].item():.3f}")

# --- batched along dim 0, odd length ----------------------------------------------------------
B = torch.randn(7, 3, dtype=torch.float64)
zb = analytic(B, dim=0)
print(zb.shape, torch.allclose(zb.real, B))
print(torch.round(zb.imag, decimals=4))
zf = analytic(B.float(), dim=0)
print(zf.dtype, torch.allclose(zf.imag.double(), zb.imag, atol=1e-5))

# --- single sideband via the analytic signal --------------------------------------------------
msg = torch.cos(2 * math.pi * 30 * t)
zm = analytic(msg)
ssb = (zm * torch.exp(1j * 2 * math.pi * 300 * t)).real
S = torch.fft.rfft(ssb * torch.hann_window(N, dtype=torch.float64))
f = torch.fft.rfftfreq(N, 1 / fs)
top = torch.topk(S.abs(), 2)
print("ssb peaks", sorted(round(v, 1) for v in f[top.indices].tolist()))
lo = int(torch.argmin((f - 270).abs()))
hi = int(torch.argmin((f - 330).abs()))
print(f"USB/LSB {20 * math.log10(S[hi].abs().item() / S[lo].abs().clamp_min(1e-300).item()):.1f} dB")

# --- discrete Hilbert FIR ------------------------------------------------------------------
L = 31
n = torch.arange(L) - L // 2
hk = torch.where(n % 2 == 1, 2 / (math.pi * n), torch.zeros(L))
hk = hk * torch.hamming_window(L, periodic=False)
print(hk.dtype, torch.round(hk[12:19], decimals=4))
x32 = torch.cos(2 * math.pi * 250 * t.float())
y = F.conv1d(x32.view(1, 1, -1), hk.flip(0).view(1, 1, -1), padding=L // 2).flatten()
ref = torch.sin(2 * math.pi * 250 * t.float())
print(f"fir hilbert err {(y[40:-40] - ref[40:-40]).abs().max().item():.3f}")

# --- complex views and printing ---------------------------------------------------------------
c = torch.complex(torch.tensor([1.0, -2.5, 0.0]), torch.tensor([0.5, 3.0, -1.0]))
print(c, c.dtype)
r = torch.view_as_real(c)
print(r, r.shape, r.stride())
back = torch.view_as_complex(r)
print(back.conj(), back.conj().is_conj(), back.conj().resolve_conj().is_conj())
print(c * c.conj(), (c.abs() ** 2))
print(torch.fft.fftshift(torch.fft.fftfreq(8, d=0.5)))
print(torch.fft.ifftshift(torch.arange(7)))
print(c.angle(), torch.sgn(c), c.real.sum())
cc = torch.view_as_real(torch.fft.fft(torch.arange(4.0)))
print(cc)
for label, thunk in [
    ("view_as_complex shape", lambda: torch.view_as_complex(torch.zeros(3, 3))),
    ("view_as_real float", lambda: torch.view_as_real(torch.zeros(3))),
    ("complex int", lambda: torch.complex(torch.ones(2, dtype=torch.int64), torch.ones(2, dtype=torch.int64))),
    ("complex mixed", lambda: torch.complex(torch.ones(2), torch.ones(2, dtype=torch.float64))),
    ("fft bad dim", lambda: torch.fft.fft(torch.ones(4), dim=2)),
    ("ifft n=0", lambda: torch.fft.ifft(torch.ones(4), n=0)),
    ("bad norm", lambda: torch.fft.fft(torch.ones(4), norm="unitary")),
]:
    try:
        print(label, thunk())
    except Exception as e:
        print(label, type(e).__name__, e)

# gradient of the envelope energy w.r.t. the input signal goes through fft/ifft/abs
xg = am[:64].clone().requires_grad_(True)
e = analytic(xg).abs()
e.sum().backward()
print(e.grad_fn.__class__.__name__, f"{xg.grad.norm().item():.4f}", xg.grad.dtype)

# sensitivity of the instantaneous phase to the samples (through angle, ifft, fft)
xs = chirp[:64].clone().requires_grad_(True)
ph = torch.angle(analytic(xs))
ph[8:56].sum().backward()
print(ph.grad_fn.__class__.__name__, f"{xs.grad.norm().item():.4f}", f"{xs.grad[30].item():.4f}")
r = torch.tensor([1.0, 0.5, 2.0], dtype=torch.float64, requires_grad=True)
th = torch.tensor([0.3, -1.2, 2.5], dtype=torch.float64, requires_grad=True)
zz = torch.polar(r, th)
(zz.real.sum() + 2 * zz.imag.sum()).backward()
print(zz.grad_fn.__class__.__name__, r.grad, th.grad)
