"""Fitting autoregressive models AR(p), as a textbook chapter on Box-Jenkins does it: Yule-Walker
equations with a Toeplitz matrix built by indexing and solved with torch.linalg.solve (and a Cholesky
solve), conditional least squares through torch.linalg.lstsq on a lagged design matrix built with
Tensor.unfold, coefficient tables with standard errors and t statistics, AIC/BIC order selection,
the companion matrix and its eigenvalues (stationarity), the impulse response, and h-step forecasts
with Normal prediction intervals."""
import math

import torch

torch.manual_seed(27)
torch.set_printoptions(precision=4, sci_mode=False)

true_phi = torch.tensor([0.5, 0.25, -0.2], dtype=torch.float64)
sigma = 0.8
n, burn = 300, 100
e = sigma * torch.randn(n + burn, dtype=torch.float64)
y = torch.zeros(n + burn, dtype=torch.float64)
for t in range(3, n + burn):
    y[t] = 1.5 + true_phi @ y[t - 3:t].flip(0) + e[t]
y = y[burn:]
print("y", y.shape, f"mean {y.mean():.3f}", f"std {y.std():.3f}")


def autocov(z, p):
    zc = z - z.mean()
    return torch.stack([zc[: len(z) - k].dot(zc[k:]) for k in range(p + 1)]) / len(z)


def toeplitz(c):
    idx = (torch.arange(len(c)).unsqueeze(0) - torch.arange(len(c)).unsqueeze(1)).abs()
    return c[idx]


# --- Yule-Walker --------------------------------------------------------------------------------
p = 3
g = autocov(y, p)
R = toeplitz(g[:p])
print("Toeplitz R\n", R)
print("symmetric", torch.equal(R, R.T), "cond", f"{torch.linalg.cond(R).item():.3f}")
phi_yw = torch.linalg.solve(R, g[1:])
L = torch.linalg.cholesky(R)
phi_chol = torch.cholesky_solve(g[1:].unsqueeze(1), L).squeeze(1)
print("phi (Yule-Walker)", phi_yw)
print("cholesky agrees", torch.allclose(phi_yw, phi_chol))
sigma2_yw = g[0] - phi_yw @ g[1:]
print(f"sigma^2 (YW) {sigma2_yw.item():.4f}  mu {y.mean().item():.4f}  const {(y.mean() * (1 - phi_yw.sum())).item():.4f}")

# --- conditional least squares with an intercept ------------------------------------------------
windows = y.unfold(0, p + 1, 1)              # rows: y_{t-p} .. y_t
target = windows[:, -1]
lagged = windows[:, :-1].flip(1)             # y_{t-1}, y_{t-2}, y_{t-3}
X = torch.cat([torch.ones(len(target), 1, dtype=y.dtype), lagged], dim=1)
print("design", X.shape, "first row", X[0])
sol = torch.linalg.lstsq(X, target.unsqueeze(1))
beta = sol.solution.squeeze(1)
resid = target - X @ beta
dof = X.shape[0] - X.shape[1]
s2 = resid.pow(2).sum() / dof
cov_beta = s2 * torch.linalg.inv(X.T @ X)
se = cov_beta.diagonal().sqrt()
tstat = beta / se
pval = 2 * (1 - torch.distributions.Normal(0.0, 1.0).cdf(tstat.abs()))
print("\n           coef     se      t      p")
for name, b, s, tt, pv in zip(["const", "y[t-1]", "y[t-2]", "y[t-3]"], beta, se, tstat, pval):
    print(f"{name:8s} {b.item():7.4f} {s.item():6.4f} {tt.item():6.2f} {pv.item():6.4f}")
print(f"sigma^2 (OLS) {s2.item():.4f}, R^2 {1 - resid.var() / target.var():.4f}")
Q, Rq = torch.linalg.qr(X)
qr_beta = torch.linalg.solve_triangular(Rq, (Q.T @ target).unsqueeze(1), upper=True).squeeze(1)
print("QR agrees", torch.allclose(qr_beta, beta), "pinv agrees", torch.allclose(torch.linalg.pinv(X) @ target, beta))

# --- the same least squares by LBFGS in float32, as one would fit a model without a closed form -----
Xf, tf = X.float(), target.float()
w = torch.zeros(p + 1, requires_grad=True)
lbfgs = torch.optim.LBFGS([w], lr=1, history_size=5, max_iter=10, tolerance_grad=1e-9, tolerance_change=1e-12)


def closure():
    lbfgs.zero_grad()
    loss = ((Xf @ w - tf) ** 2).mean()
    loss.backward()
    return loss


for rnd in range(4):
    l = lbfgs.step(closure)
    st = lbfgs.state[w]
    print(f"lbfgs round {rnd}: loss {l.item():.5f} func_evals {st['func_evals']} n_iter {st['n_iter']}")
print("lbfgs coef", w.detach(), "vs lstsq", torch.allclose(w.detach().double(), beta, atol=1e-3))

# --- order selection by information criteria -----------------------------------------------------
print("\norder   AIC      BIC")
max_p = 6
m = len(y) - max_p                           # same sample for every order
ics = []
for order in range(1, max_p + 1):
    W = y.unfold(0, max_p + 1, 1)
    Xo = torch.cat([torch.ones(m, 1, dtype=y.dtype), W[:, max_p - order:max_p].flip(1)], 1)
    b = torch.linalg.lstsq(Xo, W[:, -1:]).solution
    rss = (W[:, -1:] - Xo @ b).square().sum()
    ll = -0.5 * m * (math.log(2 * math.pi) + torch.log(rss / m) + 1)
    k = order + 2
    aic, bic = -2 * ll + 2 * k, -2 * ll + k * math.log(m)
    ics.append(torch.stack([aic, bic]))
    print(f"{order:5d} {aic.item():8.2f} {bic.item():8.2f}")
ics = torch.stack(ics)
best = ics.argmin(dim=0) + 1
print("best order (AIC, BIC)", best.tolist())

# --- companion matrix: stationarity and impulse response -----------------------------------------
phi = beta[1:]
C = torch.zeros(p, p, dtype=y.dtype)
C[0] = phi
C[1:, :-1] = torch.eye(p - 1, dtype=y.dtype)
print("companion\n", C)
ev = torch.linalg.eigvals(C)
print("eigvals dtype", ev.dtype, "moduli", ev.abs().sort(descending=True).values)
print("stationary", bool((ev.abs() < 1).all()))
roots = torch.linalg.eigvals(C).abs().reciprocal()
print("min |root| of AR polynomial", f"{roots.min().item():.4f}")
psi = torch.stack([torch.linalg.matrix_power(C, j)[0, 0] for j in range(8)])
print("impulse response", psi)

# --- forecasting with prediction intervals ------------------------------------------------------
h = 6
hist = y[-p:].clone()
fc = []
for _ in range(h):
    nxt = beta[0] + phi @ hist.flip(0)
    fc.append(nxt)
    hist = torch.cat([hist[1:], nxt.reshape(1)])
fc = torch.stack(fc)
var_h = s2 * torch.cumsum(psi[:h] ** 2, 0)
z = torch.distributions.Normal(0.0, 1.0).icdf(torch.tensor(0.9, dtype=torch.float64))
lo, hi = fc - z * var_h.sqrt(), fc + z * var_h.sqrt()
print("\nh  forecast   80% interval")
for i in range(h):
    print(f"{i + 1}  {fc[i].item():7.3f}  [{lo[i].item():6.3f}, {hi[i].item():6.3f}]")
print("long-run mean", f"{(beta[0] / (1 - phi.sum())).item():.4f}")

# --- a few things that go wrong ------------------------------------------------------------------
try:
    torch.linalg.solve(R[:2], g[1:])
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    torch.linalg.cholesky(-R)
except torch.linalg.LinAlgError as err:
    print("LinAlgError:", err)
try:
    y.float().unfold(0, 500, 1)
except RuntimeError as err:
    print("RuntimeError:", err)
