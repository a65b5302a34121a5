"""Thompson sampling and confidence-bound acquisitions for a 1-d Bayesian-optimization problem in
plain torch (float32 defaults, as many blog posts leave them): a GP posterior over a dense grid,
joint posterior samples from torch.distributions.MultivariateNormal built with scale_tril (and
with covariance_matrix, compared), argmax of each sample as the Thompson choice, UCB with a
growing beta, probability of improvement from Normal.cdf, a batch of Thompson picks, and the
distribution's repr, shapes, log_prob and entropy."""
import math

import torch
from torch.distributions import MultivariateNormal, Normal

torch.manual_seed(11)


def f(x):
    return torch.sin(6 * x) * x + 0.5 * torch.cos(13 * x)


def kernel(a, b, ls=0.12, var=1.0):
    d2 = (a.unsqueeze(-1) - b.unsqueeze(-2)) ** 2
    return var * torch.exp(-d2 / (2 * ls ** 2))


grid = torch.linspace(0, 1, 41)
X = torch.tensor([0.1, 0.45, 0.8])
Y = f(X)
noise = 1e-4


def gp_posterior(X, Y, Xs):
    y_mu = Y.mean()
    K = kernel(X, X) + noise * torch.eye(len(X))
    L = torch.linalg.cholesky(K)
    Ks = kernel(X, Xs)
    A = torch.linalg.solve_triangular(L, Ks, upper=False)
    beta = torch.linalg.solve_triangular(L, (Y - y_mu).unsqueeze(-1), upper=False)
    mean = y_mu + (A.T @ beta).squeeze(-1)
    cov = kernel(Xs, Xs) - A.T @ A
    return mean, cov


mean, cov = gp_posterior(X, Y, grid)
jitter = 1e-4 * torch.eye(len(grid))
Lc = torch.linalg.cholesky(cov + jitter)
mvn = MultivariateNormal(mean, scale_tril=Lc)
print(mvn)
print("batch", mvn.batch_shape, "event", mvn.event_shape)
print("mean[:5]", mvn.mean[:5].round(decimals=3))
print("variance[:5]", mvn.variance[:5].round(decimals=3))
print(f"entropy {mvn.entropy().item():.2f}")
s = mvn.sample()
print("one sample[:5]", s[:5].round(decimals=3), s.dtype, s.shape)
print(f"log_prob(mean) {mvn.log_prob(mean).item():.2f}")

mvn_cov = MultivariateNormal(mean, covariance_matrix=cov + jitter)
print("scale_tril close:", torch.allclose(mvn_cov.scale_tril, Lc, atol=1e-5))
samples = mvn.rsample((5,))
print("rsample shape", tuple(samples.shape))
print("log_prob", [round(v, 1) for v in mvn_cov.log_prob(samples).tolist()])

# Thompson sampling loop
for it in range(6):
    mean, cov = gp_posterior(X, Y, grid)
    Lc = torch.linalg.cholesky(cov + jitter)
    post = MultivariateNormal(mean, scale_tril=Lc)
    draw = post.sample()
    idx = torch.argmax(draw)
    x_next = grid[idx]
    y_next = f(x_next)
    X = torch.cat([X, x_next.view(1)])
    Y = torch.cat([Y, y_next.view(1)])
    print(f"TS iter {it}: x={x_next.item():.3f} y={y_next.item():+.4f} best={Y.max().item():+.4f} "
          f"at x={X[Y.argmax()].item():.3f}")

# batch Thompson sampling: several draws, distinct argmaxes
mean, cov = gp_posterior(X, Y, grid)
post = MultivariateNormal(mean, scale_tril=torch.linalg.cholesky(cov + jitter))
draws = post.sample(torch.Size([8]))
picks = torch.unique(draws.argmax(dim=-1))
print("batch TS picks", grid[picks].round(decimals=3))

# UCB and PI on the same posterior
std = cov.diagonal().clamp_min(1e-9).sqrt()
for t in range(1, 4):
    beta = 2 * math.log(len(grid) * t ** 2 * math.pi ** 2 / (6 * 0.1))
    ucb = mean + math.sqrt(beta) * std
    i = ucb.argmax()
    print(f"UCB t={t} beta={beta:.3f} x={grid[i].item():.3f} ucb={ucb[i].item():.4f}")
best = Y.max()
pi = Normal(mean, std).cdf(best + 0.01)
pi = 1 - pi
print("PI argmax", grid[pi.argmax()].item(), f"PI max {pi.max().item():.4f}")
lower = mean - 2 * std
print("LCB min", f"{lower.min().item():.4f}", "argmin", lower.argmin().item())
