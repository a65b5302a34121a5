"""Numerical methods course, lectures 7-8: polynomial fitting and interpolation, then spectral
methods.  Vandermonde least squares (torch.vander increasing=True + torch.linalg.lstsq), Horner's
rule, Chebyshev vs equispaced nodes (Runge), piecewise-linear interpolation with searchsorted +
torch.lerp, FFT convolution and spectral differentiation with rfft/irfft/fftfreq."""
import math

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)

# --- least-squares polynomial fit -------------------------------------------------------------
x = torch.linspace(-1, 1, 25, dtype=torch.float64)
true_coef = torch.tensor([0.5, -1.0, 2.0, 0.3], dtype=torch.float64)
y = torch.vander(x, N=4, increasing=True) @ true_coef + 0.01 * torch.randn(25, dtype=torch.float64)
V = torch.vander(x, N=4, increasing=True)
print("vander shape", tuple(V.shape), "first row", V[0].tolist())
sol = torch.linalg.lstsq(V, y.unsqueeze(-1))
coef = sol.solution.squeeze(-1)
print("fitted coefficients:", coef.numpy().round(3).tolist())
print("rank:", sol.rank, "residuals:", sol.residuals, "sv:", sol.singular_values)
print("default vander:")
print(torch.vander(torch.tensor([1, 2, 3])))
print(torch.vander(torch.tensor([1.0, 2.0, 3.0]), N=2))


def horner(coef, x):
    # coef in increasing order: c0 + c1 x + c2 x^2 + ...
    out = torch.zeros_like(x)
    for c in coef.flip(0):
        out = out * x + c
    return out


xe = torch.tensor([-0.5, 0.0, 0.25, 1.5], dtype=torch.float64)
print("horner:", horner(coef, xe).numpy().round(3).tolist())
print("matches vander:", torch.allclose(horner(coef, xe), torch.vander(xe, N=4, increasing=True) @ coef))

# degree sweep: training residual vs degree (normal equations vs lstsq)
for deg in (1, 3, 5, 7):
    Vd = torch.vander(x, N=deg + 1, increasing=True)
    c_ls = torch.linalg.lstsq(Vd, y).solution
    c_ne = torch.linalg.solve(Vd.T @ Vd, Vd.T @ y)
    rms = (Vd @ c_ls - y).pow(2).mean().sqrt().item()
    print(f"deg {deg}: rms={rms:.4f} cond(V)={torch.linalg.cond(Vd).item():.1f} agree={torch.allclose(c_ls, c_ne, atol=1e-8)}")

# batched lstsq in float32 (one fit per row)
xb = torch.linspace(0, 1, 10)
Yb = torch.stack([2 * xb + 1, -xb + 3, 0.5 * xb]) + 0.001 * torch.randn(3, 10)
Vb = torch.vander(xb, N=2, increasing=True).expand(3, -1, -1)
cb = torch.linalg.lstsq(Vb, Yb.unsqueeze(-1)).solution.squeeze(-1)
print("batched fits:", cb.round(decimals=2))

# Runge phenomenon: interpolation at equispaced vs Chebyshev nodes
runge = lambda t: 1 / (1 + 25 * t ** 2)
xf = torch.linspace(-1, 1, 201, dtype=torch.float64)
for n in (6, 10, 14):
    eq = torch.linspace(-1, 1, n + 1, dtype=torch.float64)
    ch = torch.cos((2 * torch.arange(n + 1, dtype=torch.float64) + 1) * math.pi / (2 * n + 2))
    errs = []
    for nodes in (eq, ch):
        c = torch.linalg.solve(torch.vander(nodes, increasing=True), runge(nodes))
        errs.append((horner(c, xf) - runge(xf)).abs().max().item())
    print(f"n={n:2d} max err equispaced={errs[0]:.4f} chebyshev={errs[1]:.4f}")


# --- piecewise linear interpolation ------------------------------------------------------------
def interp(xq, xp, fp):
    idx = torch.searchsorted(xp, xq).clamp(1, len(xp) - 1)
    x0, x1 = xp[idx - 1], xp[idx]
    w = (xq - x0) / (x1 - x0)
    return torch.lerp(fp[idx - 1], fp[idx], w)


xp = torch.tensor([0.0, 1.0, 2.5, 4.0, 5.0])
fp = torch.tensor([1.0, 3.0, 2.0, 5.0, 4.0])
xq = torch.tensor([0.0, 0.5, 1.0, 2.0, 3.3, 4.9, 5.0])
print("searchsorted left :", torch.searchsorted(xp, xq))
print("searchsorted right:", torch.searchsorted(xp, xq, right=True))
print("side='right'      :", torch.searchsorted(xp, xq, side="right"))
print("interp:", interp(xq, xp, fp))
print("lerp scalar weight:", torch.lerp(fp[:-1], fp[1:], 0.25))
print("lerp tensor weight:", torch.lerp(torch.zeros(3), torch.ones(3) * 10, torch.tensor([0.1, 0.5, 0.9])))
print("bucketize:", torch.bucketize(xq, xp), torch.bucketize(xq, xp, right=True))

# --- spectral methods ---------------------------------------------------------------------------
N = 32
L = 2 * math.pi
xs = torch.arange(N, dtype=torch.float64) * L / N
u = torch.exp(torch.sin(xs))
k = torch.fft.rfftfreq(N, d=L / N) * 2 * math.pi
du = torch.fft.irfft(1j * k * torch.fft.rfft(u), n=N)
exact = torch.cos(xs) * u
print("rfftfreq:", torch.fft.rfftfreq(8, d=0.5))
print("fftfreq :", torch.fft.fftfreq(8))
print("fftfreq d:", torch.fft.fftfreq(5, d=0.1))
print("spectral derivative max err:", f"{(du - exact).abs().max().item():.2e}")
kf = torch.fft.fftfreq(N, d=L / N) * 2 * math.pi
d2u = torch.fft.ifft(-(kf ** 2) * torch.fft.fft(u)).real
print("second derivative err:", f"{(d2u - (torch.cos(xs) ** 2 - torch.sin(xs)) * u).abs().max().item():.2e}")
print("finite diff err      :", f"{(torch.gradient(u, spacing=L / N)[0] - exact).abs().max().item():.2e}")

# FFT convolution vs direct convolution
a = torch.randn(12)
b = torch.tensor([0.25, 0.5, 0.25])
n_out = a.numel() + b.numel() - 1
fft_conv = torch.fft.irfft(torch.fft.rfft(a, n=n_out) * torch.fft.rfft(b, n=n_out), n=n_out)
direct = torch.nn.functional.conv1d(a.view(1, 1, -1), b.flip(0).view(1, 1, -1), padding=2).view(-1)
print("fft conv :", fft_conv.round(decimals=3))
print("direct   :", direct.round(decimals=3))
print("agree:", torch.allclose(fft_conv, direct, atol=1e-5))
spec = torch.fft.rfft(torch.cos(2 * math.pi * 3 * torch.arange(16) / 16))
print("spectrum magnitude:", spec.abs().round(decimals=3))
print("dtype", spec.dtype, "shape", tuple(spec.shape))
