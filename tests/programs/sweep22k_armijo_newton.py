"""Numerical-optimization course, lecture 3-4: gradient descent with a backtracking (Armijo) line
search and Newton's method built on torch.autograd.functional.hessian / jacobian and
torch.linalg.solve, on the classic Rosenbrock, Beale and Himmelblau test functions, with iterate
printouts and a convergence table at the end."""
import math

import torch
from torch.autograd.functional import hessian, jacobian

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def beale(x):
    return ((1.5 - x[0] + x[0] * x[1]) ** 2 + (2.25 - x[0] + x[0] * x[1] ** 2) ** 2
            + (2.625 - x[0] + x[0] * x[1] ** 3) ** 2)


def himmelblau(x):
    return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2


def grad_of(f, x):
    x = x.detach().requires_grad_(True)
    fx = f(x)
    (g,) = torch.autograd.grad(fx, x)
    return fx.detach(), g


def backtracking(f, x, fx, g, d, alpha0=1.0, rho=0.5, c=1e-4, max_halvings=50):
    """Shrink alpha until the Armijo sufficient-decrease condition holds."""
    alpha = alpha0
    slope = torch.dot(g, d)
    n = 0
    with torch.no_grad():
        while f(x + alpha * d) > fx + c * alpha * slope:
            alpha *= rho
            n += 1
            if n >= max_halvings:
                break
    return alpha, n


def gradient_descent(f, x0, tol=1e-6, max_iter=2000, verbose_every=0):
    x = x0.clone()
    history = []
    total_bt = 0
    for k in range(max_iter):
        fx, g = grad_of(f, x)
        gnorm = g.norm().item()
        history.append((k, fx.item(), gnorm))
        if gnorm < tol:
            break
        alpha, nbt = backtracking(f, x, fx, g, -g)
        total_bt += nbt
        x = x - alpha * g
        if verbose_every and k % verbose_every == 0:
            print(f"  GD k={k:4d} f={fx.item():.6e} |g|={gnorm:.3e} alpha={alpha:.3e}")
    return x, history, total_bt


def newton(f, x0, tol=1e-10, max_iter=50, damped=True):
    x = x0.clone()
    rows = []
    for k in range(max_iter):
        g = jacobian(f, x)
        H = hessian(f, x)
        gnorm = g.norm().item()
        rows.append((k, f(x).item(), gnorm))
        if gnorm < tol:
            break
        # fall back to a shifted Hessian if it is not positive definite
        eigs = torch.linalg.eigvalsh(H)
        if eigs.min() <= 0:
            H = H + (1e-3 - eigs.min()) * torch.eye(2)
        p = torch.linalg.solve(H, -g)
        alpha = 1.0
        if damped:
            alpha, _ = backtracking(f, x, f(x), g, p)
        x = x + alpha * p
    return x, rows


print("== gradient descent + Armijo on Rosenbrock ==")
x0 = torch.tensor([-1.2, 1.0])
xg, hist, nbt = gradient_descent(rosenbrock, x0, tol=1e-4, max_iter=150, verbose_every=50)
print(f"GD stopped after {len(hist)} iterations, {nbt} backtracking halvings")
print(f"x = {xg.numpy().round(3)}  f = {rosenbrock(xg).item():.3e}")

print("\n== Newton's method (damped) on Rosenbrock ==")
xn, rows = newton(rosenbrock, x0)
print(f"{'k':>3} {'f(x)':>12} {'|grad|':>12}")
for k, fk, gk in rows:
    print(f"{k:3d} {max(fk, 1e-16):12.4e} {max(gk, 1e-12):12.4e}")
print("x* =", xn.round(decimals=8))

print("\n== Hessian / gradient at the start point ==")
H0 = hessian(rosenbrock, x0)
g0 = jacobian(rosenbrock, x0)
print(H0)
print(g0)
print("eigvalsh:", torch.linalg.eigvalsh(H0).round(decimals=4))
print("cond:", f"{torch.linalg.cond(H0).item():.4f}")

print("\n== Newton from several starts on Himmelblau ==")
starts = torch.tensor([[0.0, 0.0], [-2.0, 3.0], [-3.0, -3.0], [3.5, -1.5]])
for s in starts:
    xs, rows = newton(himmelblau, s)
    print(f"start {s.tolist()} -> {xs.round(decimals=6).tolist()} in {len(rows) - 1} steps,"
          f" f<1e-12: {himmelblau(xs).item() < 1e-12}")

print("\n== Beale: GD vs Newton convergence table ==")
xb0 = torch.tensor([1.0, 1.0])
_, hist_gd, _ = gradient_descent(beale, xb0, tol=1e-3, max_iter=300)
xbn, rows_n = newton(beale, xb0)
print(f"{'method':<8}{'iters':>7}{'final f':>14}")
print(f"{'GD':<8}{len(hist_gd):>7}{hist_gd[-1][1]:>14.3e}")
print(f"{'Newton':<8}{len(rows_n):>7}{max(rows_n[-1][1], 1e-16):>14.3e}")
print("Newton x* =", [round(v, 6) for v in xbn.tolist()])

print("\n== quadratic convergence check: log10|g| ==")
logs = [math.log10(max(r[2], 1e-12)) for r in newton(rosenbrock, torch.tensor([1.2, 1.2]), damped=False)[1]]
print(" ".join(f"{v:.2f}" for v in logs))

print("\n== Hessian of a vector-input function via jacobian of the gradient ==")
def grad_fn(x):
    return torch.autograd.grad(rosenbrock(x), x, create_graph=True)[0]

xh = torch.tensor([0.5, 0.5], requires_grad=True)
Hj = jacobian(grad_fn, xh)
print(torch.allclose(Hj, hessian(rosenbrock, xh.detach())), Hj.shape)
J, = [jacobian(lambda a, b: torch.stack([a * b, a + b ** 2]), (torch.tensor(2.0), torch.tensor(3.0)))]
print(J)
Hb = hessian(lambda a, b: a ** 2 * b + b ** 3, (torch.tensor(1.0), torch.tensor(2.0)))
print(Hb)
print(hessian(rosenbrock, x0, create_graph=True).sum().item())
print(jacobian(lambda v: v ** 2, torch.randn(3)).diagonal().round(decimals=4))
