"""Advection-diffusion of a tracer on a periodic grid, as in a climate-modelling course notebook:
upwind vs centered fluxes with torch.roll, the diffusion stencil as a conv2d over a circular pad,
CFL checks, then a spectral Poisson solver (streamfunction from vorticity) with torch.fft and
wavenumber grids."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
nx, ny = 32, 24
Lx, Ly = 2.0 * math.pi, 1.5 * math.pi
dx, dy = Lx / nx, Ly / ny
x = torch.arange(nx, dtype=torch.float64) * dx
y = torch.arange(ny, dtype=torch.float64) * dy
X, Y = torch.meshgrid(x, y, indexing="ij")
print("grid:", tuple(X.shape), X.dtype, f"dx={dx:.4f} dy={dy:.4f}")

q0 = torch.exp(-((X - math.pi) ** 2 + (Y - 0.75 * math.pi) ** 2) / 0.5)
u = 1.0 + 0.2 * torch.sin(Y)
v = 0.3 * torch.ones_like(X)
kappa = 0.01


def cfl(dt):
    return (u.abs().max() * dt / dx + v.abs().max() * dt / dy).item()


for dt in (0.05, 0.1, 0.3):
    c = cfl(dt)
    print(f"dt={dt:.2f}: CFL={c:.4f}", "stable" if c <= 1.0 else "UNSTABLE")


def ddx_upwind(q, vel, dim, h):
    back = (q - torch.roll(q, 1, dims=dim)) / h
    fwd = (torch.roll(q, -1, dims=dim) - q) / h
    return torch.where(vel > 0, back, fwd)


def ddx_centered(q, dim, h):
    return (torch.roll(q, -1, dims=dim) - torch.roll(q, 1, dims=dim)) / (2 * h)


lap_k = torch.tensor([[0.0, 1.0 / dy ** 2, 0.0],
                      [1.0 / dx ** 2, -2.0 / dx ** 2 - 2.0 / dy ** 2, 1.0 / dx ** 2],
                      [0.0, 1.0 / dy ** 2, 0.0]], dtype=torch.float64).view(1, 1, 3, 3)
# conv2d on the (x, y) layout: kernel rows go along x
lap_k = lap_k.transpose(-1, -2).contiguous()


def laplacian(q):
    p = F.pad(q.unsqueeze(0).unsqueeze(0), (1, 1, 1, 1), mode="circular")
    return F.conv2d(p, lap_k).squeeze(0).squeeze(0)


def laplacian_roll(q):
    return ((torch.roll(q, 1, 0) - 2 * q + torch.roll(q, -1, 0)) / dx ** 2
            + (torch.roll(q, 1, 1) - 2 * q + torch.roll(q, -1, 1)) / dy ** 2)


print("conv stencil == roll stencil:", torch.allclose(laplacian(q0), laplacian_roll(q0)))

dt = 0.05
results = {}
for scheme in ("upwind", "centered"):
    q = q0.clone()
    for n in range(120):
        if scheme == "upwind":
            adv = u * ddx_upwind(q, u, 0, dx) + v * ddx_upwind(q, v, 1, dy)
        else:
            adv = u * ddx_centered(q, 0, dx) + v * ddx_centered(q, 1, dy)
        q = q + dt * (-adv + kappa * laplacian(q))
    results[scheme] = q
    mass = q.sum().item() * dx * dy
    print(f"{scheme:9s} mass={mass:.6f} max={q.max().item():.4f} min={q.min().item():.4f} "
          f"var={q.var().item():.6f}")
print("mass conserved (upwind):", math.isclose(results["upwind"].sum().item(), q0.sum().item(), rel_tol=1e-9))
neg = (results["centered"] < -1e-3).sum()
print("centered undershoots:", neg.item(), neg.dtype)

# spectral Poisson: lap(psi) = zeta
kx = 2 * math.pi * torch.fft.fftfreq(nx, d=dx, dtype=torch.float64)
ky = 2 * math.pi * torch.fft.fftfreq(ny, d=dy, dtype=torch.float64)
KX, KY = torch.meshgrid(kx, ky, indexing="ij")
K2 = KX ** 2 + KY ** 2
print("kx[:5] =", kx[:5])
coarse = torch.randn(4, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(7))
print("spectrum of a coarse 4x6 real field:")
print(torch.fft.fft2(coarse))
print("K2 shape", K2.shape, "K2[0,0] =", K2[0, 0].item())
zeta = torch.sin(2 * X) * torch.cos(Y * (2 * math.pi / Ly) * 3) + 0.1 * torch.randn(nx, ny, dtype=torch.float64)
zeta = zeta - zeta.mean()
zh = torch.fft.fft2(zeta)
K2_safe = K2.clone()
K2_safe[0, 0] = 1.0
psih = -zh / K2_safe
psih[0, 0] = 0
psi = torch.fft.ifft2(psih)
print("psi dtype:", psi.dtype, "imag negligible:", psi.imag.abs().max().item() < 1e-12)
psi = psi.real
check = torch.fft.ifft2(-K2 * torch.fft.fft2(psi)).real
print("spectral residual < 1e-10:", (check - zeta).abs().max().item() < 1e-10)
print("psi zero-mean:", abs(psi.mean().item()) < 1e-12, "std", f"{psi.std().item():.4f}")

# velocity from streamfunction, real FFTs
psir = torch.fft.rfft2(psi)
print("rfft2 shape:", tuple(psir.shape), psir.dtype)
ky_r = 2 * math.pi * torch.fft.rfftfreq(ny, d=dy, dtype=torch.float64)
KXr, KYr = torch.meshgrid(kx, ky_r, indexing="ij")
ug = torch.fft.irfft2(-1j * KYr * psir, s=(nx, ny))
vg = torch.fft.irfft2(1j * KXr * psir, s=(nx, ny))
div = ddx_centered(ug, 0, dx) + ddx_centered(vg, 1, dy)
print("divergence (centered) max:", f"{div.abs().max().item():.3f}")
ke = 0.5 * (ug ** 2 + vg ** 2).mean()
print("kinetic energy:", f"{ke.item():.4f}")
spec = (torch.fft.fft2(zeta).abs() ** 2)
kmag = K2.sqrt()
bins = torch.bucketize(kmag.flatten(), torch.tensor([0.5, 1.5, 2.5, 3.5, 4.5], dtype=torch.float64))
Ek = torch.zeros(6, dtype=torch.float64).index_add_(0, bins, spec.flatten())
print("enstrophy spectrum by shell:", (Ek / Ek.sum()).round(decimals=4))
try:
    torch.fft.fft2(zeta, dim=(0, 0))
except RuntimeError as e:
    print("fft2 error:", e)
try:
    F.pad(q0, (1, 1, 1, 1), mode="circular")
except Exception as e:
    print(type(e).__name__, ":", e)
