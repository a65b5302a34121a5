"""Phase retrieval tutorial: Gerchberg-Saxton and error-reduction / hybrid input-output loops on
complex tensors built with torch.polar, torch.angle, .abs(), torch.view_as_complex/real, fft2 with
norm='ortho', fftshift for display, and a support constraint; errors printed per iteration and
the sign/translation ambiguity handled before comparing."""
import math

import torch

torch.manual_seed(1)
N = 32

# object: a smooth amplitude with a phase bump, inside a support
yy, xx = torch.meshgrid(torch.linspace(-1, 1, N), torch.linspace(-1, 1, N), indexing="ij")
r2 = xx ** 2 + yy ** 2
support = r2 < 0.35
amp = torch.where(support, 1.0 - r2, torch.zeros(()))
phase = 0.8 * torch.exp(-((xx - 0.2) ** 2 + yy ** 2) / 0.1)
obj = torch.polar(amp, phase)
print(obj.dtype, obj.shape, f"{obj.abs().sum().item():.4f}", support.sum().item())
print("polar == amp*exp(i phase):", torch.allclose(obj, amp * torch.exp(1j * phase), atol=1e-6))

# Gerchberg-Saxton: known amplitude in both planes, recover the phase
src_amp = amp
tgt_amp = torch.fft.fft2(obj, norm="ortho").abs()
print(f"far-field energy {tgt_amp.pow(2).sum().item():.4f} near {amp.pow(2).sum().item():.4f}")

g = torch.polar(src_amp, 2 * math.pi * torch.rand(N, N))
for it in range(40):
    G = torch.fft.fft2(g, norm="ortho")
    err = torch.linalg.vector_norm(G.abs() - tgt_amp) / torch.linalg.vector_norm(tgt_amp)
    G = torch.polar(tgt_amp, G.angle())
    g = torch.fft.ifft2(G, norm="ortho")
    g = torch.polar(src_amp, torch.angle(g))
    if it % 10 == 0 or it == 39:
        print(f"gs {it:2d} fourier err {err.item():.4f}")

# error reduction then HIO with a support constraint and only Fourier magnitudes
torch.manual_seed(2)
meas = torch.fft.fft2(amp.to(torch.complex64)).abs()
x = torch.rand(N, N) * support
beta = 0.9
for it in range(60):
    X = torch.fft.fft2(x)
    ferr = ((X.abs() - meas).norm() / meas.norm()).item()
    Xp = meas * torch.exp(1j * X.angle())
    xp = torch.fft.ifft2(Xp).real
    if it < 20:  # error reduction
        x = torch.where(support & (xp > 0), xp, torch.zeros_like(xp))
    else:  # hybrid input-output
        ok = support & (xp > 0)
        x = torch.where(ok, xp, x - beta * xp)
    if it % 15 == 0 or it == 59:
        print(f"hio {it:2d} fourier err {ferr:.4f}")
x = torch.where(support, x, torch.zeros_like(x)).clamp_min(0)
print(f"recovered energy {x.pow(2).sum().item():.3f} true {amp.pow(2).sum().item():.3f}")

# complex tensor utilities used in the lab
z = torch.tensor([1 + 1j, -2 + 0j, 0 - 3j, 0.5 + 0.5j])
print(z.dtype, z.abs(), z.angle(), torch.rad2deg(z.angle()))
print(torch.view_as_real(z))
print(torch.view_as_complex(torch.tensor([[1.0, -1.0], [0.0, 2.0]])))
print(z.conj(), z.conj().is_conj(), torch.conj_physical(z))
print(z.real, z.imag, torch.sgn(z))
print(torch.polar(torch.tensor([2.0, 1.0]), torch.tensor([0.0, math.pi / 2])))
c = torch.complex(torch.tensor([3.0, 0.0]), torch.tensor([4.0, -1.0]))
print(c, c * c.conj(), (c.abs() ** 2))
print(torch.exp(1j * torch.tensor([0.0, math.pi])).real.round())

# gradient of |fft|^2 loss w.r.t. a real signal (used for gradient-descent phase retrieval)
sig = torch.randn(16, dtype=torch.float64, requires_grad=True)
target = torch.fft.fft(torch.randn(16, dtype=torch.float64)).abs()
loss = ((torch.fft.fft(sig).abs() - target) ** 2).sum()
loss.backward()
print(f"loss {loss.item():.6f} grad-norm {sig.grad.norm().item():.6f}")
ph = torch.randn(8, requires_grad=True)
w = torch.polar(torch.ones(8), ph)
w.real.sum().backward()
print("d/dphi sum cos(phi) = -sin:", torch.allclose(ph.grad, -torch.sin(ph.detach()), atol=1e-6))
shifted = torch.fft.fftshift(torch.fft.fft2(obj).abs())
print("dc at centre:", divmod(shifted.argmax().item(), N), torch.fft.ifftshift(shifted).argmax().item())

# support projection inside a differentiable loss: gradients w.r.t. a complex field
u = torch.polar(torch.ones(6), torch.linspace(0, 3, 6)).requires_grad_()
v = u.clone()
v[torch.tensor([True, False, True, False, False, True])] = 0
loss = (v.real ** 2).sum() - v.imag.sum()
loss.backward()
print(u.grad)
u.grad = None
field = torch.nn.functional.pad(u.reshape(1, 1, 6), (2, 2), mode="circular")
field.masked_fill(field.real < 0, 0).imag.sum().backward()
print(u.grad)

# in-place constraints on the real / imaginary parts inside a differentiable model
field = torch.polar(torch.ones(5), torch.linspace(-1, 2, 5)).requires_grad_()
obj_est = field * 1
obj_est.imag.zero_()          # a real-valued object
obj_est.real.clamp_(min=0)    # ... and non-negative
(obj_est.abs() ** 2).sum().backward()
print(obj_est.grad_fn.name(), field.grad)
