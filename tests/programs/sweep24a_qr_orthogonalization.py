"""Numerical linear algebra course, homework 3: QR factorisation four ways.

Classical and modified Gram-Schmidt (loss of orthogonality on a nearly dependent matrix),
Householder reflections and Givens rotations written by hand, compared with torch.linalg.qr in
its three modes ('reduced', 'complete', 'r') after fixing the sign convention (diag(R) > 0), plus
torch.geqrf + torch.linalg.householder_product and a batched QR."""
import math

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


def classical_gs(A):
    m, n = A.shape
    Q = torch.zeros(m, n, dtype=A.dtype)
    R = torch.zeros(n, n, dtype=A.dtype)
    for j in range(n):
        v = A[:, j].clone()
        for i in range(j):
            R[i, j] = Q[:, i] @ A[:, j]
            v = v - R[i, j] * Q[:, i]
        R[j, j] = torch.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    return Q, R


def modified_gs(A):
    m, n = A.shape
    V = A.clone()
    Q = torch.zeros(m, n, dtype=A.dtype)
    R = torch.zeros(n, n, dtype=A.dtype)
    for i in range(n):
        R[i, i] = V[:, i].norm()
        Q[:, i] = V[:, i] / R[i, i]
        for j in range(i + 1, n):
            R[i, j] = torch.dot(Q[:, i], V[:, j])
            V[:, j] -= R[i, j] * Q[:, i]
    return Q, R


def householder_qr(A):
    m, n = A.shape
    R = A.clone()
    Q = torch.eye(m, dtype=A.dtype)
    for k in range(min(m - 1, n)):
        x = R[k:, k]
        e1 = torch.zeros_like(x)
        e1[0] = 1.0
        alpha = -torch.sign(x[0]) * torch.linalg.vector_norm(x)
        u = x - alpha * e1
        v = u / u.norm()
        H = torch.eye(m, dtype=A.dtype)
        H[k:, k:] -= 2.0 * torch.outer(v, v)
        R = H @ R
        Q = Q @ H.T
    return Q, R


def givens(a, b):
    r = math.hypot(a, b)
    return a / r, -b / r


def givens_qr(A):
    m, n = A.shape
    R = A.clone()
    Q = torch.eye(m, dtype=A.dtype)
    for j in range(n):
        for i in range(m - 1, j, -1):
            c, s = givens(R[i - 1, j].item(), R[i, j].item())
            G = torch.eye(m, dtype=A.dtype)
            G[[i - 1, i], [i - 1, i]] = c
            G[i - 1, i] = -s
            G[i, i - 1] = s
            R = G @ R
            Q = Q @ G.T
    return Q, R


def fix_signs(Q, R):
    """Make diag(R) positive so different algorithms can be compared entry by entry."""
    d = torch.sign(torch.diagonal(R, dim1=-2, dim2=-1))
    d = torch.where(d == 0, torch.ones_like(d), d)
    return Q * d.unsqueeze(-2), R * d.unsqueeze(-1)


def orth_loss(Q):
    n = Q.shape[-1]
    return torch.linalg.matrix_norm(Q.mT @ Q - torch.eye(n, dtype=Q.dtype)).item()


A = torch.randn(6, 4, dtype=torch.float64)
print("A =\n", A)

Qc, Rc = classical_gs(A)
Qm, Rm = modified_gs(A)
Qh, Rh = householder_qr(A)
Qg, Rg = givens_qr(A)
Qt, Rt = torch.linalg.qr(A)
print("torch Q shape", tuple(Qt.shape), "R shape", tuple(Rt.shape))
print("torch R (raw signs) =\n", Rt)
Qt, Rt = fix_signs(Qt, Rt)
print("R (sign-fixed) =\n", Rt)
for name, (Q, R) in [("CGS", (Qc, Rc)), ("MGS", (Qm, Rm))]:
    print(f"{name}: |Q - Q_torch| small: {torch.allclose(Q, Qt)}, R matches: {torch.allclose(R, Rt)}")
Qh4, Rh4 = fix_signs(Qh[:, :4], Rh[:4])
Qg4, Rg4 = fix_signs(Qg[:, :4], Rg[:4])
print("Householder matches:", torch.allclose(Qh4, Qt), torch.allclose(Rh4, Rt))
print("Givens matches:", torch.allclose(Qg4, Qt), torch.allclose(Rg4, Rt))
print("Householder R lower part is zero:", torch.allclose(torch.tril(Rh, -1), torch.zeros(6, 4, dtype=torch.float64)))
print("Givens R (triu, rounded):\n", torch.triu(Rg4).round(decimals=4))

# --- complete and r modes ----------------------------------------------------------------------
Qf, Rf = torch.linalg.qr(A, mode="complete")
print("complete:", tuple(Qf.shape), tuple(Rf.shape), "orthogonal:", torch.allclose(Qf.T @ Qf, torch.eye(6, dtype=torch.float64)))
Q0, R0 = torch.linalg.qr(A, mode="r")
print("mode='r' Q is empty:", Q0.shape, Q0.numel(), "R same:", torch.allclose(R0.abs(), Rf[:4].abs()))
res = torch.linalg.qr(A.T)
print(type(res).__name__, tuple(res.Q.shape), tuple(res.R.shape))

# --- loss of orthogonality: Läuchli-like matrix --------------------------------------------------
eps = 1e-7
L = torch.tensor([[1.0, 1.0, 1.0], [eps, 0, 0], [0, eps, 0], [0, 0, eps]], dtype=torch.float64)
print(f"CGS orth loss > 1e-3: {orth_loss(classical_gs(L)[0]) > 1e-3}")
print(f"MGS orth loss < 1e-3: {orth_loss(modified_gs(L)[0]) < 1e-3}")
print(f"Householder orth loss < 1e-12: {orth_loss(householder_qr(L)[0]) < 1e-12}")
print(f"torch.qr orth loss < 1e-12: {orth_loss(torch.linalg.qr(L)[0]) < 1e-12}")

# --- float32 comparison ----------------------------------------------------------------------------
A32 = A.float()
Q32, R32 = fix_signs(*torch.linalg.qr(A32))
print(Q32.dtype, R32.dtype, "close to float64:", torch.allclose(Q32.double(), Qt, atol=1e-5))
print("diag R float32:", torch.diagonal(R32).round(decimals=3))

# --- geqrf + householder_product ------------------------------------------------------------------
a, tau = torch.geqrf(A)
print("geqrf:", tuple(a.shape), tuple(tau.shape), tau.dtype)
Qhp = torch.linalg.householder_product(a, tau)
print("householder_product == linalg.qr Q:", torch.allclose(Qhp, torch.linalg.qr(A).Q))
print("R from geqrf == linalg.qr R:", torch.allclose(torch.triu(a[:4]), torch.linalg.qr(A).R))
print("tau in [1, 2]:", bool(((tau >= 1) & (tau <= 2)).all()))

# --- batched QR ------------------------------------------------------------------------------------
B = torch.randn(3, 5, 3)
Qb, Rb = torch.linalg.qr(B)
print("batched:", tuple(Qb.shape), tuple(Rb.shape))
print("reconstruct:", torch.allclose(Qb @ Rb, B, atol=1e-5))
Qb, Rb = fix_signs(Qb, Rb)
print("diag(R) per batch:\n", torch.diagonal(Rb, dim1=-2, dim2=-1).round(decimals=3))
print("least squares via QR:")
y = torch.randn(6, dtype=torch.float64)
x = torch.linalg.solve_triangular(Rt, (Qt.T @ y).unsqueeze(-1), upper=True).squeeze(-1)
print(x)
print("matches lstsq:", torch.allclose(x, torch.linalg.lstsq(A, y.unsqueeze(-1)).solution.squeeze(-1)))
