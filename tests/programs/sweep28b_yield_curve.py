"""Fixed-income analytics as in a rates course: bootstrapping zero rates from par swap rates,
linear and natural-cubic-spline interpolation (torch.bucketize, a tridiagonal torch.linalg.solve),
log-linear discount factors, a Nelson-Siegel-Svensson nn.Module fitted with LBFGS and a closure,
bond price, yield by Newton, modified duration and convexity by autograd, key-rate durations from
torch.autograd.functional.jacobian, PCA of curve moves with torch.linalg.eigh / svd, a Vasicek
zero-coupon curve, and a 1-day rates VaR from torch.quantile and kthvalue."""
import math

import torch
from torch import nn

torch.set_printoptions(precision=5, linewidth=100)
torch.manual_seed(11)

tenors = torch.tensor([1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 20.0, 30.0], dtype=torch.float64)
par = torch.tensor([4.80, 4.55, 4.35, 4.15, 4.10, 4.12, 4.35, 4.30], dtype=torch.float64) / 100

# annual grid par rates by linear interpolation, then bootstrap discount factors
grid = torch.arange(1, 31, dtype=torch.float64)
idx = torch.bucketize(grid, tenors).clamp(1, len(tenors) - 1)
w = (grid - tenors[idx - 1]) / (tenors[idx] - tenors[idx - 1])
par_grid = torch.lerp(par[idx - 1], par[idx], w.clamp(0, 1))
print("bucket indices", idx[:12])
df = torch.empty_like(grid)
annuity = 0.0
for i in range(len(grid)):
    df[i] = (1 - par_grid[i] * annuity) / (1 + par_grid[i])
    annuity = annuity + df[i]
zero = -torch.log(df) / grid
fwd = -torch.diff(torch.log(df), prepend=torch.zeros(1, dtype=torch.float64))
print("zero rates %", (zero[tenors.long() - 1] * 100).round(decimals=3))
print("1y forwards % (first 10)", (fwd[:10] * 100).round(decimals=3))
print("par repriced", torch.allclose((1 - df) / torch.cumsum(df, 0), par_grid))


# natural cubic spline through the bootstrapped zeros at the quoted tenors
def natural_spline(x, y):
    n = x.numel()
    h = x.diff()
    A = torch.zeros(n, n, dtype=x.dtype)
    rhs = torch.zeros(n, dtype=x.dtype)
    A[0, 0] = A[-1, -1] = 1.0
    for i in range(1, n - 1):
        A[i, i - 1], A[i, i], A[i, i + 1] = h[i - 1], 2 * (h[i - 1] + h[i]), h[i]
        rhs[i] = 6 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1])
    M = torch.linalg.solve(A, rhs)
    return M


def spline_eval(x, y, M, t):
    i = (torch.searchsorted(x, t, right=True) - 1).clamp(0, x.numel() - 2)
    h = x[i + 1] - x[i]
    a, b = (x[i + 1] - t) / h, (t - x[i]) / h
    return a * y[i] + b * y[i + 1] + ((a ** 3 - a) * M[i] + (b ** 3 - b) * M[i + 1]) * h ** 2 / 6


zq = zero[tenors.long() - 1]
M = natural_spline(tenors, zq)
print("second derivatives", (M * 1e4).round(decimals=3))
t = torch.tensor([1.5, 4.0, 8.5, 15.0, 25.0], dtype=torch.float64)
print("spline zeros %", (spline_eval(tenors, zq, M, t) * 100).round(decimals=4))
print("linear zeros %", (torch.from_numpy(__import__("numpy").interp(t.numpy(), tenors.numpy(), zq.numpy())) * 100).round(decimals=4))


class NSS(nn.Module):
    def __init__(self):
        super().__init__()
        self.beta = nn.Parameter(torch.tensor([0.04, 0.01, -0.01, 0.01], dtype=torch.float64))
        self.log_tau = nn.Parameter(torch.tensor([0.5, 2.0], dtype=torch.float64))

    def forward(self, m):
        tau1, tau2 = self.log_tau.exp().unbind()
        x1, x2 = m / tau1, m / tau2
        f1 = (1 - torch.exp(-x1)) / x1
        f2 = (1 - torch.exp(-x2)) / x2
        b0, b1, b2, b3 = self.beta
        return b0 + b1 * f1 + b2 * (f1 - torch.exp(-x1)) + b3 * (f2 - torch.exp(-x2))


model = NSS()
print(model)
print([(n, tuple(p.shape)) for n, p in model.named_parameters()])
opt = torch.optim.LBFGS(model.parameters(), lr=0.5, max_iter=200, line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    loss = ((model(grid) - zero) ** 2).mean() * 1e6
    loss.backward()
    return loss


for _ in range(3):
    loss = opt.step(closure)
print(f"NSS fit rmse bp {math.sqrt(loss.item() / 1e6) * 1e4:.2f}")
with torch.no_grad():
    print("NSS long rate %", f"{(model.beta[0] * 100).item():.2f}", "short rate %",
          f"{((model.beta[0] + model.beta[1]) * 100).item():.2f}")

# a 7y 4.5% annual bond on the bootstrapped curve
cpn, mat = 0.045, 7
cf = torch.full((mat,), cpn * 100, dtype=torch.float64)
cf[-1] += 100
times = torch.arange(1, mat + 1, dtype=torch.float64)
price = (cf * df[:mat]).sum()
print(f"bond price {price.item():.4f}")
y = torch.tensor(0.04, dtype=torch.float64, requires_grad=True)
for _ in range(20):
    pv = (cf * (1 + y) ** -times).sum()
    dp, = torch.autograd.grad(pv, y)
    with torch.no_grad():
        y -= (pv - price) / dp
print(f"yield to maturity {y.item() * 100:.4f}%")
pv = (cf * (1 + y) ** -times).sum()
d1, = torch.autograd.grad(pv, y, create_graph=True)
d2, = torch.autograd.grad(d1, y)
print(f"modified duration {(-d1 / pv).item():.4f} convexity {(d2 / pv).item():.4f}")
mac = (times * cf * (1 + y.detach()) ** -times).sum() / pv.detach()
print(f"macaulay {mac.item():.4f} = modified*(1+y): {torch.isclose(mac, -d1.detach() / pv.detach() * (1 + y.detach())).item()}")


# key-rate durations: bump each zero at the quoted tenors, spline, reprice
def bond_from_keys(keys):
    Mk = natural_spline(tenors, keys)
    z = spline_eval(tenors, keys, Mk, times)
    return (cf * torch.exp(-z * times)).sum()


J = torch.autograd.functional.jacobian(bond_from_keys, zq)
krd = -J / bond_from_keys(zq) * 1e-4 * 100
print("key-rate DV01 per 100 (bp)", krd[:6].round(decimals=5))
print("sum of KRDs vs parallel", f"{krd.sum().item():.5f}")

# PCA of synthetic daily curve changes
n_days = 500
load = torch.stack([torch.ones(8), torch.linspace(-1, 1, 8), torch.linspace(-1, 1, 8) ** 2 - 0.4]).double()
shocks = torch.randn(n_days, 3, dtype=torch.float64) * torch.tensor([6.0, 3.0, 1.5], dtype=torch.float64)
dz = shocks @ load + 0.3 * torch.randn(n_days, 8, dtype=torch.float64)
cov = torch.cov(dz.T)
evals, evecs = torch.linalg.eigh(cov)
evals = evals.flip(0)
print("explained %", (100 * evals / evals.sum())[:3].round(decimals=1))
U, Sv, Vh = torch.linalg.svd(dz - dz.mean(0), full_matrices=False)
print("svd vs eigh", torch.allclose(Sv ** 2 / (n_days - 1), evals))
lvl = evecs[:, -1] * evecs[:, -1].sum().sign()
print("level factor", lvl.round(decimals=2))

# Vasicek zero curve
a, b, sigma, r0 = 0.3, 0.045, 0.01, 0.05
Bv = (1 - torch.exp(-a * grid)) / a
Av = torch.exp((b - sigma ** 2 / (2 * a ** 2)) * (Bv - grid) - sigma ** 2 * Bv ** 2 / (4 * a))
vas = -torch.log(Av * torch.exp(-Bv * r0)) / grid
print("Vasicek zeros % at 1,5,10,30", (vas[[0, 4, 9, 29]] * 100).round(decimals=3))

# 1-day VaR of the bond from the simulated curve moves (bp changes at the quoted tenors)
pnl = -(krd * dz).sum(1) * 1.0
var99 = -torch.quantile(pnl, 0.01)
k = int(0.01 * n_days)
print(f"VaR99 quantile {var99.item():.4f} kthvalue {-torch.kthvalue(pnl, k).values.item():.4f}")
es = -pnl.sort().values[:k].mean()
print(f"ES99 {es.item():.4f}", "exceedances", int((pnl < -var99).sum()))
for mode in ("linear", "lower", "higher", "nearest", "midpoint"):
    print(mode, f"{torch.quantile(pnl, torch.tensor([0.01, 0.05], dtype=torch.float64), interpolation=mode).neg().tolist()[0]:.4f}")
try:
    torch.quantile(pnl.float(), 0.5 * torch.ones(1, dtype=torch.float64))
except RuntimeError as e:
    print("quantile error:", e)
try:
    torch.linalg.solve(torch.zeros(3, 3, dtype=torch.float64), torch.ones(3, dtype=torch.float64))
except RuntimeError as e:
    print("solve error:", e)

# a neural price surrogate (yield, maturity) -> price with LayerNorm; convexity from its Hessian
torch.manual_seed(5)
ys = torch.rand(256, dtype=torch.float64) * 0.08 + 0.01
ms = torch.randint(1, 11, (256,)).double()
prices = 100 * (1 + ys) ** -ms
feats = torch.stack([ys * 10, ms / 10], 1)
net = nn.Sequential(nn.Linear(2, 16), nn.LayerNorm(16), nn.Tanh(), nn.Linear(16, 1)).double()
print(net)
opt = torch.optim.Adam(net.parameters(), lr=0.02)
for step in range(200):
    opt.zero_grad()
    loss = nn.functional.mse_loss(net(feats).squeeze(1), prices / 100)
    loss.backward()
    opt.step()
print(f"surrogate mse {loss.item():.2e}" if loss.item() < 1e-2 else "surrogate did not fit")
point = torch.tensor([0.4, 0.5], dtype=torch.float64)
f = lambda z: net(z).squeeze() * 100
Hs = torch.func.hessian(f)(point)
g1 = torch.func.grad(f)(point)
print("surrogate dP/dy per 1%", round(g1[0].item() / 10, 2), "convexity sign", bool(Hs[0, 0] > 0))
Hr = torch.autograd.functional.hessian(f, point)
print("func.hessian == autograd hessian", torch.allclose(Hs, Hr))
xx = point.clone().requires_grad_()
gx, = torch.autograd.grad(f(xx), xx, create_graph=True)
row, = torch.autograd.grad(gx[0], xx, create_graph=True)
print("hvp row matches", torch.allclose(row, Hs[0]), row.grad_fn is not None)
