"""Black-Scholes Greeks with autograd (delta, vega, rho, theta; gamma and vanna through
create_graph=True), implied volatility by Newton's method with an autograd vega, a vectorised
implied-vol smile, pathwise vs likelihood-ratio Monte Carlo delta estimators (the pathwise
gamma of a relu payoff is zero; a softplus-smoothed payoff gives one), and a digital option delta
by finite differences, as in a computational-finance course."""
import math

import torch
from torch.distributions import Normal

torch.set_printoptions(precision=5)
std_normal = Normal(0.0, 1.0)


def bs_price(S, K, T, r, sigma, call=True):
    d1 = (torch.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * torch.sqrt(T))
    d2 = d1 - sigma * torch.sqrt(T)
    if call:
        return S * std_normal.cdf(d1) - K * torch.exp(-r * T) * std_normal.cdf(d2)
    return K * torch.exp(-r * T) * std_normal.cdf(-d2) - S * std_normal.cdf(-d1)


S = torch.tensor(100.0, dtype=torch.float64, requires_grad=True)
K = torch.tensor(100.0, dtype=torch.float64)
T = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
r = torch.tensor(0.02, dtype=torch.float64, requires_grad=True)
sigma = torch.tensor(0.25, dtype=torch.float64, requires_grad=True)

price = bs_price(S, K, T, r, sigma)
print("price", price, price.grad_fn.name())
delta, vega, rho, dT = torch.autograd.grad(price, (S, sigma, r, T), create_graph=True)
print(f"delta {delta.item():.6f} vega {vega.item():.6f} rho {rho.item():.6f} theta {-dT.item():.6f}")
gamma, = torch.autograd.grad(delta, S, retain_graph=True)
vanna, = torch.autograd.grad(delta, sigma, retain_graph=True)
volga, = torch.autograd.grad(vega, sigma)
print(f"gamma {gamma.item():.6f} vanna {vanna.item():.6f} volga {volga.item():.6f}")
d1 = (math.log(1.0) + (0.02 + 0.5 * 0.25 ** 2) * 0.5) / (0.25 * math.sqrt(0.5))
print(f"closed-form gamma {math.exp(-d1 ** 2 / 2) / math.sqrt(2 * math.pi) / (100 * 0.25 * math.sqrt(0.5)):.6f}")

put = bs_price(S, K, T, r, sigma, call=False)
parity = price - put - (S - K * torch.exp(-r * T))
print("put-call parity", abs(parity.item()) < 1e-12, f"put {put.item():.6f}")

# Newton implied vol with autograd vega
target = 7.5
vol = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
for it in range(20):
    p = bs_price(S.detach(), K, T.detach(), r.detach(), vol)
    diff = p - target
    g, = torch.autograd.grad(p, vol)
    with torch.no_grad():
        vol -= diff / g
    print(f"iter {it} vol {vol.item():.8f} err {abs(diff.item()):.2e}" if abs(diff.item()) > 1e-6 else f"iter {it} converged vol {vol.item():.8f}")
    if abs(diff.item()) < 1e-10:
        break

# vectorised smile: all strikes at once, grad of sum gives elementwise vegas
strikes = torch.linspace(80, 120, 9, dtype=torch.float64)
true_vol = 0.2 + 0.002 * (strikes - 100) ** 2 / 10
market = bs_price(torch.full_like(strikes, 100.0), strikes, torch.tensor(1.0, dtype=torch.float64),
                  torch.tensor(0.01, dtype=torch.float64), true_vol).detach()
iv = torch.full_like(strikes, 0.3).requires_grad_()
for _ in range(8):
    model_p = bs_price(torch.full_like(strikes, 100.0), strikes, torch.tensor(1.0, dtype=torch.float64),
                       torch.tensor(0.01, dtype=torch.float64), iv)
    vegas, = torch.autograd.grad(model_p.sum(), iv)
    with torch.no_grad():
        iv -= (model_p - market) / vegas
print("smile iv", iv.detach())
print("max iv error", (iv - true_vol).abs().max().item() < 1e-8)

# pathwise vs likelihood-ratio delta
gen = torch.Generator().manual_seed(2024)
n = 40000
Z = torch.randn(n, generator=gen, dtype=torch.float64)
S0 = torch.tensor(100.0, dtype=torch.float64, requires_grad=True)
s, rr, TT = 0.25, 0.02, 0.5
ST = S0 * torch.exp((rr - 0.5 * s ** 2) * TT + s * math.sqrt(TT) * Z)
payoff = torch.exp(torch.tensor(-rr * TT, dtype=torch.float64)) * torch.relu(ST - 100.0)
mc_price = payoff.mean()
mc_delta, = torch.autograd.grad(mc_price, S0, create_graph=True)
mc_gamma, = torch.autograd.grad(mc_delta, S0, retain_graph=True)
print("pathwise gamma of relu payoff", mc_gamma, mc_delta.grad_fn.name())
beta_sp = 2.0
smooth = (torch.exp(torch.tensor(-rr * TT, dtype=torch.float64))
          * torch.nn.functional.softplus(ST - 100.0, beta=beta_sp)).mean()
sd_delta, = torch.autograd.grad(smooth, S0, create_graph=True)
sd_gamma, = torch.autograd.grad(sd_delta, S0, retain_graph=True)
print(f"softplus-smoothed delta {sd_delta.item():.4f} gamma {sd_gamma.item():.5f}")
mc_price.backward()
pw = payoff.detach() * 0 + (ST.detach() > 100.0).double() * ST.detach() / 100.0 * math.exp(-rr * TT)
lr = payoff.detach() * Z / (100.0 * s * math.sqrt(TT))
print(f"MC price {mc_price.item():.3f} autograd delta {S0.grad.item():.4f} pathwise {pw.mean().item():.4f} "
      f"LR {lr.mean().item():.4f} (BS {delta.item():.4f})")
print(f"se pathwise {pw.std().item() / math.sqrt(n):.5f} se LR {lr.std().item() / math.sqrt(n):.5f}")

# digital option: pathwise fails (zero gradient), LR works
digital = (ST > 100.0).double() * math.exp(-rr * TT)
print("digital requires_grad", digital.requires_grad, f"price {digital.mean().item():.4f}")
lr_dig = digital * Z / (100.0 * s * math.sqrt(TT))
print(f"digital LR delta {lr_dig.mean().item():.5f}")
h = 0.5
up = (S0.detach() + h) * torch.exp((rr - 0.5 * s ** 2) * TT + s * math.sqrt(TT) * Z)
dn = (S0.detach() - h) * torch.exp((rr - 0.5 * s ** 2) * TT + s * math.sqrt(TT) * Z)
fd = ((up > 100).double() - (dn > 100).double()).mean() * math.exp(-rr * TT) / (2 * h)
print(f"digital FD delta {fd.item():.5f}")
print("Normal(0,1).cdf float32", std_normal.cdf(torch.tensor([-1.0, 0.0, 1.0])), std_normal.mean, std_normal.stddev)
