"""Deconvolution course notebook: blur a 1-D signal and a 2-D image by circular convolution computed
with torch.fft (rfft/irfft with n=, rfft2/irfft2 with s=, norm='ortho'/'forward'), then undo the
blur with naive inversion, a Wiener filter and Tikhonov regularisation; fftshift/ifftshift of the
optical transfer function; error norms printed for each method and regularisation weight."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)

# ---------------- 1-D signal ----------------
n = 128
t = torch.linspace(0, 1, n)
x_true = (t > 0.2).float() - (t > 0.5).float() + 0.5 * torch.sin(2 * math.pi * 3 * t)

k = torch.exp(-0.5 * ((torch.arange(n) - n // 2).float() / 1.0) ** 2)
k = k / k.sum()
k = torch.fft.ifftshift(k)  # centre the kernel at index 0
K = torch.fft.rfft(k)
print("kernel spectrum:", K.shape, K.dtype, f"{K.abs().max().item():.4f}", f"{K.abs().min().item():.2e}")

y_clean = torch.fft.irfft(torch.fft.rfft(x_true) * K, n=n)
noise = 0.01 * torch.randn(n)
y = y_clean + noise
print("blur residual:", f"{(y - x_true).norm().item():.4f}")

Y = torch.fft.rfft(y)
naive = torch.fft.irfft(Y / K, n=n)
print("naive inverse error: {:.3e}".format((naive - x_true).norm().item()))

for lam in [1e-4, 1e-3, 1e-2, 1e-1]:
    H = K.conj() / (K.abs() ** 2 + lam)
    xt = torch.fft.irfft(Y * H, n=n)
    print(f"tikhonov lam={lam:g} err={(xt - x_true).norm().item():.4f}")

snr = (torch.fft.rfft(x_true).abs() ** 2) / (n * 0.01 ** 2)
W = K.conj() / (K.abs() ** 2 + 1.0 / snr)
xw = torch.fft.irfft(Y * W, n=n)
print(f"wiener err={(xw - x_true).norm().item():.4f}")

# norm conventions agree with each other
a = torch.fft.rfft(y, norm="ortho")
b = torch.fft.rfft(y, norm="forward")
print("ortho/forward ratio:", round((a[3] / b[3]).real.item(), 3), round(math.sqrt(n), 3))
print("parseval:", f"{(a.abs() ** 2).sum().item() * 2 - a[0].abs().item() ** 2 - a[-1].abs().item() ** 2:.3f}",
      f"{(y ** 2).sum().item():.3f}")
back = torch.fft.irfft(b, n=n, norm="forward")
print("forward roundtrip:", torch.allclose(back, y, atol=1e-5))

# ---------------- 2-D image ----------------
H_, W_ = 32, 32
img = torch.zeros(H_, W_)
img[8:24, 8:24] = 1.0
img[12:20, 12:20] = 0.3
yy, xx = torch.meshgrid(torch.arange(H_) - H_ // 2, torch.arange(W_) - W_ // 2, indexing="ij")
psf = torch.exp(-(xx.float() ** 2 + yy.float() ** 2) / (2 * 1.5 ** 2))
psf = psf / psf.sum()
otf = torch.fft.rfft2(torch.fft.ifftshift(psf))
print("otf:", tuple(otf.shape), f"{otf.real.max().item():.4f}")
centered = torch.fft.fftshift(torch.fft.fft2(torch.fft.ifftshift(psf)))
print("centred otf peak at:", divmod(centered.abs().argmax().item(), W_))

blurred = torch.fft.irfft2(torch.fft.rfft2(img) * otf, s=(H_, W_))
blurred = blurred + 0.005 * torch.randn(H_, W_)
print("blurred error:", f"{(blurred - img).norm().item():.4f}")

Bf = torch.fft.rfft2(blurred)
for lam in [1e-3, 1e-2]:
    rest = torch.fft.irfft2(Bf * otf.conj() / (otf.abs() ** 2 + lam), s=(H_, W_))
    print(f"2d tikhonov lam={lam:g} err={(rest - img).norm().item():.4f}")

# Laplacian regularisation (generalised Tikhonov) via the transfer function of a stencil
lap = torch.zeros(H_, W_)
lap[0, 0] = 4.0
lap[0, 1] = lap[1, 0] = lap[0, -1] = lap[-1, 0] = -1.0
L = torch.fft.rfft2(lap)
print("laplacian symbol max:", f"{L.real.max().item():.4f}", "imag ~ 0:", L.imag.abs().max().item() < 1e-5)
rest = torch.fft.irfft2(Bf * otf.conj() / (otf.abs() ** 2 + 1e-3 * L.abs() ** 2), s=(H_, W_))
print(f"2d laplacian-tikhonov err={(rest - img).norm().item():.4f}")

# odd sized crop with s= and circular padding equivalence
small = img[:15, :15]
pad = F.pad(small[None, None], (2, 2, 2, 2), mode="circular")[0, 0]
print("circular pad:", tuple(pad.shape), pad[0, :5].tolist())
z = torch.fft.irfft2(torch.fft.rfft2(small, norm="ortho"), s=(15, 15), norm="ortho")
print("odd roundtrip:", f"{(z - small).abs().max().item():.1e}" if (z - small).abs().max() > 1e-6 else "exact")
print(torch.fft.fftfreq(8), torch.fft.rfftfreq(8, d=0.5))
print(torch.fft.fftshift(torch.arange(10).reshape(2, 5), dim=1))

# the spectrum of a short real float64 probe signal: DC and Nyquist bins are real
torch.manual_seed(5)
probe = torch.randn(6, dtype=torch.float64)
P = torch.fft.fft(probe)
print(P.imag)
print(torch.fft.ifft(probe, norm="ortho").imag.abs().max() > 0, P[0].imag.item(), P[3].imag.item())
