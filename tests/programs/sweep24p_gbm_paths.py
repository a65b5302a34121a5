"""Geometric Brownian motion as in a quant-finance course notebook: log-returns from torch.randn
with a torch.Generator, cumsum to build paths, Euler-Maruyama vs the exact solution, Milstein,
European call by Monte Carlo with antithetic variates and Black-Scholes closed form via
torch.special.ndtr and torch.distributions.Normal(...).cdf; standard errors and confidence
intervals printed with f-strings."""
import math

import torch
from torch.distributions import Normal

torch.manual_seed(0)
S0, mu, sigma, T, n_steps, n_paths = 100.0, 0.05, 0.2, 1.0, 50, 2000
dt = T / n_steps
gen = torch.Generator().manual_seed(42)
Z = torch.randn(n_paths, n_steps, generator=gen, dtype=torch.float64)
print("Z", Z.shape, Z.dtype, f"{Z.mean().item():.4f}", f"{Z.std().item():.4f}")

log_ret = (mu - 0.5 * sigma ** 2) * dt + sigma * math.sqrt(dt) * Z
log_paths = torch.cumsum(log_ret, dim=1)
paths = S0 * torch.exp(torch.cat([torch.zeros(n_paths, 1, dtype=torch.float64), log_paths], dim=1))
print("paths", paths.shape, paths[:2, :4].round(decimals=3))
t_grid = torch.linspace(0, T, n_steps + 1, dtype=torch.float64)
print("t_grid", t_grid[:4], t_grid[-1].item())
print(f"E[S_T] = {paths[:, -1].mean().item():.3f} vs theory {S0 * math.exp(mu * T):.3f}")

# Euler-Maruyama and Milstein on the same Brownian increments
dW = math.sqrt(dt) * Z
S_em = torch.full((n_paths,), S0, dtype=torch.float64)
S_mil = S_em.clone()
for i in range(n_steps):
    S_em = S_em + mu * S_em * dt + sigma * S_em * dW[:, i]
    S_mil = S_mil + mu * S_mil * dt + sigma * S_mil * dW[:, i] + 0.5 * sigma ** 2 * S_mil * (dW[:, i] ** 2 - dt)
S_exact = paths[:, -1]
print(f"strong error EM {(S_em - S_exact).abs().mean().item():.5f} Milstein {(S_mil - S_exact).abs().mean().item():.5f}")

# European call: MC vs Black-Scholes
K, r = 105.0, 0.03
def bs_call(S, K, T, r, sigma):
    d1 = (torch.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return S * torch.special.ndtr(d1) - K * math.exp(-r * T) * torch.special.ndtr(d2)

S0_t = torch.tensor(S0, dtype=torch.float64)
bs = bs_call(S0_t, K, T, r, sigma)
N = Normal(torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
d1 = (torch.log(S0_t / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
bs2 = S0_t * N.cdf(d1) - K * math.exp(-r * T) * N.cdf(d1 - sigma * math.sqrt(T))
print(f"BS call {bs.item():.6f} via Normal.cdf {bs2.item():.6f}", bs.dtype, N)

z = torch.randn(50000, generator=gen, dtype=torch.float64)
ST = S0 * torch.exp((r - 0.5 * sigma ** 2) * T + sigma * math.sqrt(T) * z)
payoff = torch.clamp(ST - K, min=0.0) * math.exp(-r * T)
price, se = payoff.mean(), payoff.std() / math.sqrt(payoff.numel())
print(f"MC call {price.item():.3f} +/- {1.96 * se.item():.3f}  CI [{(price - 1.96 * se).item():.3f}, {(price + 1.96 * se).item():.3f}]")
ST_a = S0 * torch.exp((r - 0.5 * sigma ** 2) * T - sigma * math.sqrt(T) * z)
pay_anti = 0.5 * (payoff + torch.relu(ST_a - K) * math.exp(-r * T))
print(f"antithetic {pay_anti.mean().item():.3f} se {pay_anti.std().item() / math.sqrt(z.numel()):.4f} "
      f"var reduction {(payoff.var() / pay_anti.var()).item():.2f}x")

# float32 variant, rounded
gen32 = torch.Generator().manual_seed(7)
z32 = torch.randn(5, generator=gen32)
print("float32 ST", (S0 * torch.exp((r - 0.5 * sigma ** 2) * T + sigma * z32)).round(decimals=2), gen32.initial_seed())
print("ndtr float32", torch.special.ndtr(torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])).round(decimals=5))
print("Normal log_prob", N.log_prob(torch.tensor([0.0, 1.0], dtype=torch.float64)), N.icdf(torch.tensor(0.975, dtype=torch.float64)))
