"""Numerical linear algebra course, homework 5: symmetric positive definite systems.

Cholesky-Banachiewicz and Cholesky-Crout by hand, forward/back substitution, and the library:
torch.linalg.cholesky (upper=True), cholesky_ex (info for an indefinite matrix), the error
message for a non-PD matrix, torch.cholesky_solve and torch.cholesky_inverse (upper and lower),
a batched covariance, sampling a correlated Gaussian, and the log-determinant from the factor."""
import math

import torch

torch.manual_seed(2)
torch.set_printoptions(precision=4, sci_mode=False)


def cholesky_banachiewicz(A):
    n = A.shape[0]
    L = torch.zeros_like(A)
    for i in range(n):
        for j in range(i + 1):
            s = torch.dot(L[i, :j], L[j, :j])
            if i == j:
                L[i, j] = torch.sqrt(A[i, i] - s)
            else:
                L[i, j] = (A[i, j] - s) / L[j, j]
    return L


def cholesky_crout(A):
    n = A.shape[0]
    L = torch.zeros_like(A)
    for j in range(n):
        L[j, j] = math.sqrt(A[j, j] - (L[j, :j] ** 2).sum())
        for i in range(j + 1, n):
            L[i, j] = (A[i, j] - (L[i, :j] * L[j, :j]).sum()) / L[j, j]
    return L


def solve_spd(L, b):
    n = L.shape[0]
    y = torch.zeros_like(b)
    for i in range(n):
        y[i] = (b[i] - L[i, :i] @ y[:i]) / L[i, i]
    x = torch.zeros_like(b)
    for i in reversed(range(n)):
        x[i] = (y[i] - L[i + 1:, i] @ x[i + 1:]) / L[i, i]
    return x


M = torch.randn(5, 5, dtype=torch.float64)
A = M @ M.T + 5 * torch.eye(5, dtype=torch.float64)
A = (A + A.T) / 2
print("A =\n", A.round(decimals=4))
L1 = cholesky_banachiewicz(A)
L2 = cholesky_crout(A)
L = torch.linalg.cholesky(A)
print("L =\n", L)
print("Banachiewicz == torch:", torch.allclose(L1, L), " Crout == torch:", torch.allclose(L2, L))
print("L is lower:", torch.equal(L, torch.tril(L)), " diag > 0:", bool((torch.diagonal(L) > 0).all()))
U = torch.linalg.cholesky(A, upper=True)
print("upper == L^T:", torch.allclose(U, L.mT), torch.equal(U, torch.triu(U)))
print(f"L L^T reconstructs A: {torch.allclose(L @ L.T, A)}")

b = torch.arange(1.0, 6.0, dtype=torch.float64)
x = solve_spd(L, b)
print("x (by hand) =", x)
xs = torch.cholesky_solve(b.unsqueeze(1), L)
print("x (cholesky_solve) =", xs.squeeze(1))
print("x (cholesky_solve upper) =", torch.cholesky_solve(b.unsqueeze(1), U, upper=True).squeeze(1))
y = torch.linalg.solve_triangular(L, b.unsqueeze(1), upper=False)
x2 = torch.linalg.solve_triangular(L.mT, y, upper=True)
print("x (two solve_triangular) =", x2.squeeze(1))
print("all agree:", torch.allclose(x, xs.squeeze(1)), torch.allclose(x, x2.squeeze(1)))

Ainv = torch.cholesky_inverse(L)
print("cholesky_inverse =\n", Ainv)
print("== linalg.inv:", torch.allclose(Ainv, torch.linalg.inv(A)),
      " upper:", torch.allclose(torch.cholesky_inverse(U, upper=True), Ainv))
print("inverse symmetric:", torch.allclose(Ainv, Ainv.T))

# --- log determinant from the factor -------------------------------------------------------------
logdet_chol = 2 * torch.log(torch.diagonal(L)).sum()
print(f"2 sum log diag(L) = {logdet_chol.item():.6f}, logdet = {torch.logdet(A).item():.6f}")
print(f"slogdet = {torch.linalg.slogdet(A).logabsdet.item():.6f}")

# --- failures --------------------------------------------------------------------------------------
B = torch.tensor([[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
Lb, info = torch.linalg.cholesky_ex(B)
print("cholesky_ex of an indefinite matrix: info =", info, info.dtype)
print("partial factor =\n", Lb)
try:
    torch.linalg.cholesky(B)
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
L_ok, info_ok = torch.linalg.cholesky_ex(A)
print("info for SPD:", info_ok, torch.equal(L_ok, L))

# --- batches: covariance matrices ------------------------------------------------------------------
X = torch.randn(4, 50, 3)
Xc = X - X.mean(dim=1, keepdim=True)
C = Xc.mT @ Xc / (X.shape[1] - 1) + 0.1 * torch.eye(3)
Lc = torch.linalg.cholesky(C)
print("batched L shape:", tuple(Lc.shape))
print("batched diag(L):\n", torch.diagonal(Lc, dim1=-2, dim2=-1).round(decimals=3))
Lc_b, info_b = torch.linalg.cholesky_ex(C)
print("batched info:", info_b)
rhs = torch.ones(4, 3, 1)
sol = torch.cholesky_solve(rhs, Lc)
print("batched cholesky_solve residual ok:", torch.allclose(C @ sol, rhs, atol=1e-5))
print("batched cholesky_inverse ok:", torch.allclose(torch.cholesky_inverse(Lc) @ C, torch.eye(3).expand(4, 3, 3), atol=1e-4))

# --- sampling a correlated Gaussian ----------------------------------------------------------------
Sigma = torch.tensor([[2.0, 0.8], [0.8, 1.0]])
Ls = torch.linalg.cholesky(Sigma)
print("L of Sigma =\n", Ls)
z = torch.randn(20000, 2)
samples = z @ Ls.T
emp = samples.T @ samples / samples.shape[0]
print("empirical covariance ~ Sigma:", torch.allclose(emp, Sigma, atol=0.1))
mvn = torch.distributions.MultivariateNormal(torch.zeros(2), scale_tril=Ls)
print("MVN log_prob at 0:", round(mvn.log_prob(torch.zeros(2)).item(), 4))
print("MVN covariance:\n", mvn.covariance_matrix)
