"""PDE data by finite differences and a physics-informed network: viscous Burgers with a periodic
upwind / central scheme (torch.roll, conv1d stencils with circular padding), the heat equation's
Crank-Nicolson step with a tridiagonal solve, a spectral reference solution, and a PINN for the 1-D
Poisson problem with Sobol collocation points, Adam warm-up and LBFGS (strong Wolfe) fine-tuning."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)

# ---- Burgers: u_t + u u_x = nu u_xx on [0, 2pi) -----------------------------------------------------
nx, nu, dt = 64, 0.05, 0.01
dx = 2 * math.pi / nx
xg = torch.arange(nx, dtype=torch.float64) * dx
u = torch.sin(xg) + 0.5
lap = torch.tensor([[[1.0, -2.0, 1.0]]], dtype=torch.float64) / dx ** 2
ddx = torch.tensor([[[-0.5, 0.0, 0.5]]], dtype=torch.float64) / dx
print("stencils:", lap.shape, ddx.squeeze())
mass0 = u.sum().item() * dx
for step in range(100):
    up = F.pad(u[None, None], (1, 1), mode="circular")
    u_xx = F.conv1d(up, lap).squeeze()
    u_x = F.conv1d(up, ddx).squeeze()
    u_x_roll = (torch.roll(u, -1) - torch.roll(u, 1)) / (2 * dx)
    if step == 0:
        print("conv vs roll:", torch.allclose(u_x, u_x_roll), u_xx.shape)
    u = u + dt * (-u * u_x + nu * u_xx)
print("burgers mass conserved:", abs(u.sum().item() * dx - mass0) < 1e-8)
print("burgers max/min:", round(u.max().item(), 4), round(u.min().item(), 4))
print("u[:6]:", u[:6])

# a batch of initial conditions in one conv1d call (channels as the batch)
U0 = torch.stack([torch.sin(k * xg) for k in (1, 2, 3)]).unsqueeze(1)
Up = F.pad(U0, (1, 1), mode="circular")
L = F.conv1d(Up, lap)
print("batched laplacian / -k^2 u:", (L.squeeze(1)[:, 5] / U0.squeeze(1)[:, 5]).round(decimals=2))
try:
    F.pad(U0.squeeze(1), (2, 2), mode="circular")
    F.pad(U0, (70, 70), mode="circular")
except (RuntimeError, ValueError) as e:
    print(type(e).__name__ + ":", e)

# ---- heat equation, Crank-Nicolson with Dirichlet boundaries ------------------------------------------
n = 30
h = 1.0 / (n + 1)
xs = torch.linspace(h, 1 - h, n, dtype=torch.float64)
T = torch.diag(torch.full((n,), -2.0, dtype=torch.float64)) + torch.diag(torch.ones(n - 1, dtype=torch.float64), 1) \
    + torch.diag(torch.ones(n - 1, dtype=torch.float64), -1)
T = T / h ** 2
tau = 1e-3
I = torch.eye(n, dtype=torch.float64)
A = I - 0.5 * tau * T
B = I + 0.5 * tau * T
v = torch.sin(math.pi * xs)
LU, piv = torch.linalg.lu_factor(A)
for _ in range(50):
    v = torch.linalg.lu_solve(LU, piv, (B @ v)[:, None]).squeeze(1)
decay = v.max().item() / torch.sin(math.pi * xs).max().item()
print(f"CN decay {decay:.4f} vs exact {math.exp(-math.pi ** 2 * 50 * tau):.4f}")
print("piv dtype:", piv.dtype, piv[:4])
evals = torch.linalg.eigvalsh(T)
print("smallest eigen of T:", round(evals[-1].item(), 2), "~", round(-math.pi ** 2, 2))
sol = torch.linalg.solve(-T, torch.ones(n, dtype=torch.float64))
print("poisson FD max:", round(sol.max().item(), 5))

# ---- PINN for -u'' = pi^2 sin(pi x), u(0)=u(1)=0 -------------------------------------------------------
sobol = torch.quasirandom.SobolEngine(dimension=1, scramble=True, seed=0)
x_col = sobol.draw(64).requires_grad_(True)
print("sobol:", x_col.shape, x_col.dtype)
print(torch.quasirandom.SobolEngine(2).draw(4))
x_bc = torch.tensor([[0.0], [1.0]])

net = nn.Sequential(nn.Linear(1, 20), nn.Tanh(), nn.Linear(20, 20), nn.Tanh(), nn.Linear(20, 1))


def pinn_loss():
    u = net(x_col)
    du, = torch.autograd.grad(u, x_col, torch.ones_like(u), create_graph=True)
    d2u, = torch.autograd.grad(du, x_col, torch.ones_like(du), create_graph=True)
    res = -d2u - math.pi ** 2 * torch.sin(math.pi * x_col)
    return res.pow(2).mean() + 10 * net(x_bc).pow(2).mean()


adam = torch.optim.Adam(net.parameters(), lr=1e-2)
l0 = None
for it in range(120):
    adam.zero_grad()
    loss = pinn_loss()
    loss.backward()
    adam.step()
    l0 = l0 or loss.item()
print(f"adam: {l0:.2f} -> below 5: {loss.item() < 5}")

lbfgs = torch.optim.LBFGS(net.parameters(), lr=1.0, max_iter=30, history_size=20,
                          line_search_fn="strong_wolfe", tolerance_grad=1e-9, tolerance_change=1e-12)


def closure():
    lbfgs.zero_grad()
    l = pinn_loss()
    l.backward()
    return l


for _ in range(3):
    lbfgs.step(closure)
final = pinn_loss().item()
print("lbfgs final < 1e-2:", final < 1e-2)
state = lbfgs.state[lbfgs._params[0]]
print("lbfgs state keys:", sorted(state.keys()))
print("func evals > 30:", state["func_evals"] > 30)
xt = torch.linspace(0, 1, 11)[:, None]
with torch.no_grad():
    err = torch.linalg.norm(net(xt) - torch.sin(math.pi * xt)) / torch.linalg.norm(torch.sin(math.pi * xt))
print("pinn rel l2 < 0.05:", bool(err < 0.05))
print(lbfgs)
try:
    torch.optim.LBFGS(net.parameters(), line_search_fn="armijo").step(closure)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.lu_solve(LU, piv, torch.ones(n + 1, 1, dtype=torch.float64))
except RuntimeError as e:
    print("RuntimeError:", e)
