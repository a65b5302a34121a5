"""Longstaff-Schwartz least-squares Monte Carlo for an American put, as in the paper's worked example
and a computational-finance course: GBM paths from a torch.Generator with antithetic draws
(torch.cat, cumsum), in-the-money regression with torch.linalg.lstsq (several drivers) on Laguerre
(torch.special.laguerre_polynomial_l), Hermite and monomial (torch.vander) bases, the original
8-path example table, exercise-time statistics with bincount / unique, a discounted payoff
standard error, the European control, and a Bermudan upper bound via nn.Module regression."""
import math

import torch
from torch import nn

torch.set_printoptions(precision=4, sci_mode=False)

# the 8-path example of Longstaff & Schwartz (2001)
paths = torch.tensor([
    [1.00, 1.09, 1.08, 1.34],
    [1.00, 1.16, 1.26, 1.54],
    [1.00, 1.22, 1.07, 1.03],
    [1.00, 0.93, 0.97, 0.92],
    [1.00, 1.11, 1.56, 1.52],
    [1.00, 0.76, 0.77, 0.90],
    [1.00, 0.92, 0.84, 1.01],
    [1.00, 0.88, 1.22, 1.34]], dtype=torch.float64)
K, r = 1.10, 0.06
disc = math.exp(-r)
cash = (K - paths[:, -1]).clamp(min=0)
ex_time = torch.full((8,), 3, dtype=torch.long)
for t in (2, 1):
    St = paths[:, t]
    itm = St < K
    X = St[itm]
    Y = cash[itm] * disc ** (ex_time[itm] - t)
    A = torch.stack([torch.ones_like(X), X, X ** 2], dim=1)
    coef = torch.linalg.lstsq(A, Y.unsqueeze(1)).solution.squeeze(1)
    print(f"t={t} itm paths {itm.nonzero().flatten().tolist()} coef {[round(c, 3) for c in coef.tolist()]}")
    cont = A @ coef
    exercise = (K - X) > cont
    idx = itm.nonzero().squeeze(1)[exercise]
    cash[idx] = K - St[idx]
    ex_time[idx] = t
print("exercise times", ex_time)
print("cash flows", cash)
price = (cash * disc ** ex_time.double()).mean()
print(f"LSM example price {price.item():.4f}")

# full-size problem
S0, K, r, sigma, T = 36.0, 40.0, 0.06, 0.2, 1.0
n_steps, n_half = 50, 4000
dt = T / n_steps
g = torch.Generator().manual_seed(2024)
Z = torch.randn(n_half, n_steps, generator=g, dtype=torch.float64)
Z = torch.cat([Z, -Z])
incr = (r - 0.5 * sigma ** 2) * dt + sigma * math.sqrt(dt) * Z
S = S0 * torch.exp(torch.cumsum(incr, dim=1))
S = torch.cat([torch.full((2 * n_half, 1), S0, dtype=torch.float64), S], dim=1)
print("paths", tuple(S.shape), "antithetic mean of log-increments", f"{incr.mean().item():.6f}")


def basis(x, kind, deg=3):
    x = x / S0
    if kind == "laguerre":
        cols = [torch.special.laguerre_polynomial_l(x, k) for k in range(deg + 1)]
        return torch.stack(cols, dim=-1)
    if kind == "hermite":
        return torch.stack([torch.special.hermite_polynomial_he(x, k) for k in range(deg + 1)], dim=-1)
    return torch.vander(x, N=deg + 1, increasing=True)


def lsm(S, kind="laguerre", deg=3, driver=None):
    n_paths = S.shape[0]
    cash = (K - S[:, -1]).clamp(min=0)
    tau = torch.full((n_paths,), n_steps, dtype=torch.int64)
    for t in range(n_steps - 1, 0, -1):
        St = S[:, t]
        itm = torch.nonzero(St < K, as_tuple=True)[0]
        if itm.numel() == 0:
            continue
        A = basis(St[itm], kind, deg)
        y = cash[itm] * torch.exp(-r * dt * (tau[itm] - t).double())
        sol = torch.linalg.lstsq(A, y, driver=driver).solution if driver else torch.linalg.lstsq(A, y.unsqueeze(-1)).solution.squeeze(-1)
        cont = A @ sol
        ex = (K - St[itm]) > cont
        cash[itm[ex]] = K - St[itm[ex]]
        tau[itm[ex]] = t
    pv = cash * torch.exp(-r * dt * tau.double())
    return pv.mean(), pv.std() / math.sqrt(n_paths), tau


for kind in ("laguerre", "hermite", "monomial"):
    p, se, tau = lsm(S, kind)
    print(f"{kind:9s} price {p.item():.3f} se {se.item():.3f}")
for driver in ("gelsd", "gelss", "gelsy"):
    p, _, _ = lsm(S, "monomial", deg=2, driver=driver)
    print(f"driver {driver} price {p.item():.3f}")

p, se, tau = lsm(S, "laguerre")
counts = torch.bincount(tau, minlength=n_steps + 1)
print("exercise-time histogram (every 10th step)", counts[::10])
vals, cnt = torch.unique(tau // 10, return_counts=True)
print("decile buckets", vals, cnt)
print("fraction never exercised", f"{((tau == n_steps) & (S[:, -1] >= K)).double().mean().item():.3f}")

# European control variate: same paths, known Black-Scholes price
def bs_put(S0, K, r, sigma, T):
    d1 = (math.log(S0 / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    N = torch.special.ndtr
    return (K * math.exp(-r * T) * N(torch.tensor(-d2)) - S0 * N(torch.tensor(-d1))).item()


euro_mc = ((K - S[:, -1]).clamp(min=0) * math.exp(-r * T))
euro_bs = bs_put(S0, K, r, sigma, T)
print(f"european MC {euro_mc.mean().item():.3f} BS {euro_bs:.3f}")
am_pv = (K - S.gather(1, tau.unsqueeze(1)).squeeze(1)).clamp(min=0) * torch.exp(-r * dt * tau.double())
c = torch.cov(torch.stack([am_pv, euro_mc]))
beta = c[0, 1] / c[1, 1]
cv = am_pv - beta * (euro_mc - euro_bs)
print(f"control variate price {cv.mean().item():.3f} beta {beta.item():.3f} var ratio {(cv.var() / am_pv.var()).item():.3f}")

# a neural regression for the continuation value at one date
torch.manual_seed(0)
t = n_steps // 2
itm = S[:, t] < K
x = (S[itm, t] / S0).float().unsqueeze(1)
y = (cash[itm] if False else ((K - S[itm, -1]).clamp(min=0) * math.exp(-r * (T - t * dt)))).float().unsqueeze(1)
net = nn.Sequential(nn.Linear(1, 16), nn.Softplus(), nn.Linear(16, 1))
print(net)
opt = torch.optim.Adam(net.parameters(), lr=0.05)
for epoch in range(150):
    opt.zero_grad()
    loss = nn.functional.mse_loss(net(x), y)
    loss.backward()
    opt.step()
print(f"nn continuation mse {loss.item():.3f}")
grid = torch.linspace(0.7, 1.1, 5).unsqueeze(1)
with torch.no_grad():
    print("continuation on grid", net(grid).squeeze(1))
print("lstsq errors:")
try:
    torch.linalg.lstsq(torch.ones(3, 2), torch.ones(4, 1))
except RuntimeError as e:
    print(" ", e)
try:
    torch.linalg.lstsq(torch.ones(3, 2), torch.ones(3, 1), driver="gelsx")
except RuntimeError as e:
    print(" ", e)
try:
    torch.linalg.lstsq(torch.ones(3, 2, dtype=torch.int64), torch.ones(3, 1))
except RuntimeError as e:
    print(" ", e)
res = torch.linalg.lstsq(torch.randn(6, 3, dtype=torch.float64), torch.randn(6, 2, dtype=torch.float64), driver="gelsd")
print("gelsd rank", res.rank, "residuals", tuple(res.residuals.shape), "sv", tuple(res.singular_values.shape))
res = torch.linalg.lstsq(torch.randn(6, 3), torch.randn(6, 2))
print("default driver rank", res.rank, "residuals", res.residuals.shape)
