"""Stochastic variational inference in plain torch (the Pyro 'SVI part I' model without Pyro): a
Bayesian linear regression with a Gamma-distributed noise scale and a Beta-Bernoulli coin, a
mean-field Normal guide with softplus scales, constrained sites handled by biject_to, a Monte Carlo
ELBO with rsample and log_abs_det_jacobian, Adam, and parameters / shapes / ELBO printed per step."""
import torch
import torch.nn.functional as F
import torch.distributions as dist
from torch.distributions import constraints, biject_to

torch.manual_seed(5)

# --- synthetic data ---
N = 40
X = torch.randn(N, 2)
true_w = torch.tensor([1.5, -0.7])
y = X @ true_w + 0.3 + 0.4 * torch.randn(N)
flips = (torch.rand(30) < 0.7).float()

# --- model: log p(x, z) ---
sites = {"w": (constraints.real, (2,)), "b": (constraints.real, ()),
         "sigma": (constraints.positive, ()), "p": (constraints.unit_interval, ())}


def model_log_joint(z):
    lp = dist.Independent(dist.Normal(torch.zeros(2), torch.ones(2)), 1).log_prob(z["w"])
    lp = lp + dist.Normal(0.0, 5.0).log_prob(z["b"])
    lp = lp + dist.Gamma(2.0, 4.0).log_prob(z["sigma"])
    lp = lp + dist.Beta(10.0, 10.0).log_prob(z["p"])
    mean = X @ z["w"].unsqueeze(-1)
    mean = mean.squeeze(-1) + z["b"].unsqueeze(-1)
    lp = lp + dist.Normal(mean, z["sigma"].unsqueeze(-1)).log_prob(y).sum(-1)
    lp = lp + dist.Bernoulli(probs=z["p"].unsqueeze(-1)).log_prob(flips).sum(-1)
    return lp


# --- guide: mean-field Normal in the unconstrained space ---
params = {}
for name, (c, shape) in sites.items():
    params[name + "_loc"] = torch.zeros(shape, requires_grad=True)
    params[name + "_raw_scale"] = torch.full(shape, -2.0, requires_grad=True)


def guide_sample(num_particles):
    z, log_q = {}, 0.0
    for name, (c, shape) in sites.items():
        q = dist.Normal(params[name + "_loc"], F.softplus(params[name + "_raw_scale"]))
        if len(shape):
            q = dist.Independent(q, 1)
        u = q.rsample((num_particles,))
        t = biject_to(c)
        v = t(u)
        ladj = t.log_abs_det_jacobian(u, v)
        if len(shape):
            ladj = ladj.sum(-1)
        log_q = log_q + q.log_prob(u) - ladj
        z[name] = v
    return z, log_q


def elbo(num_particles=4):
    z, log_q = guide_sample(num_particles)
    return (model_log_joint(z) - log_q).mean()


print("param shapes:", {k: tuple(v.shape) for k, v in params.items()})
optimizer = torch.optim.Adam(params.values(), lr=0.1)
torch.manual_seed(6)
for step in range(50):
    optimizer.zero_grad()
    loss = -elbo()
    loss.backward()
    optimizer.step()
    if step % 10 == 0 or step == 49:
        print(f"step {step:3d}  ELBO {-loss.item():9.2f}")

print("=== posterior summary ===")
with torch.no_grad():
    for name, (c, shape) in sites.items():
        loc = params[name + "_loc"]
        scale = F.softplus(params[name + "_raw_scale"])
        t = biject_to(c)
        print(f"{name:6s} loc {loc.numpy().round(2)} scale {scale.numpy().round(2)} "
              f"-> constrained median {t(loc).numpy().round(2)}")
    torch.manual_seed(7)
    z, _ = guide_sample(200)
    print("posterior mean w", z["w"].mean(0).round(decimals=1))
    print("posterior sigma in support", bool(constraints.positive.check(z["sigma"]).all()))
    print("posterior p in (0,1)", bool(constraints.unit_interval.check(z["p"]).all()))
    print("sample shapes", {k: tuple(v.shape) for k, v in z.items()})
