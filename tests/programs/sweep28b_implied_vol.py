"""Black-Scholes Greeks and implied volatility, computational-finance-course style: prices through
torch.special.ndtr / log_ndtr / erf, the full Greek ladder by torch.func (grad, vmap, jacrev,
hessian), second-order Greeks with torch.autograd.grad(create_graph=True), a vectorised Newton
and a bisection implied-vol solver with masks, the Brenner-Subrahmanyam and Corrado-Miller starts,
the Jaeckel-style normalised price with ndtri / erfinv, arbitrage checks with diff, and
torch.autograd.functional.jacobian of the whole smile."""
import math

import torch
from torch.func import grad, vmap, jacrev, hessian

torch.set_printoptions(precision=5, linewidth=110)
SQ2 = math.sqrt(2.0)


def ncdf(x):
    return torch.special.ndtr(x)


def bs_call(S, K, T, r, sig):
    sd = sig * torch.sqrt(T)
    d1 = (torch.log(S / K) + (r + 0.5 * sig * sig) * T) / sd
    d2 = d1 - sd
    return S * ncdf(d1) - K * torch.exp(-r * T) * ncdf(d2)


def bs_call_erf(S, K, T, r, sig):
    sd = sig * T.sqrt()
    d1 = (torch.log(S / K) + (r + 0.5 * sig ** 2) * T) / sd
    d2 = d1 - sd
    N = lambda x: 0.5 * (1 + torch.erf(x / SQ2))
    return S * N(d1) - K * torch.exp(-r * T) * N(d2)


args = [torch.tensor(v, dtype=torch.float64) for v in (100.0, 95.0, 0.5, 0.03, 0.22)]
print(f"ndtr price {bs_call(*args).item():.6f} erf price {bs_call_erf(*args).item():.6f}")
print("log_ndtr tail", torch.special.log_ndtr(torch.tensor([-40.0, -10.0, 0.0, 5.0], dtype=torch.float64)))
print("ndtr float32", torch.special.ndtr(torch.tensor([-3.0, 0.0, 1.5])))

names = ["delta", "dK", "dT", "rho", "vega"]
g = grad(bs_call, argnums=(0, 1, 2, 3, 4))(*args)
for n, v in zip(names, g):
    print(f"{n:5s} {v.item():+.6f}")
H = hessian(bs_call, argnums=0)(*args)
print(f"gamma via hessian {H.item():.6f}")
second = jacrev(grad(bs_call, argnums=4), argnums=(0, 4))(*args)
print(f"vanna {second[0].item():.6f} volga {second[1].item():.6f}")

# the same through autograd.grad with create_graph
S = args[0].clone().requires_grad_()
sig = args[4].clone().requires_grad_()
price = bs_call(S, args[1], args[2], args[3], sig)
delta, vega = torch.autograd.grad(price, (S, sig), create_graph=True)
gamma, vanna = torch.autograd.grad(delta, (S, sig), create_graph=True)
speed, = torch.autograd.grad(gamma, S, retain_graph=True)
print(f"delta {delta.item():.6f} gamma {gamma.item():.6f} speed {speed.item():.3e} vanna {vanna.item():.6f}")
print("grad_fns", delta.grad_fn.name(), gamma.grad_fn.name())

# a strip of strikes, vmapped Greeks
K = torch.linspace(70.0, 130.0, 7, dtype=torch.float64)
deltas = vmap(grad(bs_call), in_dims=(None, 0, None, None, None))(args[0], K, args[2], args[3], args[4])
print("delta strip", deltas)
gammas = vmap(hessian(bs_call), in_dims=(None, 0, None, None, None))(args[0], K, args[2], args[3], args[4])
print("gamma strip", gammas)

# synthetic market: a skewed smile, then invert it
true_vol = 0.2 + 0.0008 * (K - 100) ** 2 / 10 - 0.001 * (K - 100)
T, r, S0 = torch.tensor(0.5, dtype=torch.float64), torch.tensor(0.03, dtype=torch.float64), torch.tensor(100.0, dtype=torch.float64)
market = bs_call(S0, K, T, r, true_vol)
print("market", market)
fwd = S0 * torch.exp(r * T)
bs_start = math.sqrt(2 * math.pi / T.item()) * market / S0
print("Brenner-Subrahmanyam start", bs_start)
x = K * torch.exp(-r * T)
half = market - (S0 - x) / 2
cm = torch.sqrt(half + torch.sqrt((half ** 2 - (S0 - x) ** 2 / math.pi).clamp(min=0))) * math.sqrt(2 * math.pi / T.item()) / (S0 + x)
print("Corrado-Miller start", cm)

vol = torch.full_like(K, 0.3).requires_grad_()
for it in range(30):
    p = bs_call(S0, K, T, r, vol)
    vg, = torch.autograd.grad(p.sum(), vol)
    with torch.no_grad():
        step = (p - market) / vg
        vol -= step.clamp(-0.5, 0.5)
        vol.clamp_(min=1e-4)
    if step.abs().max() < 1e-12:
        break
print("newton iterations", it, "max err", (vol.detach() - true_vol).abs().max().item() < 1e-9)

lo = torch.full_like(K, 1e-3)
hi = torch.full_like(K, 2.0)
for _ in range(60):
    mid = 0.5 * (lo + hi)
    too_high = bs_call(S0, K, T, r, mid) > market
    hi = torch.where(too_high, mid, hi)
    lo = torch.where(too_high, lo, mid)
print("bisection vols", (0.5 * (lo + hi)).round(decimals=6))

# normalised price & inverse transforms
k = torch.log(K / fwd)
v = true_vol * T.sqrt()
b = ncdf(-k / v + v / 2) - torch.exp(k) * ncdf(-k / v - v / 2)
print("normalised prices", b)
u = torch.tensor([1e-6, 0.025, 0.5, 0.975, 1 - 1e-6], dtype=torch.float64)
print("ndtri", torch.special.ndtri(u))
print("erfinv roundtrip", torch.allclose(SQ2 * torch.erfinv(2 * u - 1), torch.special.ndtri(u)))
print("ndtri edges", torch.special.ndtri(torch.tensor([0.0, 1.0, 1.5, -0.1])))
print("erfcx", torch.special.erfcx(torch.tensor([-1.0, 0.0, 10.0, 30.0])))

# no-arbitrage: call prices decreasing and convex in strike
dC = market.diff()
d2C = market.diff(n=2)
print("monotone", bool((dC < 0).all()), "convex", bool((d2C > 0).all()))
dens = d2C / (K[1] - K[0]) ** 2 * torch.exp(r * T)
print("Breeden-Litzenberger density", dens.round(decimals=5))

J = torch.autograd.functional.jacobian(lambda s: bs_call(S0, K, T, r, s), true_vol)
print("vega matrix is diagonal", torch.equal(J, torch.diag(torch.diagonal(J))), J.diagonal().round(decimals=3))
try:
    grad(bs_call)(torch.tensor([100.0, 101.0], dtype=torch.float64), *args[1:])
except RuntimeError as e:
    print("grad error:", e)

# forward-mode Greeks: dual numbers and torch.func.jvp
import torch.autograd.forward_ad as fwAD

with fwAD.dual_level():
    S_dual = fwAD.make_dual(torch.full_like(K, 100.0), torch.ones_like(K))
    p = bs_call(S_dual, K, T, r, true_vol)
    print("forward-mode delta strip", fwAD.unpack_dual(p).tangent)
_, vega_fwd = torch.func.jvp(lambda s: bs_call(S0, K, T, r, s), (true_vol,), (torch.ones_like(true_vol),))
print("jvp vega strip", vega_fwd)
print("jacfwd gamma", torch.func.jacfwd(torch.func.jacfwd(bs_call))(*args).item() - H.item() < 1e-12)

# a variance-gamma style time change: the Gamma cdf via the regularised incomplete gamma function
shape_k = torch.tensor(2.0, dtype=torch.float64)
x = torch.tensor(1.5, dtype=torch.float64)
print(f"gamma cdf {torch.special.gammainc(shape_k, x).item():.6f} sf {torch.special.gammaincc(shape_k, x).item():.6f}")
print("density by reverse mode", torch.func.grad(lambda z: torch.special.gammainc(shape_k, z))(x))
try:
    torch.func.jvp(lambda z: torch.special.gammainc(shape_k, z), (x,), (torch.ones_like(x),))
except NotImplementedError as e:
    print("jvp error:", str(e).splitlines()[0])
try:
    torch.func.jacfwd(lambda z: torch.special.zeta(z, 1.0))(torch.tensor([2.0, 3.0], dtype=torch.float64))
except NotImplementedError as e:
    print("jacfwd error:", str(e).splitlines()[0])
