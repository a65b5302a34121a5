"""Numerical methods course, lectures 9-10: numerical linear algebra.  Power iteration with the
Rayleigh quotient, inverse iteration with a shift, Jacobi and Gauss-Seidel sweeps on a diagonally
dominant system, SOR, condition numbers (2-norm, 1-norm, fro, inf) and the effect of conditioning on
a perturbed right-hand side."""
import torch

torch.manual_seed(0)
torch.set_printoptions(precision=5, sci_mode=False)

n = 6
M = torch.randn(n, n, dtype=torch.float64)
A = M @ M.T + n * torch.eye(n, dtype=torch.float64)   # symmetric positive definite
evals = torch.linalg.eigvalsh(A)
print("eigenvalues:", evals.numpy().round(5).tolist())


def power_iteration(A, iters=200, tol=1e-12):
    v = torch.ones(A.shape[-1], dtype=A.dtype)
    v = v / torch.linalg.vector_norm(v)
    lam = 0.0
    for it in range(iters):
        w = A @ v
        v = w / w.norm()
        lam_new = torch.dot(v, A @ v).item()       # Rayleigh quotient
        if abs(lam_new - lam) < tol:
            break
        lam = lam_new
    return lam_new, v, it + 1


lam, v, its = power_iteration(A)
print(f"power iteration: lambda_max={lam:.6f} after {its} its; eigvalsh max={evals[-1].item():.6f}")
print("residual ||Av - lv||:", f"{(A @ v - lam * v).norm().item():.1e}" if (A @ v - lam * v).norm() > 1e-6 else "tiny")
lu = torch.linalg.lu_factor(A - 0.0 * torch.eye(n, dtype=A.dtype))
x = torch.ones(n, 1, dtype=A.dtype)
for _ in range(60):
    x = torch.linalg.lu_solve(*lu, x)
    x = x / x.norm()
rq = (x.T @ A @ x / (x.T @ x)).item()
print(f"inverse iteration lambda_min={rq:.6f}")

# batched Rayleigh quotients of random vectors lie between the extremes
Xs = torch.randn(5, n, dtype=torch.float64)
rqs = torch.einsum("bi,ij,bj->b", Xs, A, Xs) / (Xs * Xs).sum(1)
print("rayleigh quotients inside spectrum:", bool(((rqs >= evals[0]) & (rqs <= evals[-1])).all()))

# --- stationary iterations ----------------------------------------------------------------------
m = 8
T = 4 * torch.eye(m) - torch.diag(torch.ones(m - 1), 1) - torch.diag(torch.ones(m - 1), -1)
b = torch.arange(1.0, m + 1)
x_true = torch.linalg.solve(T, b)
print("direct solution:", x_true)


def jacobi(A, b, iters):
    D = torch.diagonal(A)
    R = A - torch.diag_embed(D)
    x = torch.zeros_like(b)
    res = []
    for _ in range(iters):
        x = (b - R @ x) / D
        res.append(torch.linalg.norm(b - A @ x).item())
    return x, res


def gauss_seidel(A, b, iters, omega=1.0):
    x = torch.zeros_like(b)
    res = []
    for _ in range(iters):
        for i in range(len(b)):
            sigma = A[i, :i] @ x[:i] + A[i, i + 1:] @ x[i + 1:]
            x[i] = (1 - omega) * x[i] + omega * (b[i] - sigma) / A[i, i]
        res.append(torch.linalg.norm(b - A @ x).item())
    return x, res


xj, rj = jacobi(T, b, 25)
xg, rg = gauss_seidel(T, b, 20)
xs, rs = gauss_seidel(T, b, 20, omega=1.1)
# float32 residuals below ~1e-5 are rounding noise: print the early ones, then only a threshold
print(f"jacobi   residual after 5: {rj[4]:.3e} converged: {rj[-1] < 1e-5}")
print(f"gs       residual after 5: {rg[4]:.3e} converged: {rg[-1] < 1e-5}")
print(f"sor(1.1) residual after 5: {rs[4]:.3e} converged: {rs[-1] < 1e-5}")
print("iterations to 1e-3:", [next(i for i, r in enumerate(h) if r < 1e-3) + 1 for h in (rj, rg, rs)])
print("jacobi solution:", xj.round(decimals=4))
print("gs == direct:", torch.allclose(xg, x_true, atol=1e-5))
D = torch.diag(torch.diagonal(T))
G = torch.eye(m) - torch.linalg.inv(D) @ T
rho = torch.linalg.eigvals(G).abs().max()
print(f"jacobi spectral radius: {rho.item():.5f}")
Lo = torch.tril(T)
Ggs = torch.eye(m) - torch.linalg.solve_triangular(Lo, T, upper=False)
print(f"gauss-seidel spectral radius: {torch.linalg.eigvals(Ggs).abs().max().item():.5f}")

# --- conditioning ---------------------------------------------------------------------------------
H = 1.0 / (torch.arange(1, 6, dtype=torch.float64).unsqueeze(1) + torch.arange(0, 5, dtype=torch.float64))
print("hilbert(5):")
print(H)
for p in (None, 1, 2, -2, "fro", "nuc", float("inf")):
    print(f"cond p={p}: {torch.linalg.cond(H, p=p).item():.5e}")
print("cond via svd:", f"{(lambda s: (s[0] / s[-1]).item())(torch.linalg.svdvals(H)):.5e}")
print("matrix_norm ord=1, inf:", torch.linalg.matrix_norm(H, ord=1).item(), torch.linalg.matrix_norm(H, ord=float("inf")).item())
bh = H.sum(1)
xh = torch.linalg.solve(H, bh)
db = 1e-8 * torch.randn(5, dtype=torch.float64)
xp = torch.linalg.solve(H, bh + db)
amp = ((xp - xh).norm() / xh.norm()) / (db.norm() / bh.norm())
print("error amplification <= cond:", bool(amp <= torch.linalg.cond(H)), f"{amp.item():.2e}" if False else "")
conds = torch.linalg.cond(torch.stack([torch.eye(3), torch.diag(torch.tensor([1.0, 10.0, 100.0]))]))
print("batched cond:", conds)
print("norm of T:", torch.linalg.norm(T), f"{torch.linalg.norm(T, 2).item():.4f}", torch.linalg.norm(b, float("inf")))
