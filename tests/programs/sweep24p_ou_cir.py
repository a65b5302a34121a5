"""Mean-reverting short-rate models from a stochastic-calculus course: Ornstein-Uhlenbeck (Vasicek)
with exact and Euler discretisations, CIR with full truncation via clamp_min, a Brownian bridge
built from a random walk, stationary moments checked against theory, zero-coupon bond prices by
Monte Carlo with standard errors."""
import math

import torch

torch.manual_seed(1)
kappa, theta, sigma, r0 = 1.5, 0.04, 0.02, 0.01
T, n_steps, n_paths = 2.0, 100, 1000
dt = T / n_steps
Z = torch.randn(n_steps, n_paths, dtype=torch.float64)

# Vasicek / OU: Euler vs exact
r_euler = torch.empty(n_steps + 1, n_paths, dtype=torch.float64)
r_euler[0] = r0
r_exact = torch.empty_like(r_euler)
r_exact[0] = r0
e = math.exp(-kappa * dt)
sd_exact = sigma * math.sqrt((1 - e ** 2) / (2 * kappa))
for i in range(n_steps):
    r_euler[i + 1] = r_euler[i] + kappa * (theta - r_euler[i]) * dt + sigma * math.sqrt(dt) * Z[i]
    r_exact[i + 1] = theta + (r_exact[i] - theta) * e + sd_exact * Z[i]
print("OU shapes", r_euler.shape, r_exact.dtype)
print(f"OU mean at T euler {r_euler[-1].mean().item():.5f} exact {r_exact[-1].mean().item():.5f} "
      f"theory {theta + (r0 - theta) * math.exp(-kappa * T):.5f}")
print(f"OU var {r_exact[-1].var().item():.3e} theory {sigma ** 2 / (2 * kappa) * (1 - math.exp(-2 * kappa * T)):.3e}")
print("first path", r_exact[:5, 0].round(decimals=5))

# zero-coupon bond P(0,T) = E[exp(-int r dt)]
integral = torch.trapezoid(r_exact, dx=dt, dim=0)
disc = torch.exp(-integral)
print(f"ZCB MC {disc.mean().item():.5f} +/- {disc.std().item() / math.sqrt(n_paths):.5f}")
B = (1 - math.exp(-kappa * T)) / kappa
A = (theta - sigma ** 2 / (2 * kappa ** 2)) * (B - T) - sigma ** 2 * B ** 2 / (4 * kappa)
print(f"ZCB Vasicek closed form {math.exp(A - B * r0):.5f}")
print("cumulative", torch.cumulative_trapezoid(r_exact[:, :2], dx=dt, dim=0)[-3:].round(decimals=6))

# CIR with full truncation
kappa_c, theta_c, sigma_c = 0.8, 0.05, 0.3
v = torch.full((n_paths,), 0.02, dtype=torch.float64)
n_neg = 0
for i in range(n_steps):
    v_pos = v.clamp_min(0.0)
    v = v + kappa_c * (theta_c - v_pos) * dt + sigma_c * torch.sqrt(v_pos * dt) * Z[i]
    n_neg += int((v < 0).sum())
print(f"Feller 2*k*theta={2 * kappa_c * theta_c:.3f} sigma^2={sigma_c ** 2:.3f} negatives={n_neg}")
v_final = v.clamp_min(0)
print(f"CIR mean {v_final.mean().item():.4f} frac zero {(v_final == 0).double().mean().item():.4f}")
print("CIR quantiles", torch.quantile(v_final, torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)).round(decimals=4))
print("clamp_min_", torch.tensor([-1.0, 0.5, -0.2]).clamp_min_(0.0), torch.tensor([3, -2]).clamp_min(0))

# Brownian bridge from 0 to b on [0, 1]
gen = torch.Generator().manual_seed(123)
m = 64
t = torch.linspace(0, 1, m + 1, dtype=torch.float64)
incr = torch.randn(500, m, generator=gen, dtype=torch.float64) * math.sqrt(1.0 / m)
W = torch.cat([torch.zeros(500, 1, dtype=torch.float64), incr.cumsum(-1)], dim=1)
b = 0.5
bridge = W - t * (W[:, -1:] - b)
print("bridge ends", bridge[:, 0].abs().max().item(), (bridge[:, -1] - b).abs().max().item() < 1e-12)
mid = bridge[:, m // 2]
print(f"bridge mid mean {mid.mean().item():.4f} (theory {b / 2}) var {mid.var().item():.4f} (theory 0.25)")
cov = torch.cov(bridge[:, [16, 48]].T)
print("bridge cov", cov.round(decimals=3), "theory", 0.25 * (1 - 0.75))
print("diff of bridge", torch.diff(bridge[:2, :4], dim=1).round(decimals=4))
