"""Sparse recovery lab: ISTA and FISTA with soft-thresholding (torch.sign * clamp_min), compressed
sensing from random Gaussian measurements and from a partial (row-subsampled) Fourier operator with
complex tensors, conjugate gradient on the normal equations, and Landweber iterations with the step
from the spectral norm (torch.linalg.matrix_norm(ord=2)); error norms printed per iteration."""
import torch

torch.manual_seed(7)
torch.set_printoptions(precision=4)

n, m, k = 64, 32, 4
x_true = torch.zeros(n)
support = torch.randperm(n)[:k]
x_true[support] = torch.randn(k).sign() * (1 + torch.rand(k))
print("support:", sorted(support.tolist()))

A = torch.randn(m, n) / m ** 0.5
y = A @ x_true + 0.01 * torch.randn(m)


def soft(z, t):
    return torch.sign(z) * torch.clamp_min(z.abs() - t, 0.0)


print(soft(torch.tensor([-2.0, -0.3, 0.0, 0.5, 1.5]), 0.4))

L = torch.linalg.matrix_norm(A, ord=2) ** 2
print(f"Lipschitz L = {L.item():.4f}", f"fro {torch.linalg.matrix_norm(A).item():.4f}")
lam = 0.02


def objective(x):
    return 0.5 * (A @ x - y).pow(2).sum() + lam * x.abs().sum()


x = torch.zeros(n)
for it in range(200):
    x = soft(x - (A.T @ (A @ x - y)) / L, lam / L)
    if it in (0, 9, 49, 199):
        print(f"ista {it:3d} obj {objective(x).item():.5f} err {torch.linalg.vector_norm(x - x_true).item():.4f} nnz {(x != 0).sum().item()}")

x = torch.zeros(n)
z = x.clone()
tk = 1.0
for it in range(200):
    x_new = soft(z - A.mT @ (A @ z - y) / L, lam / L)
    t_new = (1 + (1 + 4 * tk * tk) ** 0.5) / 2
    z = x_new + ((tk - 1) / t_new) * (x_new - x)
    x, tk = x_new, t_new
    if it in (0, 9, 49, 199):
        print(f"fista {it:3d} obj {objective(x).item():.5f} err {(x - x_true).norm(p=2).item():.4f}")
est_support = torch.nonzero(x.abs() > 0.1).flatten()
print("fista support:", est_support.tolist(), torch.equal(est_support, support.sort().values))
print("top-k values:", x.abs().topk(k).values)

# ---- partial Fourier (MRI-style) measurements, complex arithmetic ----
torch.manual_seed(3)
mask = torch.zeros(n, dtype=torch.bool)
mask[torch.randperm(n)[:24]] = True
mask[0] = True
print("sampled freqs:", mask.sum().item())


def Fop(x):
    return torch.fft.fft(x.to(torch.complex64), norm="ortho")[mask]


def Fadj(yc):
    full = torch.zeros(n, dtype=torch.complex64)
    full[mask] = yc
    return torch.fft.ifft(full, norm="ortho").real


yf = Fop(x_true)
print("measurement:", yf.shape, yf.dtype)
x = torch.zeros(n)
for it in range(150):
    x = soft(x - Fadj(Fop(x) - yf), 0.01)
    if it in (0, 49, 149):
        resid = torch.linalg.vector_norm(Fop(x) - yf)
        print(f"pf-ista {it:3d} resid {resid.item():.4f} err {(x - x_true).norm().item():.4f}")
zero_filled = Fadj(yf)
print(f"zero-filled err {(zero_filled - x_true).norm().item():.4f}")

# ---- conjugate gradient on the normal equations (Tikhonov) ----
Ad = A.double()
yd = y.double()
alpha = 0.05
M = Ad.T @ Ad + alpha * torch.eye(n, dtype=torch.float64)
b = Ad.T @ yd
xcg = torch.zeros(n, dtype=torch.float64)
r = b - M @ xcg
pvec = r.clone()
rs = r.dot(r)
for it in range(n):
    Mp = M @ pvec
    a = rs / pvec.dot(Mp)
    xcg = xcg + a * pvec
    r = r - a * Mp
    rs_new = r.dot(r)
    if it % 10 == 0:
        print(f"cg {it:2d} residual {rs_new.sqrt().item():.3e}")
    if rs_new.sqrt() < 1e-6:
        print("cg converged at", it)
        break
    pvec = r + (rs_new / rs) * pvec
    rs = rs_new
direct = torch.linalg.solve(M, b)
print("cg vs solve:", torch.allclose(xcg, direct, atol=1e-5), f"{(xcg.float() - x_true).norm().item():.4f}")
chol = torch.linalg.cholesky(M)
print("cholesky solve:", torch.allclose(torch.cholesky_solve(b[:, None], chol).squeeze(1), direct))

# ---- Landweber with early stopping (discrepancy principle) ----
omega = 1.0 / L
xl = torch.zeros(n)
delta = 0.01 * m ** 0.5
for it in range(500):
    res = A @ xl - y
    if res.norm() <= 1.1 * delta:
        print("landweber stopped at", it)
        break
    xl = xl - omega * A.T @ res
    if it in (0, 10, 100):
        print(f"landweber {it:3d} res {res.norm().item():.4f} err {(xl - x_true).norm().item():.4f}")
print(f"landweber final err {(xl - x_true).norm().item():.3f}")
