"""ARIMA by hand, as a course notebook builds it: ordinary and seasonal differencing with torch.diff
(n=, dim=, prepend=, append=) and its inverse by cumsum, a unit-root style check by regression,
an ARMA(1,1) on the differenced series fitted by conditional sum of squares with a Python recursion
and autograd (Adam, then LBFGS with strong Wolfe line search), the Hessian for standard errors via
torch.autograd.functional.hessian, and forecasts integrated back to the original scale."""
import math

import torch
import torch.nn as nn

torch.manual_seed(1927)

# --- simulate an ARIMA(1,1,1) with drift and a weekly seasonal component --------------------------
n = 160
phi0, theta0 = 0.55, -0.35
e = 0.5 * torch.randn(n + 1)
w = torch.zeros(n + 1)
for t in range(1, n + 1):
    w[t] = 0.1 + phi0 * w[t - 1] + e[t] + theta0 * e[t - 1]
level = 20.0 + torch.cumsum(w[1:], dim=0)
season = torch.tensor([0.0, 0.8, 1.2, 0.5, -0.4, -1.1, -1.0]).repeat(n // 7 + 1)[:n]
y = level + season
print("y", y[:8])

# --- differencing --------------------------------------------------------------------------------
d1 = torch.diff(y)
d2 = torch.diff(y, n=2)
print("d1", d1.shape, d1[:5])
print("d2 equals diff(diff)", torch.allclose(d2, torch.diff(d1)), d2.shape)
d1p = torch.diff(y, prepend=y[:1])
print("prepend keeps length", d1p.shape, d1p[:3])
d1a = torch.diff(y, append=torch.tensor([y[-1].item(), y[-1].item() + 1.0]))
print("append", d1a.shape, d1a[-3:])
sd = y[7:] - y[:-7]                                       # seasonal difference, lag 7
sd_alt = torch.diff(y.unfold(0, 8, 1)[:, [0, 7]], dim=1).squeeze(1)
print("seasonal diff", sd.shape, torch.allclose(sd, sd_alt))
both = torch.diff(sd)
print("(1-B)(1-B^7) y: mean", f"{both.mean().item():.4f}", "std", f"{both.std().item():.4f}")
ints = torch.arange(10) ** 2
print("int diff", torch.diff(ints), torch.diff(ints, n=2).dtype, torch.diff(ints > 20))
mat = y[:12].reshape(3, 4)
print("diff dim=0\n", torch.diff(mat, dim=0))
print("diff dim=-1 n=3\n", torch.diff(mat, n=3, dim=-1))

# inverse: integrate back with cumsum
rebuilt = torch.cat([y[:1], y[0] + torch.cumsum(d1, 0)])
print("undifference max err < 1e-4", bool((rebuilt - y).abs().max() < 1e-4))
rebuilt_s = y[:7].clone()
for t in range(7, n):
    rebuilt_s = torch.cat([rebuilt_s, (rebuilt_s[t - 7] + sd[t - 7]).unsqueeze(0)])
print("seasonal undifference ok", torch.allclose(rebuilt_s, y, atol=1e-4))

# --- Dickey-Fuller style regression: dy_t = a + b y_{t-1} + e_t ------------------------------------
X = torch.stack([torch.ones(n - 1), y[:-1]], dim=1)
coef = torch.linalg.lstsq(X, d1.unsqueeze(-1)).solution.squeeze(-1)
res = d1 - X @ coef
se_b = torch.sqrt(res.square().sum() / (n - 3) / ((y[:-1] - y[:-1].mean()) ** 2).sum())
print(f"DF tau {coef[1].item() / se_b.item():.3f} (level: near unit root)")


# --- ARMA(1,1) by conditional sum of squares ------------------------------------------------------
class ARMA11(nn.Module):
    def __init__(self):
        super().__init__()
        self.mu = nn.Parameter(torch.zeros(()))
        self.raw_phi = nn.Parameter(torch.zeros(()))
        self.raw_theta = nn.Parameter(torch.zeros(()))

    @property
    def phi(self):
        return torch.tanh(self.raw_phi)           # keeps |phi| < 1

    @property
    def theta(self):
        return torch.tanh(self.raw_theta)

    def residuals(self, z):
        zc = z - self.mu
        eps = [zc[0] * 0]
        for t in range(1, len(z)):
            eps.append(zc[t] - self.phi * zc[t - 1] - self.theta * eps[-1])
        return torch.stack(eps)

    def forward(self, z):
        return self.residuals(z)[1:].pow(2).mean()


z = d1.double()
model = ARMA11().double()
print(model)
print("params", [(k, tuple(v.shape), v.dtype) for k, v in model.named_parameters()])
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(60):
    opt.zero_grad()
    loss = model(z)
    loss.backward()
    opt.step()
    if step % 20 == 0:
        print(f"adam {step:3d} css {loss.item():.5f} grad_phi {model.raw_phi.grad.item():+.4f}")

lbfgs = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=50, line_search_fn="strong_wolfe")


def closure():
    lbfgs.zero_grad()
    l = model(z)
    l.backward()
    return l


for it in range(3):
    l = lbfgs.step(closure)
print(f"lbfgs css {model(z).item():.5f}")
print(f"mu {model.mu.item():.3f} phi {model.phi.item():.3f} theta {model.theta.item():.3f}")
state = lbfgs.state[lbfgs._params[0]]
print("lbfgs state keys", sorted(k for k in state.keys() if k in ("func_evals", "n_iter", "d", "t")))


def css_of(params):
    mu, ph, th = params[0], params[1], params[2]
    zc = z - mu
    eps = [zc[0] * 0]
    for t in range(1, len(z)):
        eps.append(zc[t] - ph * zc[t - 1] - th * eps[-1])
    return torch.stack(eps)[1:].pow(2).sum()


theta_hat = torch.stack([model.mu, model.phi, model.theta]).detach()
H = torch.autograd.functional.hessian(css_of, theta_hat)
sigma2 = css_of(theta_hat) / (len(z) - 1 - 3)
cov = 2 * sigma2 * torch.linalg.inv(H)
se = cov.diagonal().sqrt()
print("hessian symmetric", torch.allclose(H, H.T), H.dtype, H.shape)
for name, v, s in zip(["mu", "phi", "theta"], theta_hat, se):
    print(f"{name:6s} {v.item():7.3f}  se {s.item():.3f}")
print(f"sigma^2 {sigma2.item():.4f}")

# --- forecasts of the differences, integrated back ------------------------------------------------
with torch.no_grad():
    eps = model.residuals(z)
    zc_last, e_last = z[-1] - model.mu, eps[-1]
    steps = []
    for h in range(5):
        nxt = model.phi * zc_last + (model.theta * e_last if h == 0 else 0.0)
        steps.append(nxt + model.mu)
        zc_last, e_last = nxt, torch.zeros(())
    dfc = torch.stack(steps)
level_fc = y[-1].double() + torch.cumsum(dfc, 0)
print("diff forecasts", dfc)
print("level forecasts", level_fc)
print("requires_grad", dfc.requires_grad, level_fc.grad_fn is None)


# sensitivity of the last fitted one-step predictions to the last observations (the parameters stay
# differentiable, so the Jacobian keeps a graph back to them)
def fitted_tail(tail):
    zz = torch.cat([z[:-4], tail])
    return (zz - model.residuals(zz))[-4:]


J = torch.autograd.functional.jacobian(fitted_tail, z[-4:], strategy="forward-mode", vectorize=True)
print("forward-mode jacobian\n", J)
Jr = torch.autograd.functional.jacobian(fitted_tail, z[-4:], vectorize=True)
print("reverse agrees", torch.allclose(J, Jr), Jr.grad_fn is not None)
Jf = torch.func.jacfwd(fitted_tail)(z[-4:])
print("func.jacfwd", type(Jf.grad_fn).__name__, type(Jf.grad_fn.next_functions[0][0]).__name__)
J.diagonal(offset=-1).sum().backward()
print("d(sum of lag-1 sensitivities)/d raw_phi", f"{model.raw_phi.grad.item():.4f}")

try:
    torch.diff(y, n=-1)
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    torch.diff(mat, dim=2)
except IndexError as err:
    print("IndexError:", err)
try:
    torch.diff(y, prepend=torch.zeros(2, 2))
except RuntimeError as err:
    print("RuntimeError:", err)
