"""Numerical linear algebra course, homework 4: Gaussian elimination.

LU with partial pivoting written by hand (row swaps recorded in a permutation vector and in
LAPACK-style 1-based pivots), forward and back substitution by hand vs
torch.linalg.solve_triangular (upper / lower / left=False / unitriangular), and the library side:
torch.linalg.lu, lu_factor, lu_factor_ex, lu_solve (adjoint, left), torch.lu_unpack, det, slogdet,
logdet, and batched solves."""
import torch

torch.manual_seed(1)
torch.set_printoptions(precision=4, sci_mode=False)


def lu_partial_pivot(A):
    n = A.shape[0]
    U = A.clone()
    L = torch.eye(n, dtype=A.dtype)
    perm = list(range(n))
    piv = []
    for k in range(n - 1):
        p = int(torch.argmax(U[k:, k].abs())) + k
        piv.append(p + 1)
        if p != k:
            U[[k, p], :] = U[[p, k], :]
            L[[k, p], :k] = L[[p, k], :k]
            perm[k], perm[p] = perm[p], perm[k]
        for i in range(k + 1, n):
            L[i, k] = U[i, k] / U[k, k]
            U[i, k:] -= L[i, k] * U[k, k:]
    piv.append(n)
    P = torch.eye(n, dtype=A.dtype)[perm].T
    return P, L, U, torch.tensor(piv, dtype=torch.int32)


def forward_sub(L, b, unit=False):
    n = L.shape[0]
    y = torch.zeros_like(b)
    for i in range(n):
        s = b[i] - L[i, :i] @ y[:i]
        y[i] = s if unit else s / L[i, i]
    return y


def back_sub(U, y):
    n = U.shape[0]
    x = torch.zeros_like(y)
    for i in reversed(range(n)):
        x[i] = (y[i] - U[i, i + 1:] @ x[i + 1:]) / U[i, i]
    return x


A = torch.tensor([[2.0, 1.0, 1.0, 0.0],
                  [4.0, 3.0, 3.0, 1.0],
                  [8.0, 7.0, 9.0, 5.0],
                  [6.0, 7.0, 9.0, 8.0]], dtype=torch.float64)
b = torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)

P, L, U, piv = lu_partial_pivot(A)
print("P =\n", P)
print("L =\n", L)
print("U =\n", U)
print("pivots (1-based):", piv)
print("P L U == A:", torch.allclose(P @ L @ U, A))

Pt, Lt, Ut = torch.linalg.lu(A)
print("torch P == mine:", torch.equal(Pt, P), "L:", torch.allclose(Lt, L), "U:", torch.allclose(Ut, U))
LU, pivots = torch.linalg.lu_factor(A)
print("lu_factor pivots:", pivots, pivots.dtype)
print("packed LU =\n", LU)
P2, L2, U2 = torch.lu_unpack(LU, pivots)
print("lu_unpack agrees:", torch.equal(P2, Pt), torch.allclose(L2, Lt), torch.allclose(U2, Ut))
print("my pivots == torch pivots:", torch.equal(piv, pivots))

# --- solving ---------------------------------------------------------------------------------
y = forward_sub(L, P.T @ b, unit=True)
x = back_sub(U, y)
print("x (by hand) =", x)
x_t = torch.linalg.lu_solve(LU, pivots, b.unsqueeze(-1)).squeeze(-1)
print("x (lu_solve) =", x_t)
print("x (solve) =", torch.linalg.solve(A, b))
print("residual small:", torch.linalg.vector_norm(A @ x - b).item() < 1e-12)
xa = torch.linalg.lu_solve(LU, pivots, b.unsqueeze(-1), adjoint=True).squeeze(-1)
print("A^T x = b:", xa, torch.allclose(A.T @ xa, b))
Bm = torch.arange(8, dtype=torch.float64).reshape(2, 4)
Xr = torch.linalg.lu_solve(LU, pivots, Bm, left=False)
print("X A = B:", torch.allclose(Xr @ A, Bm))
print(Xr)

# --- triangular solves --------------------------------------------------------------------------
y_t = torch.linalg.solve_triangular(Lt, (Pt.T @ b).unsqueeze(-1), upper=False, unitriangular=True)
x_t2 = torch.linalg.solve_triangular(Ut, y_t, upper=True)
print("two triangular solves:", x_t2.squeeze(-1))
Lbad = Lt.clone()
Lbad.diagonal().fill_(5.0)
print("unitriangular ignores the diagonal:",
      torch.allclose(torch.linalg.solve_triangular(Lbad, b.unsqueeze(-1), upper=False, unitriangular=True),
                     torch.linalg.solve_triangular(Lt, b.unsqueeze(-1), upper=False)))
XU = torch.linalg.solve_triangular(Ut, torch.eye(4, dtype=torch.float64), upper=True, left=False)
print("U^-1 via left=False =\n", XU)
print("triangular inverse is upper:", torch.equal(XU, torch.triu(XU)))

# --- determinants ---------------------------------------------------------------------------------
sign = torch.linalg.det(Pt)
print(f"det(P) = {sign.item():.1f}, prod diag(U) = {torch.prod(torch.diagonal(U)).item():.4f}")
print(f"det(A) = {torch.linalg.det(A).item():.4f}")
s, logabs = torch.linalg.slogdet(A)
print(f"slogdet: sign {s.item():.1f}, logabsdet {logabs.item():.6f}")
print("logdet(A) =", torch.logdet(A))
print("logdet(-A) is nan for an odd sign:", torch.logdet(-A).isnan().item(), torch.linalg.slogdet(-A))
print("torch.det alias:", torch.det(A).round(decimals=4))
res = torch.linalg.slogdet(A)
print(type(res).__name__, res.sign, res.logabsdet.round(decimals=6))

# --- float32, batches, singular matrices ------------------------------------------------------------
B = torch.randn(3, 4, 4)
LUb, pivb = torch.linalg.lu_factor(B)
print("batched pivots:\n", pivb)
rhs = torch.randn(3, 4, 2)
Xb = torch.linalg.lu_solve(LUb, pivb, rhs)
print("batched solve ok:", torch.allclose(B @ Xb, rhs, atol=1e-4))
print("batched det:", torch.linalg.det(B).round(decimals=3))
print("batched slogdet signs:", torch.linalg.slogdet(B).sign)
S = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
LUs, pivs, info = torch.linalg.lu_factor_ex(S)
print("singular: info =", info, "pivots", pivs)
print("U of a singular matrix =\n", torch.lu_unpack(LUs, pivs)[2])
try:
    torch.linalg.solve(S, torch.ones(3))
except RuntimeError as e:
    print("solve failed:", type(e).__name__, str(e).splitlines()[0])
Pw, Lw, Uw = torch.linalg.lu(torch.randn(3, 5))
print("wide LU shapes:", tuple(Pw.shape), tuple(Lw.shape), tuple(Uw.shape))
Pt_, Lt_, Ut_ = torch.linalg.lu(torch.randn(5, 3))
print("tall LU shapes:", tuple(Pt_.shape), tuple(Lt_.shape), tuple(Ut_.shape))
