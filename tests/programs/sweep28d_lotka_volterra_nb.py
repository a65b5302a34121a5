"""Lotka-Volterra predator-prey: RK4 trajectories, the cycle period from an FFT, stability from the
Jacobian, and a negative-binomial fit of noisy counts with lgamma."""
import math

import torch
import torch.nn as nn
from torch.autograd.functional import jacobian, hessian
from torch.distributions import NegativeBinomial, Gamma, LogNormal

torch.manual_seed(7)
torch.set_printoptions(precision=4, sci_mode=False)


def lv(z, theta):
    """dx = a x - b x y, dy = d x y - c y"""
    a, b, c, d = theta
    x, y = z[..., 0], z[..., 1]
    return torch.stack((a * x - b * x * y, d * x * y - c * y), dim=-1)


def rk4(f, z0, theta, dt, n):
    zs = [z0]
    z = z0
    for i in range(n):
        k1 = f(z, theta)
        k2 = f(z + dt / 2 * k1, theta)
        k3 = f(z + dt / 2 * k2, theta)
        k4 = f(z + dt * k3, theta)
        z = z + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        zs.append(z)
    return torch.stack(zs)


theta_true = torch.tensor([1.0, 0.1, 1.5, 0.075], dtype=torch.float64)
z0 = torch.tensor([10.0, 5.0], dtype=torch.float64)
dt, n = 0.1, 512
traj = rk4(lv, z0, theta_true, dt, n)
print("trajectory:", traj.shape, traj.dtype)
print("every 128th state:\n", traj[::64])


def conserved(z, theta):
    a, b, c, d = theta
    x, y = z[..., 0], z[..., 1]
    return d * x - c * torch.log(x) + b * y - a * torch.log(y)


H = conserved(traj, theta_true)
print(f"first integral range < 1e-4: {(H.max() - H.min()).item() < 1e-4}")

# period from the spectrum of the prey series
prey = traj[:-1, 0]
spec = torch.fft.rfft(prey - prey.mean())
power = spec.abs() ** 2
freqs = torch.fft.rfftfreq(n, d=dt)
k = power[1:].argmax() + 1
print(f"dominant frequency {freqs[k].item():.4f}, period ~ {1 / freqs[k].item():.3f}")
print(f"linearised period 2 pi / sqrt(a c) = {2 * math.pi / math.sqrt(1.0 * 1.5):.3f}")
print("spectrum dtype:", spec.dtype, "shape:", tuple(spec.shape))
recon = torch.fft.irfft(spec, n=n) + prey.mean()
print("irfft reconstructs:", torch.allclose(recon, prey))

# equilibrium and its Jacobian: purely imaginary eigenvalues (a centre)
a, b, c, d = theta_true
eq = torch.stack((c / d, a / b))
print("equilibrium:", eq)
J = jacobian(lambda z: lv(z, theta_true), eq)
print("Jacobian at equilibrium:\n", J)
print("eigenvalues:", torch.linalg.eigvals(J))
Hh = hessian(lambda z: conserved(z, theta_true), eq)
print("Hessian of the first integral (positive definite):", torch.linalg.eigvalsh(Hh))
print("cholesky ok:", torch.linalg.cholesky_ex(Hh).info.item() == 0)

# noisy counts: negative binomial around the trajectory (overdispersed surveys)
obs_idx = torch.arange(0, 200, 10)
mu = traj[obs_idx]
r_true = 8.0
nb = NegativeBinomial(total_count=torch.tensor(r_true, dtype=torch.float64), logits=torch.log(mu / r_true))
counts = nb.sample()
print("observed prey counts:", counts[:, 0].long().tolist())
print("NB mean matches mu:", torch.allclose(nb.mean, mu))


def nb_loglik(y, mu, r):
    # log NB(y | mean mu, size r) written out with lgamma
    return (torch.lgamma(y + r) - torch.lgamma(r) - torch.lgamma(y + 1)
            + r * torch.log(r / (r + mu)) + y * torch.log(mu / (r + mu)))


ll_manual = nb_loglik(counts, mu, torch.tensor(r_true, dtype=torch.float64)).sum()
ll_dist = nb.log_prob(counts).sum()
print(f"log-likelihood manual {ll_manual.item():.4f} vs distribution {ll_dist.item():.4f}")


class LVFit(nn.Module):
    def __init__(self):
        super().__init__()
        self.log_theta = nn.Parameter(torch.log(torch.tensor([0.8, 0.12, 1.3, 0.09], dtype=torch.float64)))
        self.log_r = nn.Parameter(torch.tensor(0.0, dtype=torch.float64))

    def forward(self):
        theta = self.log_theta.exp()
        zs = rk4(lv, z0, theta, 0.2, 100)
        return zs[obs_idx // 2], self.log_r.exp()


fit = LVFit()
opt = torch.optim.Adam(fit.parameters(), lr=0.03)
for it in range(30):
    opt.zero_grad()
    mu_hat, r_hat = fit()
    nll = -nb_loglik(counts, mu_hat, r_hat).mean()
    nll.backward()
    opt.step()
    if it % 10 == 0 or it == 29:
        theta_hat = [round(v, 3) for v in fit.log_theta.exp().tolist()]
        print(f"it {it:2d} nll {nll.item():.4f} theta {theta_hat} r {r_hat.item():.3f}")
print(fit)
print("state dict keys:", list(fit.state_dict()))
print("grad of log_r:", fit.log_r.grad is not None, "grad_fn of nll:", type(nll.grad_fn).__name__)

# priors on parameters
prior = LogNormal(torch.zeros(4, dtype=torch.float64), torch.ones(4, dtype=torch.float64))
print("log prior at fit:", f"{prior.log_prob(fit.log_theta.exp()).sum().item():.4f}")
g = Gamma(torch.tensor(2.0), torch.tensor(0.5))
print("gamma prior mean/var:", g.mean.item(), g.variance.item(), "entropy:", f"{g.entropy().item():.4f}")
print("lgamma of half-integers:", torch.lgamma(torch.tensor([0.5, 1.5, 2.5, 10.5])))
print("special.gammaln == lgamma:", torch.equal(torch.special.gammaln(counts), torch.lgamma(counts)))
try:
    NegativeBinomial(total_count=torch.tensor(-1.0), probs=torch.tensor(0.5))
except ValueError as e:
    print("ValueError:", str(e).split(" found invalid")[0])
try:
    torch.fft.rfft(torch.tensor([1 + 2j, 3 + 0j]))
except RuntimeError as e:
    print("RuntimeError:", e)
