"""LP relaxations solved with PyTorch, as in an optimisation course notebook: the fractional knapsack
by projected gradient ascent with clamp, Euclidean projection onto the simplex (sort + cumsum), a
transportation LP with a log-barrier solved by Newton's method (torch.autograd.functional.hessian and
torch.linalg.solve), a constraint handled by torch.nn.utils.parametrize, and an nn.Module holding the
decision variables, trained with optim.Adam, a scheduler and gradient clipping."""
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as P
from torch.autograd.functional import hessian, jacobian

torch.manual_seed(5)
torch.set_printoptions(precision=3)

# fractional knapsack: max v.x s.t. w.x <= W, 0 <= x <= 1
v = torch.randint(5, 30, (8,)).double()
w = torch.randint(2, 15, (8,)).double()
W = 30.0
print("values:", v.long().tolist(), " weights:", w.long().tolist())
ratio = v / w
order = torch.argsort(ratio, descending=True, stable=True)
cum = torch.cumsum(w[order], 0)
x_greedy = torch.zeros(8, dtype=torch.float64)
full = cum <= W
x_greedy[order[full]] = 1.0
k = int(full.sum())
if k < 8:
    x_greedy[order[k]] = (W - (cum[k - 1] if k > 0 else 0.0)) / w[order[k]]
print("greedy LP solution:", x_greedy)
print(f"LP value {(v @ x_greedy).item():.4f}  weight used {(w @ x_greedy).item():.4f}")

# the same LP through its Lagrangian dual: min_lam lam*W + sum max(0, v - lam*w)
lams = torch.linspace(0, 5, 5001, dtype=torch.float64)
dual = lams * W + torch.clamp(v[None, :] - lams[:, None] * w[None, :], min=0).sum(1)
print(f"dual bound {dual.min().item():.4f} at lambda {lams[dual.argmin()].item():.3f}")

# projected gradient ascent on a penalised version
x = torch.full((8,), 0.5, dtype=torch.float64, requires_grad=True)
mu = 20.0
for it in range(3000):
    obj = v @ x - mu * torch.relu(w @ x - W) ** 2
    g, = torch.autograd.grad(obj, x)
    with torch.no_grad():
        x += 0.002 * g
        x.clamp_(0.0, 1.0)
print("projected gradient x:", x.detach())
print(f"value {(v @ x).item():.2f}")


def project_simplex(y):
    u, _ = torch.sort(y, descending=True)
    css = torch.cumsum(u, dim=-1) - 1
    ind = torch.arange(1, y.shape[-1] + 1, dtype=y.dtype)
    cond = u - css / ind > 0
    rho = cond.cumsum(-1).argmax(-1, keepdim=True)
    theta = css.gather(-1, rho) / (rho + 1).to(y.dtype)
    return torch.clamp(y - theta, min=0)


Y = torch.randn(4, 5)
S = project_simplex(Y)
print(S)
print("rows sum to 1:", torch.allclose(S.sum(-1), torch.ones(4)), " nonneg:", bool((S >= 0).all()))

# a small transportation LP with a log barrier and Newton steps
supply = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
demand = torch.tensor([0.4, 0.4, 0.2], dtype=torch.float64)
Cst = torch.tensor([[1.0, 2.0, 3.0], [2.0, 1.0, 2.5], [3.0, 1.5, 1.0]], dtype=torch.float64)
A = torch.cat([torch.kron(torch.eye(3, dtype=torch.float64), torch.ones(1, 3, dtype=torch.float64)),
               torch.kron(torch.ones(1, 3, dtype=torch.float64), torch.eye(3, dtype=torch.float64))])
b = torch.cat([supply, demand])
print("constraint matrix rank:", torch.linalg.matrix_rank(A).item(), "of", tuple(A.shape))
c = Cst.flatten()
xk = torch.outer(supply, demand).flatten()


def barrier(x, t):
    return t * (c @ x) - torch.log(x).sum()


for t in (1.0, 10.0, 100.0, 1000.0):
    for _ in range(30):
        gk = jacobian(lambda z: barrier(z, t), xk)
        H = hessian(lambda z: barrier(z, t), xk)
        # KKT system for the equality-constrained Newton step (drop one redundant row)
        Ar = A[:-1]
        K = torch.cat([torch.cat([H, Ar.T], 1), torch.cat([Ar, torch.zeros(5, 5, dtype=torch.float64)], 1)])
        rhs = torch.cat([-gk, torch.zeros(5, dtype=torch.float64)])
        step = torch.linalg.solve(K, rhs)[:9]
        s = 1.0
        while (xk + s * step).min() <= 0:
            s *= 0.5
        xk = xk + 0.9 * s * step
    print(f"t={t:<7} cost {(c @ xk).item():.4f} residual {torch.linalg.vector_norm(A @ xk - b).item() < 1e-10}")
print(xk.view(3, 3))
# least-squares dual prices from the independent rows: A_r^T y ~ c
lstsq = torch.linalg.lstsq(A[:-1].T, c.unsqueeze(1))
y = lstsq.solution.squeeze(1)
print("dual estimate:", y, " residual:", f"{torch.linalg.vector_norm(A[:-1].T @ y - c).item():.4f}")


class Simplex(nn.Module):
    def forward(self, z):
        return torch.softmax(z, dim=-1)


class Allocation(nn.Module):
    def __init__(self, n_items, n_bins):
        super().__init__()
        self.plan = nn.Parameter(torch.zeros(n_items, n_bins))
        self.register_buffer("cap", torch.tensor([1.5, 1.0, 2.0]))

    def forward(self, sizes):
        load = sizes @ self.plan
        return load, torch.relu(load - self.cap)


model = Allocation(6, 3)
P.register_parametrization(model, "plan", Simplex())
print(model)
sizes = torch.rand(6) + 0.3
prefs = torch.rand(6, 3)
opt = torch.optim.Adam(model.parameters(), lr=0.2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
for step in range(100):
    load, over = model(sizes)
    loss = -(model.plan * prefs).sum() + 10 * (over ** 2).sum()
    opt.zero_grad()
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
    sched.step()
print("plan rows sum to 1:", torch.allclose(model.plan.sum(1), torch.ones(6)))
print("load:", load.detach(), "cap:", model.cap)
print("final lr:", f"{sched.get_last_lr()[0]:.6f}", " names:", [n for n, _ in model.named_parameters()])
print("parametrized:", P.is_parametrized(model), P.is_parametrized(model, "cap"))
print(sorted(model.state_dict().keys()))

try:
    torch.linalg.solve(torch.ones(3, 3), torch.ones(3))
except RuntimeError as e:
    print(type(e).__name__ + ":", e)
try:
    x.clamp_(min=torch.tensor(1.0))
except RuntimeError as e:
    print("RuntimeError:", e)
