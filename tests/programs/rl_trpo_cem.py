"""Natural-gradient policy optimisation (TRPO: Hessian-vector products of the KL, conjugate gradient,
backtracking line search over a flat parameter vector) and the cross-entropy method with a
MultivariateNormal, on a linear-quadratic regulator."""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.distributions import MultivariateNormal, Normal, kl_divergence
from torch.nn.utils import parameters_to_vector, vector_to_parameters

random.seed(4)
np.random.seed(4)
torch.manual_seed(4)
torch.set_default_dtype(torch.float64)   # TRPO code often runs in double

A = torch.tensor([[1.0, 0.1], [0.0, 1.0]])
B = torch.tensor([[0.0], [0.1]])


def rollout(policy_fn, n=16, horizon=20, noise=True):
    """Batch rollouts of x' = Ax + Bu with cost x'x + 0.1 u^2; returns states, actions, rewards."""
    x = torch.randn(n, 2)
    xs, us, rs = [], [], []
    for _ in range(horizon):
        u = policy_fn(x, noise)
        xs.append(x)
        us.append(u)
        rs.append(-(x.pow(2).sum(1) + 0.1 * u.pow(2).sum(1)))
        x = x @ A.T + u @ B.T
    return torch.stack(xs, 1), torch.stack(us, 1), torch.stack(rs, 1)


class GaussianPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.mu = nn.Linear(2, 1, bias=False)
        self.log_std = nn.Parameter(torch.full((1,), -0.5))
        nn.init.zeros_(self.mu.weight)

    def dist(self, x):
        return Normal(self.mu(x), self.log_std.exp())

    def act(self, x, noise=True):
        with torch.no_grad():
            d = self.dist(x)
            return d.sample() if noise else d.mean


def flat_grad(y, params, **kw):
    return torch.cat([g.reshape(-1) for g in torch.autograd.grad(y, params, **kw)])


def conjugate_gradient(Avp, b, iters=10, tol=1e-10):
    x = torch.zeros_like(b)
    r, p = b.clone(), b.clone()
    rdotr = torch.dot(r, r)
    for _ in range(iters):
        Ap = Avp(p)
        alpha = rdotr / torch.dot(p, Ap)
        x += alpha * p
        r -= alpha * Ap
        new_rdotr = torch.dot(r, r)
        if new_rdotr < tol:
            break
        p = r + new_rdotr / rdotr * p
        rdotr = new_rdotr
    return x


policy = GaussianPolicy()
params = list(policy.parameters())
max_kl, damping = 0.01, 0.1
print("flat params", parameters_to_vector(params))
for it in range(8):
    xs, us, rs = rollout(policy.act)
    returns = rs.flip(1).cumsum(1).flip(1)             # reward-to-go
    adv = (returns - returns.mean(0)) / (returns.std(0) + 1e-8)
    with torch.no_grad():
        old_dist = policy.dist(xs)
        old_logp = old_dist.log_prob(us).sum(-1)

    def surrogate():
        logp = policy.dist(xs).log_prob(us).sum(-1)
        return (torch.exp(logp - old_logp) * adv).mean()

    def mean_kl():
        return kl_divergence(old_dist, policy.dist(xs)).mean()

    loss = surrogate()
    g = flat_grad(loss, params)

    def fvp(v):
        kl = mean_kl()
        grads = flat_grad(kl, params, create_graph=True)
        return flat_grad(grads @ v, params) + damping * v

    step_dir = conjugate_gradient(fvp, g)
    shs = 0.5 * step_dir @ fvp(step_dir)
    full_step = step_dir * torch.sqrt(max_kl / shs)
    old_params = parameters_to_vector(params).detach().clone()
    expected = g @ full_step
    for frac in 0.5 ** torch.arange(10, dtype=torch.float64):
        vector_to_parameters(old_params + frac * full_step, params)
        with torch.no_grad():
            improve, kl = surrogate() - loss, mean_kl()
        if kl <= 1.5 * max_kl and improve > 0:
            break
    else:
        vector_to_parameters(old_params, params)
    print(f"iter {it} return {rs.sum(1).mean().item():8.3f} kl {kl.item():.5f} step {frac.item():.4f} "
          f"expected {expected.item():.4f} gain {policy.mu.weight.detach().numpy().round(3).tolist()}")

print("learned gain", policy.mu.weight.data, "std", policy.log_std.exp().data)

# cross-entropy method on the same controller gain
mean, cov = torch.zeros(2), torch.eye(2) * 4.0
for gen in range(6):
    dist = MultivariateNormal(mean, covariance_matrix=cov)
    K = dist.sample((40,))
    torch.manual_seed(100 + gen)          # the same start states for every candidate (common random numbers)
    x0 = torch.randn(16, 2)
    scores = []
    for k in K:
        x, total = x0.clone(), torch.zeros(())
        for _ in range(20):
            u = (x @ k).unsqueeze(1)
            total = total - (x.pow(2).sum() + 0.1 * u.pow(2).sum())
            x = x @ A.T + u @ B.T
        scores.append(total / 16)
    scores = torch.stack(scores)
    elite_idx = scores.topk(8).indices
    elites = K[elite_idx]
    mean = elites.mean(0)
    cov = torch.cov(elites.T) + 1e-3 * torch.eye(2)
    print(f"gen {gen} best {scores.max().item():9.3f} mean {mean.numpy().round(2).tolist()} "
          f"logdet {torch.logdet(cov).item():.2f}")
d = MultivariateNormal(mean, scale_tril=torch.linalg.cholesky(cov))
print("entropy", f"{d.entropy().item():.3f}", "log_prob(mean)", f"{d.log_prob(mean).item():.3f}")
print(d.scale_tril.shape, d.precision_matrix.shape, d.batch_shape, d.event_shape)
print(torch.get_default_dtype(), d.loc.dtype)
