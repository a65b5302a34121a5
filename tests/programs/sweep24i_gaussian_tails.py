"""Gaussian tails in a probit / truncated-normal notebook: ndtr, log_ndtr, ndtri, erfcx and erfinv on
both tails in float32 and float64, the inverse-CDF round trip, Mills' ratio through erfcx, truncated
normal moments written stably (with torch.finfo clamping), a probit regression trained with
log_ndtr, quantiles from torch.distributions.Normal.icdf against ndtri, and gradients of the tail
functions, including at +-inf and far in the tails."""
import math

import torch
import torch.nn as nn
import torch.special as sp
from torch.distributions import Normal

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=True, linewidth=100)

for dtype in (torch.float32, torch.float64):
    print(f"=== {dtype}")
    z = torch.tensor([-40.0, -38.5, -10.0, -5.0, -1.0, 0.0, 1.0, 5.0, 8.5, 10.0, 40.0], dtype=dtype)
    print("ndtr    ", sp.ndtr(z))
    print("log_ndtr", sp.log_ndtr(z))
    print("naive   ", torch.log(sp.ndtr(z)))
    print("erfc    ", torch.erfc(z / math.sqrt(2)))
    print("erfcx   ", sp.erfcx(z))
    print("erfcx far", sp.erfcx(torch.tensor([-27.0, -26.0, -7.0, 26.0, 60.0, 1e4, 1e8, 1e20], dtype=dtype)))
    p = torch.tensor([1e-30, 1e-10, 1e-3, 0.025, 0.5, 0.975, 1 - 1e-7, 1.0, 0.0], dtype=dtype)
    print("ndtri   ", sp.ndtri(p))
    print("icdf    ", Normal(torch.tensor(0.0, dtype=dtype), torch.tensor(1.0, dtype=dtype)).icdf(p))
    print("erfinv  ", torch.erfinv(torch.tensor([-1.0, -0.999, -0.5, 0.0, 0.5, 0.999, 1.0, 1.5], dtype=dtype)))
    u = torch.linspace(0.01, 0.99, 9, dtype=dtype)
    print("round trip", (sp.ndtr(sp.ndtri(u)) - u).abs().max().item() < 1e-6)
    # Mills ratio R(x) = (1 - Phi(x)) / phi(x) = sqrt(pi/2) erfcx(x / sqrt 2)
    x = torch.tensor([0.0, 1.0, 5.0, 20.0, 100.0], dtype=dtype)
    mills = math.sqrt(math.pi / 2) * sp.erfcx(x / math.sqrt(2))
    print("mills", mills, "1/x", 1 / x)

# truncated normal moments on [a, b] (float64), via log-space differences
def trunc_normal_mean(a, b):
    fi = torch.finfo(a.dtype)
    log_Z = sp.log_ndtr(b) + torch.log(-torch.expm1(sp.log_ndtr(a) - sp.log_ndtr(b)).clamp_min(fi.tiny))
    phi_a = torch.exp(-0.5 * a ** 2) / math.sqrt(2 * math.pi)
    phi_b = torch.exp(-0.5 * b ** 2) / math.sqrt(2 * math.pi)
    return (phi_a - phi_b) / torch.exp(log_Z), log_Z


a = torch.tensor([-1.0, 0.0, 3.0, 8.0, -30.0], dtype=torch.float64)
b = torch.tensor([1.0, 2.0, 6.0, 9.0, -29.0], dtype=torch.float64)
mean, log_Z = trunc_normal_mean(a, b)
print("trunc mean", mean)
print("trunc logZ", log_Z)

# probit regression with log_ndtr
N, D = 64, 3
X = torch.randn(N, D)
w_true = torch.tensor([1.5, -2.0, 0.5])
y = (X @ w_true + 0.3 * torch.randn(N) > 0).float()
model = nn.Linear(D, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.5)
for step in range(40):
    s = model(X).squeeze(1)
    sign = 2 * y - 1
    loss = -sp.log_ndtr(sign * s).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d} loss {loss.item():.4f}")
acc = ((model(X).squeeze(1) > 0).float() == y).float().mean()
print(f"acc {acc.item():.3f} w {[round(v, 3) for v in model.weight.squeeze().tolist()]}")

# gradients far in the tails and at the edges
for dtype in (torch.float32, torch.float64):
    e = torch.tensor([-float("inf"), -40.0, -10.0, 0.0, 10.0, 40.0, float("inf")], dtype=dtype, requires_grad=True)
    for name, fn in [("ndtr", sp.ndtr), ("log_ndtr", sp.log_ndtr), ("erfc", torch.erfc), ("erfcx", sp.erfcx)]:
        (g,) = torch.autograd.grad(fn(e).sum(), e)
        print(f"{dtype} d {name:<8s}", g)
    q = torch.tensor([0.0, 1e-20, 0.3, 0.5, 1.0], dtype=dtype, requires_grad=True)
    (g,) = torch.autograd.grad(sp.ndtri(q).sum(), q)
    print(f"{dtype} d ndtri ", g)
    r = torch.tensor([-1.0, -0.9, 0.0, 0.9, 1.0], dtype=dtype, requires_grad=True)
    (g,) = torch.autograd.grad(torch.erfinv(r).sum(), r)
    print(f"{dtype} d erfinv", g)
