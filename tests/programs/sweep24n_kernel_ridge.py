"""Kernel ridge regression as in an ML-theory course notebook: RBF, Laplacian, Matern-3/2 and
polynomial kernels built from torch.cdist (p=1, 2, inf and both compute modes), the median
heuristic for the bandwidth (pdist and triu_indices), solving with torch.linalg.solve and with
cholesky + cholesky_solve, and the gradient of the training loss w.r.t. a log-lengthscale."""
import math

import torch

torch.manual_seed(0)
n, d = 40, 3
X = torch.rand(n, d, dtype=torch.float64) * 4 - 2
y = torch.sin(X[:, 0]) + 0.5 * torch.cos(2 * X[:, 1]) + 0.1 * torch.randn(n, dtype=torch.float64)
Xte = torch.linspace(-2, 2, 15, dtype=torch.float64).unsqueeze(1).repeat(1, d)
yte = torch.sin(Xte[:, 0]) + 0.5 * torch.cos(2 * Xte[:, 1])


def rbf_kernel(A, B, lengthscale):
    D2 = torch.cdist(A, B, p=2, compute_mode="use_mm_for_euclid_dist").pow(2)
    return torch.exp(-D2 / (2 * lengthscale ** 2))


def laplacian_kernel(A, B, gamma):
    return torch.exp(-gamma * torch.cdist(A, B, p=1))


def matern32(A, B, ell):
    r = torch.cdist(A, B, compute_mode="donot_use_mm_for_euclid_dist")
    s = math.sqrt(3) * r / ell
    return (1 + s) * torch.exp(-s)


def poly_kernel(A, B, degree=3, c=1.0):
    return (A @ B.T + c) ** degree


# median heuristic
pd = torch.pdist(X)
iu = torch.triu_indices(n, n, offset=1)
D = torch.cdist(X, X)
print("pdist", pd.shape, "triu", iu.shape, iu[:, :4].tolist())
print(f"median pdist {pd.median().item():.4f}  median triu {D[iu[0], iu[1]].median().item():.4f}")
sigma = pd.median() / math.sqrt(2)
print(f"bandwidth {sigma.item():.4f}")
print("cheb dist", torch.cdist(X[:3], X[3:6], p=float("inf")).round(decimals=4))
print("modes agree", torch.allclose(torch.cdist(X, X, compute_mode="use_mm_for_euclid_dist"),
                                     torch.cdist(X, X, compute_mode="donot_use_mm_for_euclid_dist"), atol=1e-6))

lam = 1e-2
for name, kfun in [("rbf", lambda A, B: rbf_kernel(A, B, sigma)),
                   ("laplace", lambda A, B: laplacian_kernel(A, B, 1.0 / sigma)),
                   ("matern32", lambda A, B: matern32(A, B, sigma)),
                   ("poly3", lambda A, B: poly_kernel(A / 2, B / 2))]:
    K = kfun(X, X)
    alpha = torch.linalg.solve(K + lam * n * torch.eye(n, dtype=K.dtype), y)
    pred = kfun(Xte, X) @ alpha
    mse = torch.mean((pred - yte) ** 2).item()
    train = torch.mean((K @ alpha - y) ** 2).item()
    print(f"{name:9s} train mse {train:.4f} test mse {mse:.4f} alpha norm {alpha.norm().item():.4f}")

K = rbf_kernel(X, X, sigma) + lam * n * torch.eye(n, dtype=torch.float64)
L = torch.linalg.cholesky(K)
alpha_c = torch.cholesky_solve(y.unsqueeze(1), L).squeeze(1)
alpha_s = torch.linalg.solve(K, y)
print("cholesky_solve == solve", torch.allclose(alpha_c, alpha_s), L.shape, f"{L.diag().min().item():.4f}")
Lu = torch.linalg.cholesky(K, upper=True)
alpha_u = torch.cholesky_solve(y[:, None], Lu, upper=True)
print("upper", torch.allclose(alpha_u.squeeze(), alpha_s), alpha_u.shape)
logdet = 2 * torch.log(torch.diagonal(L)).sum()
print(f"logdet {logdet.item():.4f} slogdet {torch.linalg.slogdet(K)[1].item():.4f}")

# gradient of the held-out loss w.r.t. the log-lengthscale
log_ell = torch.tensor(math.log(sigma.item()), dtype=torch.float64, requires_grad=True)
opt = torch.optim.Adam([log_ell], lr=0.1)
for step in range(8):
    ell = log_ell.exp()
    Ktr = rbf_kernel(X[:30], X[:30], ell)
    a = torch.linalg.solve(Ktr + lam * 30 * torch.eye(30, dtype=torch.float64), y[:30])
    val = torch.mean((rbf_kernel(X[30:], X[:30], ell) @ a - y[30:]) ** 2)
    opt.zero_grad()
    val.backward()
    opt.step()
    print(f"step {step} ell {ell.item():.4f} val {val.item():.5f} grad {log_ell.grad.item():+.5f}")
print("grad_fn", val.grad_fn.name(), Ktr.grad_fn.name())

# generalised exponential kernels exp(-||x - y||_p^p / s) in float32, p between 1 and 2 and above
X32, Xte32, y32 = X.float(), Xte.float(), y.float()
for p in [1.0, 1.5, 2.0, 3.0, float("inf")]:
    D = torch.cdist(X32, X32, p=p)
    Kp = torch.exp(-D / D.median())
    a = torch.linalg.solve(Kp + 0.1 * torch.eye(n), y32)
    pred = torch.exp(-torch.cdist(Xte32, X32, p=p) / D.median()) @ a
    print(f"p={p}: median dist {D.median().item():.4f} K[0,:3] {[round(v, 4) for v in Kp[0, :3].tolist()]}"
          f" test mse {torch.mean((pred - yte.float()) ** 2).item():.3f}")
