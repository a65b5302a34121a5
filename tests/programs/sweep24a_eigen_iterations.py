"""Numerical linear algebra course, homework 6: computing eigenvalues.

Power iteration and inverse iteration with Rayleigh quotients, Rayleigh quotient iteration,
the unshifted and Wilkinson-shifted QR algorithm, a cyclic Jacobi eigenvalue sweep, all checked
against torch.linalg.eigh / eigvalsh (UPLO='L' and 'U' on a matrix whose halves disagree),
batched eigh, and the spectral decomposition."""
import math

import torch

torch.manual_seed(3)
torch.set_printoptions(precision=4, sci_mode=False)


def rayleigh(A, v):
    return (v @ A @ v) / (v @ v)


def power_iteration(A, iters=200, tol=1e-12):
    v = torch.ones(A.shape[0], dtype=A.dtype)
    lam = 0.0
    for k in range(iters):
        w = A @ v
        v = w / torch.linalg.norm(w)
        new = rayleigh(A, v).item()
        if abs(new - lam) < tol:
            return new, v, k + 1
        lam = new
    return lam, v, iters


def inverse_iteration(A, shift, iters=50):
    n = A.shape[0]
    LU, piv = torch.linalg.lu_factor(A - shift * torch.eye(n, dtype=A.dtype))
    v = torch.ones(n, dtype=A.dtype) / math.sqrt(n)
    for _ in range(iters):
        w = torch.linalg.lu_solve(LU, piv, v.unsqueeze(-1)).squeeze(-1)
        v = w / w.norm()
    return rayleigh(A, v).item(), v


def rayleigh_quotient_iteration(A, v, iters=6):
    n = A.shape[0]
    lam = rayleigh(A, v)
    history = []
    for _ in range(iters):
        try:
            w = torch.linalg.solve(A - lam * torch.eye(n, dtype=A.dtype), v)
        except RuntimeError:
            break
        v = w / w.norm()
        lam = rayleigh(A, v)
        history.append(round(lam.item(), 8))
    return lam.item(), history


def qr_algorithm(A, iters=300, shift=False):
    T = A.clone()
    n = T.shape[0]
    eye = torch.eye(n, dtype=A.dtype)
    for _ in range(iters):
        mu = T[-1, -1] if shift else 0.0
        Q, R = torch.linalg.qr(T - mu * eye)
        T = R @ Q + mu * eye
    return T


def jacobi_eigen(A, sweeps=10):
    A = A.clone()
    n = A.shape[0]
    V = torch.eye(n, dtype=A.dtype)
    for sweep in range(sweeps):
        off = torch.linalg.norm(A - torch.diag(torch.diagonal(A))).item()
        if off < 1e-12:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                if abs(A[p, q].item()) < 1e-15:
                    continue
                theta = (A[q, q] - A[p, p]) / (2 * A[p, q])
                t = torch.sign(theta) / (theta.abs() + torch.sqrt(theta ** 2 + 1))
                if theta == 0:
                    t = torch.tensor(1.0, dtype=A.dtype)
                c = 1 / torch.sqrt(t ** 2 + 1)
                s = t * c
                J = torch.eye(n, dtype=A.dtype)
                J[p, p] = c
                J[q, q] = c
                J[p, q] = s
                J[q, p] = -s
                A = J.T @ A @ J
                V = V @ J
    return torch.diagonal(A), V, sweep


M = torch.randn(5, 5, dtype=torch.float64)
A = M + M.T + torch.diag(torch.tensor([8.0, 4.0, 0.0, -3.0, -6.0], dtype=torch.float64))
print("A =\n", A)
w, V = torch.linalg.eigh(A)
print("eigh eigenvalues:", w)
print("eigvalsh:", torch.linalg.eigvalsh(A))

lam, v, its = power_iteration(A)
dominant = w[w.abs().argmax()].item()
print(f"power iteration: lambda = {lam:.6f} (true {dominant:.6f}), converged: {its < 200}")
v = v * torch.sign(v[v.abs().argmax()])
vt = V[:, w.abs().argmax()]
vt = vt * torch.sign(vt[vt.abs().argmax()])
print("dominant eigenvector matches:", torch.allclose(v, vt, atol=1e-5))

for shift in (0.5, 3.0, -2.0):
    mu, _ = inverse_iteration(A, shift)
    nearest = w[(w - shift).abs().argmin()].item()
    print(f"inverse iteration shift {shift:+.1f}: {mu:.8f} nearest {nearest:.8f}")

lam_rqi, hist = rayleigh_quotient_iteration(A, torch.ones(5, dtype=torch.float64))
print(f"RQI converged to an eigenvalue: {torch.isclose(w, torch.tensor(lam_rqi, dtype=torch.float64)).any().item()}")

T = qr_algorithm(A)
print("unshifted QR diag (sorted):", torch.sort(torch.diagonal(T)).values)
print("subdiagonal small:", torch.diagonal(T, -1).abs().max().item() < 1e-6)
Ts = qr_algorithm(A, iters=40, shift=True)
print("shifted QR finds the eigenvalues:", torch.allclose(torch.sort(torch.diagonal(Ts)).values, w, atol=1e-6))

d, VJ, nsweeps = jacobi_eigen(A)
print("Jacobi eigenvalues:", torch.sort(d).values, "sweeps:", nsweeps)
print("Jacobi vectors orthogonal:", torch.allclose(VJ.T @ VJ, torch.eye(5, dtype=torch.float64)))

# --- UPLO: only one triangle is read ----------------------------------------------------------------
B = torch.tensor([[2.0, 100.0, 100.0],
                  [1.0, 3.0, 100.0],
                  [0.0, 1.0, 4.0]], dtype=torch.float64)
print("eigvalsh L:", torch.linalg.eigvalsh(B))
print("eigvalsh U:", torch.linalg.eigvalsh(B, UPLO="U"))
wl, _ = torch.linalg.eigh(B, UPLO="L")
print("eigh L == eigvalsh of tril-symmetrised:",
      torch.allclose(wl, torch.linalg.eigvalsh(torch.tril(B) + torch.tril(B, -1).T)))

# --- spectral decomposition, functions of matrices ----------------------------------------------------
recon = V @ torch.diag(w) @ V.T
print("V diag(w) V^T == A:", torch.allclose(recon, A))
P = M @ M.T + torch.eye(5, dtype=torch.float64)
wp, Vp = torch.linalg.eigh(P)
sqrtP = Vp @ torch.diag(wp.sqrt()) @ Vp.T
print("sqrt(P)^2 == P:", torch.allclose(sqrtP @ sqrtP, P))
print("eigenvalues of P positive:", bool((wp > 0).all()), f"min {wp.min().item():.4f}")
print(f"condition number via eigenvalues {(wp.max() / wp.min()).item():.4f} vs cond {torch.linalg.cond(P).item():.4f}")

# --- batched eigh in float32 ----------------------------------------------------------------------------
S = torch.randn(4, 3, 3)
S = S + S.mT
wb, Vb = torch.linalg.eigh(S)
print("batched eigenvalues:\n", wb.round(decimals=3))
print("ascending:", bool((wb[:, 1:] >= wb[:, :-1]).all()), wb.dtype, Vb.shape)
print("batched reconstruction:", torch.allclose(Vb @ torch.diag_embed(wb) @ Vb.mT, S, atol=1e-5))
res = torch.linalg.eigh(S[0])
print(type(res).__name__, res.eigenvalues.round(decimals=3))
