"""Inverse kinematics: damped least squares, pseudo-inverse and Adam with joint limits (tanh reparametrization)."""
import math

import torch
import torch.nn as nn

torch.manual_seed(7)
L = torch.tensor([0.9, 0.7, 0.5, 0.3])
LO = torch.tensor([-2.5, -2.0, -2.0, -1.5])
HI = torch.tensor([2.5, 2.0, 2.0, 1.5])


def fk(q):
    cum = q.cumsum(-1)
    return torch.stack([(L * cum.cos()).sum(-1), (L * cum.sin()).sum(-1)], -1)


def jac(q):
    return torch.autograd.functional.jacobian(fk, q)


targets = torch.tensor([[1.2, 0.9], [-0.5, 1.6], [0.3, -1.1], [1.9, 0.4]])

print("== damped least squares ==")
for k, target in enumerate(targets):
    q = torch.zeros(4) + 0.1
    lam = 0.05
    for it in range(100):
        e = target - fk(q)
        if e.norm() < 1e-5:
            break
        J = jac(q)
        A = J @ J.T + lam ** 2 * torch.eye(2)
        dq = J.T @ torch.linalg.solve(A, e)
        q = torch.clamp(q + dq, LO, HI)
    print(f"target {k}: iters {it:3d} converged {(target - fk(q)).norm().item() < 1e-4}")
    print("   q within limits:", bool(((q >= LO) & (q <= HI)).all()))

print("== pseudo-inverse ==")
q = torch.full((4,), 0.2, dtype=torch.float64)
target = targets[0].double()
L64 = L.double()
for it in range(30):
    cum = q.cumsum(-1)
    p = torch.stack([(L64 * cum.cos()).sum(), (L64 * cum.sin()).sum()])
    e = target - p
    sx = (L64 * cum.sin()).flip(0).cumsum(0).flip(0)
    cx = (L64 * cum.cos()).flip(0).cumsum(0).flip(0)
    J = torch.stack([-sx, cx])
    q = q + torch.linalg.pinv(J) @ e
print(f"pinv error: {e.norm().item() < 1e-9}")
J_pinv = torch.linalg.pinv(J)
print("J J+ = I:", torch.allclose(J @ J_pinv, torch.eye(2, dtype=torch.float64)))
null = torch.eye(4, dtype=torch.float64) - J_pinv @ J
print("null space projector rank:", torch.linalg.matrix_rank(null).item())
print("null space idempotent:", torch.allclose(null @ null, null))
sol = torch.linalg.lstsq(J.T, torch.ones(4, 1, dtype=torch.float64))
print("lstsq solution shape:", sol.solution.shape, "rank", sol.rank)

print("== Adam with tanh joint limits ==")


class IKModel(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.raw = nn.Parameter(torch.zeros(n, 4))
        self.register_buffer("mid", (HI + LO) / 2)
        self.register_buffer("span", (HI - LO) / 2)

    def forward(self):
        return self.mid + self.span * torch.tanh(self.raw)


model = IKModel(len(targets))
print(model)
opt = torch.optim.Adam(model.parameters(), lr=0.1)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=100, gamma=0.5)
for step in range(301):
    q = model()
    err = (fk(q) - targets).pow(2).sum(-1)
    loss = err.mean() + 1e-3 * q.pow(2).sum(-1).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 100 == 0:
        print(f"step {step:3d} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.4f}")
with torch.no_grad():
    q = model()
    print("joint table (deg):")
    for row in torch.rad2deg(q):
        print("  " + " ".join(f"{v:8.2f}" for v in row.tolist()))
    print("residuals < 1e-2:", (fk(q) - targets).norm(dim=-1) < 1e-2)
    print("limits ok:", torch.all((q > LO) & (q < HI)).item())
print("grad of raw:", model.raw.grad.shape, model.raw.grad.dtype)
print(model.state_dict().keys())

# unreachable target
far = torch.tensor([5.0, 0.0])
q = torch.zeros(4, requires_grad=True)
opt = torch.optim.LBFGS([q], lr=1, max_iter=50)


def closure():
    opt.zero_grad()
    l = (fk(q) - far).pow(2).sum()
    l.backward()
    return l


opt.step(closure)
print(f"unreachable: distance {(fk(q) - far).norm().item():.4f} (reach {L.sum().item():.1f})")
try:
    torch.linalg.solve(torch.zeros(2, 2), torch.ones(2))
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
try:
    torch.clamp(torch.zeros(3), min=torch.zeros(2))
except RuntimeError as e:
    print("RuntimeError:", e)
