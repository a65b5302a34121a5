"""Numerical methods course, lecture 1: root finding.  Newton's method with derivatives from
torch.autograd.grad (scalar and batched), the secant method, bisection on a batch of brackets with
torch.where, and Newton for a 2x2 nonlinear system with the Jacobian from autograd."""
import math

import torch

torch.set_printoptions(precision=6)


def f(x):
    return x ** 3 - 2 * x - 5


def newton(fun, x0, tol=1e-12, max_iter=50):
    x = x0.clone().requires_grad_(True)
    history = []
    for it in range(max_iter):
        fx = fun(x)
        (dfx,) = torch.autograd.grad(fx.sum(), x)
        with torch.no_grad():
            step = fx / dfx
            x_new = x - step
        history.append(step.abs().max().item())
        x = x_new.detach().requires_grad_(True)
        if step.abs().max() < tol:
            break
    return x.detach(), it + 1, history


root, iters, hist = newton(f, torch.tensor(2.0, dtype=torch.float64))
print(f"newton root of x^3-2x-5: {root.item():.10f} in {iters} iterations")
print("quadratic convergence ratios:", [round(hist[i + 1] / hist[i] ** 2, 2) for i in range(1, 3)])

# batched Newton: cube roots of several numbers
targets = torch.tensor([2.0, 3.0, 10.0, 27.0, 0.5], dtype=torch.float64)
cbrt, iters, _ = newton(lambda x: x ** 3 - targets, torch.ones(5, dtype=torch.float64))
print("cube roots:", cbrt.numpy().round(8).tolist(), "iters", iters)
print("check:", torch.allclose(cbrt ** 3, targets))


def secant(fun, x0, x1, tol=1e-12, max_iter=100):
    f0, f1 = fun(x0), fun(x1)
    for it in range(max_iter):
        x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
        x0, f0 = x1, f1
        x1, f1 = x2, fun(x2)
        if abs(x1 - x0) < tol:
            break
    return x1, it + 1


r, n = secant(lambda x: math.cos(x) - x, 0.0, 1.0)
print(f"secant root of cos(x)=x: {r:.10f} ({n} iterations)")
rt, n = secant(lambda x: torch.cos(x) - x, torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
print(f"secant with tensors: {rt.item():.10f} {rt.dtype}")


def bisection(fun, a, b, iters=40):
    fa = fun(a)
    for _ in range(iters):
        m = (a + b) / 2
        fm = fun(m)
        left = torch.sign(fm) == torch.sign(fa)
        a = torch.where(left, m, a)
        fa = torch.where(left, fm, fa)
        b = torch.where(left, b, m)
    return (a + b) / 2, b - a


# roots of x^2 - c for a batch of c, and of sin on brackets around k*pi
c = torch.tensor([2.0, 3.0, 5.0, 7.0], dtype=torch.float64)
r, width = bisection(lambda x: x * x - c, torch.zeros(4, dtype=torch.float64), torch.full((4,), 4.0, dtype=torch.float64))
print("bisection sqrt:", r.numpy().round(8).tolist())
print("bracket width:", f"{width.max().item():.3e}")
print("vs torch.sqrt:", (r - c.sqrt()).abs().max().item() < 1e-10)
k = torch.arange(1, 5, dtype=torch.float32)
r32, _ = bisection(torch.sin, k * math.pi - 0.5, k * math.pi + 0.7, iters=30)
print("sin roots / pi:", (r32 / math.pi).round(decimals=4))

# Newton for a system: x^2 + y^2 = 4, x*y = 1
def F(v):
    x, y = v[0], v[1]
    return torch.stack([x ** 2 + y ** 2 - 4, x * y - 1])


v = torch.tensor([2.0, 0.5], dtype=torch.float64)
for it in range(8):
    J = torch.autograd.functional.jacobian(F, v)
    dv = torch.linalg.solve(J, -F(v))
    v = v + dv
    print(f"iter {it}: |dv|={dv.norm().item():.2e}" if dv.norm() > 1e-9 else f"iter {it}: converged")
    if dv.norm() < 1e-12:
        break
print("solution:", v.numpy().round(10).tolist())
print("residual small:", F(v).abs().max().item() < 1e-12)

# Newton with create_graph: Halley's method uses the second derivative too
def halley(fun, x, n=5):
    for _ in range(n):
        x = x.detach().requires_grad_(True)
        fx = fun(x)
        (d1,) = torch.autograd.grad(fx, x, create_graph=True)
        (d2,) = torch.autograd.grad(d1, x)
        x = x - 2 * fx * d1 / (2 * d1 ** 2 - fx * d2)
    return x.detach()


h = halley(f, torch.tensor(2.0, dtype=torch.float64))
print(f"halley root: {h.item():.10f}", h.requires_grad)
