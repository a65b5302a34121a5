"""Bayesian-style weight noise: Bayes-by-backprop layers, local reparameterization, a
hypernetwork that outputs a weight *distribution*, and MC-dropout-like conditional noise."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.distributions as D
from torch.nn.utils import parametrize

torch.manual_seed(2024)


class BayesLinear(nn.Module):
    def __init__(self, fin, fout, prior_sigma=1.0):
        super().__init__()
        self.w_mu = nn.Parameter(torch.empty(fout, fin).uniform_(-0.2, 0.2))
        self.w_rho = nn.Parameter(torch.full((fout, fin), -4.0))
        self.b_mu = nn.Parameter(torch.zeros(fout))
        self.b_rho = nn.Parameter(torch.full((fout,), -4.0))
        self.prior = D.Normal(0.0, prior_sigma)

    def posterior(self):
        return (D.Normal(self.w_mu, F.softplus(self.w_rho)), D.Normal(self.b_mu, F.softplus(self.b_rho)))

    def forward(self, x):
        qw, qb = self.posterior()
        return F.linear(x, qw.rsample(), qb.rsample())

    def kl(self):
        qw, qb = self.posterior()
        return D.kl_divergence(qw, self.prior).sum() + D.kl_divergence(qb, self.prior).sum()


class LocalReparamLinear(BayesLinear):
    """Sample pre-activations instead of weights (Kingma et al. 2015)."""

    def forward(self, x):
        qw, qb = self.posterior()
        mean = F.linear(x, qw.mean, qb.mean)
        var = F.linear(x.pow(2), qw.variance, qb.variance)
        return mean + var.sqrt() * torch.randn_like(mean)


layer = BayesLinear(3, 2)
print(layer)
qw, qb = layer.posterior()
print(qw)
print("batch_shape", qw.batch_shape, "event_shape", qw.event_shape)
print("stddev[0]:", qw.stddev[0])
print("KL to prior: {:.3f}".format(layer.kl().item()))
print(D.Independent(qw, 2))
print("log_prob of the mean: {:.3f}".format(D.Independent(qw, 2).log_prob(qw.mean).item()))

x = torch.linspace(-2, 2, 40).unsqueeze(1).repeat(1, 3) * torch.tensor([1.0, 0.5, -0.3])
y_true = torch.sin(x[:, :1] * 1.5) + 0.1 * torch.randn(40, 1)

net = nn.Sequential(LocalReparamLinear(3, 16), nn.Tanh(), BayesLinear(16, 1))
opt = torch.optim.Adam(net.parameters(), lr=0.05)
n_data = x.shape[0]
for ep in range(60):
    opt.zero_grad()
    pred = net(x)
    nll = -D.Normal(pred, 0.1).log_prob(y_true).sum()
    kl = sum(m.kl() for m in net if isinstance(m, BayesLinear))
    elbo_loss = (nll + kl) / n_data
    elbo_loss.backward()
    opt.step()
    if ep % 20 == 0 or ep == 59:
        print(f"epoch {ep:3d} -elbo/n {elbo_loss.item():8.2f}  kl {kl.item():8.1f}")

with torch.no_grad():
    samples = torch.stack([net(x) for _ in range(20)])
    mean, std = samples.mean(0), samples.std(0)
    print("predictive mean (every 8th):", [round(v, 1) for v in mean[::8, 0].tolist()])
    print("predictive std mostly positive:", bool((std > 0).all()))
    mse = F.mse_loss(mean, y_true)
    print("posterior-mean fit mse < 0.2:", mse.item() < 0.2)
    sig = F.softplus(net[0].w_rho)
    print("posterior sigma range: {:.3f}..{:.3f}".format(sig.min().item(), sig.max().item()))


# --- a hypernetwork that emits a diagonal Gaussian over the target weights
class DistHyper(nn.Module):
    def __init__(self, z_dim, n_weights):
        super().__init__()
        self.mu = nn.Linear(z_dim, n_weights)
        self.log_sigma = nn.Linear(z_dim, n_weights)

    def forward(self, z):
        return D.Normal(self.mu(z), self.log_sigma(z).clamp(-6, 2).exp())


hyper = DistHyper(2, 3 * 4 + 4)
q = hyper(torch.randn(2))
wflat = q.rsample((5,))                 # five weight samples
print("weight samples:", tuple(wflat.shape), wflat.grad_fn.name())
Ws, bs = wflat[:, :12].view(5, 4, 3), wflat[:, 12:]
inp = torch.randn(7, 3)
outs = torch.einsum("ni,soi->sno", inp, Ws) + bs[:, None]
print("ensemble outputs:", tuple(outs.shape))
ent = q.entropy().sum()
print("entropy {:.3f}".format(ent.item()))
lp = q.log_prob(wflat).sum(-1)
print("log q per sample:", lp.shape, lp.grad_fn.name())
# score-function vs. pathwise gradient of E[sum w^2]
g_path = torch.autograd.grad(wflat.pow(2).sum(-1).mean(), hyper.mu.bias, retain_graph=True)[0]
print("pathwise grad shape", tuple(g_path.shape))

# multivariate version with a low-rank covariance
lr_mvn = D.LowRankMultivariateNormal(torch.zeros(4), torch.randn(4, 2) * 0.5, torch.ones(4) * 0.1)
print(lr_mvn)
print("covariance diag:", lr_mvn.covariance_matrix.diagonal())
s = lr_mvn.rsample((1000,))
print("sample shape", tuple(s.shape), "log_prob shape", tuple(lr_mvn.log_prob(s).shape))
full = D.MultivariateNormal(torch.zeros(4), covariance_matrix=lr_mvn.covariance_matrix)
print("log_prob agrees:", torch.allclose(full.log_prob(s[:5]), lr_mvn.log_prob(s[:5]), atol=1e-4))
print("entropy agrees:", abs(full.entropy().item() - lr_mvn.entropy().item()) < 1e-4)
print("KL(full || std normal) {:.4f}".format(D.kl_divergence(full, D.MultivariateNormal(torch.zeros(4), torch.eye(4))).item()))


# --- weight noise as a parametrization: the module's weight is recomputed from noise each call
class GaussianNoise(nn.Module):
    def __init__(self, sigma):
        super().__init__()
        self.sigma = sigma

    def forward(self, w):
        return w + self.sigma * torch.randn_like(w) if self.training else w


lin = nn.Linear(4, 2)
parametrize.register_parametrization(lin, "weight", GaussianNoise(0.05))
print(lin)
print("is parametrized:", parametrize.is_parametrized(lin, "weight"))
print("original shape:", tuple(lin.parametrizations.weight.original.shape))
inp = torch.randn(3, 4)
a, b = lin(inp), lin(inp)
print("train-mode outputs differ:", not torch.equal(a, b))
lin.eval()
print("eval-mode outputs equal:", torch.equal(lin(inp), lin(inp)))
parametrize.remove_parametrizations(lin, "weight", leave_parametrized=True)
print("after removal:", type(lin.weight).__name__, parametrize.is_parametrized(lin))

# constraint checks and errors
try:
    D.Normal(torch.zeros(2), torch.tensor([1.0, -1.0]))
except ValueError as e:
    print("ValueError:", str(e).splitlines()[0][:80])
try:
    D.kl_divergence(D.Normal(0.0, 1.0), D.Bernoulli(0.3))
except NotImplementedError as e:
    print("NotImplementedError:", type(e).__name__)
try:
    D.LowRankMultivariateNormal(torch.zeros(3), torch.randn(4, 2), torch.ones(4))
except ValueError as e:
    print("ValueError:", e)
