"""Nonlinear least squares, as in a numerical-optimization course notebook: fit
y = a * exp(-b t) + c and a Michaelis-Menten model with Gauss-Newton (normal equations through
torch.linalg.solve and through torch.linalg.lstsq) and with Levenberg-Marquardt (adaptive damping
lambda, accepted / rejected steps), residual Jacobians from torch.autograd.functional.jacobian,
printing a convergence table and the parameter covariance."""
import torch
from torch.autograd.functional import jacobian

torch.manual_seed(42)

# ---- synthetic data -------------------------------------------------------------------------
t = torch.linspace(0, 4, 25, dtype=torch.float64)
true = torch.tensor([2.5, 1.3, 0.5], dtype=torch.float64)


def model(p, t):
    a, b, c = p
    return a * torch.exp(-b * t) + c


y = model(true, t) + 0.02 * torch.randn(t.shape, dtype=torch.float64)


def residuals(p):
    return model(p, t) - y


def sse(p):
    r = residuals(p)
    return 0.5 * (r @ r)


# ---- Gauss-Newton ---------------------------------------------------------------------------
def gauss_newton(p0, iters=10, use_lstsq=False):
    p = p0.clone()
    print(f"{'it':>3} {'0.5*|r|^2':>12} {'|step|':>10}  params")
    for k in range(iters):
        r = residuals(p)
        J = jacobian(residuals, p)
        if use_lstsq:
            step = torch.linalg.lstsq(J, -r.unsqueeze(1)).solution.squeeze(1)
        else:
            step = torch.linalg.solve(J.T @ J, -J.T @ r)
        p = p + step
        print(f"{k:3d} {sse(p).item():12.6f} {step.norm().item():10.2e}  {p.numpy().round(4)}")
        if step.norm() < 1e-8:
            break
    return p


print("Gauss-Newton (normal equations)")
p_gn = gauss_newton(torch.tensor([2.0, 1.0, 0.8], dtype=torch.float64))
print("\nGauss-Newton (lstsq)")
p_ls = gauss_newton(torch.tensor([2.0, 1.0, 0.8], dtype=torch.float64), iters=6, use_lstsq=True)
print("same answer:", torch.allclose(p_gn, p_ls, atol=1e-8))


# ---- Levenberg-Marquardt --------------------------------------------------------------------
def levenberg_marquardt(fun, p0, lam=1e-2, iters=30, up=10.0, down=0.1, tol=1e-9):
    p = p0.clone()
    cost = 0.5 * fun(p).pow(2).sum()
    table = []
    for k in range(iters):
        r = fun(p)
        J = jacobian(fun, p)
        g = J.T @ r
        A = J.T @ J
        step = torch.linalg.solve(A + lam * torch.diag(torch.diagonal(A)), -g)
        new_cost = 0.5 * fun(p + step).pow(2).sum()
        accepted = bool(new_cost < cost)
        table.append((k, cost.item(), lam, accepted))
        if accepted:
            p, cost = p + step, new_cost
            lam *= down
        else:
            lam *= up
        if g.abs().max() < tol:
            break
    return p, table


print("\nLevenberg-Marquardt from a bad start")
p_lm, table = levenberg_marquardt(residuals, torch.tensor([0.1, 5.0, 2.0], dtype=torch.float64))
print(f"{'it':>3} {'cost':>12} {'lambda':>10} {'ok':>4}")
for k, c, lam, ok in table[:12]:
    print(f"{k:3d} {c:12.6f} {lam:10.1e} {'yes' if ok else 'no':>4}")
print(f"... {len(table)} iterations, {sum(1 for row in table if not row[3])} rejected")
print("LM params:", p_lm.numpy().round(4), " true:", true.numpy())

# ---- covariance and standard errors ---------------------------------------------------------
J = jacobian(residuals, p_lm)
dof = t.numel() - p_lm.numel()
s2 = (residuals(p_lm) ** 2).sum() / dof
cov = s2 * torch.linalg.inv(J.T @ J)
se = cov.diagonal().sqrt()
print("sigma^2 = %.3e" % s2.item())
for name, v, e in zip("abc", p_lm.tolist(), se.tolist()):
    print(f"  {name} = {v:.4f} +/- {e:.4f}")
corr = cov / torch.outer(se, se)
print("correlation:\n", corr.round(decimals=3))

# ---- Michaelis-Menten, float32, with a two-parameter closure ---------------------------------
S = torch.tensor([0.038, 0.194, 0.425, 0.626, 1.253, 2.500, 3.740])
rate = torch.tensor([0.050, 0.127, 0.094, 0.2122, 0.2729, 0.2665, 0.3317])


def mm_res(beta):
    return rate - beta[0] * S / (beta[1] + S)


beta = torch.tensor([0.9, 0.2])
print("\nMichaelis-Menten (float32) Gauss-Newton")
for k in range(6):
    r = mm_res(beta)
    J = jacobian(mm_res, beta)
    beta = beta - torch.linalg.pinv(J) @ r
    print(f"  it {k}: beta = [{beta[0].item():.4f}, {beta[1].item():.4f}]  SSE = {r.pow(2).sum().item():.5f}")
print("J dtype/shape:", J.dtype, tuple(J.shape))
Q, R = torch.linalg.qr(J)
print("R diag sign-free:", R.diagonal().abs().round(decimals=3))
print("rank:", torch.linalg.matrix_rank(J).item(), " svals:", torch.linalg.svdvals(J).round(decimals=3))
