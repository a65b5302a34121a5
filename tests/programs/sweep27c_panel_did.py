"""Difference-in-differences and panel fixed effects: dummies, within transformation by group means,
clustered standard errors, an event study."""
import torch
import torch.nn.functional as F

torch.manual_seed(5)
N, Tn = 40, 6                      # units, periods
unit = torch.arange(N).repeat_interleave(Tn)
time = torch.arange(Tn).repeat(N)
treated_unit = (torch.rand(N) < 0.5)
adopt = 3
treated = treated_unit[unit] & (time >= adopt)
alpha_i = torch.randn(N) * 2.0
gamma_t = torch.linspace(0, 1.5, Tn)
x = torch.randn(N * Tn) + 0.5 * alpha_i[unit]
y = alpha_i[unit] + gamma_t[time] + 1.25 * treated.float() + 0.8 * x + 0.3 * torch.randn(N * Tn)
print("obs:", y.numel(), "treated units:", int(treated_unit.sum()), "treated obs:", treated.sum().item())

# 2x2 DiD table from cell means
post = time >= adopt
cells = torch.zeros(2, 2)
for g in (0, 1):
    for p in (0, 1):
        m = (treated_unit[unit] == bool(g)) & (post == bool(p))
        cells[g, p] = y[m].mean()
print("cell means (rows: control/treated, cols: pre/post):")
print(cells)
did = (cells[1, 1] - cells[1, 0]) - (cells[0, 1] - cells[0, 0])
print(f"2x2 DiD: {did.item():.4f}")

# DiD regression with dummies: y ~ 1 + G + Post + G*Post
G = treated_unit[unit].float()
P = post.float()
Xd = torch.stack([torch.ones_like(G), G, P, G * P], dim=1)
coef = torch.linalg.lstsq(Xd, y.unsqueeze(-1)).solution.squeeze(-1)
print("dummy regression:", coef)

# two-way fixed effects by one-hot dummies (drop first unit and first period)
U = F.one_hot(unit, N)[:, 1:].to(torch.float32)
Tt = F.one_hot(time, Tn)[:, 1:].float()
X_full = torch.cat([torch.ones(N * Tn, 1), treated.float()[:, None], x[:, None], U, Tt], dim=1)
print("design:", tuple(X_full.shape), X_full.dtype)
b_full = torch.linalg.lstsq(X_full.double(), y.double()[:, None]).solution[:, 0]
print(f"TWFE dummies: tau={b_full[1].item():.4f} beta_x={b_full[2].item():.4f}")


# within transformation: subtract unit and time means (balanced panel -> one pass is exact)
def group_mean(v, idx, k):
    s = torch.zeros(k, dtype=v.dtype).scatter_add_(0, idx, v)
    c = torch.zeros(k, dtype=v.dtype).index_add_(0, idx, torch.ones_like(v))
    return s / c


def demean(v):
    return v - group_mean(v, unit, N)[unit] - group_mean(v, time, Tn)[time] + v.mean()


yd = demean(y.double())
Xw = torch.stack([demean(treated.double()), demean(x.double())], dim=1)
bw = torch.linalg.solve(Xw.T @ Xw, Xw.T @ yd)
print("within estimator:", bw.float())
print("match dummies:", torch.allclose(bw, b_full[1:3], atol=1e-8))

# scatter_reduce means agree with the scatter_add version
m_sr = torch.zeros(N, dtype=torch.float64).scatter_reduce(0, unit, y.double(), reduce="mean", include_self=False)
print("scatter_reduce mean ok:", torch.allclose(m_sr, group_mean(y.double(), unit, N)))
print("per-period max:", torch.full((Tn,), -1e9).scatter_reduce(0, time, y, "amax"))

# cluster-robust (by unit) covariance: sum over clusters of (X_g' e_g)(X_g' e_g)'
e = yd - Xw @ bw
scores = torch.zeros(N, 2, dtype=torch.float64).index_add_(0, unit, Xw * e[:, None])
bread = torch.linalg.inv(Xw.T @ Xw)
meat = torch.einsum("gi,gj->ij", scores, scores)
dof = (N / (N - 1)) * ((N * Tn - 1) / (N * Tn - 2 - N - Tn + 1))
V_cl = dof * bread @ meat @ bread
se_cl = V_cl.diagonal().sqrt()
s2 = (e @ e) / (N * Tn - 2 - N - Tn + 1)
se_iid = (bread.diagonal() * s2).sqrt()
print(f"{'':6s}{'coef':>9s}{'se iid':>9s}{'se clu':>9s}{'t':>8s}")
for k, nm in enumerate(["treat", "x"]):
    print(f"{nm:6s}{bw[k].item():9.4f}{se_iid[k].item():9.4f}{se_cl[k].item():9.4f}{(bw[k] / se_cl[k]).item():8.2f}")

# event study: leads and lags relative to adoption for treated units
rel = torch.where(treated_unit[unit], time - adopt, torch.full_like(time, -99))
leads_lags = [k for k in range(-adopt, Tn - adopt) if k != -1]
D = torch.stack([(rel == k).double() for k in leads_lags], dim=1)
Dw = torch.stack([demean(D[:, j]) for j in range(D.shape[1])], dim=1)
Xe = torch.cat([Dw, demean(x.double()).unsqueeze(1)], 1)
be = torch.linalg.pinv(Xe) @ yd
print("event-study coefficients (k: estimate):")
print("  " + "  ".join(f"{k:+d}:{v:.3f}" for k, v in zip(leads_lags, be[:-1].tolist())))

# group sizes and unique periods
vals, inv, counts = torch.unique(time, return_inverse=True, return_counts=True)
print("periods:", vals.tolist(), "counts:", counts.tolist(), "inverse ok:", torch.equal(vals[inv], time))
print("bincount of treated obs per unit (first 8):", torch.bincount(unit, weights=treated.float())[:8])
# a panel reshaped to units x periods
Y = y.view(N, Tn)
print("unit-demeaned first two rows:\n", (Y - Y.mean(1, keepdim=True))[:2])
try:
    y.view(Tn, N + 1)
except RuntimeError as err:
    print("view error:", err)
try:
    torch.zeros(N).scatter_add_(0, unit.float(), y)
except RuntimeError as err:
    print("scatter error:", err)
