"""Probabilistic programming with torch.distributions: bandits, Metropolis-Hastings, variational fitting."""
import math

import torch
from torch.distributions import (Bernoulli, Beta, Categorical, Dirichlet, Exponential, Gamma, Independent,
                                 MultivariateNormal, Normal, Uniform, kl_divergence)

torch.manual_seed(1234)

# --- Thompson sampling on a Bernoulli bandit ---------------------------------------------------------
true_p = torch.tensor([0.25, 0.55, 0.6])
alpha, beta = torch.ones(3), torch.ones(3)
pulls = torch.zeros(3, dtype=torch.long)
reward_sum = 0.0
for t in range(200):
    theta = Beta(alpha, beta).sample()
    arm = int(theta.argmax())
    r = Bernoulli(probs=true_p[arm]).sample()
    alpha[arm] += r
    beta[arm] += 1 - r
    pulls[arm] += 1
    reward_sum += r.item()
print(pulls.tolist(), reward_sum, (alpha / (alpha + beta)).round(decimals=3))
post = Beta(alpha, beta)
print(post.mean, post.variance, post.entropy())

# --- epsilon-greedy with a Categorical policy ----------------------------------------------------------
q = torch.zeros(3)
counts = torch.zeros(3)
for t in range(100):
    eps = 0.1
    probs = torch.full((3,), eps / 3)
    probs[q.argmax()] += 1 - eps
    arm = Categorical(probs=probs).sample().item()
    r = Normal(true_p[arm], 0.1).sample()
    counts[arm] += 1
    q[arm] += (r - q[arm]) / counts[arm]
print(counts.tolist(), q)

# --- Metropolis-Hastings on a banana-shaped density ---------------------------------------------------
def log_target(z):
    return Normal(0.0, 1.0).log_prob(z[0]) + Normal(z[0] ** 2 / 2, 0.5).log_prob(z[1])


z = torch.zeros(2)
samples, accepted = [], 0
prop = Normal(torch.zeros(2), 0.6)
unif = Uniform(0.0, 1.0)
lp = log_target(z)
for i in range(600):
    cand = z + prop.sample()
    lp_c = log_target(cand)
    if torch.log(unif.sample()) < lp_c - lp:
        z, lp = cand, lp_c
        accepted += 1
    samples.append(z)
chain = torch.stack(samples[100:])
print(accepted, f"{chain.mean(0)[0].item():.3f} {chain.mean(0)[1].item():.3f}", chain.shape)

# --- multivariate normal -------------------------------------------------------------------------------
mu = torch.tensor([1.0, -1.0])
cov = torch.tensor([[1.0, 0.6], [0.6, 2.0]])
mvn = MultivariateNormal(mu, covariance_matrix=cov)
xs = mvn.sample((2000,))
print(mvn.batch_shape, mvn.event_shape, xs.shape)
print(f"{xs.mean(0)[0].item():.2f} {xs.mean(0)[1].item():.2f}", torch.cov(xs.T).round(decimals=1))
print(mvn.log_prob(torch.tensor([[0.0, 0.0], [1.0, -1.0]])), mvn.entropy())
print(mvn.scale_tril, mvn.precision_matrix, mvn.variance)
mvn2 = MultivariateNormal(torch.zeros(2), scale_tril=torch.tensor([[1.0, 0.0], [0.5, 0.8]]))
print(mvn2.covariance_matrix, kl_divergence(mvn, mvn2))
print(mvn2.rsample((3,)))

# --- gamma, dirichlet, exponential ----------------------------------------------------------------
g = Gamma(torch.tensor([0.5, 2.0, 9.0]), torch.tensor([1.0, 2.0, 0.5]))
gs = g.sample((3,))
print(gs)
print(g.log_prob(torch.tensor([1.0, 1.0, 1.0])), g.mean, g.variance, g.entropy())
d = Dirichlet(torch.tensor([1.0, 2.0, 3.0]))
ds = d.sample((2,))
print(ds, ds.sum(-1), d.log_prob(torch.tensor([0.2, 0.3, 0.5])), d.mean, d.entropy())
e = Exponential(torch.tensor([0.5, 3.0]))
print(e.sample((2,)), e.log_prob(torch.tensor([1.0, 1.0])), e.mean, e.cdf(torch.tensor([1.0, 1.0])))
b = Beta(torch.tensor([0.5]), torch.tensor([0.5]))
print(b.sample((4,)).squeeze(-1), b.log_prob(torch.tensor([0.3])))
print(kl_divergence(Beta(2.0, 3.0), Beta(3.0, 3.0)), kl_divergence(Gamma(2.0, 1.0), Gamma(3.0, 2.0)))
print(kl_divergence(Exponential(1.0), Exponential(2.0)), kl_divergence(Dirichlet(torch.ones(3)), d))
ind = Independent(Normal(torch.zeros(3, 2), torch.ones(3, 2)), 1)
print(ind.batch_shape, ind.event_shape, ind.log_prob(torch.zeros(3, 2)), ind.entropy())
print(g, d, e, ind, sep="\n")

# --- reparameterised variational fitting of a Gamma-ish target with a Normal --------------------------
target = Gamma(torch.tensor(4.0), torch.tensor(2.0))
loc = torch.tensor(0.5, requires_grad=True)
log_scale = torch.tensor(0.0, requires_grad=True)
opt = torch.optim.Adam([loc, log_scale], lr=0.05)
for step in range(200):
    q_dist = Normal(loc, log_scale.exp())
    zs = q_dist.rsample((64,)).clamp(min=1e-3)
    elbo = (target.log_prob(zs) - q_dist.log_prob(zs)).mean()
    opt.zero_grad()
    (-elbo).backward()
    opt.step()
print(f"{loc.item():.2f} {log_scale.exp().item():.2f}", f"{target.mean.item():.1f}")
conc = torch.tensor([2.0, 3.0], requires_grad=True)
gr = Gamma(conc, torch.tensor(1.0))
print(gr.has_rsample, gr.log_prob(torch.tensor([1.0, 2.0])).sum())
Dirichlet(conc).log_prob(torch.tensor([0.4, 0.6])).backward()
print(conc.grad)
print(Bernoulli(logits=torch.tensor([0.0, 2.0])).entropy(), Categorical(logits=torch.zeros(4)).entropy())
print(Normal(0.0, 1.0).cdf(torch.tensor(1.96)), Normal(0.0, 1.0).icdf(torch.tensor(0.975)))
print(math.isclose(Uniform(0.0, 2.0).entropy().item(), math.log(2.0), rel_tol=1e-6))
