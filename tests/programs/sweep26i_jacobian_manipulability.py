"""Geometric and autodiff Jacobians of a planar arm, manipulability, singularities."""
import math

import torch
from torch.autograd.functional import jacobian, hessian
from torch.func import jacrev, jacfwd, vmap

torch.manual_seed(3)
L = torch.tensor([1.0, 0.7, 0.4], dtype=torch.float64)


def fk(q):
    cum = torch.cumsum(q, dim=-1)
    x = (L * torch.cos(cum)).sum(-1)
    y = (L * torch.sin(cum)).sum(-1)
    phi = cum[..., -1]
    return torch.stack([x, y, phi], dim=-1)


def analytic_jacobian(q):
    cum = torch.cumsum(q, dim=-1)
    sx = L * torch.sin(cum)
    cx = L * torch.cos(cum)
    # column j sums links j..n
    Jx = -torch.flip(torch.cumsum(torch.flip(sx, [-1]), -1), [-1])
    Jy = torch.flip(torch.cumsum(torch.flip(cx, [-1]), -1), [-1])
    Jp = torch.ones_like(q)
    return torch.stack([Jx, Jy, Jp], dim=-2)


q0 = torch.tensor([0.3, 0.5, -0.2], dtype=torch.float64)
J1 = jacobian(fk, q0)
J2 = jacrev(fk)(q0)
J3 = jacfwd(fk)(q0)
J4 = analytic_jacobian(q0)
print("J (autograd.functional):\n", J1)
print("agree:", torch.allclose(J1, J2), torch.allclose(J2, J3), torch.allclose(J3, J4))

qs = torch.randn(6, 3, dtype=torch.float64)
Jb = vmap(jacrev(fk))(qs)
print("batched J shape:", Jb.shape)
print("batch agrees:", torch.allclose(Jb, analytic_jacobian(qs)))

# position-only manipulability
Jp = Jb[:, :2, :]
w = torch.sqrt(torch.linalg.det(Jp @ Jp.mT))
sv = torch.linalg.svdvals(Jp)
print("manipulability:", w)
print("svdvals:\n", sv)
print("yoshikawa vs prod svd:", torch.allclose(w, sv.prod(-1)))
cond = sv[:, 0] / sv[:, -1]
print("condition numbers:", cond)
print("linalg.cond:", torch.linalg.cond(Jb))

# singular configuration: arm stretched out
q_sing = torch.zeros(3, dtype=torch.float64)
Js = jacobian(fk, q_sing)
print("rank at singularity:", torch.linalg.matrix_rank(Js[:2]).item(), "full:", torch.linalg.matrix_rank(Js).item())
print("det full J:", f"{abs(torch.linalg.det(Js).item()):.4f}")

# manipulability ellipsoid axes
U, S, Vh = torch.linalg.svd(Jp[0])
print("ellipse axes lengths:", S)
print("principal direction angle (deg):", f"{math.degrees(math.atan2(abs(U[1, 0].item()), abs(U[0, 0].item()))):.3f}")

# maximize manipulability with gradient ascent
q = torch.tensor([0.1, 0.1, 0.1], dtype=torch.float64, requires_grad=True)
opt = torch.optim.SGD([q], lr=0.5, momentum=0.5)
for it in range(40):
    J = analytic_jacobian(q)[:2]
    m = torch.sqrt(torch.det(J @ J.T))
    opt.zero_grad()
    (-m).backward()
    opt.step()
    if it % 10 == 0:
        print(f"iter {it:2d} manipulability {m.item():.5f}")
print("grad_fn:", type(m.grad_fn).__name__)
print("final q:", q.detach())

# Hessian of end-effector x wrt joints
H = hessian(lambda q: fk(q)[0], q0)
print("Hessian of x:\n", H)
print("symmetric:", torch.allclose(H, H.T))

# velocity kinematics: joint velocities -> twist
qd = torch.tensor([0.2, -0.1, 0.4], dtype=torch.float64)
v = J1 @ qd
print("end effector velocity:", v)
print("via jvp:", torch.func.jvp(fk, (q0,), (qd,))[1])
_, vjp_fn = torch.func.vjp(fk, q0)
print("joint torques for force:", vjp_fn(torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64))[0])

try:
    torch.linalg.det(Jp[0])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.inv(torch.zeros(3, 3))
except Exception as e:
    print(type(e).__name__ + ":", e)
