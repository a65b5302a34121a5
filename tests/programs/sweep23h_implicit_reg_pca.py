"""ML-theory homework, week 9: implicit regularization and PCA. Plain gradient descent (by hand and with
torch.optim.SGD) on an underdetermined least-squares problem started at zero converges to the minimum-norm
interpolant pinv(X) y; started elsewhere it keeps the null-space component. Then PCA of a low-rank-plus-noise
cloud with torch.linalg.svd, torch.pca_lowrank and torch.svd_lowrank, explained variance and reconstruction."""
import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4)

n, d = 8, 20
X = torch.randn(n, d, dtype=torch.float64)
y = torch.randn(n, dtype=torch.float64)
w_mn = torch.linalg.pinv(X) @ y
print(f"min-norm solution norm: {w_mn.norm().item():.4f}")
print("in row space:", torch.allclose(w_mn, X.T @ torch.linalg.solve(X @ X.T, y)))

lr = 1.0 / torch.linalg.matrix_norm(X, ord=2).item() ** 2
print(f"step size 1/sigma_max^2 = {lr:.5f}")
w = torch.zeros(d, dtype=torch.float64, requires_grad=True)
for it in range(401):
    loss = 0.5 * (X @ w - y).pow(2).sum()
    g, = torch.autograd.grad(loss, w)
    with torch.no_grad():
        w -= lr * g
    if it in (0, 10, 50, 100):
        print(f"iter {it:4d}  loss {loss.item():.3e}  dist to w_mn {(w - w_mn).norm().item():.3e}")
print(f"after 400 iters: loss < 1e-20: {loss.item() < 1e-20}, dist < 1e-12: {(w - w_mn).norm().item() < 1e-12}")
print("GD from zero reaches min-norm:", torch.allclose(w.detach(), w_mn, atol=1e-6))

# start away from zero: null-space component survives
w0 = torch.randn(d, dtype=torch.float64)
P_null = torch.eye(d, dtype=torch.float64) - torch.linalg.pinv(X) @ X
w = torch.nn.Parameter(w0.clone())
opt = torch.optim.SGD([w], lr=lr)
for it in range(400):
    opt.zero_grad()
    (0.5 * (X @ w - y).pow(2).sum()).backward()
    opt.step()
pred_limit = w_mn + P_null @ w0
print("GD from w0 -> w_mn + P_null w0:", torch.allclose(w.detach(), pred_limit, atol=1e-6))
print(f"||w|| = {w.norm().item():.4f} > ||w_mn|| = {w_mn.norm().item():.4f}")
print(f"projector idempotent: {torch.allclose(P_null @ P_null, P_null)}, rank {torch.linalg.matrix_rank(P_null).item()}")

# momentum and weight decay change the limit
for wd in [0.0, 0.1]:
    w = torch.nn.Parameter(torch.zeros(d, dtype=torch.float64))
    opt = torch.optim.SGD([w], lr=lr, momentum=0.9, weight_decay=wd)
    for it in range(300):
        opt.zero_grad()
        (0.5 * (X @ w - y).pow(2).sum()).backward()
        opt.step()
    w_r = torch.linalg.solve(X.T @ X + wd * torch.eye(d, dtype=torch.float64), X.T @ y) if wd else w_mn
    print(f"momentum, wd={wd}: ||w||={w.norm().item():.4f}  matches closed form: {torch.allclose(w.detach(), w_r, atol=1e-5)}")

# ---- PCA ----
torch.manual_seed(1)
N, D, k = 200, 10, 3
basis = torch.linalg.qr(torch.randn(D, k)).Q
scales = torch.tensor([5.0, 3.0, 1.5])
Z = torch.randn(N, k) * scales
data = Z @ basis.T + 0.1 * torch.randn(N, D) + torch.linspace(-1, 1, D)
mu = data.mean(0)
Xc = data - mu
U, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
ev = S ** 2 / (N - 1)
ratio = ev / ev.sum()
print("explained variance:", ev[:5].round(decimals=3))
print("explained variance ratio:", ratio[:4].round(decimals=4))
print("cumulative:", ratio.cumsum(0)[:4].round(decimals=4))
cov = Xc.T @ Xc / (N - 1)
evals, evecs = torch.linalg.eigh(cov)
print("eigh agrees with svd:", torch.allclose(evals.flip(0)[:k], ev[:k], rtol=1e-4))
print("torch.cov agrees:", torch.allclose(torch.cov(data.T), cov, atol=1e-5))
subspace = (Vh[:k] @ basis).abs()
print("principal angles cos:", torch.linalg.svdvals(Vh[:k] @ basis).round(decimals=3))

U2, S2, V2 = torch.pca_lowrank(data, q=k, center=True, niter=4)
print("pca_lowrank shapes:", tuple(U2.shape), tuple(S2.shape), tuple(V2.shape))
print("pca_lowrank singular values:", S2.round(decimals=2))
print("svd singular values:        ", S[:k].round(decimals=2))
print("same subspace:", torch.allclose((V2.T @ Vh[:k].T).abs().sum(0), torch.ones(k), atol=1e-3) or
      bool(torch.linalg.svdvals(V2.T @ Vh[:k].T).min() > 0.999))
U3, S3, V3 = torch.svd_lowrank(Xc, q=k + 2, niter=2)
print("svd_lowrank top-3:", S3[:k].round(decimals=2))

proj = Xc @ Vh[:k].T
recon = proj @ Vh[:k] + mu
err = (recon - data).pow(2).sum(1).mean()
print(f"projected shape {tuple(proj.shape)}, reconstruction MSE per point: {err.item():.4f}")
print(f"residual variance check: {err.item() / ev[k:].sum().item() / (N - 1) * N:.4f}")
print("old API torch.svd V is Vh.T:", torch.allclose(torch.svd(Xc).V.abs(), Vh.T.abs(), atol=1e-5))
whitened = proj / S[:k] * (N - 1) ** 0.5
Cw = torch.cov(whitened.T)
print("whitened covariance diag:", Cw.diagonal().round(decimals=3),
      "off-diagonal < 1e-5:", bool((Cw - torch.diag(Cw.diagonal())).abs().max() < 1e-5))
