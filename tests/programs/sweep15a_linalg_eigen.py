"""Linear algebra course, unit 5 notebook: eigenvalues, eigenvectors and dynamics.

Symmetric vs general eigen-decompositions (eigh / eig / eigvals), power iteration, the
stationary distribution of a Markov chain, the matrix exponential for a linear ODE, and
spectral facts (trace = sum of eigenvalues, det = product)."""
import torch

torch.manual_seed(7)
torch.set_printoptions(precision=4, sci_mode=False)

# --- symmetric matrices: eigh ---------------------------------------------------------------
A = torch.tensor([[4.0, 1.0, 2.0],
                  [1.0, 3.0, 0.0],
                  [2.0, 0.0, 5.0]], dtype=torch.float64)
print("A symmetric:", torch.equal(A, A.T), A.dtype)
evals, evecs = torch.linalg.eigh(A)
print("eigh eigenvalues (ascending):", evals)
# eigenvectors are defined up to sign: fix the sign so the largest entry is positive
signs = torch.sign(evecs.gather(0, evecs.abs().argmax(0, keepdim=True)))
evecs = evecs * signs
print("eigenvectors (sign-fixed):\n", evecs)
print("orthonormal:", torch.allclose(evecs.T @ evecs, torch.eye(3, dtype=torch.float64)))
recon = evecs @ torch.diag(evals) @ evecs.T
print("V diag(w) V^T == A:", torch.allclose(recon, A))
print("eigvalsh:", torch.linalg.eigvalsh(A))
print("eigvalsh UPLO='U':", torch.linalg.eigvalsh(A, UPLO="U"))
res = torch.linalg.eigh(A)
print("result type:", type(res).__name__, "eigenvalues via attribute:", res.eigenvalues.shape)
print(f"trace {A.trace().item():.4f} = sum eig {evals.sum().item():.4f}")
print(f"det {torch.linalg.det(A).item():.4f} = prod eig {evals.prod().item():.4f}")

# --- general (non-symmetric) matrices: eig gives complex output ---------------------------
R = torch.tensor([[0.0, -1.0], [1.0, 0.0]])
w = torch.linalg.eigvals(R)
print("rotation eigenvalues:", w, w.dtype)
print("|lambda| =", w.abs())
B = torch.tensor([[2.0, 1.0], [0.0, 3.0]])
wb, vb = torch.linalg.eig(B)
print("eig values:", wb)
print("eig dtype:", wb.dtype, vb.dtype, "shape:", vb.shape)
print("A v = lambda v:", torch.allclose(B.to(torch.complex64) @ vb, vb * wb, atol=1e-6))
print("real parts sorted:", torch.sort(torch.linalg.eigvals(torch.randn(4, 4)).real).values.shape)
C = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
print("eigvals float64:", torch.linalg.eigvals(C))

# --- power iteration -----------------------------------------------------------------------
def power_iteration(M, iters=100):
    v = torch.ones(M.shape[0], dtype=M.dtype)
    for _ in range(iters):
        v = M @ v
        v = v / torch.linalg.vector_norm(v)
    lam = v @ M @ v
    return lam, v


lam, v = power_iteration(A)
print(f"power iteration: lambda={lam.item():.6f} (eigh max {evals.max().item():.6f})")
print("dominant vector:", v)
# Rayleigh quotient convergence
v = torch.randn(3, dtype=torch.float64)
for k in range(1, 31):
    v = A @ v
    v /= v.norm()
    if k in (1, 5, 10, 30):
        rq = (v @ A @ v) / (v @ v)
        print(f"  iter {k:2d}: rayleigh={rq.item():.6f}")

# inverse iteration finds the smallest eigenvalue
shift = 0.0
M_inv = torch.linalg.inv(A - shift * torch.eye(3, dtype=torch.float64))
lam_small, _ = power_iteration(M_inv)
print(f"smallest eigenvalue via inverse iteration: {1 / lam_small.item():.6f}")

# --- a Markov chain -----------------------------------------------------------------------
P = torch.tensor([[0.9, 0.075, 0.025],
                  [0.15, 0.8, 0.05],
                  [0.25, 0.25, 0.5]])
print("rows sum to 1:", torch.allclose(P.sum(dim=1), torch.ones(3)))
state = torch.tensor([1.0, 0.0, 0.0])
for step in range(1, 51):
    state = state @ P
    if step in (1, 2, 10, 50):
        print(f"  after {step:2d} steps: {state}")
Pn = torch.linalg.matrix_power(P, 100)
print("P^100 rows:\n", Pn)
w, V = torch.linalg.eig(P.T)
idx = torch.argmin((w - 1).abs())
pi = V[:, idx].real
pi = pi / pi.sum()
print("eigenvalue closest to 1:", f"{w[idx].real.item():.4f}")
print("stationary distribution:", pi)
# same answer by solving (P^T - I) pi = 0 with sum(pi) = 1 as least squares
Aug = torch.cat([P.T - torch.eye(3), torch.ones(1, 3)], dim=0)
rhs = torch.tensor([0.0, 0.0, 0.0, 1.0]).unsqueeze(1)
pi_ls = torch.linalg.lstsq(Aug, rhs).solution.squeeze()
print("lstsq stationary:", pi_ls)
print("matrix_power(P, 0):\n", torch.linalg.matrix_power(P, 0))
print("matrix_power(P, -1) @ P ~ I:", torch.allclose(torch.linalg.matrix_power(P, -1) @ P, torch.eye(3), atol=1e-5))

# --- linear ODE x' = K x solved by the matrix exponential -----------------------------------
K = torch.tensor([[0.0, 1.0], [-4.0, -0.4]], dtype=torch.float64)   # damped oscillator
x0 = torch.tensor([1.0, 0.0], dtype=torch.float64)
for t in [0.0, 0.5, 1.0, 2.0]:
    xt = torch.linalg.matrix_exp(K * t) @ x0
    print(f"  x({t}) = {xt}")
# compare with a small-step Euler integration
x = x0.clone()
dt = 1e-3
for _ in range(1000):
    x = x + dt * (K @ x)
print("Euler x(1):", x, "error:", f"{(x - torch.linalg.matrix_exp(K) @ x0).norm().item():.4f}")
print("matrix_exp of diag:", torch.matrix_exp(torch.diag(torch.tensor([0.0, 1.0, -1.0]))))
print("expm(0) is I:", torch.equal(torch.linalg.matrix_exp(torch.zeros(2, 2)), torch.eye(2)))
batch = torch.randn(3, 2, 2)
print("batched matrix_exp:", torch.linalg.matrix_exp(batch).shape)
# exp(K) via eigendecomposition
wk, Vk = torch.linalg.eig(K)
expK = (Vk @ torch.diag(torch.exp(wk)) @ torch.linalg.inv(Vk)).real
print("eig-based expm matches:", torch.allclose(expK, torch.linalg.matrix_exp(K)))

# --- gradients through eigh (e.g. for spectral losses) --------------------------------------
S = torch.randn(3, 3, dtype=torch.float64)
S = (S + S.T) / 2
S.requires_grad_(True)
ev = torch.linalg.eigvalsh(S)
print("eigvalsh grad_fn:", type(ev.grad_fn).__name__)
ev.max().backward()
print("d lambda_max / dS:\n", S.grad)

# --- errors ---------------------------------------------------------------------------------
for bad in [lambda: torch.linalg.eigh(torch.randn(2, 3)),
            lambda: torch.linalg.eig(torch.ones(3)),
            lambda: torch.linalg.eigh(A, UPLO="X"),
            lambda: torch.linalg.matrix_power(torch.zeros(2, 2), -1),
            lambda: torch.linalg.matrix_exp(torch.randn(2, 3))]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)
