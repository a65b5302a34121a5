"""Variational inference from scratch, in the style of the Pyro "SVI part I" coin-fairness tutorial
rewritten in plain PyTorch: reparameterised gradients of Gamma / Beta / Dirichlet samples, score
function vs pathwise estimators, and maximising an ELBO with rsample for a Beta-Bernoulli model and a
Gamma-Poisson model, compared with the exact conjugate posteriors."""
import torch
import torch.nn.functional as F
from torch.distributions import (Bernoulli, Beta, Dirichlet, Gamma, LogNormal, Normal, Poisson,
                                 kl_divergence)

torch.manual_seed(42)
torch.set_printoptions(precision=4)

# --- pathwise gradients through samplers ----------------------------------------------------------
conc = torch.tensor([0.5, 2.0, 5.0], requires_grad=True)
rate = torch.tensor([1.0, 1.0, 2.0], requires_grad=True)
g = Gamma(conc, rate)
x = g.rsample()
print("gamma rsample", x, x.grad_fn is not None, "has_rsample", g.has_rsample)
x.sum().backward()
print("d/dconc", conc.grad)
print("d/drate", rate.grad)
print("check d/drate == -x/rate:", torch.allclose(rate.grad, -x.detach() / rate.detach()))

a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
bs = Beta(a, b).rsample((4,))
print("beta rsample", bs, bs.requires_grad)
bs.mean().backward()
print("grads", a.grad, b.grad)

alpha = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
ds = Dirichlet(alpha).rsample((2,))
print("dirichlet rsample\n", ds, "\nrow sums", ds.sum(-1))
(ds[:, 0] * 2 + ds[:, 2]).sum().backward()
print("alpha.grad", alpha.grad)

try:
    Poisson(torch.tensor(3.0)).rsample()
except NotImplementedError as e:
    print(type(e).__name__, e)
sample = Bernoulli(torch.tensor(0.3, requires_grad=True)).sample((3,))
print("bernoulli sample", sample, "requires_grad", sample.requires_grad)

# --- score function vs reparameterisation: d/dmu E[x^2], x ~ N(mu, 1) = 2 mu ------------------
mu = torch.tensor(1.5, requires_grad=True)
q = Normal(mu, 1.0)
torch.manual_seed(0)
xs = q.rsample((5000,))
(g_path,) = torch.autograd.grad((xs ** 2).mean(), mu)
xs = q.sample((5000,))
surrogate = (xs ** 2 * q.log_prob(xs)).mean()
(g_score,) = torch.autograd.grad(surrogate, mu)
print(f"true 3.0 | pathwise {g_path.item():.1f} | score {g_score.item():.0f}")

# --- Beta-Bernoulli: is the coin fair? -----------------------------------------------------------
data = torch.cat([torch.ones(7), torch.zeros(3)])
prior = Beta(torch.tensor(10.0), torch.tensor(10.0))
log_a = torch.tensor(2.3026, requires_grad=True)   # log 10
log_b = torch.tensor(2.3026, requires_grad=True)
opt = torch.optim.Adam([log_a, log_b], lr=0.05)
print(opt)
torch.manual_seed(1)
for step in range(101):
    q = Beta(log_a.exp(), log_b.exp())
    f = q.rsample((8,)).clamp(1e-5, 1 - 1e-5)
    log_lik = Bernoulli(probs=f.unsqueeze(-1)).log_prob(data).sum(-1)
    elbo = (log_lik + prior.log_prob(f) - q.log_prob(f)).mean()
    opt.zero_grad()
    (-elbo).backward()
    opt.step()
    if step % 25 == 0:
        print(f"step {step:3d}  elbo {elbo.item():8.2f}  a {log_a.exp().item():6.2f}  b {log_b.exp().item():6.2f}")
post = Beta(torch.tensor(10.0 + 7), torch.tensor(10.0 + 3))
qf = Beta(log_a.exp().detach(), log_b.exp().detach())
print(f"exact posterior mean {post.mean.item():.3f} sd {post.stddev.item():.3f}")
print(f"variational    mean {qf.mean.item():.2f} sd {qf.stddev.item():.3f}")
print(f"KL(q || posterior) small: {kl_divergence(qf, post).item() < 0.05}")

# --- Gamma-Poisson rates with a LogNormal guide -------------------------------------------------
torch.manual_seed(2)
counts = Poisson(torch.tensor([2.0, 6.0])).sample((12,))
print("counts", counts.shape, counts.dtype, counts.sum(0))
loc = torch.zeros(2, requires_grad=True)
raw_scale = torch.full((2,), -1.0, requires_grad=True)
opt = torch.optim.SGD([loc, raw_scale], lr=0.01, momentum=0.9)
p_rate = Gamma(torch.tensor(2.0), torch.tensor(0.5))
for step in range(61):
    guide = LogNormal(loc, F.softplus(raw_scale))
    lam = guide.rsample((32,))
    ll = Poisson(lam.unsqueeze(-2)).log_prob(counts).sum(-2)
    elbo = (ll + p_rate.log_prob(lam) - guide.log_prob(lam)).mean(0).sum()
    opt.zero_grad()
    (-elbo).backward()
    opt.step()
    if step % 20 == 0:
        print(f"step {step:3d} elbo {elbo.item():8.1f} rates {guide.mean.detach().round(decimals=1)}")
exact = Gamma(2.0 + counts.sum(0), 0.5 + counts.shape[0])
print("exact posterior means", exact.mean.round(decimals=1))
print("guide", guide)
print("guide scale", F.softplus(raw_scale).detach().round(decimals=2))
guide = LogNormal(loc, F.softplus(raw_scale))
lam = guide.rsample((64,))
elbo = (Poisson(lam.unsqueeze(-2)).log_prob(counts).sum(-2) + p_rate.log_prob(lam) - guide.log_prob(lam)).mean(0).sum()
grads = torch.autograd.grad(elbo, {"loc": loc, "raw_scale": raw_scale})
print({k: tuple(v.shape) for k, v in grads.items()}, "small grads:", all(v.abs().max() < 50 for v in grads.values()))
