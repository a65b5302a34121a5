"""Trajectory optimization for a 2-link arm: smoothness via diff, obstacle avoidance via cdist, minimum jerk."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
torch.set_default_dtype(torch.float64)
L1, L2 = 1.0, 0.8
T = 30


def fk_points(q):
    """Elbow and hand positions of a (T, 2) joint trajectory -> (T, 2, 2)."""
    a = q[:, 0]
    b = q[:, 0] + q[:, 1]
    elbow = torch.stack([L1 * a.cos(), L1 * a.sin()], -1)
    hand = elbow + torch.stack([L2 * b.cos(), L2 * b.sin()], -1)
    return torch.stack([elbow, hand], 1)


q_start = torch.tensor([0.2, 0.4])
q_goal = torch.tensor([2.2, -0.6])
alpha = torch.linspace(0, 1, T).unsqueeze(1)
init = torch.lerp(q_start, q_goal, alpha)
print("straight line first/last:", init[0], init[-1])

obstacles = torch.tensor([[0.2, 1.3], [-0.6, 0.9]])
radius = 0.35

interior = nn.Parameter(init[1:-1].clone() + 0.01 * torch.randn(T - 2, 2))
opt = torch.optim.Adam([interior], lr=0.03)


def full(inner):
    return torch.cat([q_start.unsqueeze(0), inner, q_goal.unsqueeze(0)], 0)


def samples_along(pts, n=5):
    # points along each link: base->elbow, elbow->hand
    base = torch.zeros_like(pts[:, :1])
    chain = torch.cat([base, pts], 1)
    s = torch.linspace(0, 1, n).view(1, 1, n, 1)
    seg = chain[:, :-1, None, :] + s * (chain[:, 1:, None, :] - chain[:, :-1, None, :])
    return seg.reshape(pts.shape[0], -1, 2)


def costs(q):
    vel = torch.diff(q, dim=0)
    acc = torch.diff(q, n=2, dim=0)
    smooth = vel.pow(2).sum() + 4 * acc.pow(2).sum()
    pts = samples_along(fk_points(q))
    d = torch.cdist(pts.reshape(-1, 2), obstacles)
    collision = F.relu(radius + 0.05 - d).pow(2).sum()
    return smooth, collision, d.min()


with torch.no_grad():
    s0, c0, dmin0 = costs(init)
print(f"initial smooth {s0.item():.4f} collision {c0.item():.4f} min dist {dmin0.item():.4f}")

for step in range(201):
    q = full(interior)
    smooth, collision, dmin = costs(q)
    loss = smooth + 50 * collision
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(interior, max_norm=5.0)
    opt.step()
    if step % 50 == 0:
        print(f"step {step:3d} smooth {smooth.item():.3f} collision {collision.item():.4f} min dist {dmin.item():.3f}")

q = full(interior.detach())
print("clear of obstacles:", bool(costs(q)[2] > radius - 0.02))
vel = q.diff(dim=0)
print("max joint step:", vel.abs().amax(0))
print("path length (joint space):", f"{vel.norm(dim=1).sum().item():.3f}")

# minimum jerk time scaling
tau = torch.linspace(0, 1, 11, dtype=torch.float64)
s = 10 * tau ** 3 - 15 * tau ** 4 + 6 * tau ** 5
print("min-jerk s(tau):", s)
sd = torch.gradient(s, spacing=(tau,))[0]
print("finite-diff velocity:", sd)
tau_r = tau.clone().requires_grad_()
s_r = 10 * tau_r ** 3 - 15 * tau_r ** 4 + 6 * tau_r ** 5
v, = torch.autograd.grad(s_r.sum(), tau_r, create_graph=True)
a, = torch.autograd.grad(v.sum(), tau_r)
print("analytic velocity peak:", v.max().item(), "at", tau[v.argmax()].item())
print("acceleration:", a)

# cubic polynomial via linear system for boundary conditions
Tf = 2.0
M = torch.tensor([[1, 0, 0, 0], [0, 1, 0, 0], [1, Tf, Tf ** 2, Tf ** 3], [0, 1, 2 * Tf, 3 * Tf ** 2]], dtype=torch.float64)
bc = torch.stack([q_start.double(), torch.zeros(2, dtype=torch.float64), q_goal.double(), torch.zeros(2, dtype=torch.float64)])
coef = torch.linalg.solve(M, bc)
print("cubic coefficients:\n", coef)
tt = torch.linspace(0, Tf, 5, dtype=torch.float64)
V = torch.vander(tt, N=4, increasing=True)
print("cubic samples:\n", V @ coef)

# resampling the trajectory with interpolate
traj = q.T.unsqueeze(0)
fine = F.interpolate(traj, size=60, mode="linear", align_corners=True)
print("resampled:", fine.shape, fine[0, :, ::20])
ker = torch.tensor([[[0.25, 0.5, 0.25]]]).expand(2, 1, 3)
smoothed = F.conv1d(F.pad(traj, (1, 1), mode="replicate"), ker, groups=2)
print("smoothed ends:", smoothed[0, :, 0], smoothed[0, :, -1])
try:
    torch.diff(q, n=-1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.cdist(torch.zeros(3, 2), torch.zeros(4, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
