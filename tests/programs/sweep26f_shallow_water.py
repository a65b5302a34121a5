"""Linear and nonlinear 1-D / 2-D shallow-water equations, as in a geophysical-fluid-dynamics
teaching notebook: leapfrog time stepping with a Robert-Asselin filter on a periodic channel,
a staggered C-grid with torch.roll, energy and mass diagnostics, gravity-wave phase speed checks,
an f-plane geostrophic adjustment, and a stability warning when the CFL number is too large."""
import math

import torch

torch.manual_seed(2)
g, H = 9.81, 100.0
c = math.sqrt(g * H)
print(f"gravity-wave speed c = {c:.4f} m/s")

# ---------- 1-D linear SWE on a C-grid, leapfrog
N, L = 100, 1.0e5
dx = L / N
x = torch.arange(N, dtype=torch.float64) * dx
dt = 0.25 * dx / c  # leapfrog on a C-grid needs c dt / dx <= 1/2
print(f"dx={dx:.1f} m dt={dt:.3f} s Courant={c * dt / dx:.2f}")
h = 1.0 * torch.exp(-((x - L / 2) / (5 * dx)) ** 2)
u = torch.zeros(N, dtype=torch.float64)  # u at i+1/2


def tend(h, u):
    dhdt = -H * (u - torch.roll(u, 1)) / dx
    dudt = -g * (torch.roll(h, -1) - h) / dx
    return dhdt, dudt


def energy(h, u):
    return (0.5 * g * h ** 2 + 0.5 * H * u ** 2).sum() * dx


E0, M0 = energy(h, u).item(), h.sum().item() * dx
dh, du = tend(h, u)
h_old, u_old = h.clone(), u.clone()
h, u = h + dt * dh, u + dt * du  # forward start
alpha = 0.05
for n in range(1, 401):
    dh, du = tend(h, u)
    h_new = h_old + 2 * dt * dh
    u_new = u_old + 2 * dt * du
    # Robert-Asselin filter against the computational mode
    h_old = h + alpha * (h_new - 2 * h + h_old)
    u_old = u + alpha * (u_new - 2 * u + u_old)
    h, u = h_new, u_new
    if n % 100 == 0:
        peak = torch.argmax(h[N // 2:]).item() + N // 2
        print(f"step {n:3d}: mass ratio {h.sum().item() * dx / M0:.6f} energy ratio {energy(h, u).item() / E0:.4f} "
              f"right peak at x={x[peak].item() / 1e3:.1f} km")
dist = (torch.argmax(h[N // 2:]).item()) * dx
print(f"expected travel {c * 400 * dt / 1e3:.1f} km, measured ~{dist / 1e3:.1f} km")

# ---------- unstable time step
h2 = torch.exp(-((x - L / 2) / (5 * dx)) ** 2)
u2 = torch.zeros_like(h2)
dt_bad = 1.5 * dx / c
for n in range(60):
    dh, du = tend(h2, u2)
    h2 = h2 + dt_bad * dh
    u2 = u2 + dt_bad * du
print("unstable run finite:", bool(torch.isfinite(h2).all()), "max |h| > 1e3:", h2.abs().max().item() > 1e3)

# ---------- 2-D f-plane geostrophic adjustment, float32
n2 = 48
f0 = 1e-4
dx2 = 2.0e4
dt2 = 0.3 * dx2 / c
Rd = c / f0
print(f"Rossby radius {Rd / 1e3:.1f} km = {Rd / dx2:.2f} grid cells")
xx = (torch.arange(n2, dtype=torch.float32) - n2 / 2) * dx2
XX, YY = torch.meshgrid(xx, xx, indexing="ij")
eta = torch.where(XX.abs() < 5 * dx2, torch.tensor(1.0), torch.tensor(0.0))
U = torch.zeros(n2, n2)
V = torch.zeros(n2, n2)
print(eta.dtype, eta.sum())


def ddx(a):
    return (torch.roll(a, -1, 0) - torch.roll(a, 1, 0)) / (2 * dx2)


def ddy(a):
    return (torch.roll(a, -1, 1) - torch.roll(a, 1, 1)) / (2 * dx2)


state = torch.stack([eta, U, V])
for n in range(300):
    e, uu, vv = state.unbind(0)
    # forward-backward: update eta first, then velocities with the new eta
    e = e - dt2 * H * (ddx(uu) + ddy(vv))
    uu_new = uu + dt2 * (f0 * vv - g * ddx(e))
    vv = vv + dt2 * (-f0 * uu_new - g * ddy(e))
    state = torch.stack([e, uu_new, vv])
e, uu, vv = state
print("adjusted eta profile (center row, every 6th):", e[::6, n2 // 2])
ug = -g / f0 * ddy(e)
vg = g / f0 * ddx(e)
geo_err = (vv - vg).abs().mean() / vg.abs().mean()
print(f"geostrophic balance relative error: {geo_err.item():.2f}")
print("v range:", f"{vv.min().item():.3f}", f"{vv.max().item():.3f}")
vort = ddx(vv) - ddy(uu)
print("PV anomaly sum:", f"{(vort - f0 * e / H).sum().item() * dx2 ** 2:.4e}")
print("state:", state.shape, state.dtype, state.is_contiguous())
try:
    torch.stack([eta, U[:-1]])
except RuntimeError as err:
    print("stack error:", err)
