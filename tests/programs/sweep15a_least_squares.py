"""Numerical linear algebra homework (week 4): solving Ax = b three ways.

Fits a polynomial by least squares with the normal equations + Cholesky, with QR +
triangular solves, with torch.linalg.lstsq and with the pseudo-inverse; implements classical
and modified Gram-Schmidt and compares them with torch.linalg.qr; explores determinants,
condition numbers, ranks, norms and Kronecker products; differentiates through a solve."""
import torch

torch.manual_seed(5)
torch.set_printoptions(precision=4, sci_mode=False)
dtype = torch.float64

# --- polynomial regression -------------------------------------------------------------------
x = torch.linspace(-1, 1, 25, dtype=dtype)
y_true = 1.0 - 2.0 * x + 0.5 * x ** 3
y = y_true + 0.05 * torch.randn(25, dtype=dtype)
A = torch.linalg.vander(x, N=4)            # columns 1, x, x^2, x^3
print("Vandermonde:", A.shape, A[:2])
print("vander equals stacking powers:", torch.allclose(A, torch.stack([x ** k for k in range(4)], dim=1)))

# 1) normal equations with Cholesky
G = A.T @ A
L = torch.linalg.cholesky(G)
print("cholesky L lower-triangular:", torch.equal(L, L.tril()))
z = torch.linalg.solve_triangular(L, (A.T @ y).unsqueeze(1), upper=False)
coef_ne = torch.linalg.solve_triangular(L.T, z, upper=True).squeeze(1)
print("normal equations:", coef_ne)
print("cholesky_solve:", torch.cholesky_solve((A.T @ y).unsqueeze(1), L).squeeze(1))
U = torch.linalg.cholesky(G, upper=True)
print("upper factor is L^T:", torch.allclose(U, L.T))

# 2) QR
Q, R = torch.linalg.qr(A)
print("Q:", Q.shape, "R:", R.shape, "Q^T Q = I:", torch.allclose(Q.T @ Q, torch.eye(4, dtype=dtype)))
coef_qr = torch.linalg.solve_triangular(R, (Q.T @ y).unsqueeze(1), upper=True).squeeze(1)
print("QR:", coef_qr)
Qc, Rc = torch.linalg.qr(A, mode="complete")
print("complete mode:", Qc.shape, Rc.shape, "r mode:", torch.linalg.qr(A, mode="r").R.shape)

# 3) lstsq and pinv
sol = torch.linalg.lstsq(A, y.unsqueeze(1))
print("lstsq:", sol.solution.squeeze(1))
print("lstsq fields:", sol.residuals.shape, sol.rank, sol.singular_values)
for driver in ["gelsy", "gelsd", "gelss", "gels"]:
    s = torch.linalg.lstsq(A, y.unsqueeze(1), driver=driver)
    print(f"  driver={driver}: rank={s.rank} close={torch.allclose(s.solution.squeeze(1), coef_qr)}")
coef_pinv = torch.linalg.pinv(A) @ y
print("pinv:", coef_pinv)
residual = y - A @ coef_qr
print(f"residual norm: {torch.linalg.vector_norm(residual).item():.4f}, "
      f"orthogonal to columns: {torch.allclose(A.T @ residual, torch.zeros(4, dtype=dtype), atol=1e-10)}")
print(f"R^2: {1 - residual.pow(2).sum().item() / (y - y.mean()).pow(2).sum().item():.4f}")


# --- Gram-Schmidt ----------------------------------------------------------------------------
def classical_gs(V):
    Q = torch.zeros_like(V)
    for j in range(V.shape[1]):
        v = V[:, j].clone()
        for i in range(j):
            v -= (Q[:, i] @ V[:, j]) * Q[:, i]
        Q[:, j] = v / v.norm()
    return Q


def modified_gs(V):
    V = V.clone()
    Q = torch.zeros_like(V)
    for j in range(V.shape[1]):
        Q[:, j] = V[:, j] / V[:, j].norm()
        for k in range(j + 1, V.shape[1]):
            V[:, k] -= (Q[:, j] @ V[:, k]) * Q[:, j]
    return Q


eps = 1e-7
H = torch.tensor([[1, 1, 1], [eps, 0, 0], [0, eps, 0], [0, 0, eps]], dtype=dtype)
for name, fn in [("classical", classical_gs), ("modified", modified_gs)]:
    Qg = fn(H)
    loss = torch.linalg.matrix_norm(Qg.T @ Qg - torch.eye(3, dtype=dtype)).item()
    print(f"{name:9s} GS loss of orthogonality: {loss:.2e}")
Qh, Rh = torch.linalg.qr(H)
print(f"householder QR loss: {torch.linalg.matrix_norm(Qh.T @ Qh - torch.eye(3, dtype=dtype)).item() < 1e-12}")
Qm = modified_gs(A)
print("MGS matches |Q| from qr:", torch.allclose(Qm.abs(), Q.abs()))
print("R diag signs:", torch.sign(torch.diagonal(R)))
print("householder_product:", torch.linalg.householder_product(*torch.geqrf(A)).shape)

# --- determinants, ranks, norms ---------------------------------------------------------------
M = torch.tensor([[4.0, -2.0, 1.0], [3.0, 6.0, -4.0], [2.0, 1.0, 8.0]], dtype=dtype)
print(f"det: {torch.linalg.det(M).item():.4f}  torch.det: {torch.det(M).item():.4f}")
sign, logabs = torch.linalg.slogdet(M)
print(f"slogdet: sign={sign.item():.0f} logabsdet={logabs.item():.4f} exp={logabs.exp().item():.4f}")
print("logdet:", f"{torch.logdet(M).item():.4f}")
print("det of singular:", torch.linalg.det(torch.tensor([[1.0, 2.0], [2.0, 4.0]])))
print("batched det:", torch.linalg.det(torch.stack([M, 2 * M, M.T])))
for p in [None, "fro", "nuc", 1, -1, 2, -2, float("inf")]:
    print(f"  cond p={p}: {torch.linalg.cond(M, p=p).item():.4f}")
for ord in ["fro", "nuc", 1, 2, float("inf"), -2]:
    print(f"  matrix_norm ord={ord}: {torch.linalg.matrix_norm(M, ord=ord).item():.4f}")
v = torch.tensor([3.0, -4.0, 12.0])
print("vector norms:", [round(torch.linalg.vector_norm(v, ord=o).item(), 4) for o in [0, 1, 2, 3, float("inf")]])
print("linalg.norm of matrix (fro):", f"{torch.linalg.norm(M).item():.4f}", "with ord=2:",
      f"{torch.linalg.norm(M, 2).item():.4f}")
print("matrix_rank:", torch.linalg.matrix_rank(M).item(),
      torch.linalg.matrix_rank(torch.outer(v, v)).item(),
      torch.linalg.matrix_rank(torch.outer(v, v), hermitian=True).item(),
      torch.linalg.matrix_rank(torch.eye(4) * 1e-3, atol=1e-2).item())
I2 = torch.eye(2)
K = torch.kron(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), I2)
print("kron:\n", K)
print("kron(a, b) shape:", torch.kron(torch.ones(2, 3), torch.ones(4, 5)).shape)
print("kron mixed-product:", torch.allclose(torch.kron(M, M) @ torch.kron(M, M), torch.kron(M @ M, M @ M)))
print("inv:\n", torch.linalg.inv(M))
print("solve:", torch.linalg.solve(M, torch.ones(3, dtype=dtype)))
print("solve left=False:", torch.linalg.solve(M, torch.ones(2, 3, dtype=dtype), left=False))
print("triangular unitriangular:",
      torch.linalg.solve_triangular(torch.tensor([[1.0, 0.0], [5.0, 7.0]]), torch.tensor([[1.0], [2.0]]),
                                    upper=False, unitriangular=True).flatten())
print("multi_dot:", torch.linalg.multi_dot([M, M.T, torch.ones(3, dtype=dtype)]))
print("cholesky_ex info:", torch.linalg.cholesky_ex(-torch.eye(2)).info)

# --- gradients through solve / det / cholesky / qr ---------------------------------------------
Ag = M.clone().requires_grad_(True)
b = torch.tensor([1.0, 2.0, 3.0], dtype=dtype)
xs = torch.linalg.solve(Ag, b)
xs.sum().backward()
print("solve grad_fn:", type(xs.grad_fn).__name__, "grad:\n", Ag.grad)
Ag.grad = None
torch.linalg.det(Ag).backward()
print("d det / dA == det * inv^T:", torch.allclose(Ag.grad, torch.linalg.det(M) * torch.linalg.inv(M).T))
S = (M @ M.T).requires_grad_(True)
Lg = torch.linalg.cholesky(S)
Lg.diagonal().log().sum().backward()
print("cholesky grad_fn:", type(Lg.grad_fn).__name__,
      "0.5 logdet grad == 0.5 inv:", torch.allclose(S.grad, 0.5 * torch.linalg.inv(M @ M.T)))
Aq = A.clone().requires_grad_(True)
Qg, Rg = torch.linalg.qr(Aq)
Rg.diagonal().abs().log().sum().backward()
print("qr grad_fn:", type(Rg.grad_fn).__name__, f"grad norm: {Aq.grad.norm().item():.4f}")

# --- what goes wrong -------------------------------------------------------------------------
for bad in [lambda: torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]])),
            lambda: torch.linalg.solve(torch.zeros(2, 2), torch.ones(2)),
            lambda: torch.linalg.inv(torch.ones(2, 3)),
            lambda: torch.linalg.lstsq(A, y),
            lambda: torch.linalg.qr(A, mode="thin"),
            lambda: torch.linalg.solve_triangular(M, torch.ones(3, dtype=dtype), upper=True),
            lambda: torch.kron(torch.ones(2), torch.ones(2, 2, dtype=torch.int64)).dtype,
            lambda: torch.linalg.qr(A.clone().requires_grad_(), mode="r").R.sum().backward()]:
    try:
        print("no error:", bad())
    except Exception as e:
        print(type(e).__name__, e)
