"""A Bayesian-statistics blog post, "MCMC from scratch in PyTorch": a random-walk Metropolis-Hastings
sampler and a Hamiltonian Monte Carlo sampler (leapfrog with autograd gradients) targeting the
posterior of a Bayesian logistic regression and a banana-shaped density, with acceptance rates,
posterior summaries and effective sample sizes."""
import math

import torch
from torch.distributions import Bernoulli, MultivariateNormal, Normal, Uniform

torch.manual_seed(2024)
torch.set_printoptions(precision=3, sci_mode=False)

# --- data: logistic regression with 2 features + bias --------------------------------------------
N = 80
X = torch.cat([torch.ones(N, 1), torch.randn(N, 2)], dim=1)
w_true = torch.tensor([-0.5, 1.5, -2.0])
y = Bernoulli(logits=X @ w_true).sample()
print("X", tuple(X.shape), "y mean", y.mean().item(), "dtype", y.dtype)
prior = Normal(torch.zeros(3), 2.5 * torch.ones(3))


def log_post(w):
    """Unnormalised log posterior; works for a single w (3,) or a batch (B, 3)."""
    logits = w @ X.T
    return Bernoulli(logits=logits).log_prob(y).sum(-1) + prior.log_prob(w).sum(-1)


# --- random-walk Metropolis-Hastings ------------------------------------------------------------
def metropolis(logp, x0, n, step):
    x, lp = x0.clone(), logp(x0)
    chain, accepted = [], 0
    proposal = Normal(torch.zeros_like(x0), step)
    unif = Uniform(0.0, 1.0)
    for _ in range(n):
        x_new = x + proposal.sample()
        lp_new = logp(x_new)
        if unif.sample().log() < lp_new - lp:
            x, lp = x_new, lp_new
            accepted += 1
        chain.append(x)
    return torch.stack(chain), accepted / n


with torch.no_grad():
    mh_chain, mh_rate = metropolis(log_post, torch.zeros(3), 200, 0.25)
print(f"MH acceptance {mh_rate:.3f}")
print("MH chain", mh_chain.shape, "posterior mean", mh_chain[40:].mean(0), "sd", mh_chain[40:].std(0))


# --- Hamiltonian Monte Carlo ---------------------------------------------------------------------
def grad_logp(logp, x):
    x = x.detach().requires_grad_(True)
    lp = logp(x)
    (g,) = torch.autograd.grad(lp, x)
    return lp.detach(), g


def hmc(logp, x0, n, eps, L):
    x = x0.clone()
    lp, g = grad_logp(logp, x)
    chain, accepted, energies = [], 0, []
    momentum = Normal(torch.zeros_like(x0), torch.ones_like(x0))
    for _ in range(n):
        p0 = momentum.sample()
        x_new, p, g_new = x.clone(), p0 + 0.5 * eps * g, g
        for step in range(L):
            x_new = x_new + eps * p
            lp_new, g_new = grad_logp(logp, x_new)
            if step != L - 1:
                p = p + eps * g_new
        p = p + 0.5 * eps * g_new
        h_old = -lp + 0.5 * p0.pow(2).sum()
        h_new = -lp_new + 0.5 * p.pow(2).sum()
        energies.append((h_new - h_old).item())
        if torch.rand(()) < torch.exp(h_old - h_new):
            x, lp, g = x_new, lp_new, g_new
            accepted += 1
        chain.append(x)
    return torch.stack(chain), accepted / n, torch.tensor(energies)


hmc_chain, hmc_rate, dH = hmc(log_post, torch.zeros(3), 40, 0.15, 5)
print(f"HMC acceptance {hmc_rate:.2f}  mean |dH| {dH.abs().mean().item():.2f}")
print("HMC posterior mean", hmc_chain[10:].mean(0), "sd", hmc_chain[10:].std(0))
print("chain requires_grad:", hmc_chain.requires_grad, "| true w", w_true)


def ess(x):
    """Effective sample size from the initial positive autocorrelations."""
    x = x - x.mean()
    n = x.numel()
    var = (x * x).mean()
    rho_sum = 0.0
    for lag in range(1, n // 2):
        rho = ((x[:-lag] * x[lag:]).mean() / var).item()
        if rho < 0.05:
            break
        rho_sum += rho
    return n / (1 + 2 * rho_sum)


for name, ch in [("MH", mh_chain[40:]), ("HMC", hmc_chain[10:])]:
    print(name, "ESS per coord", [round(ess(ch[:, j]) / 5) * 5 for j in range(3)])

# --- a banana-shaped target ----------------------------------------------------------------------
base = MultivariateNormal(torch.zeros(2), torch.tensor([[1.0, 0.9], [0.9, 1.0]]))


def log_banana(z):
    x1, x2 = z[..., 0], z[..., 1]
    return base.log_prob(torch.stack([x1, x2 - 0.5 * x1 ** 2 + 0.5], -1))


torch.manual_seed(5)
ban, rate, _ = hmc(log_banana, torch.zeros(2), 40, 0.2, 5)
print(f"banana HMC acceptance {rate:.2f}, mean {ban[10:].mean(0)}, corr "
      f"{torch.corrcoef(ban[10:].T)[0, 1].item():.1f}")
with torch.no_grad():
    ban_mh, rate_mh = metropolis(log_banana, torch.zeros(2), 200, 0.5)
print(f"banana MH acceptance {rate_mh:.2f}, quantiles x1 "
      f"{torch.quantile(ban_mh[40:, 0], torch.tensor([0.1, 0.5, 0.9]))}")
print("log_banana grad at (1, 2):", torch.func.grad(log_banana)(torch.tensor([1.0, 2.0])))
print(f"log normaliser check {math.log(2 * math.pi):.4f}")
