"""Numerical methods course, lecture 3: explicit Euler, midpoint and classical RK4 on batched states.
The harmonic oscillator (exact solution known) gives convergence orders; Lotka-Volterra and a
damped pendulum are integrated for a batch of initial conditions at once."""
import math

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


def euler_step(f, t, y, h):
    return y + h * f(t, y)


def midpoint_step(f, t, y, h):
    k1 = f(t, y)
    return y + h * f(t + h / 2, y + h / 2 * k1)


def rk4_step(f, t, y, h):
    k1 = f(t, y)
    k2 = f(t + h / 2, y + h / 2 * k1)
    k3 = f(t + h / 2, y + h / 2 * k2)
    k4 = f(t + h, y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def integrate(step, f, y0, t0, t1, n, keep=False):
    h = (t1 - t0) / n
    ts = torch.linspace(t0, t1, n + 1, dtype=y0.dtype)
    y = y0
    traj = [y0]
    for i in range(n):
        y = step(f, ts[i], y, h)
        if keep:
            traj.append(y)
    if keep:
        return ts, torch.stack(traj)
    return y


def oscillator(t, y):
    # y[..., 0] = position, y[..., 1] = velocity ; y'' = -y
    return torch.stack([y[..., 1], -y[..., 0]], dim=-1)


y0 = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]], dtype=torch.float64)
T = 2.0
exact = torch.stack([y0[:, 0] * math.cos(T) + y0[:, 1] * math.sin(T),
                     -y0[:, 0] * math.sin(T) + y0[:, 1] * math.cos(T)], dim=-1)
print("exact y(2):")
print(exact)

for name, step, order in [("euler", euler_step, 1), ("midpoint", midpoint_step, 2), ("rk4", rk4_step, 4)]:
    errs = []
    for n in (20, 40, 80):
        yT = integrate(step, oscillator, y0, 0.0, T, n)
        errs.append((yT - exact).abs().max().item())
    rates = [math.log2(errs[i] / errs[i + 1]) for i in range(2)]
    print(f"{name:9s} err(n=20)={errs[0]:.3e} observed order={rates[0]:.2f},{rates[1]:.2f} (expected {order})")

# energy drift of each method over a long horizon
for name, step in [("euler", euler_step), ("midpoint", midpoint_step), ("rk4", rk4_step)]:
    ts, traj = integrate(step, oscillator, y0, 0.0, 10.0, 100, keep=True)
    energy = 0.5 * (traj ** 2).sum(-1)
    drift = (energy[-1] - energy[0]) / energy[0]
    print(f"{name:9s} relative energy drift:", [f"{d:.3e}" for d in drift.tolist()])
print("trajectory shape:", tuple(traj.shape), traj.dtype)


# Lotka-Volterra predator-prey on a batch of populations (float32, as most course code does)
alpha, beta, delta, gamma = 1.1, 0.4, 0.1, 0.4


def lotka_volterra(t, z):
    x, y = z.unbind(-1)
    return torch.stack([alpha * x - beta * x * y, delta * x * y - gamma * y], dim=-1)


z0 = torch.rand(4, 2) * 5 + 1
print("initial populations:")
print(z0)
_, lv = integrate(rk4_step, lotka_volterra, z0, 0.0, 5.0, 50, keep=True)
print("populations at t=5:")
print(lv[-1])
peak_prey, when = lv[..., 0].max(dim=0)
print("peak prey:", peak_prey.round(decimals=2))
print("peak step:", when)
print("min predator:", lv[..., 1].amin(0).round(decimals=2))


# damped pendulum theta'' = -sin(theta) - c theta', batch of damping coefficients
c = torch.tensor([0.0, 0.1, 0.5, 1.0]).unsqueeze(-1)


def pendulum(t, s):
    th, om = s[..., :1], s[..., 1:]
    return torch.cat([om, -torch.sin(th) - c * om], dim=-1)


s0 = torch.tensor([[math.pi / 3, 0.0]]).repeat(4, 1)
_, ps = integrate(midpoint_step, pendulum, s0, 0.0, 6.0, 60, keep=True)
amp = ps[..., 0].abs()
print("final angle per damping:", ps[-1, :, 0].round(decimals=3))
print("max |theta| over second half:", amp[30:].amax(0).round(decimals=3))
crossings = (torch.sign(ps[1:, :, 0]) != torch.sign(ps[:-1, :, 0])).sum(0)
print("zero crossings:", crossings.tolist())
