"""Hamiltonian and Lagrangian neural networks (Greydanus et al. 2019, Cranmer et al. 2020): a scalar
network H(q, p) whose symplectic gradient (dH/dp, -dH/dq) is taken with autograd.grad(create_graph=True)
and trained to match the vector field of a pendulum; leapfrog / symplectic Euler integration and energy
drift; a Lagrangian network's accelerations through the Hessian (torch.func) and a linear solve."""
import math

import torch
import torch.nn as nn
from torch.func import grad, hessian, jacrev, vmap

torch.manual_seed(11)


def pendulum_H(q, p, m=1.0, l=1.0, g=3.0):
    return 0.5 * p ** 2 / (m * l ** 2) + m * g * l * (1 - torch.cos(q))


def true_field(x):
    x = x.detach().requires_grad_(True)
    H = pendulum_H(x[:, 0], x[:, 1]).sum()
    dH, = torch.autograd.grad(H, x)
    return torch.stack([dH[:, 1], -dH[:, 0]], dim=1)


# data: random states in an annulus of energies, with noisy derivatives
n = 256
q = (torch.rand(n) * 2 - 1) * 2.0
p = (torch.rand(n) * 2 - 1) * 2.0
X = torch.stack([q, p], dim=1)
dX = true_field(X) + 0.05 * torch.randn(n, 2)
print("data:", X.shape, dX.shape, "energy range:",
      [round(v.item(), 3) for v in torch.aminmax(pendulum_H(q, p))])


class HNN(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.H = nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                               nn.Linear(hidden, 1))
        self.register_buffer("J", torch.tensor([[0.0, 1.0], [-1.0, 0.0]]))

    def forward(self, x):
        return self.H(x).squeeze(-1)

    def time_derivative(self, x):
        if not x.requires_grad:
            x = x.requires_grad_(True)
        H = self(x)
        dH, = torch.autograd.grad(H.sum(), x, create_graph=True)
        return dH @ self.J.T


hnn = HNN()
print(hnn)
print("buffers:", [name for name, _ in hnn.named_buffers()], hnn.J)
xs = X[:4].clone().requires_grad_(True)
f = hnn.time_derivative(xs)
print("field:", f.shape, f.grad_fn.name(), f.requires_grad)

opt = torch.optim.Adam(hnn.parameters(), lr=1e-3)
hist = []
for step in range(150):
    opt.zero_grad()
    perm = torch.randperm(n)[:64]
    pred = hnn.time_derivative(X[perm].clone())
    loss = (pred - dX[perm]).pow(2).mean()
    loss.backward()
    opt.step()
    hist.append(loss.item())
print("loss first/last:", round(hist[0], 3), round(hist[-1], 3), hist[-1] < hist[0])


def leapfrog(field_q, field_p, q, p, h, steps):
    traj = [torch.stack([q, p])]
    for _ in range(steps):
        p = p + 0.5 * h * field_p(q)
        q = q + h * field_q(p)
        p = p + 0.5 * h * field_p(q)
        traj.append(torch.stack([q, p]))
    return torch.stack(traj)


def symplectic_euler(q, p, h, steps, g=3.0):
    out = torch.empty(steps + 1, 2)
    out[0, 0], out[0, 1] = q, p
    for i in range(steps):
        p = p - h * g * torch.sin(q)
        q = q + h * p
        out[i + 1] = torch.stack([q, p])
    return out


q0, p0 = torch.tensor(1.0), torch.tensor(0.0)
tr = leapfrog(lambda p: p, lambda q: -3.0 * torch.sin(q), q0, p0, 0.05, 200)
E = pendulum_H(tr[:, 0], tr[:, 1])
print("leapfrog drift < 1e-2:", bool((E - E[0]).abs().max() < 1e-2), tr.shape)
se = symplectic_euler(q0, p0, 0.05, 200)
E2 = pendulum_H(se[:, 0], se[:, 1])
print("symplectic euler bounded:", bool((E2 - E2[0]).abs().max() < 0.2))


# learned-model rollout with RK4 on the HNN field
def rk4(fn, x, h):
    k1 = fn(x)
    k2 = fn(x + 0.5 * h * k1)
    k3 = fn(x + 0.5 * h * k2)
    k4 = fn(x + h * k3)
    return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


x = torch.tensor([[1.0, 0.0]])
roll = [x]
for _ in range(20):
    x = rk4(lambda s: hnn.time_derivative(s.detach().clone()).detach(), x, 0.1)
    roll.append(x)
roll = torch.cat(roll)
H_learned = hnn(roll).detach()
print("rollout:", roll.shape, "learned H spread small:", bool(H_learned.std() < 0.5))

# ---- torch.func: per-sample gradients and Hessians of a closed-form Hamiltonian ----------------------
def H_single(x):
    return pendulum_H(x[0], x[1])


g_all = vmap(grad(H_single))(X[:5])
print("vmap grad:", g_all.shape, torch.allclose(g_all[:, 0], 3.0 * torch.sin(X[:5, 0])))
Hs = vmap(hessian(H_single))(X[:3])
print("hessians:", Hs.shape)
print(Hs[0])
Jr = jacrev(lambda x: torch.stack([x[1], -3.0 * torch.sin(x[0])]))(X[0])
print("jacrev of field:", Jr.shape, "trace ~ 0:", abs(Jr.trace().item()) < 1e-6)


# ---- Lagrangian NN: qdd = (d2L/dqd2)^-1 (dL/dq - d2L/(dq dqd) qd) --------------------------------------
class LNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.L = nn.Sequential(nn.Linear(2, 32), nn.Softplus(), nn.Linear(32, 32), nn.Softplus(), nn.Linear(32, 1))

    def lagr(self, s):
        return self.L(s).squeeze(-1)

    def accel(self, s):
        Hm = hessian(self.lagr)(s)
        gL = grad(self.lagr)(s)
        qd = s[1:]
        rhs = gL[:1] - Hm[1:, :1] @ qd
        return torch.linalg.solve(Hm[1:, 1:], rhs)


lnn = LNN()
acc = vmap(lnn.accel)(X[:6])
print("lnn accel:", acc.shape, acc.dtype, bool(torch.isfinite(acc).all()))
try:
    torch.autograd.grad(hnn(X[:2]).sum(), X[:2])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    H = hnn(X[:2].clone().requires_grad_(True)).sum()
    torch.autograd.grad(H, list(hnn.parameters())[:1])
    torch.autograd.grad(H, list(hnn.parameters())[:1])
except RuntimeError as e:
    print("RuntimeError:", str(e)[:120])
a = torch.zeros(2, requires_grad=True)
try:
    a.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
