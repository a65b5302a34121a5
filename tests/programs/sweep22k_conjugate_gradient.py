"""Conjugate gradient, the way an optimization course builds it up: linear CG on a random SPD
system (residual history, A-conjugacy check, comparison with torch.linalg.solve / cholesky_solve,
Jacobi preconditioning), then nonlinear CG with Fletcher-Reeves and Polak-Ribiere(+) updates and an
Armijo backtracking line search on Rosenbrock and an extended (n-dimensional) Rosenbrock."""
import torch

torch.manual_seed(7)


def make_spd(n, cond=50.0, dtype=torch.float64):
    Q, _ = torch.linalg.qr(torch.randn(n, n, dtype=dtype))
    eig = torch.logspace(0, torch.log10(torch.tensor(cond)).item(), n, dtype=dtype)
    return Q @ torch.diag(eig) @ Q.T


def linear_cg(A, b, x0=None, tol=1e-8, max_iter=None, M_inv=None):
    n = b.shape[0]
    x = torch.zeros_like(b) if x0 is None else x0.clone()
    r = b - A @ x
    z = r if M_inv is None else M_inv * r
    p = z.clone()
    rz = torch.dot(r, z)
    hist = [r.norm().item()]
    dirs = [p]
    for k in range(max_iter or n):
        Ap = A @ p
        alpha = rz / torch.dot(p, Ap)
        x.add_(alpha * p)
        r.sub_(alpha * Ap)
        hist.append(r.norm().item())
        if hist[-1] < tol * hist[0]:
            break
        z = r if M_inv is None else M_inv * r
        rz_new = torch.dot(r, z)
        beta = rz_new / rz
        p = z + beta * p
        rz = rz_new
        dirs.append(p)
    return x, hist, torch.stack(dirs)


n = 12
A = make_spd(n, cond=10.0)
b = torch.randn(n, dtype=torch.float64)
x_cg, hist, P = linear_cg(A, b)
x_ref = torch.linalg.solve(A, b)
print(f"linear CG: {len(hist) - 1} iterations for n={n}")
print("relative residuals:", " ".join(f"{h / hist[0]:.1e}" for h in hist[:5]))
print("max |x_cg - x_solve| < 1e-8:", (x_cg - x_ref).abs().max().item() < 1e-8)
L = torch.linalg.cholesky(A)
x_ch = torch.cholesky_solve(b.unsqueeze(-1), L).squeeze(-1)
print("cholesky_solve agrees:", torch.allclose(x_ch, x_ref))
G = P @ A @ P.T
off = G - torch.diag(torch.diagonal(G))
print("A-conjugate to 1e-6:", (off.abs().max() / G.diagonal().abs().max()).item() < 1e-6)
print("eigenvalue range: %.3f .. %.3f" % tuple(torch.linalg.eigvalsh(A)[[0, -1]].tolist()))

# badly scaled system: Jacobi preconditioner helps
D = torch.diag(torch.logspace(0, 1, n, dtype=torch.float64))
As = D @ A @ D
_, h_plain, _ = linear_cg(As, b, max_iter=200)
_, h_jac, _ = linear_cg(As, b, max_iter=200, M_inv=1.0 / torch.diagonal(As))
print(f"scaled system: plain CG {len(h_plain) - 1} its, Jacobi-PCG {len(h_jac) - 1} its")

# float32 CG, few steps, printed coarsely
A32, b32 = A.float(), b.float()
x32, h32, _ = linear_cg(A32, b32, max_iter=5)
print("float32 after 5 steps:", x32[:4].round(decimals=3), x32.dtype)


# ---- nonlinear CG ---------------------------------------------------------------------------
def rosen(x):
    return ((1 - x[:-1]) ** 2 + 100 * (x[1:] - x[:-1] ** 2) ** 2).sum()


def f_and_g(f, x):
    x = x.detach().requires_grad_()
    y = f(x)
    y.backward()
    return y.item(), x.grad


def armijo(f, x, fx, g, d, a=1.0, rho=0.5, c=1e-4):
    gd = torch.dot(g, d).item()
    while True:
        with torch.no_grad():
            if f(x + a * d).item() <= fx + c * a * gd or a < 1e-12:
                return a
        a *= rho


def nonlinear_cg(f, x0, rule="FR", iters=60, restart=None, tol=1e-6):
    x = x0.clone()
    fx, g = f_and_g(f, x)
    d = -g
    restarts = 0
    for k in range(iters):
        if g.norm() < tol:
            break
        if torch.dot(g, d) >= 0:  # not a descent direction: restart
            d = -g
            restarts += 1
        a = armijo(f, x, fx, g, d)
        x = x + a * d
        fx, g_new = f_and_g(f, x)
        if rule == "FR":
            beta = torch.dot(g_new, g_new) / torch.dot(g, g)
        elif rule == "PR":
            beta = torch.dot(g_new, g_new - g) / torch.dot(g, g)
        else:  # PR+
            beta = torch.clamp(torch.dot(g_new, g_new - g) / torch.dot(g, g), min=0)
        if restart and (k + 1) % restart == 0:
            beta = torch.zeros(())
        d = -g_new + beta * d
        g = g_new
    return x, fx, k, restarts


x0 = torch.tensor([-1.2, 1.0], dtype=torch.float64)
print(f"\n{'rule':<6}{'iters':>6}{'restarts':>9}{'f':>11}   x")
for rule in ["FR", "PR", "PR+"]:
    x, fx, k, nr = nonlinear_cg(rosen, x0, rule=rule, restart=2 if rule == "FR" else None)
    print(f"{rule:<6}{k:>6}{nr:>9}{fx:>11.2e}   {[round(v, 3) for v in x.tolist()]}")

x0 = torch.linspace(-1, 1, 6, dtype=torch.float64)
x, fx, k, nr = nonlinear_cg(rosen, x0, rule="PR+", iters=60)
print(f"extended Rosenbrock n=6: f={fx:.3e} after {k} its; x={x.numpy().round(2)}")

# quadratic sanity check: nonlinear CG with exact line search == linear CG
Q = make_spd(5, cond=10.0)
c = torch.randn(5, dtype=torch.float64)
xk = torch.zeros(5, dtype=torch.float64)
g = Q @ xk - c
d = -g
for k in range(5):
    alpha = -torch.dot(g, d) / torch.dot(d, Q @ d)
    xk = xk + alpha * d
    g_new = Q @ xk - c
    d = -g_new + (g_new @ g_new) / (g @ g) * d
    g = g_new
print("exact-line-search FR on a quadratic, 5 steps: |grad| < 1e-10:", g.norm().item() < 1e-10)
print("solution:", xk.round(decimals=4))
