"""ML-theory homework, week 1: ordinary least squares four ways. A synthetic design X (n x d) with an
intercept column, y = X w* + noise; solve with torch.linalg.lstsq (default driver and driver='gelsd'),
with the pseudo-inverse, with the normal equations via cholesky / cholesky_solve, and with QR; then
look at the design's conditioning (svdvals, matrix_rank, cond, matrix_norm) and at a rank-deficient
design where only the min-norm solution is unique."""
import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)

n, d = 40, 5
X = torch.randn(n, d, dtype=torch.float64)
X = torch.cat([torch.ones(n, 1, dtype=torch.float64), X], dim=1)
w_star = torch.tensor([0.5, 1.0, -2.0, 0.0, 3.0, -1.0], dtype=torch.float64)
y = X @ w_star + 0.1 * torch.randn(n, dtype=torch.float64)

# 1) lstsq, default driver (gelsy on CPU)
sol = torch.linalg.lstsq(X, y.unsqueeze(-1))
w_ls = sol.solution.squeeze(-1)
print("lstsq (default):", w_ls.round(decimals=4))
print("rank:", sol.rank, "residuals shape:", tuple(sol.residuals.shape), "sv shape:", tuple(sol.singular_values.shape))

# 2) lstsq with gelsd also returns rank and singular values
sol_d = torch.linalg.lstsq(X, y.unsqueeze(-1), driver="gelsd")
print("lstsq (gelsd):  ", sol_d.solution.squeeze(-1).round(decimals=4))
print("gelsd rank:", int(sol_d.rank), "singular values:", sol_d.singular_values.round(decimals=3))
print("residuals:", sol_d.residuals.shape, sol_d.residuals.dtype)

# 3) pseudo-inverse
w_pinv = torch.linalg.pinv(X) @ y
print("pinv:           ", w_pinv.round(decimals=4))

# 4) normal equations with a Cholesky factor
G = X.T @ X
L = torch.linalg.cholesky(G)
w_ne = torch.cholesky_solve((X.T @ y).unsqueeze(1), L).squeeze(1)
print("normal eqs:     ", w_ne.round(decimals=4))
U = torch.linalg.cholesky(G, upper=True)
w_ne_u = torch.cholesky_solve((X.T @ y).unsqueeze(1), U, upper=True).squeeze(1)
print("upper chol ok:", torch.allclose(w_ne, w_ne_u))

# 5) QR
Q, R = torch.linalg.qr(X)
w_qr = torch.linalg.solve_triangular(R, (Q.T @ y).unsqueeze(1), upper=True).squeeze(1)
print("qr:             ", w_qr.round(decimals=4))
print("Q shape:", tuple(Q.shape), "R upper:", torch.allclose(R, R.triu()))

for name, w in [("pinv", w_pinv), ("normal", w_ne), ("qr", w_qr)]:
    print(f"max |w_ls - w_{name}| < 1e-8:", bool((w_ls - w).abs().max() < 1e-8))

resid = y - X @ w_ls
print(f"train MSE: {resid.pow(2).mean().item():.5f}")
print(f"R^2: {1 - resid.pow(2).sum().item() / (y - y.mean()).pow(2).sum().item():.5f}")
print(f"estimated sigma^2: {resid.pow(2).sum().item() / (n - d - 1):.5f}")
cov = resid.pow(2).sum() / (n - d - 1) * torch.linalg.inv(G)
se = cov.diagonal().sqrt()
print("std errors:", se.round(decimals=4))
print("t stats:", (w_ls / se).round(decimals=1))

# conditioning of the design
s = torch.linalg.svdvals(X)
print("svdvals:", s.round(decimals=3))
print("matrix_rank:", torch.linalg.matrix_rank(X).item())
print(f"cond (2-norm): {torch.linalg.cond(X).item():.4f}  ratio: {(s[0] / s[-1]).item():.4f}")
print(f"cond fro of G: {torch.linalg.cond(G, 'fro').item():.3f}")
for ord in ["fro", "nuc", 2, -2, 1, -1, float("inf")]:
    print(f"matrix_norm ord={ord}: {torch.linalg.matrix_norm(X, ord=ord).item():.4f}")
print(f"vector_norm of y: {torch.linalg.vector_norm(y).item():.4f}, norm(X): {torch.linalg.norm(X).item():.4f}")

# rank-deficient design: duplicate a column
Xd = torch.cat([X, X[:, 1:2] * 2.0], dim=1)
print("rank deficient rank:", torch.linalg.matrix_rank(Xd).item(), "of", Xd.shape[1])
print("rank with tol:", torch.linalg.matrix_rank(Xd, atol=1e-6, rtol=0.0).item(),
      torch.linalg.matrix_rank(Xd, hermitian=False, rtol=1e-3).item())
sd = torch.linalg.lstsq(Xd, y, driver="gelsd")
w_mn = torch.linalg.pinv(Xd) @ y
print("gelsd rank:", sd.rank.item())
print("gelsd == pinv (min norm):", torch.allclose(sd.solution, w_mn, atol=1e-8))
print("min-norm solution:", w_mn.round(decimals=4))
print(f"||w_mn||: {w_mn.norm().item():.4f}")

# batched lstsq: one regression per target
Y = torch.stack([y, 2 * y, -y + 1], dim=1)
W = torch.linalg.lstsq(X, Y).solution
print("multi-target W:\n", W.round(decimals=3))
Xb = torch.randn(3, 10, 2, dtype=torch.float64)
yb = torch.randn(3, 10, 1, dtype=torch.float64)
Wb = torch.linalg.lstsq(Xb, yb).solution
print("batched solution shape:", tuple(Wb.shape))
print(Wb.squeeze(-1).round(decimals=4))

# float32 design
X32 = X.float()
w32 = torch.linalg.lstsq(X32, y.float()).solution
print("float32:", w32.dtype, w32.round(decimals=2))
