"""Neural ODEs with hand-written solvers: fixed-step Euler / midpoint / RK4 from a Butcher tableau, an
adaptive Dormand-Prince 5(4) stepper with an error controller, training through the unrolled solver
(discretise-then-optimise) on a damped spiral, and a look at the learned vector field's Jacobian
spectrum (stiffness) with torch.autograd.functional.jacobian and torch.linalg.eigvals."""
import math

import torch
import torch.nn as nn

torch.manual_seed(3)

TABLEAUS = {
    "euler": (torch.tensor([[0.0]]), torch.tensor([1.0]), torch.tensor([0.0])),
    "midpoint": (torch.tensor([[0.0, 0.0], [0.5, 0.0]]), torch.tensor([0.0, 1.0]), torch.tensor([0.0, 0.5])),
    "rk4": (torch.tensor([[0.0, 0, 0, 0], [0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 1.0, 0]]),
            torch.tensor([1 / 6, 1 / 3, 1 / 3, 1 / 6]), torch.tensor([0.0, 0.5, 0.5, 1.0])),
}


def explicit_rk_step(f, t, y, h, tableau):
    A, b, c = tableau
    ks = []
    for i in range(len(b)):
        yi = y
        for j in range(i):
            if A[i, j] != 0:
                yi = yi + h * A[i, j] * ks[j]
        ks.append(f(t + c[i] * h, yi))
    return y + h * sum(bi * k for bi, k in zip(b, ks))


def odeint_fixed(f, y0, ts, method="rk4", substeps=1):
    ys = [y0]
    y = y0
    for t0, t1 in zip(ts[:-1], ts[1:]):
        h = (t1 - t0) / substeps
        for s in range(substeps):
            y = explicit_rk_step(f, t0 + s * h, y, h, TABLEAUS[method])
        ys.append(y)
    return torch.stack(ys)


# ---- convergence order on y' = -y -----------------------------------------------------------------
def decay(t, y):
    return -y


y0 = torch.tensor([1.0], dtype=torch.float64)
for method in TABLEAUS:
    A, b, c = TABLEAUS[method]
    TABLEAUS[method] = (A.double(), b.double(), c.double())
    errs = []
    for sub in (10, 20):
        ts = torch.tensor([0.0, 1.0], dtype=torch.float64)
        yT = odeint_fixed(decay, y0, ts, method, substeps=sub)[-1]
        errs.append((yT - math.exp(-1)).abs().item())
    print(f"{method:8s} order ~ {math.log2(errs[0] / errs[1]):.1f}")

# ---- Dormand-Prince 5(4) -----------------------------------------------------------------------------
DP_A = torch.tensor([
    [0, 0, 0, 0, 0, 0],
    [1 / 5, 0, 0, 0, 0, 0],
    [3 / 40, 9 / 40, 0, 0, 0, 0],
    [44 / 45, -56 / 15, 32 / 9, 0, 0, 0],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729, 0, 0],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656, 0]], dtype=torch.float64)
DP_B5 = torch.tensor([35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84], dtype=torch.float64)
DP_B4 = torch.tensor([5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40],
                     dtype=torch.float64)
DP_C = DP_A.sum(dim=1)
print("dopri c:", DP_C)


def dopri5(f, y0, t0, t1, rtol=1e-6, atol=1e-8, h=0.1):
    t, y = t0, y0
    accepted = rejected = 0
    while t < t1:
        h = min(h, t1 - t)
        k = []
        for i in range(6):
            yi = y + h * sum(DP_A[i, j] * k[j] for j in range(i)) if i else y
            k.append(f(t + DP_C[i].item() * h, yi))
        y5 = y + h * sum(DP_B5[i] * k[i] for i in range(6))
        k.append(f(t + h, y5))
        y4 = y + h * sum(DP_B4[i] * k[i] for i in range(7))
        scale = atol + rtol * torch.maximum(y.abs(), y5.abs())
        err = torch.sqrt(torch.mean(((y5 - y4) / scale) ** 2)).item()
        if err <= 1.0:
            t, y = t + h, y5
            accepted += 1
        else:
            rejected += 1
        h = h * min(5.0, max(0.2, 0.9 * err ** -0.2)) if err > 0 else h * 5.0
    return y, accepted, rejected


def oscillator(t, y):
    return torch.stack([y[1], -y[0]])


yT, acc, rej = dopri5(oscillator, torch.tensor([1.0, 0.0], dtype=torch.float64), 0.0, 2 * math.pi)
print("dopri5 one period:", yT, "steps accepted>5:", acc > 5)

# ---- training a neural ODE on a damped spiral -----------------------------------------------------
true_A = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]])
ts = torch.linspace(0.0, 2.0, 21)
with torch.no_grad():
    TABLEAUS["rk4"] = tuple(v.float() for v in TABLEAUS["rk4"])
    true_y0 = torch.tensor([[2.0, 0.0]])
    true_traj = odeint_fixed(lambda t, y: (y ** 3) @ true_A.T, true_y0, ts, "rk4", substeps=4)
print("true traj:", true_traj.shape, true_traj[-1])


class ODEFunc(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 2))
        for mod in self.net.modules():
            if isinstance(mod, nn.Linear):
                nn.init.normal_(mod.weight, mean=0, std=0.1)
                nn.init.constant_(mod.bias, val=0)
        self.nfe = 0

    def forward(self, t, y):
        self.nfe += 1
        return self.net(y ** 3)


func = ODEFunc()
opt = torch.optim.RMSprop(func.parameters(), lr=1e-3)
batch_time = 5
first = None
for it in range(40):
    opt.zero_grad()
    s = torch.randint(0, len(ts) - batch_time, (8,))
    b_y0 = true_traj[s, 0]
    b_t = ts[:batch_time]
    b_y = torch.stack([true_traj[s + i, 0] for i in range(batch_time)], dim=0)
    pred = odeint_fixed(func, b_y0, b_t, "rk4")
    loss = torch.mean(torch.abs(pred - b_y))
    loss.backward()
    opt.step()
    if first is None:
        first = loss.item()
print("nfe:", func.nfe, "loss decreased:", loss.item() < first, f"{first:.3f}")
with torch.no_grad():
    full = odeint_fixed(func, true_y0, ts, "midpoint")
    print("full rollout:", full.shape, "finite:", bool(torch.isfinite(full).all()))

# ---- Jacobian spectrum of the vector field ----------------------------------------------------------
y_probe = torch.tensor([0.5, -0.3])
J = torch.autograd.functional.jacobian(lambda y: func(0.0, y), y_probe)
print("J:", J.shape, J.dtype)
ev = torch.linalg.eigvals(true_A)
print("eigvals of A:", ev)
print("ev dtype:", ev.dtype, "real parts:", ev.real)
Jd = torch.autograd.functional.jacobian(lambda y: (y ** 3) @ true_A.T, y_probe)
print("Jacobian of true field:", Jd)
print("eigvals of J_true:", torch.linalg.eigvals(Jd))
w_J, V_J = torch.linalg.eig(Jd)
print("eigenvectors of J_true:", V_J)
print("damped oscillator modes:", torch.linalg.eig(torch.tensor([[0.0, 1.0], [-4.0, -0.4]])))
print("critically damped:", torch.linalg.eigvals(torch.tensor([[1.0, 3.0], [-3.0, -5.0]])))
vals, vecs = torch.linalg.eig(true_A.double())
print("eig reconstruction ok:",
      torch.allclose(vecs @ torch.diag(vals) @ torch.linalg.inv(vecs), true_A.double().to(torch.cdouble)))
try:
    torch.linalg.eigvals(torch.ones(2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
jac_fwd = torch.autograd.functional.jacobian(lambda y: (y ** 3) @ true_A.T, y_probe, vectorize=True,
                                             strategy="forward-mode")
print("forward-mode jacobian equal:", torch.allclose(jac_fwd, Jd))
H = torch.autograd.functional.hessian(lambda y: ((y ** 3) @ true_A.T).pow(2).sum(), y_probe)
print("hessian symmetric:", torch.allclose(H, H.T), H.shape)
