"""Asian and barrier options by Monte Carlo in the style of a quant course notebook: arithmetic
Asian call with the geometric Asian call as control variate (closed form via torch.special.ndtr),
the optimal control coefficient b* from torch.cov, antithetic variates, an up-and-out barrier via
cummax, a lookback payoff, and a convergence table with standard errors printed with f-strings."""
import math

import torch

torch.manual_seed(7)
S0, K, r, sigma, T, m = 100.0, 100.0, 0.05, 0.3, 1.0, 12
dt = T / m


def simulate(n, antithetic=False, gen=None):
    Z = torch.randn(n, m, generator=gen, dtype=torch.float64)
    if antithetic:
        Z = torch.cat([Z, -Z], dim=0)
    incr = (r - 0.5 * sigma ** 2) * dt + sigma * math.sqrt(dt) * Z
    return S0 * incr.cumsum(dim=1).exp()


def geometric_asian_closed_form():
    sig_g = sigma * math.sqrt((m + 1) * (2 * m + 1) / (6 * m ** 2))
    mu_g = 0.5 * sig_g ** 2 + (r - 0.5 * sigma ** 2) * (m + 1) / (2 * m)
    d1 = (math.log(S0 / K) + (mu_g + 0.5 * sig_g ** 2) * T) / (sig_g * math.sqrt(T))
    d2 = d1 - sig_g * math.sqrt(T)
    nd = torch.special.ndtr(torch.tensor([d1, d2], dtype=torch.float64))
    return math.exp(-r * T) * (S0 * math.exp(mu_g * T) * nd[0].item() - K * nd[1].item())


disc = math.exp(-r * T)
geo_exact = geometric_asian_closed_form()
print(f"geometric Asian closed form {geo_exact:.5f}")

paths = simulate(20000)
arith = disc * (paths.mean(dim=1) - K).clamp(min=0)
geo = disc * (paths.log().mean(dim=1).exp() - K).clamp(min=0)
print(f"plain MC arith {arith.mean().item():.4f} se {arith.std().item() / math.sqrt(arith.numel()):.4f}")
print(f"geo MC {geo.mean().item():.4f} vs exact {geo_exact:.4f}")

C = torch.cov(torch.stack([arith, geo]))
b_star = (C[0, 1] / C[1, 1]).item()
corr = torch.corrcoef(torch.stack([arith, geo]))[0, 1].item()
cv = arith - b_star * (geo - geo_exact)
print(f"b* {b_star:.4f} corr {corr:.5f}")
print(f"control variate {cv.mean().item():.4f} se {cv.std().item() / math.sqrt(cv.numel()):.5f} "
      f"var ratio {(arith.var() / cv.var()).item():.1f}")

gen = torch.Generator().manual_seed(11)
pa = simulate(10000, antithetic=True, gen=gen)
pay = disc * torch.clamp(pa.mean(1) - K, min=0)
pair = 0.5 * (pay[:10000] + pay[10000:])
print(f"antithetic {pair.mean().item():.4f} se {pair.std().item() / math.sqrt(pair.numel()):.4f}")

# up-and-out barrier call and lookback
B = 130.0
running_max, idx = paths.cummax(dim=1)
alive = running_max[:, -1] < B
barrier = disc * torch.where(alive, (paths[:, -1] - K).clamp(min=0), torch.zeros(()).double())
print(f"knocked out {(~alive).sum().item()} of {alive.numel()}; barrier call {barrier.mean().item():.4f}")
print("first knock-out step", idx[~alive][:5, -1], (paths[~alive] >= B).int().argmax(dim=1)[:5])
lookback = disc * (paths.max(dim=1).values - paths.min(dim=1).values)
print(f"lookback {lookback.mean().item():.4f}", paths.amax(1)[:3].round(decimals=2), paths.amin(1)[:3].round(decimals=2))

print("   n      price       se    ci_lo    ci_hi")
for n in [500, 2000, 8000]:
    g = torch.Generator().manual_seed(n)
    p = simulate(n, gen=g)
    a = disc * (p.mean(1) - K).clamp(min=0)
    gg = disc * (p.log().mean(1).exp() - K).clamp(min=0)
    x = a - b_star * (gg - geo_exact)
    mean, se = x.mean().item(), x.std(unbiased=True).item() / math.sqrt(n)
    print(f"{n:5d} {mean:10.4f} {se:8.5f} {mean - 1.96 * se:8.4f} {mean + 1.96 * se:8.4f}")
counts = torch.histc(arith, bins=5, min=0, max=50)
print("payoff histogram", counts, torch.bucketize(torch.tensor([0.0, 5.0, 60.0], dtype=torch.float64),
                                                  torch.linspace(0, 50, 6, dtype=torch.float64)))
