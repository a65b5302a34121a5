"""Molecular dynamics in plain PyTorch, as in computational-physics course notebooks: a small
Lennard-Jones fluid in a periodic cubic box (wrapping with torch.remainder, minimum image with
torch.round), forces both analytic and from autograd, a velocity-Verlet integrator with energy
bookkeeping, a Morse dimer, a radial distribution function with torch.histc, and kinetic temperature."""
import math

import torch

torch.set_default_dtype(torch.float64)


def minimum_image(dr, box):
    return dr - box * torch.round(dr / box)


def lj_energy(pos, box, eps=1.0, sigma=1.0, rc=2.5):
    n = pos.shape[0]
    dr = minimum_image(pos[:, None, :] - pos[None, :, :], box)
    r2 = (dr ** 2).sum(-1)
    iu = torch.triu_indices(n, n, offset=1)
    r2 = r2[iu[0], iu[1]]
    inside = r2 < rc * rc
    sr6 = (sigma ** 2 / r2) ** 3
    shift = 4 * eps * ((sigma / rc) ** 12 - (sigma / rc) ** 6)
    e = torch.where(inside, 4 * eps * (sr6 ** 2 - sr6) - shift, torch.zeros_like(r2))
    return e.sum()


def lj_forces_analytic(pos, box, eps=1.0, sigma=1.0, rc=2.5):
    dr = minimum_image(pos[:, None, :] - pos[None, :, :], box)
    r2 = (dr ** 2).sum(-1)
    r2.fill_diagonal_(float("inf"))
    sr6 = (sigma ** 2 / r2) ** 3
    fmag = 24 * eps * (2 * sr6 ** 2 - sr6) / r2
    fmag = fmag.masked_fill(r2 >= rc * rc, 0.0)
    return (fmag.unsqueeze(-1) * dr).sum(1)


def autograd_forces(energy_fn, pos, *args):
    pos = pos.detach().requires_grad_(True)
    e = energy_fn(pos, *args)
    (g,) = torch.autograd.grad(e, pos)
    return e.detach(), -g


def lattice(n_side, box):
    g = torch.arange(n_side, dtype=torch.float64) * (box / n_side)
    xs, ys, zs = torch.meshgrid(g, g, g, indexing="ij")
    return torch.stack([xs, ys, zs], dim=-1).reshape(-1, 3) + 0.25


def velocity_verlet(pos, vel, box, dt, n_steps, mass=1.0, log_every=5):
    e_pot, f = autograd_forces(lj_energy, pos, box)
    history = []
    for step in range(n_steps):
        vel = vel + 0.5 * dt * f / mass
        pos = torch.remainder(pos + dt * vel, box)
        e_pot, f = autograd_forces(lj_energy, pos, box)
        vel = vel + 0.5 * dt * f / mass
        e_kin = 0.5 * mass * (vel ** 2).sum()
        if step % log_every == 0:
            history.append((step, e_pot.item(), e_kin.item()))
    return pos, vel, history


torch.manual_seed(0)
box = 4.2
pos = lattice(3, box) + 0.05 * torch.randn(27, 3)
print("N", pos.shape[0], "box", box, "density", round(27 / box ** 3, 4))
print("inside box", bool(((pos >= 0) & (pos < box)).all()))

dr = minimum_image(pos[:, None] - pos[None], box)
print("max |minimum image|", round(dr.abs().max().item(), 4), "<= box/2", bool((dr.abs() <= box / 2).all()))
print("wrapped", torch.remainder(torch.tensor([-0.3, 4.5, 8.4, 0.0]), box))
print("fmod vs remainder", torch.fmod(torch.tensor([-0.3, 4.5]), box), torch.remainder(torch.tensor([-0.3, 4.5]), box))

e0, f_auto = autograd_forces(lj_energy, pos, box)
f_ana = lj_forces_analytic(pos, box)
print(f"E0 {e0.item():.6f}")
print("forces agree", torch.allclose(f_auto, f_ana, atol=1e-9), "zero net force", bool(f_auto.sum(0).abs().max() < 1e-9))
print("f[0:2]", f_auto[:2].round(decimals=5))

# initial velocities: Maxwell-Boltzmann at T=0.8, zero total momentum
T0 = 0.8
vel = torch.randn(27, 3) * math.sqrt(T0)
vel = vel - vel.mean(dim=0, keepdim=True)
dof = 3 * 27 - 3
print(f"T initial {(vel ** 2).sum().item() / dof:.5f}")
vel = vel * math.sqrt(T0 * dof / (vel ** 2).sum())
print(f"T rescaled {(vel ** 2).sum().item() / dof:.5f}")

pos_t, vel_t, hist = velocity_verlet(pos, vel, box, dt=0.004, n_steps=30)
for step, ep, ek in hist:
    print(f"step {step:3d} Epot {ep:10.5f} Ekin {ek:9.5f} Etot {ep + ek:10.5f}")
etot = torch.tensor([ep + ek for _, ep, ek in hist])
print(f"energy drift small {bool((etot.max() - etot.min()) < 1e-2)}")
print("momentum conserved", bool(vel_t.sum(0).abs().max() < 1e-10))

# radial distribution function
d = minimum_image(pos_t[:, None] - pos_t[None], box).norm(dim=-1)
iu = torch.triu_indices(27, 27, 1)
dists = d[iu[0], iu[1]]
hist_r = torch.histc(dists, bins=10, min=0.0, max=box / 2)
edges = torch.linspace(0, box / 2, 11)
shell = 4.0 / 3.0 * math.pi * (edges[1:] ** 3 - edges[:-1] ** 3)
g_r = hist_r / (shell * 27 * 26 / 2 / box ** 3)
print("hist", hist_r.long().tolist())
print("g(r)", g_r.round(decimals=3))
print("first peak at", edges[g_r.argmax()].item().__round__(3))

# Morse dimer: equilibrium, frequency and an NVE trajectory in float32
D, a, r0 = 4.7, 1.9, 0.74


def morse(r):
    return D * (1 - torch.exp(-a * (r - r0))) ** 2


r = torch.linspace(0.5, 2.0, 7, requires_grad=True)
v = morse(r)
(dv,) = torch.autograd.grad(v.sum(), r, create_graph=True)
(d2v,) = torch.autograd.grad(dv.sum(), r)
print("morse V", v.detach().round(decimals=4))
print("morse dV", dv.detach().round(decimals=4))
print("k at r0 (analytic 2Da^2)", round(2 * D * a * a, 4), torch.autograd.functional.hessian(
    lambda x: morse(x).sum(), torch.tensor([r0])).item().__round__(4))
x = torch.tensor([[0.0, 0.0, 0.0], [0.9, 0.0, 0.0]], dtype=torch.float32, requires_grad=True)
vx = torch.zeros(2, 3)
mu = 0.5
for _ in range(20):
    e = morse(torch.linalg.vector_norm(x[1] - x[0]))
    (g,) = torch.autograd.grad(e, x)
    with torch.no_grad():
        vx -= 0.5 * 0.01 * g
        x += 0.01 * vx
print("dimer bond", f"{torch.linalg.vector_norm(x[1] - x[0]).item():.4f}", x.dtype, "vx", vx[1].round(decimals=3))
