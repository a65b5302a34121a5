"""DSP lab blog post: "convolution is multiplication in the frequency domain".

The post checks FFT-based convolution against F.conv1d (which is really cross-correlation),
designs a moving-average and a windowed-sinc low-pass filter, denoises a noisy sine by
zeroing high-frequency bins, and learns a filter by gradient descent through torch.fft."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(42)


def fft_conv1d(signal, kernel):
    """Full linear convolution via zero-padded FFTs."""
    n = signal.shape[-1] + kernel.shape[-1] - 1
    S = torch.fft.rfft(signal, n=n)
    K = torch.fft.rfft(kernel, n=n)
    return torch.fft.irfft(S * K, n=n)


sig = torch.randn(1, 1, 20)
ker = torch.randn(1, 1, 5)

full = fft_conv1d(sig, ker)
# conv1d computes cross-correlation: flip the kernel and pad to get full convolution
ref = F.conv1d(sig, ker.flip(-1), padding=ker.shape[-1] - 1)
print("full conv shapes:", full.shape, ref.shape)
print("fft conv == conv1d:", torch.allclose(full, ref, atol=1e-5))
print("max abs diff < 1e-5:", (full - ref).abs().max().item() < 1e-5)
same = full[..., 2:-2]
print("'same' conv matches padding=2:", torch.allclose(same, F.conv1d(sig, ker.flip(-1), padding=2), atol=1e-5))
print("first values:", [round(v, 3) for v in full[0, 0, :5].tolist()])

# circular convolution: no zero padding
a = torch.tensor([1.0, 2.0, 3.0, 4.0])
b = torch.tensor([0.0, 1.0, 0.5, 0.0])
circ = torch.fft.ifft(torch.fft.fft(a) * torch.fft.fft(b)).real
manual = torch.stack([sum(a[j] * b[(i - j) % 4] for j in range(4)) for i in range(4)])
print("circular:", circ, "manual:", manual)
print("circular conv via padding='circular':",
      F.conv1d(F.pad(a.view(1, 1, -1), (3, 0), mode="circular"), b.flip(0).view(1, 1, -1)).flatten())

# batched, multi-channel FFT conv along the last dim
batch = torch.randn(3, 2, 16)
kern = torch.randn(2, 4)
out = torch.fft.irfft(torch.fft.rfft(batch, n=19) * torch.fft.rfft(kern, n=19), n=19)
ref = torch.stack([F.conv1d(batch[:, c:c + 1], kern[c].flip(0).view(1, 1, -1), padding=3)[:, 0]
                   for c in range(2)], dim=1)
print("batched:", out.shape, torch.allclose(out, ref, atol=1e-5))

# --- filters ------------------------------------------------------------------------------
fs = 100.0
n = 200
t = torch.arange(n, dtype=torch.float64) / fs
clean = torch.sin(2 * math.pi * 3 * t)
noisy = clean + 0.4 * torch.randn(n, dtype=torch.float64)
print("noisy dtype:", noisy.dtype, f"noisy MSE: {F.mse_loss(noisy, clean).item():.4f}")

# moving average as convolution
box = torch.ones(9, dtype=torch.float64) / 9
smoothed = F.conv1d(noisy.view(1, 1, -1), box.view(1, 1, -1), padding=4).view(-1)
print(f"moving average MSE: {F.mse_loss(smoothed[10:-10], clean[10:-10]).item():.4f}")

# ideal low-pass: zero every bin above the cutoff
spec = torch.fft.rfft(noisy)
freqs = torch.fft.rfftfreq(n, d=1 / fs)
mask = freqs <= 6.0
print("bins kept:", int(mask.sum()), "of", mask.numel(), "mask dtype:", mask.dtype)
lowpassed = torch.fft.irfft(spec * mask, n=n)
print(f"ideal low-pass MSE: {F.mse_loss(lowpassed, clean).item():.4f}")

# windowed-sinc FIR
taps = 31
m = torch.arange(taps, dtype=torch.float64) - (taps - 1) / 2
fc = 6.0 / fs
h = 2 * fc * torch.sinc(2 * fc * m) * torch.hamming_window(taps, periodic=False, dtype=torch.float64)
h = h / h.sum()
print("fir taps sum:", f"{h.sum().item():.4f}", "centre tap:", f"{h[15].item():.4f}")
H = torch.fft.rfft(h, n=256)
gain_db = 20 * torch.log10(H.abs().clamp_min(1e-12))
f_axis = torch.fft.rfftfreq(256, d=1 / fs)
for f0 in [1.5, 3.0, 6.0, 12.0, 25.0]:
    k = int(torch.argmin((f_axis - f0).abs()))
    print(f"  gain at {f_axis[k].item():5.2f} Hz: {gain_db[k].item():8.2f} dB")
fir_out = fft_conv1d(noisy, h)[15:15 + n]
print(f"windowed-sinc MSE: {F.mse_loss(fir_out[20:-20], clean[20:-20]).item():.4f}")

# --- 2-D low-pass on an image ---------------------------------------------------------------
img = torch.zeros(16, 16)
img[4:12, 4:12] = 1.0
img_noisy = img + 0.3 * torch.randn(16, 16)
F2 = torch.fft.fftshift(torch.fft.fft2(img_noisy))
yy, xx = torch.meshgrid(torch.arange(16), torch.arange(16), indexing="ij")
radius = ((yy - 8) ** 2 + (xx - 8) ** 2).float().sqrt()
den = torch.fft.ifft2(torch.fft.ifftshift(F2 * (radius < 5))).real
print(f"image MSE noisy {F.mse_loss(img_noisy, img).item():.4f} -> filtered {F.mse_loss(den, img).item():.4f}")

# --- learning a filter through the FFT ------------------------------------------------------
target_h = torch.tensor([0.25, 0.5, 0.25])
x_train = torch.randn(8, 32)
y_train = fft_conv1d(x_train, target_h)
w = torch.zeros(3, requires_grad=True)
lr = 0.5
for step in range(150):
    pred = fft_conv1d(x_train, w)
    loss = F.mse_loss(pred, y_train)
    loss.backward()
    with torch.no_grad():          # plain gradient descent, by hand
        w -= lr * w.grad
    w.grad.zero_()
    if step % 50 == 0:
        print(f"step {step:3d} loss {loss.item():.5f}")
print("learned filter:", [round(v, 2) for v in w.tolist()])
print("pred grad_fn:", type(pred.grad_fn).__name__)
Z = torch.fft.rfft(w)
print("rfft grad_fn:", type(Z.grad_fn).__name__, "abs grad_fn:", type(Z.abs().grad_fn).__name__)
z = torch.fft.fft(torch.randn(4, requires_grad=True))
print("fft of real grad_fn:", type(z.grad_fn).__name__, "ifft:", type(torch.fft.ifft(z).grad_fn).__name__)
print("real/imag grad_fn:", type(z.real.grad_fn).__name__, type(z.imag.grad_fn).__name__)
print("angle grad_fn:", type(z.angle().grad_fn).__name__)
g = torch.randn(6, requires_grad=True)
torch.fft.rfft(g).abs().sum().backward()
print("grad through |rfft|:", g.grad.shape, f"{g.grad.norm().item():.4f}")
