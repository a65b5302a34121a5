"""Constrained and nonsmooth optimization with torch, from a convex-optimization course: projected
gradient descent onto a box (clamp) and onto the probability simplex (the sort / cumsum projection
of Duchi et al.), ISTA and FISTA for the lasso with soft thresholding, a quadratic-penalty method and
an augmented Lagrangian for an equality-constrained problem, and Beale / Himmelblau with box bounds."""
import torch
import torch.nn.functional as F

torch.manual_seed(3)


# ---- projections ----------------------------------------------------------------------------
def project_box(x, lo, hi):
    return torch.clamp(x, min=lo, max=hi)


def project_simplex(v, z=1.0):
    """Euclidean projection of each row of v onto {w >= 0, sum w = z}."""
    mu, _ = torch.sort(v, dim=-1, descending=True)
    cssv = torch.cumsum(mu, dim=-1) - z
    ind = torch.arange(1, v.shape[-1] + 1, dtype=v.dtype, device=v.device)
    cond = mu - cssv / ind > 0
    rho = cond.sum(dim=-1, keepdim=True)  # number of positive entries
    theta = torch.gather(cssv, -1, rho - 1) / rho.to(v.dtype)
    return torch.clamp(v - theta, min=0)


v = torch.tensor([[0.5, 1.2, -0.3, 0.1], [3.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
w = project_simplex(v)
print("simplex projection:\n", w)
print("row sums:", w.sum(-1), " min:", w.min().item())
print("batched random rows sum to 1:", torch.allclose(project_simplex(torch.randn(5, 7)).sum(-1), torch.ones(5)))
print("box:", project_box(torch.tensor([-2.0, 0.3, 5.0]), torch.tensor(-1.0), torch.tensor([1.0, 0.2, 4.0])))

# projected gradient on a quadratic over the simplex: min 0.5 x^T Q x + c^T x
n = 6
M = torch.randn(n, n, dtype=torch.float64)
Q = M @ M.T + 0.5 * torch.eye(n, dtype=torch.float64)
c = torch.randn(n, dtype=torch.float64)
L = torch.linalg.eigvalsh(Q).max()
x = torch.full((n,), 1.0 / n, dtype=torch.float64, requires_grad=True)
for k in range(200):
    f = 0.5 * x @ Q @ x + c @ x
    (g,) = torch.autograd.grad(f, x)
    with torch.no_grad():
        x.copy_(project_simplex(x - g / L))
    if k in (0, 10, 50, 199):
        print(f"  PGD simplex k={k:3d} f={f.item():.6f}")
print("x* =", x.detach().round(decimals=4), " support:", (x > 1e-8).nonzero().flatten().tolist())

# box-constrained Himmelblau and Beale with projected gradient + step halving
def himmelblau(p):
    return (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2


def beale(p):
    return ((1.5 - p[0] + p[0] * p[1]) ** 2 + (2.25 - p[0] + p[0] * p[1] ** 2) ** 2
            + (2.625 - p[0] + p[0] * p[1] ** 3) ** 2)


for fn, start, lo, hi in [(himmelblau, [0.0, 0.0], [-1.0, -1.0], [2.0, 2.0]),
                          (beale, [1.0, 1.0], [0.0, 0.0], [2.0, 0.4])]:
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    lo_t, hi_t = torch.tensor(lo, dtype=torch.float64), torch.tensor(hi, dtype=torch.float64)
    step = 0.1
    for k in range(100):
        fval = fn(p)
        g, = torch.autograd.grad(fval, p)
        with torch.no_grad():
            while True:
                cand = torch.max(torch.min(p - step * g, hi_t), lo_t)
                if fn(cand) <= fval or step < 1e-8:
                    break
                step /= 2
            p.copy_(cand)
    active = ((p - lo_t).abs() < 1e-9) | ((p - hi_t).abs() < 1e-9)
    print(f"{fn.__name__:>10}: p={[round(v, 4) for v in p.tolist()]} f={fn(p).item():.4f} active={active.tolist()}")

# ---- lasso: ISTA and FISTA ------------------------------------------------------------------
def soft_threshold(x, lam):
    return torch.sign(x) * torch.clamp(x.abs() - lam, min=0.0)


m, d = 40, 15
A = torch.randn(m, d, dtype=torch.float64)
x_true = torch.zeros(d, dtype=torch.float64)
x_true[[1, 4, 9]] = torch.tensor([2.0, -1.5, 1.0], dtype=torch.float64)
b = A @ x_true + 0.05 * torch.randn(m, dtype=torch.float64)
lam = 2.0
Lf = torch.linalg.matrix_norm(A, ord=2) ** 2


def lasso_obj(x):
    return 0.5 * (A @ x - b).pow(2).sum() + lam * x.abs().sum()


def grad_smooth(x):
    x = x.detach().requires_grad_(True)
    loss = 0.5 * (A @ x - b).pow(2).sum()
    loss.backward()
    return x.grad


print("\nLasso, lambda =", lam)
print(f"{'it':>4} {'ISTA':>12} {'FISTA':>12}")
x_i = torch.zeros(d, dtype=torch.float64)
x_f = torch.zeros(d, dtype=torch.float64)
y_f, t_k = x_f.clone(), 1.0
for k in range(1, 151):
    x_i = soft_threshold(x_i - grad_smooth(x_i) / Lf, lam / Lf)
    x_new = soft_threshold(y_f - grad_smooth(y_f) / Lf, lam / Lf)
    t_new = (1 + (1 + 4 * t_k ** 2) ** 0.5) / 2
    y_f = x_new + ((t_k - 1) / t_new) * (x_new - x_f)
    x_f, t_k = x_new, t_new
    if k in (1, 5, 20, 50, 150):
        print(f"{k:4d} {lasso_obj(x_i).item():12.5f} {lasso_obj(x_f).item():12.5f}")
print("FISTA nonzeros:", torch.nonzero(x_f.abs() > 1e-6).flatten().tolist())
print("FISTA coef:", x_f[[1, 4, 9]].round(decimals=3))
print("softshrink agrees:", torch.allclose(F.softshrink(x_f - 0.1, 0.05), soft_threshold(x_f - 0.1, 0.05)))
print("float32 soft threshold:", soft_threshold(torch.tensor([-1.0, -0.2, 0.0, 0.3, 2.0]), 0.25))

# ---- equality constraint: min x^2 + 2y^2 + z^2  s.t.  x + y + z = 1,  x - y = 0.2 -----------
def obj(x):
    return x[0] ** 2 + 2 * x[1] ** 2 + x[2] ** 2


def cons(x):
    return torch.stack([x.sum() - 1, x[0] - x[1] - 0.2])


print("\nquadratic penalty")
for mu in [1.0, 10.0, 100.0, 1000.0]:
    x = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([x], lr=1, max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = obj(x) + 0.5 * mu * cons(x).pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    print(f"  mu={mu:7.1f} x={x.detach().numpy().round(4)} |c(x)|={cons(x).norm().item():.2e}")

print("augmented Lagrangian")
x = torch.zeros(3, dtype=torch.float64, requires_grad=True)
lmbda = torch.zeros(2, dtype=torch.float64)
mu = 10.0
for outer in range(6):
    opt = torch.optim.LBFGS([x], lr=1, max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        c_x = cons(x)
        loss = obj(x) + lmbda @ c_x + 0.5 * mu * c_x.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        lmbda += mu * cons(x)
    print(f"  outer {outer}: x={x.detach().numpy().round(5)} lambda={lmbda.numpy().round(4)}"
          f" viol={max(cons(x).norm().item(), 1e-10):.1e}")
# KKT check against the closed form solution of the linear system
K = torch.tensor([[2.0, 0, 0, 1, 1], [0, 4, 0, 1, -1], [0, 0, 2, 1, 0],
                  [1, 1, 1, 0, 0], [1, -1, 0, 0, 0]], dtype=torch.float64)
rhs = torch.tensor([0, 0, 0, 1, 0.2], dtype=torch.float64)
sol = torch.linalg.solve(K, rhs)
print("KKT solution:", sol[:3].round(decimals=5), "multipliers:", (-sol[3:]).round(decimals=4))
