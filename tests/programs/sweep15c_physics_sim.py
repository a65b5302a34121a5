"""A "differentiable physics with PyTorch" workshop: (1) n-body gravity where the forces are minus the
autograd gradient of the potential energy, integrated with velocity Verlet (energy and momentum checked);
(2) the 2-D heat equation stepped with a 5-point Laplacian stencil as a fixed conv2d kernel (with
replicate/circular padding for the boundary conditions), compared with the analytic Fourier-mode decay,
and a diffusion coefficient recovered by gradient descent through the whole simulation; (3) the launch
angle and speed of a projectile with drag optimised through a differentiable Euler simulation."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)
torch.set_default_dtype(torch.float64)
print("default dtype:", torch.get_default_dtype())

# ---------------------------------------------------------------- 1. n-body gravity
G, soft = 1.0, 0.05
n = 5
pos = torch.randn(n, 2)
vel = 0.3 * torch.randn(n, 2)
mass = torch.rand(n) + 0.5
vel = vel - (mass[:, None] * vel).sum(0) / mass.sum()          # zero total momentum


def potential(x):
    diff = x[:, None, :] - x[None, :, :]
    r = torch.sqrt((diff ** 2).sum(-1) + soft ** 2)
    iu = torch.triu_indices(n, n, offset=1)
    mm = mass[:, None] * mass[None, :]
    return -G * (mm / r)[iu[0], iu[1]].sum()


def forces(x):
    x = x.detach().requires_grad_(True)
    U = potential(x)
    (grad,) = torch.autograd.grad(U, x)
    return -grad


def energy(x, v):
    return 0.5 * (mass * (v ** 2).sum(1)).sum() + potential(x)


# autograd forces agree with the analytic pairwise formula
diff = pos[:, None, :] - pos[None, :, :]
r3 = ((diff ** 2).sum(-1) + soft ** 2) ** 1.5
analytic = -(G * mass[:, None, None] * mass[None, :, None] * diff / r3[..., None]).sum(1)
print("autograd forces == analytic:", torch.allclose(forces(pos), analytic))
print("net force ~ 0:", forces(pos).sum(0).abs().max().item() < 1e-12)

dt = 0.01
x, v = pos.clone(), vel.clone()
E0 = energy(x, v).item()
a = forces(x) / mass[:, None]
for step in range(1, 151):
    v_half = v + 0.5 * dt * a
    x = x + dt * v_half
    a = forces(x) / mass[:, None]
    v = v_half + 0.5 * dt * a
    if step % 50 == 0:
        E = energy(x, v).item()
        p = (mass[:, None] * v).sum(0)
        print(f"step {step}: energy drift {abs(E - E0) / abs(E0):.2e}, momentum conserved: {p.norm().item() < 1e-12}")
com = (mass[:, None] * x).sum(0) / mass.sum()
print("centre of mass:", com)

# Hessian of the potential: the small-oscillation stiffness matrix
H = torch.autograd.functional.hessian(lambda q: potential(q.view(n, 2)), pos.reshape(-1))
print("Hessian", tuple(H.shape), "symmetric:", torch.allclose(H, H.T), "trace", f"{H.trace().item():.3f}")

# ---------------------------------------------------------------- 2. heat equation via conv2d
torch.set_default_dtype(torch.float32)
N = 32
L = 1.0
h = L / N
alpha = 0.1
dt = 0.2 * h * h / alpha                      # explicit Euler is stable for alpha dt / h^2 <= 1/4
lap = torch.tensor([[0.0, 1.0, 0.0],
                    [1.0, -4.0, 1.0],
                    [0.0, 1.0, 0.0]]).view(1, 1, 3, 3) / (h * h)
print("stencil:", lap.shape, f"r = alpha dt / h^2 = {alpha * dt / h ** 2:.2f}")

xs = (torch.arange(N) + 0.5) * h
X, Y = torch.meshgrid(xs, xs, indexing="ij")
u0 = torch.sin(2 * math.pi * X) * torch.sin(2 * math.pi * Y)   # a periodic Fourier mode


def step_heat(u, kappa, mode="circular"):
    up = F.pad(u, (1, 1, 1, 1), mode=mode)
    return u + kappa * dt * F.conv2d(up, lap)


u = u0.view(1, 1, N, N)
steps = 200
for _ in range(steps):
    u = step_heat(u, alpha)
t_end = steps * dt
# the discrete Laplacian's eigenvalue for this mode: -(4/h^2) * 2 sin^2(pi h)
lam = -2 * (4 / h ** 2) * math.sin(math.pi * h) ** 2
predicted = (1 + alpha * dt * lam) ** steps
print(f"t = {t_end:.4f}: amplitude ratio {u.abs().max().item() / u0.abs().max().item():.4f}, "
      f"discrete theory {predicted:.4f}, continuum {math.exp(-8 * math.pi ** 2 * alpha * t_end):.4f}")
print("mean preserved (periodic):", abs(u.mean().item()) < 1e-6)

# insulated (Neumann-like) boundaries via replicate padding: total heat is conserved
blob = torch.exp(-((X - 0.3) ** 2 + (Y - 0.6) ** 2) / 0.01).view(1, 1, N, N)
u = blob.clone()
for _ in range(100):
    u = step_heat(u, alpha, mode="replicate")
print(f"heat before {blob.sum().item():.3f} after {u.sum().item():.3f}, peak {blob.max().item():.3f} -> {u.max().item():.3f}")
conv = nn.Conv2d(1, 1, 3, padding=1, padding_mode="circular", bias=False)
with torch.no_grad():
    conv.weight.copy_(lap)
print(conv)
print("nn.Conv2d circular == F.pad + conv2d:",
      torch.allclose(conv(blob), F.conv2d(F.pad(blob, (1, 1, 1, 1), mode="circular"), lap), atol=1e-3))

# inverse problem: recover the diffusivity from the final field
target = blob.clone()
for _ in range(25):
    target = step_heat(target, 0.07, mode="replicate")
log_k = torch.tensor(math.log(0.02), requires_grad=True)
opt = torch.optim.Adam([log_k], lr=0.1)
for it in range(20):
    u = blob
    for _ in range(25):
        u = step_heat(u, log_k.exp(), mode="replicate")
    loss = F.mse_loss(u, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 5 == 0:
        print(f"iter {it:2d} loss {loss.item():.3e} kappa {log_k.exp().item():.4f}")
print(f"recovered kappa {log_k.exp().item():.3f} (true 0.070)")

# ---------------------------------------------------------------- 3. projectile with drag
g = torch.tensor([0.0, -9.81])
drag = 0.1
target_x = 8.0


def simulate(speed, angle, n_steps=40, h=0.04):
    p = torch.zeros(2)
    v = torch.stack([speed * torch.cos(angle), speed * torch.sin(angle)])
    path = [p]
    for _ in range(n_steps):
        acc = g - drag * v.norm() * v
        v = v + h * acc
        p = p + h * v
        path.append(p)
    return torch.stack(path)


speed = torch.tensor(8.0, requires_grad=True)
angle = torch.tensor(0.3, requires_grad=True)
opt = torch.optim.Adam([speed, angle], lr=0.05)
for it in range(30):
    path = simulate(speed, angle)
    x_end, y_end = path[-1]
    loss = ((x_end - target_x) ** 2 + y_end ** 2) / 10 + 0.01 * speed ** 2
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 10 == 0 or it == 29:
        print(f"it {it:2d} loss {loss.item():.4f} speed {speed.item():.3f} angle {math.degrees(angle.item()):.2f} deg "
              f"grads {speed.grad.item():+.3f} {angle.grad.item():+.3f}")
path = simulate(speed.detach(), angle.detach())
print("apex height:", f"{path[:, 1].max().item():.3f}", "landing point:", path[-1])
