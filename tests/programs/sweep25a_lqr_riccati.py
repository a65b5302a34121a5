"""Control course, lecture 6: the linear-quadratic regulator.  A double integrator and a small
aircraft-pitch model are discretised with the matrix exponential (zero-order hold), the discrete
algebraic Riccati equation is solved (1) by value iteration, (2) by a Newton/Kleinman iteration on
Lyapunov equations written with Kronecker products, and the gains are compared; closed-loop
stability is checked with eigenvalues, and the infinite-horizon cost of a rollout is compared with
x0' P x0."""
import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)
torch.set_default_dtype(torch.float64)


def c2d(A, B, dt):
    """Zero-order-hold discretisation via the exponential of the block matrix [[A, B], [0, 0]]."""
    n, m = B.shape
    M = torch.zeros(n + m, n + m)
    M[:n, :n] = A
    M[:n, n:] = B
    E = torch.linalg.matrix_exp(M * dt)
    return E[:n, :n], E[:n, n:]


def dare_iterate(A, B, Q, R, iters=500, tol=1e-12):
    P = Q.clone()
    for k in range(iters):
        BtP = B.T @ P
        K = torch.linalg.solve(R + BtP @ B, BtP @ A)
        P_new = Q + A.T @ P @ (A - B @ K)
        P_new = 0.5 * (P_new + P_new.T)
        if torch.linalg.matrix_norm(P_new - P, ord="fro") < tol:
            return P_new, K, k + 1
        P = P_new
    return P, K, iters


def dlyap(Acl, Qcl):
    """Solve P = Acl' P Acl + Qcl with vec(): (I - kron(Acl', Acl')) vec(P) = vec(Qcl)."""
    n = Acl.shape[0]
    lhs = torch.eye(n * n) - torch.kron(Acl.T, Acl.T)
    vecP = torch.linalg.solve(lhs, Qcl.T.reshape(-1))
    return vecP.reshape(n, n).T


def dare_newton(A, B, Q, R, K0, iters=20):
    K = K0
    for i in range(iters):
        Acl = A - B @ K
        P = dlyap(Acl, Q + K.T @ R @ K)
        K_new = torch.linalg.solve(R + B.T @ P @ B, B.T @ P @ A)
        step = (K_new - K).abs().max().item()
        K = K_new
        if step < 1e-12:
            break
    return P, K, i + 1


# ---------------------------------------------------------------- double integrator
A_c = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
B_c = torch.tensor([[0.0], [1.0]])
dt = 0.1
A, B = c2d(A_c, B_c, dt)
print("A_d =\n", A)
print("B_d =\n", B)
print("exact B_d == [dt^2/2, dt]:", torch.allclose(B.flatten(), torch.tensor([dt ** 2 / 2, dt])))

Q = torch.diag(torch.tensor([1.0, 0.1]))
R = torch.tensor([[0.01]])
P, K, its = dare_iterate(A, B, Q, R)
print("value iteration converged in", its, "steps")
print("P =\n", P)
print("K =", K)
P2, K2, its2 = dare_newton(A, B, Q, R, K0=torch.tensor([[1.0, 1.0]]))
print("Newton-Kleinman iterations:", its2, "| same K:", torch.allclose(K, K2, atol=1e-8))
res = A.T @ P @ A - P - A.T @ P @ B @ torch.linalg.inv(R + B.T @ P @ B) @ B.T @ P @ A + Q
print("Riccati residual small:", res.abs().max().item() < 1e-9)

ev_open = torch.linalg.eigvals(A)
ev_cl = torch.linalg.eigvals(A - B @ K)
print("open-loop eigenvalues:", ev_open)
print("closed-loop |eigenvalues|:", ev_cl.abs().sort().values)
print("closed loop stable:", bool((ev_cl.abs() < 1).all()))
print("spectral radius:", f"{torch.linalg.eigvals(A - B @ K).abs().max().item():.4f}")

# rollout cost equals x0' P x0
x0 = torch.tensor([1.0, -0.5])
x, J = x0.clone(), 0.0
traj = [x]
for t in range(400):
    u = -K @ x
    J += (x @ Q @ x + u @ R @ u).item()
    x = A @ x + B @ u
    traj.append(x)
traj = torch.stack(traj)
print("rollout cost  :", f"{J:.6f}")
print("x0' P x0      :", f"{(x0 @ P @ x0).item():.6f}")
print("first states:\n", traj[:5])
print("settling step (|x| < 1e-3):", int((traj.norm(dim=1) < 1e-3).nonzero()[0, 0]))

# ---------------------------------------------------------------- aircraft pitch (3 states)
A_c = torch.tensor([[-0.313, 56.7, 0.0], [-0.0139, -0.426, 0.0], [0.0, 56.7, 0.0]])
B_c = torch.tensor([[0.232], [0.0203], [0.0]])
A, B = c2d(A_c, B_c, 0.05)
print("pitch A_d dtype/shape:", A.dtype, tuple(A.shape))
ctrb = torch.cat([B, A @ B, A @ A @ B], dim=1)
print("controllability rank:", torch.linalg.matrix_rank(ctrb).item())
print("ctrb condition number:", f"{torch.linalg.cond(ctrb).item():.3e}")
for rho in (0.1, 1.0, 10.0):
    Q = torch.diag(torch.tensor([0.0, 0.0, 1.0]))
    R = torch.eye(1) * rho
    P, K, its = dare_iterate(A, B, Q, R, iters=5000, tol=1e-10)
    lam = torch.linalg.eigvals(A - B @ K)
    print(f"rho={rho:5.1f}: K={[round(k, 3) for k in K.flatten().tolist()]}, "
          f"max|lambda|={lam.abs().max().item():.4f}, PD={bool((torch.linalg.eigvalsh(P) > 0).all())}")

# Cholesky of P proves positive definiteness; a singular R is caught
L = torch.linalg.cholesky(P)
print("chol(P) lower-triangular:", torch.equal(L, L.tril()))
try:
    torch.linalg.cholesky(torch.zeros(2, 2))
except Exception as e:
    print(type(e).__name__, ":", str(e).splitlines()[0])
try:
    torch.linalg.solve(torch.zeros(1, 1), B.T @ P @ A)
except Exception as e:
    print(type(e).__name__, ":", str(e).splitlines()[0])
out = torch.linalg.solve_ex(torch.zeros(2, 2), torch.ones(2, 1))
print("solve_ex info:", out.info, "| fields:", type(out).__name__)
