"""Stochastic-volatility pricing as in a derivatives-pricing notebook: Heston paths by full-truncation
Euler with Cholesky-correlated normals, the Heston characteristic function in complex128 (torch.exp,
torch.sqrt and torch.log on complex tensors, torch.complex, .real/.imag, torch.view_as_real), a
Gil-Pelaez call by torch.trapezoid, Carr-Madan pricing with torch.fft.fft and a Simpson weight
vector, strike interpolation via searchsorted, a SABR Hagan implied-vol smile, and a Heston price
gradient with respect to its parameters by autograd through complex arithmetic."""
import math

import torch

torch.set_printoptions(precision=4)
torch.manual_seed(7)

S0, K0, T, r = 100.0, 100.0, 1.0, 0.02
kappa, theta, xi, rho, v0 = 2.0, 0.04, 0.5, -0.7, 0.04

# --- Monte Carlo with full truncation
n_paths, n_steps = 4000, 100
dt = T / n_steps
C = torch.tensor([[1.0, rho], [rho, 1.0]], dtype=torch.float64)
L = torch.linalg.cholesky(C)
print("cholesky factor\n", L)
logS = torch.full((n_paths,), math.log(S0), dtype=torch.float64)
v = torch.full((n_paths,), v0, dtype=torch.float64)
neg_count = 0
for _ in range(n_steps):
    Z = torch.randn(n_paths, 2, dtype=torch.float64) @ L.T
    vp = v.clamp(min=0.0)
    neg_count += int((v < 0).sum())
    logS = logS + (r - 0.5 * vp) * dt + torch.sqrt(vp * dt) * Z[:, 0]
    v = v + kappa * (theta - vp) * dt + xi * torch.sqrt(vp * dt) * Z[:, 1]
ST = logS.exp()
print("negative variance visits", neg_count > 0, "mean terminal var", f"{v.clamp(min=0).mean().item():.3f}")
print("emp corr of last shocks", round(torch.corrcoef(Z.T)[0, 1].item(), 1))
strikes = torch.tensor([80.0, 90.0, 100.0, 110.0, 120.0], dtype=torch.float64)
mc = (ST.unsqueeze(1) - strikes).clamp(min=0).mean(0) * math.exp(-r * T)
print("MC calls", mc.round(decimals=2))


# --- characteristic function
def heston_cf(u, T, kappa, theta, xi, rho, v0):
    i = torch.complex(torch.zeros((), dtype=torch.float64), torch.ones((), dtype=torch.float64))
    b = kappa - rho * xi * i * u
    d = torch.sqrt(b * b + xi ** 2 * (i * u + u * u))
    g = (b - d) / (b + d)
    e = torch.exp(-d * T)
    Cc = r * i * u * T + kappa * theta / xi ** 2 * ((b - d) * T - 2 * torch.log((1 - g * e) / (1 - g)))
    D = (b - d) / xi ** 2 * (1 - e) / (1 - g * e)
    return torch.exp(Cc + D * v0 + i * u * math.log(S0))


u = torch.linspace(1e-6, 100.0, 2001, dtype=torch.float64)
phi = heston_cf(u.to(torch.complex128), T, kappa, theta, xi, rho, v0)
print("cf dtype", phi.dtype, "phi(0)~1:", torch.allclose(heston_cf(torch.zeros(1, dtype=torch.complex128), T, kappa, theta, xi, rho, v0), torch.ones(1, dtype=torch.complex128)))
print("view_as_real", torch.view_as_real(phi[:3]))
print("abs decays", phi.abs()[[0, 500, 1000, 2000]])


def gil_pelaez_call(K, params):
    ui = u.to(torch.complex128)
    i = 1j
    cf = lambda x: heston_cf(x, T, *params)
    lnK = math.log(K)
    phi_m = cf(ui - i)
    denom = cf(-i * torch.ones(1, dtype=torch.complex128))
    integ1 = (torch.exp(-i * ui * lnK) * phi_m / (i * ui * denom)).real
    integ2 = (torch.exp(-i * ui * lnK) * cf(ui) / (i * ui)).real
    P1 = 0.5 + torch.trapezoid(integ1, u) / math.pi
    P2 = 0.5 + torch.trapezoid(integ2, u) / math.pi
    return S0 * P1 - K * math.exp(-r * T) * P2


params = (kappa, theta, xi, rho, v0)
gp = torch.stack([gil_pelaez_call(k, params) for k in strikes.tolist()])
print("Gil-Pelaez calls", gp.round(decimals=3))
print("MC within 3%:", ((mc - gp).abs() / gp < 0.03).tolist())

# --- Carr-Madan FFT
N, eta, alpha = 4096, 0.25, 1.5
lam = 2 * math.pi / (N * eta)
bgrid = N * lam / 2
j = torch.arange(N, dtype=torch.float64)
vj = eta * j
ku = -bgrid + lam * j
psi = math.exp(-r * T) * heston_cf((vj - (alpha + 1) * 1j).to(torch.complex128), T, *params) \
    / (alpha ** 2 + alpha - vj ** 2 + 1j * (2 * alpha + 1) * vj)
simpson = (3 + (-1) ** (j + 1)) / 3
simpson[0] = 1.0 / 3
x = torch.exp(1j * bgrid * vj) * psi * eta * simpson
fft_vals = torch.fft.fft(x)
calls = torch.exp(-alpha * ku) / math.pi * fft_vals.real
Kgrid = torch.exp(ku)
idx = torch.searchsorted(Kgrid, strikes)
w = (strikes - Kgrid[idx - 1]) / (Kgrid[idx] - Kgrid[idx - 1])
cm = calls[idx - 1] * (1 - w) + calls[idx] * w
print("Carr-Madan calls", cm.round(decimals=3))
print("max |CM - GP|", f"{(cm - gp).abs().max().item():.3f}")
print("fft dtype", fft_vals.dtype, "norm='forward' scale ok:",
      torch.allclose(torch.fft.fft(x, norm="forward") * N, fft_vals))

# --- SABR Hagan smile
def sabr_vol(F, K, T, alpha, beta, rho, nu):
    logFK = torch.log(F / K)
    FK = (F * K) ** ((1 - beta) / 2)
    z = nu / alpha * FK * logFK
    xz = torch.log((torch.sqrt(1 - 2 * rho * z + z ** 2) + z - rho) / (1 - rho))
    ratio = torch.where(z.abs() < 1e-8, torch.ones_like(z), z / xz)
    denom = FK * (1 + (1 - beta) ** 2 / 24 * logFK ** 2 + (1 - beta) ** 4 / 1920 * logFK ** 4)
    corr = 1 + ((1 - beta) ** 2 / 24 * alpha ** 2 / FK ** 2 + rho * beta * nu * alpha / (4 * FK)
                + (2 - 3 * rho ** 2) / 24 * nu ** 2) * T
    return alpha / denom * ratio * corr


F = torch.tensor(0.03, dtype=torch.float64)
Ks = torch.linspace(0.015, 0.05, 8, dtype=torch.float64)
Ks = torch.where((Ks - F).abs() < 1e-12, F, Ks)
vols = sabr_vol(F, Ks, 2.0, alpha=0.035, beta=0.5, rho=-0.3, nu=0.6)
print("SABR vols %", (vols * 100).round(decimals=2))
print("smile minimum at strike", f"{Ks[vols.argmin()].item():.4f}")

# --- parameter sensitivities of the Heston price through complex autograd
p = torch.tensor([kappa, theta, xi, rho, v0], dtype=torch.float64, requires_grad=True)
price = gil_pelaez_call(100.0, tuple(p.unbind()))
price.backward()
print(f"ATM price {price.item():.4f}", price.grad_fn.name())
print("dC/d(kappa, theta, xi, rho, v0)", p.grad.round(decimals=3))
try:
    torch.fft.fft(torch.arange(4))
    print("int fft ok", torch.fft.fft(torch.arange(4)).dtype)
except RuntimeError as e:
    print("fft error:", e)
try:
    torch.trapezoid(torch.ones(3), torch.ones(4))
except RuntimeError as e:
    print("trapezoid error:", e)
