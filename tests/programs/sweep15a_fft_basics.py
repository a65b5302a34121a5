"""Signals & systems course, week 3 notebook: the discrete Fourier transform with torch.fft.

A learner builds a two-tone signal, looks at its spectrum with fft/rfft, checks the frequency
axes from fftfreq/rfftfreq, compares the three ``norm=`` conventions, verifies Parseval's
theorem, centres a 2-D spectrum with fftshift and plays with complex tensors."""
import math

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)

# --- a sampled two-tone signal -------------------------------------------------------------
fs = 32.0                      # sampling rate in Hz
N = 32
t = torch.arange(N) / fs
x = torch.sin(2 * math.pi * 4 * t) + 0.5 * torch.cos(2 * math.pi * 10 * t)
print("t dtype:", t.dtype, "x shape:", x.shape)

X = torch.fft.fft(x)
print("X dtype:", X.dtype, "shape:", tuple(X.shape))
freqs = torch.fft.fftfreq(N, d=1 / fs)
print("fftfreq:", freqs)
mag = X.abs()
peaks = torch.topk(mag, 4).indices.sort().values
print("peak bins:", peaks.tolist(), "-> Hz:", freqs[peaks].tolist())
print("magnitudes at peaks:", mag[peaks])
print("phase at 4 Hz / -4 Hz:", X.angle()[[4, 28]])

# --- one-sided spectrum of a real signal ---------------------------------------------------
R = torch.fft.rfft(x)
print("rfft shape:", R.shape, "rfftfreq:", torch.fft.rfftfreq(N, d=1 / fs))
print("rfft equals first half of fft:", torch.allclose(R, X[: N // 2 + 1], atol=1e-5))
print("rfft[4].imag =", R[4].imag, "rfft[10].real =", R[10].real)
x_back = torch.fft.irfft(R, n=N)
print("irfft round trip max err < 1e-5:", (x_back - x).abs().max().item() < 1e-5)
print("ifft(fft(x)) real dtype:", torch.fft.ifft(X).real.dtype)

# odd length: irfft needs n
y = torch.randn(7)
Y = torch.fft.rfft(y)
print("odd rfft:", Y.shape, "irfft default n:", torch.fft.irfft(Y).shape,
      "irfft n=7:", torch.fft.irfft(Y, n=7).shape)
print("odd length recovered:", torch.allclose(torch.fft.irfft(Y, n=7), y, atol=1e-6))

# --- normalisation modes -------------------------------------------------------------------
for norm in ["backward", "ortho", "forward"]:
    F = torch.fft.fft(x, norm=norm)
    back = torch.fft.ifft(F, norm=norm).real
    energy = F.abs().pow(2).sum().item()
    print(f"norm={norm:8s} |X[4]|={F[4].abs().item():.4f} energy={energy:.4f} "
          f"roundtrip={torch.allclose(back, x, atol=1e-5)}")

# Parseval: sum |x|^2 == sum |X|^2 / N
lhs = x.pow(2).sum()
rhs = torch.fft.fft(x).abs().pow(2).sum() / N
print(f"Parseval: {lhs.item():.4f} vs {rhs.item():.4f}")

# --- zero padding increases the spectral sampling ------------------------------------------
Xp = torch.fft.fft(x, n=64)
print("padded shape:", Xp.shape, "bin spacing Hz:", (torch.fft.fftfreq(64, 1 / fs)[1]).item())
Xt = torch.fft.fft(x, n=16)
print("truncated shape:", Xt.shape)

# --- 2-D transforms on a tiny image ---------------------------------------------------------
img = torch.zeros(8, 8)
img[2:6, 3:5] = 1.0
F2 = torch.fft.fft2(img)
print("fft2 DC:", F2[0, 0])
print("centred magnitude:\n", torch.fft.fftshift(F2).abs())
print("fftshift/ifftshift identity:", torch.equal(torch.fft.ifftshift(torch.fft.fftshift(F2)), F2))
print("fftshift of freqs:", torch.fft.fftshift(torch.fft.fftfreq(8)))
print("ifftshift of arange(5):", torch.fft.ifftshift(torch.arange(5)))
R2 = torch.fft.rfft2(img)
print("rfft2 shape:", R2.shape, "dtype:", R2.dtype)
print("irfft2 recovers:", torch.allclose(torch.fft.irfft2(R2, s=img.shape), img, atol=1e-6))
print("fftn over last dim equals fft:", torch.allclose(torch.fft.fftn(img, dim=(1,)), torch.fft.fft(img), atol=1e-6))
print("ifft2(fft2) real:", torch.fft.ifft2(F2).real.sum().item())

# --- complex tensors -----------------------------------------------------------------------
z = torch.complex(torch.tensor([1.0, 0.0, -1.0, 3.0]), torch.tensor([1.0, 2.0, 0.0, -4.0]))
print("z:", z)
print("abs:", z.abs(), "angle:", z.angle())
print("real/imag:", z.real, z.imag)
print("conj:", z.conj(), "is_conj:", z.conj().is_conj())
print("view_as_real:\n", torch.view_as_real(z))
w = torch.polar(torch.tensor([2.0, 1.0]), torch.tensor([0.0, math.pi / 2]))
print("polar:", w)
print("z * w[0]:", z * w[0])
print("view_as_complex:", torch.view_as_complex(torch.tensor([[3.0, 4.0], [0.0, -1.0]])))
print("complex128 fft:", torch.fft.fft(torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)))
print("is_complex:", X.is_complex(), x.is_complex(), "sgn:", torch.sgn(z))
print("exp(1j*pi):", torch.exp(torch.tensor(1j * math.pi)))

# --- errors a learner hits -----------------------------------------------------------------
for bad in [lambda: torch.fft.fft(x, norm="unitary"),
            lambda: torch.fft.rfft(z),
            lambda: torch.fft.fft(x, n=0),
            lambda: torch.fft.fft2(x)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)
