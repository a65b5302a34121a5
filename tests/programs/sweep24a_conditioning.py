"""Numerical linear algebra course, homework 2: norms, conditioning and matrix functions.

Condition numbers in several norms (linalg.cond with p=None, 2, 'fro', inf, 1, -2 and 'nuc'),
the Hilbert matrix, perturbation experiments, numerical rank with matrix_rank (atol / rtol /
hermitian), matrix_power with negative exponents, matrix_exp vs a truncated Taylor series and a
rotation generator, slogdet/logdet, vecdot, multi_dot and batched versions."""
import math

import torch

torch.manual_seed(4)
torch.set_printoptions(precision=4, sci_mode=False)


def hilbert(n, dtype=torch.float64):
    i = torch.arange(1, n + 1, dtype=dtype)
    return 1.0 / (i[:, None] + i[None, :] - 1)


A = torch.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 1.0], [0.5, 1.0, 2.0]], dtype=torch.float64)
print("A =\n", A)
for p in (None, 2, "fro", "nuc", math.inf, -math.inf, 1, -1, -2):
    print(f"cond(A, p={p}) = {torch.linalg.cond(A, p).item():.6f}")
s = torch.linalg.svdvals(A)
print(f"sigma_max / sigma_min = {(s[0] / s[-1]).item():.6f}")
inv_norm = torch.linalg.matrix_norm(torch.linalg.inv(A), ord=math.inf)
print(f"||A||_inf ||A^-1||_inf = {(torch.linalg.matrix_norm(A, ord=math.inf) * inv_norm).item():.6f}")
print("matrix norms:", [round(torch.linalg.matrix_norm(A, ord=o).item(), 6) for o in ("fro", "nuc", 1, -1, 2, -2)])
print("torch.linalg.norm of a matrix:", torch.linalg.norm(A).round(decimals=6), torch.linalg.norm(A, 2).round(decimals=6))

print("\nHilbert matrices:")
for n in (2, 4, 6, 8):
    H = hilbert(n)
    c = torch.linalg.cond(H).item()
    print(f"n={n}: log10 cond = {math.log10(c):.2f}, rank = {torch.linalg.matrix_rank(H).item()}")

H = hilbert(6)
x_true = torch.ones(6, dtype=torch.float64)
b = H @ x_true
x = torch.linalg.solve(H, b)
err = (torch.linalg.vector_norm(x - x_true) / torch.linalg.vector_norm(x_true)).item()
print(f"relative error solving H6 x = b is below cond * eps: {err < torch.linalg.cond(H).item() * 2.3e-16}")
db = 1e-6 * torch.randn(6, dtype=torch.float64)
dx = torch.linalg.solve(H, b + db) - x
amp = (dx.norm() / x.norm()) / (db.norm() / b.norm())
print(f"perturbation amplification <= cond: {amp.item() <= torch.linalg.cond(H).item()}")

# --- numerical rank -----------------------------------------------------------------------------
U, _ = torch.linalg.qr(torch.randn(6, 6, dtype=torch.float64))
V, _ = torch.linalg.qr(torch.randn(5, 5, dtype=torch.float64))
sig = torch.tensor([10.0, 3.0, 1.0, 1e-6, 1e-13], dtype=torch.float64)
R = U[:, :5] @ torch.diag(sig) @ V.T
print("\nsingular values:", torch.linalg.svdvals(R).round(decimals=3))
print("matrix_rank default:", torch.linalg.matrix_rank(R).item())
print("matrix_rank atol=1e-4:", torch.linalg.matrix_rank(R, atol=1e-4).item())
print("matrix_rank rtol=1e-3:", torch.linalg.matrix_rank(R, rtol=1e-3).item())
print("matrix_rank atol=0.5, rtol=0.2:", torch.linalg.matrix_rank(R, atol=0.5, rtol=0.2).item())
print("matrix_rank tol=2.0 (legacy):", torch.linalg.matrix_rank(R, tol=2.0).item())
Ssym = R @ R.T
print("hermitian rank:", torch.linalg.matrix_rank(Ssym, hermitian=True).item(),
      "with atol 1e-8:", torch.linalg.matrix_rank(Ssym, hermitian=True, atol=1e-8).item())
batch = torch.stack([torch.eye(4), torch.diag(torch.tensor([1.0, 1.0, 0.0, 0.0])), torch.ones(4, 4), torch.zeros(4, 4)])
print("batched ranks:", torch.linalg.matrix_rank(batch), torch.linalg.matrix_rank(batch).dtype)

# --- matrix powers --------------------------------------------------------------------------------
F = torch.tensor([[1, 1], [1, 0]])
print("\nFibonacci via matrix_power:", [torch.linalg.matrix_power(F, k)[0, 1].item() for k in range(1, 12)])
print("F^0 =\n", torch.linalg.matrix_power(F, 0))
Ainv2 = torch.linalg.matrix_power(A, -2)
print("A^-2 =\n", Ainv2)
print("A^-2 A^2 == I:", torch.allclose(Ainv2 @ torch.matrix_power(A, 2), torch.eye(3, dtype=torch.float64)))
print("A^-1 == inv:", torch.allclose(torch.linalg.matrix_power(A, -1), torch.linalg.inv(A)))
Bp = torch.randn(2, 3, 3) + 3 * torch.eye(3)
print("batched A^3 shape:", tuple(torch.linalg.matrix_power(Bp, 3).shape),
      "A^-3 A^3 ok:", torch.allclose(torch.linalg.matrix_power(Bp, -3) @ Bp.matrix_power(3), torch.eye(3).expand(2, 3, 3), atol=1e-4))
try:
    torch.linalg.matrix_power(torch.ones(2, 3), 2)
except RuntimeError as e:
    print("RuntimeError:", e)

# --- matrix exponential ------------------------------------------------------------------------------
def expm_taylor(X, terms=30):
    out = torch.eye(X.shape[0], dtype=X.dtype)
    term = torch.eye(X.shape[0], dtype=X.dtype)
    for k in range(1, terms):
        term = term @ X / k
        out = out + term
    return out


theta = 0.7
G = torch.tensor([[0.0, -theta], [theta, 0.0]], dtype=torch.float64)
Rot = torch.linalg.matrix_exp(G)
print("\nexp of a rotation generator =\n", Rot)
print(f"cos {math.cos(theta):.4f} sin {math.sin(theta):.4f}, det = {torch.linalg.det(Rot).item():.6f}")
X = 0.3 * torch.randn(4, 4, dtype=torch.float64)
print("matrix_exp == Taylor:", torch.allclose(torch.linalg.matrix_exp(X), expm_taylor(X)))
print(f"det(exp X) = exp(trace X): {torch.linalg.det(torch.matrix_exp(X)).item():.6f} {math.exp(X.trace().item()):.6f}")
N = torch.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]])
print("exp of a nilpotent matrix =\n", torch.linalg.matrix_exp(N))
print("batched matrix_exp of diagonals:\n", torch.linalg.matrix_exp(torch.diag_embed(torch.tensor([[0.0, 1.0], [2.0, -1.0]]))))

# --- determinants, vecdot, multi_dot --------------------------------------------------------------------
sgn, la = torch.linalg.slogdet(H)
print(f"\nslogdet(H6): sign {sgn.item():.0f}, log|det| {la.item():.4f}, logdet {torch.logdet(H).item():.4f}")
print("det of a batch:", torch.linalg.det(Bp).round(decimals=3))
u = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
v = torch.tensor([1.0, 0.0, -1.0])
print("vecdot:", torch.linalg.vecdot(u, v), torch.linalg.vecdot(u, u, dim=-1))
print("vecdot dim=0:", torch.linalg.vecdot(u, u, dim=0))
Ms = [torch.randn(3, 10, dtype=torch.float64), torch.randn(10, 2, dtype=torch.float64),
      torch.randn(2, 8, dtype=torch.float64), torch.randn(8, 1, dtype=torch.float64)]
md = torch.linalg.multi_dot(Ms)
print("multi_dot shape:", tuple(md.shape), "== chain:", torch.allclose(md, Ms[0] @ Ms[1] @ Ms[2] @ Ms[3]))
try:
    torch.linalg.multi_dot([v, A, v])
except RuntimeError as e:
    print("RuntimeError:", e)
vd = v.double()
print("multi_dot with 1-D ends:", torch.linalg.multi_dot([vd, A, vd]).round(decimals=4))
print("v^T A v via vecdot:", torch.linalg.vecdot(vd, A @ vd).round(decimals=4))
