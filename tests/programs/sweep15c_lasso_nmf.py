"""Convex-optimisation lecture notes, done in torch instead of MATLAB: the lasso solved by ISTA and FISTA
(proximal gradient with soft thresholding, written by hand and via F.softshrink), the step size from the
Lipschitz constant (largest singular value), NMF with Lee & Seung multiplicative updates, and low-rank
matrix completion by alternating least squares and by Adam on a masked loss."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)

# ---------------------------------------------------------------- lasso: min 1/2||Ax-b||^2 + lam ||x||_1
n, d = 40, 20
A = torch.randn(n, d)
x_true = torch.zeros(d)
support = torch.randperm(d)[:4]
x_true[support] = torch.tensor([2.0, -3.0, 1.5, -1.0])
b = A @ x_true + 0.05 * torch.randn(n)
lam = 1.0
print("support:", sorted(support.tolist()))


def soft_threshold(v, t):
    return torch.sign(v) * torch.clamp(v.abs() - t, min=0.0)


v = torch.linspace(-2, 2, 9)
print("soft threshold:", soft_threshold(v, 0.5))
print("softshrink agrees:", torch.equal(soft_threshold(v, 0.5), F.softshrink(v, 0.5)))
print("relu form agrees:", torch.allclose(soft_threshold(v, 0.5), F.relu(v - 0.5) - F.relu(-v - 0.5)))

L = torch.linalg.matrix_norm(A, ord=2) ** 2
print(f"Lipschitz constant L = {L.item():.3f}")
svals = torch.linalg.svdvals(A)
print(f"sigma_max^2 = {svals[0].item() ** 2:.3f}, cond(A) = {(svals[0] / svals[-1]).item():.3f}")


def objective(x):
    return 0.5 * (A @ x - b).pow(2).sum() + lam * x.abs().sum()


def ista(iters):
    x = torch.zeros(d)
    hist = []
    for _ in range(iters):
        grad = A.T @ (A @ x - b)
        x = soft_threshold(x - grad / L, lam / L)
        hist.append(objective(x).item())
    return x, hist


def fista(iters):
    x = torch.zeros(d)
    y = x.clone()
    t = 1.0
    hist = []
    for _ in range(iters):
        x_new = F.softshrink(y - A.T @ (A @ y - b) / L, (lam / L).item())
        t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
        y = x_new + ((t - 1) / t_new) * (x_new - x)
        x, t = x_new, t_new
        hist.append(objective(x).item())
    return x, hist


x_ista, h_ista = ista(200)
x_fista, h_fista = fista(200)
for k in (0, 9, 49, 199):
    print(f"iter {k + 1:3d}  ISTA {h_ista[k]:.4f}  FISTA {h_fista[k]:.4f}")
print("ISTA nonzeros:", torch.count_nonzero(x_ista.abs() > 1e-6).item())
print("FISTA nonzeros:", (x_fista != 0).sum().item(), "at", torch.nonzero(x_fista).flatten().tolist())
print("FISTA estimate on support:", x_fista[support.sort().values])
print(f"recovery error {torch.linalg.vector_norm(x_fista - x_true):.3f}")

# subgradient optimality check: |A^T(Ax-b)| <= lam off the support
g = A.T @ (A @ x_fista - b)
off = x_fista == 0
print(f"max |grad| off support {g[off].abs().max():.3f} <= lam: {bool((g[off].abs() <= lam + 1e-3).all())}")

# the same problem by autograd + an L1 penalty (subgradient descent) for comparison
x_sg = torch.zeros(d, requires_grad=True)
opt = torch.optim.SGD([x_sg], lr=0.01)
for step in range(300):
    opt.zero_grad()
    loss = 0.5 * F.mse_loss(A @ x_sg, b, reduction="sum") + lam * x_sg.norm(p=1)
    loss.backward()
    opt.step()
print(f"subgradient objective {objective(x_sg.detach()):.3f} (FISTA {h_fista[-1]:.3f})")
print("grad_fn of loss:", type(loss.grad_fn).__name__)

# regularisation path
for lam_k in [5.0, 2.0, 0.5, 0.1]:
    x = torch.zeros(d)
    for _ in range(300):
        x = F.softshrink(x - A.T @ (A @ x - b) / L, lam_k / L.item())
    print(f"lam={lam_k:4.1f} nnz={int((x != 0).sum())} |x|_1={x.abs().sum():.3f}")

# ---------------------------------------------------------------- NMF: V ~ W H, W,H >= 0
torch.manual_seed(1)
m, k, r = 12, 10, 3
V = torch.rand(m, r) @ torch.rand(r, k)
W = torch.rand(m, r)
H = torch.rand(r, k)
eps = 1e-9
for it in range(1, 201):
    H *= (W.T @ V) / (W.T @ W @ H + eps)
    W *= (V @ H.T) / (W @ H @ H.T + eps)
    if it in (1, 10, 50, 200):
        err = torch.linalg.norm(V - W @ H, "fro") / torch.linalg.norm(V)
        print(f"NMF iter {it:3d} relative error {err:.4f}")
print("W >= 0:", bool((W >= 0).all()), "H >= 0:", bool(H.ge(0).all()), W.dtype, tuple(H.shape))

# KL-divergence multiplicative updates
W2, H2 = torch.rand(m, r), torch.rand(r, k)
for it in range(100):
    H2 = H2 * (W2.T @ (V / (W2 @ H2))) / W2.sum(0, keepdim=True).T
    W2 = W2 * ((V / (W2 @ H2)) @ H2.T) / H2.sum(1, keepdim=True).T
WH = W2 @ H2
kl = (V * torch.log(V / WH) - V + WH).sum()
print(f"KL-NMF divergence {kl:.4f}")
print(f"F.kl_div(log WH, V, 'sum') = {F.kl_div(WH.log(), V, reduction='sum'):.3f}")

# ---------------------------------------------------------------- matrix completion
torch.manual_seed(2)
m, n, rank = 15, 12, 2
M = torch.randn(m, rank) @ torch.randn(rank, n)
mask = torch.rand(m, n) < 0.6
print("observed entries:", mask.sum().item(), "of", mask.numel(), mask.dtype)

# alternating least squares with a ridge term, row by row
U = torch.randn(m, rank)
Vt = torch.randn(n, rank)
reg = 0.5 * torch.eye(rank)
for sweep in range(15):
    for i in range(m):
        cols = mask[i].nonzero(as_tuple=True)[0]
        Vi = Vt[cols]
        U[i] = torch.linalg.solve(Vi.T @ Vi + reg, Vi.T @ M[i, cols])
    for j in range(n):
        rows = torch.where(mask[:, j])[0]
        Uj = U[rows]
        Vt[j] = torch.linalg.lstsq(Uj.T @ Uj + reg, (Uj.T @ M[rows, j]).unsqueeze(1)).solution.squeeze(1)
    if sweep in (0, 4, 14):
        R = U @ Vt.T
        train = (R - M)[mask].pow(2).mean().sqrt()
        test = (R - M)[~mask].pow(2).mean().sqrt()
        print(f"ALS sweep {sweep + 1:2d} train RMSE {train:.4f} held-out RMSE {test:.4f}")

# gradient descent on the factors with Adam
P = torch.nn.Parameter(0.1 * torch.randn(m, rank))
Q = torch.nn.Parameter(0.1 * torch.randn(n, rank))
opt = torch.optim.Adam([P, Q], lr=0.05)
print(opt)
for step in range(300):
    opt.zero_grad()
    pred = P @ Q.T
    loss = ((pred - M) * mask).pow(2).sum() / mask.sum() + 1e-4 * (P.pow(2).sum() + Q.pow(2).sum())
    loss.backward()
    opt.step()
    if step % 100 == 0 or step == 299:
        print(f"Adam step {step:3d} masked loss {loss.item():.4f}")
with torch.no_grad():
    R = P @ Q.T
    print(f"held-out RMSE {F.mse_loss(R[~mask], M[~mask]).sqrt():.3f}")
    print("singular values of completion:", torch.linalg.svdvals(R)[:4])

# nuclear-norm proximal step: singular value thresholding
X = torch.where(mask, M, torch.zeros(()))
Z = torch.zeros_like(M)
for it in range(100):
    U_, S_, Vh_ = torch.linalg.svd(Z + mask * (M - Z), full_matrices=False)
    Z = U_ @ torch.diag(F.relu(S_ - 1.0)) @ Vh_
print("SVT rank:", torch.linalg.matrix_rank(Z, atol=1e-3).item(), "nuclear norm:",
      f"{torch.linalg.matrix_norm(Z, ord='nuc'):.3f}")
print(f"SVT held-out RMSE {((Z - M)[~mask]).square().mean().sqrt():.3f}")
