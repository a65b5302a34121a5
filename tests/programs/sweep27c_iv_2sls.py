"""Instrumental variables: OLS bias, two-stage least squares, sandwich standard errors, weak-instrument F."""
import torch

torch.manual_seed(11)
torch.set_default_dtype(torch.float64)
n = 500
Z = torch.randn(n, 2)                       # two excluded instruments
W = torch.randn(n, 1)                       # an exogenous control
u = torch.randn(n)                          # unobserved confounder
D = 0.6 * Z[:, 0] + 0.4 * Z[:, 1] + 0.5 * W[:, 0] + u + 0.3 * torch.randn(n)
Y = 1.5 * D - 0.7 * W[:, 0] + 2.0 * u + torch.randn(n)
print("dtype:", D.dtype, "corr(D,u) =", round(torch.corrcoef(torch.stack([D, u]))[0, 1].item(), 4))

ones = torch.ones(n, 1)
Xmat = torch.hstack([ones, D[:, None], W])          # regressors
Zmat = torch.column_stack([ones, Z, W])             # instruments incl. exogenous
names = ["const", "D", "W"]


def ols(X, y):
    XtX_inv = torch.linalg.inv(X.T @ X)
    b = XtX_inv @ X.T @ y
    return b, XtX_inv


b_ols, XtX_inv = ols(Xmat, Y)
e_ols = Y - Xmat @ b_ols
s2 = e_ols.dot(e_ols) / (n - Xmat.shape[1])
se_ols = torch.sqrt(torch.diagonal(XtX_inv) * s2)

# first stage: regress D on all instruments
g, _ = ols(Zmat, D)
D_hat = Zmat @ g
resid_fs = D - D_hat
# first-stage F for excluded instruments (restricted model without Z)
Zr = torch.cat([ones, W], 1)
gr = torch.linalg.lstsq(Zr, D).solution
rss_u = resid_fs.pow(2).sum()
rss_r = (D - Zr @ gr).pow(2).sum()
F_stat = ((rss_r - rss_u) / 2) / (rss_u / (n - Zmat.shape[1]))
print(f"first-stage F: {F_stat.item():.2f}")

# second stage via projection matrix P_Z = Z (Z'Z)^+ Z'
Pz = Zmat @ torch.linalg.pinv(Zmat)
Xh = Pz @ Xmat
b_2sls = torch.linalg.solve(Xh.T @ Xmat, Xh.T @ Y)
e_iv = Y - Xmat @ b_2sls                     # residuals with the actual D
sigma2 = (e_iv ** 2).mean()
bread = torch.linalg.inv(Xh.T @ Xh)
V_homo = sigma2 * bread
meat = torch.einsum("i,ij,ik->jk", e_iv ** 2, Xh, Xh)
V_hc0 = bread @ meat @ bread
V_hc1 = V_hc0 * n / (n - Xmat.shape[1])

std_normal = torch.distributions.Normal(torch.tensor(0.0), torch.tensor(1.0))
print(f"{'':8s}{'OLS':>10s}{'(se)':>10s}{'2SLS':>10s}{'(se)':>10s}{'(HC1)':>10s}{'p':>8s}")
for k, name in enumerate(names):
    se_h = V_homo[k, k].sqrt()
    se_r = V_hc1[k, k].sqrt()
    p = 2 * std_normal.cdf(-(b_2sls[k] / se_r).abs())
    print(f"{name:8s}{b_ols[k].item():10.4f}{se_ols[k].item():10.4f}{b_2sls[k].item():10.4f}"
          f"{se_h.item():10.4f}{se_r.item():10.4f}{p.item():8.3f}")

# the same 2SLS with the explicit two-stage regression
b_two = torch.linalg.lstsq(torch.hstack([ones, D_hat[:, None], W]), Y[:, None]).solution.flatten()
print("two-stage coefs:", b_two)
print("max abs diff:", bool((b_two - b_2sls).abs().max() < 1e-8))

# Wald (just-identified) estimator with the single instrument Z0
cov = torch.cov(torch.stack([Y, D, Z[:, 0]]))
print("covariance matrix:\n", cov)
print(f"Wald estimate: {(cov[0, 2] / cov[1, 2]).item():.4f}")

# Sargan over-identification test: n * R^2 of IV residuals on instruments
gs = torch.linalg.lstsq(Zmat, e_iv).solution
fit = Zmat @ gs
r2 = 1 - ((e_iv - fit) ** 2).sum() / ((e_iv - e_iv.mean()) ** 2).sum()
sargan = n * r2
chi2 = torch.distributions.Chi2(torch.tensor(1.0))
print(f"Sargan: {sargan.item():.4f}  chi2(1) log-density there: {chi2.log_prob(sargan).item():.4f}")

# Hausman-type control function: residual inclusion
Xcf = torch.cat([Xmat, resid_fs.unsqueeze(-1)], dim=-1)
b_cf = torch.linalg.lstsq(Xcf, Y).solution
print("control function coefs:", b_cf.numpy().round(4).tolist())

# diagnostics on the projection
print("rank of Z:", torch.linalg.matrix_rank(Zmat).item(), "trace P_Z:", round(torch.trace(Pz).item(), 6))
print("cond(X'X): %.2f" % torch.linalg.cond(Xmat.T @ Xmat).item())
sign, logdet = torch.linalg.slogdet(Zmat.T @ Zmat)
print("slogdet(Z'Z):", sign.item(), f"{logdet.item():.4f}")
L = torch.linalg.cholesky(V_hc1)
print("cholesky of HC1 cov:\n", L)

# a singular design: the duplicated column leaves inv failing
bad = torch.hstack([Xmat, Xmat[:, 1:2]])
try:
    torch.linalg.inv(bad.T @ bad * 0 + torch.ones(4, 4))
except RuntimeError as err:
    print("inv error:", err)
try:
    torch.linalg.solve(Xh.T @ Xmat, Y)
except RuntimeError as err:
    print("solve error:", err)
print("pinv of the singular gram is fine:", torch.linalg.pinv(bad.T @ bad).shape)
torch.set_default_dtype(torch.float32)
