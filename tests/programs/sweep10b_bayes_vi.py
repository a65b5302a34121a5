"""Bayesian linear regression two ways, as a probabilistic-ML course teaches it: the exact conjugate
posterior with torch.linalg, then mean-field variational inference with the reparameterization trick
(Normal(mu, softplus(rho))), an ELBO built from log_prob and kl_divergence, and Adam; finally a small
Bayes-by-backprop layer and the posterior predictive."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, Independent, kl_divergence

torch.manual_seed(42)

# ---- synthetic data ------------------------------------------------------------------------------
N, D = 64, 3
X = torch.randn(N, D)
w_true = torch.tensor([1.5, -2.0, 0.5])
noise_sd = 0.3
y = X @ w_true + 0.7 + noise_sd * torch.randn(N)
Xb = torch.cat([X, torch.ones(N, 1)], dim=1)
print("data", X.shape, y.shape, Xb.dtype, y[:4].round(decimals=3))

# ---- exact posterior (prior N(0, alpha^-1 I), known noise) --------------------------------------
alpha, beta = 1.0, 1.0 / noise_sd ** 2
S_inv = alpha * torch.eye(D + 1) + beta * Xb.T @ Xb
S = torch.linalg.inv(S_inv)
m = beta * S @ Xb.T @ y
print("posterior mean", m.round(decimals=3))
print("posterior sd", S.diagonal().sqrt().round(decimals=3))
L = torch.linalg.cholesky(S)
exact = torch.distributions.MultivariateNormal(m, scale_tril=L)
print(exact.batch_shape, exact.event_shape, exact.entropy().round(decimals=3))
# log evidence of the conjugate model
C = torch.eye(N) / beta + Xb @ Xb.T / alpha
evidence = torch.distributions.MultivariateNormal(torch.zeros(N), covariance_matrix=C).log_prob(y)
print("log evidence", round(evidence.item(), 2))


# ---- mean-field VI --------------------------------------------------------------------------------
class MeanField(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.mu = nn.Parameter(torch.zeros(dim))
        self.rho = nn.Parameter(torch.full((dim,), -3.0))

    def q(self):
        return Normal(self.mu, F.softplus(self.rho))


vi = MeanField(D + 1)
print(vi)
print([(n, tuple(p.shape), p.requires_grad) for n, p in vi.named_parameters()])
prior = Normal(torch.zeros(D + 1), torch.ones(D + 1) / math.sqrt(alpha))
opt = torch.optim.Adam(vi.parameters(), lr=0.05)
print(opt)


def elbo(model, n_samples=8):
    q = model.q()
    w = q.rsample((n_samples,))                      # (S, D+1)
    pred = w @ Xb.T                                  # (S, N)
    ll = Normal(pred, noise_sd).log_prob(y).sum(-1).mean()
    kl = kl_divergence(q, prior).sum()
    return ll - kl, ll, kl


for step in range(301):
    opt.zero_grad()
    obj, ll, kl = elbo(vi)
    (-obj).backward()
    opt.step()
    if step % 50 == 0:
        print(f"step {step:3d} elbo {obj.item():10.1f} ll {ll.item():10.1f} kl {kl.item():7.2f}")

q = vi.q()
print("vi mean", q.loc.detach().round(decimals=2))
print("vi sd  ", q.scale.detach().round(decimals=2))
print("mean close to exact:", torch.allclose(q.loc.detach(), m, atol=0.1))
print(type(q.scale.grad_fn).__name__, q.scale.requires_grad, vi.rho.grad.shape)
# KL between the VI posterior and the exact one, via Independent vs MVN? use a diagonal MVN
diag_mvn = torch.distributions.MultivariateNormal(q.loc.detach(), scale_tril=torch.diag(q.scale.detach()))
print("KL(q || exact) small:", kl_divergence(diag_mvn, exact).item() < 5.0)
qi = Independent(Normal(q.loc.detach(), q.scale.detach()), 1)
print(qi.batch_shape, qi.event_shape, round(kl_divergence(qi, Independent(prior, 1)).item(), 1))


# ---- Bayes-by-backprop layer -----------------------------------------------------------------------
class BayesLinear(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.w_mu = nn.Parameter(torch.randn(n_out, n_in) * 0.1)
        self.w_rho = nn.Parameter(torch.full((n_out, n_in), -4.0))
        self.b_mu = nn.Parameter(torch.zeros(n_out))
        self.b_rho = nn.Parameter(torch.full((n_out,), -4.0))
        self.prior = Normal(0.0, 1.0)

    def forward(self, x):
        qw = Normal(self.w_mu, F.softplus(self.w_rho))
        qb = Normal(self.b_mu, F.softplus(self.b_rho))
        w, b = qw.rsample(), qb.rsample()
        self.kl = kl_divergence(qw, self.prior).sum() + kl_divergence(qb, self.prior).sum()
        return F.linear(x, w, b)


torch.manual_seed(1)
net = nn.Sequential(BayesLinear(D, 16), nn.Tanh(), BayesLinear(16, 1))
opt2 = torch.optim.Adam(net.parameters(), lr=0.02, betas=(0.9, 0.99))
for epoch in range(151):
    opt2.zero_grad()
    out = net(X).squeeze(-1)
    nll = -Normal(out, noise_sd).log_prob(y).sum()
    kl = sum(mod.kl for mod in net if isinstance(mod, BayesLinear))
    loss = nll + kl
    loss.backward()
    opt2.step()
    if epoch % 50 == 0:
        print(f"bbb epoch {epoch:3d} loss {loss.item():9.1f} kl {kl.item():7.1f}")

with torch.no_grad():
    xs = torch.tensor([[0.0, 0.0, 0.0], [1.0, -1.0, 0.5]])
    draws = torch.stack([net(xs).squeeze(-1) for _ in range(50)])
    print("predictive", draws.shape, draws.mean(0).round(decimals=1), (draws.std(0) < 1.0).tolist())
print(sum(p.numel() for p in net.parameters()), [type(m).__name__ for m in net])
print(net[0].w_rho.grad.abs().sum() > 0, net[0].kl.grad_fn.__class__.__name__)
