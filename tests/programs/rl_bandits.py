"""Multi-armed bandits: epsilon-greedy, UCB1, Thompson sampling (Beta and Normal-Gamma), gradient bandit
(Sutton & Barto chapter 2, written with tensors)."""
import math
import random

import numpy as np
import torch
import torch.nn.functional as F
from torch.distributions import Beta, Bernoulli, Gamma, Normal, Dirichlet, Categorical

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)

K, T = 5, 300
true_p = torch.tensor([0.20, 0.35, 0.50, 0.45, 0.60])
print("true means", true_p, "best arm", true_p.argmax().item())
gen = torch.Generator().manual_seed(1234)


def pull(arm):
    return torch.bernoulli(true_p[arm], generator=gen).item()


def run_eps_greedy(eps=0.1):
    q = torch.zeros(K)
    n = torch.zeros(K, dtype=torch.int64)
    total = 0.0
    for t in range(T):
        if torch.rand(1, generator=gen).item() < eps:
            a = int(torch.randint(0, K, (1,), generator=gen))
        else:
            a = int(torch.argmax(q))
        r = pull(a)
        n[a] += 1
        q[a] += (r - q[a]) / n[a]
        total += r
    return total, q, n


def run_ucb(c=2.0):
    q = torch.zeros(K, dtype=torch.float64)
    n = torch.zeros(K, dtype=torch.float64)
    total = 0.0
    for t in range(1, T + 1):
        ucb = torch.where(n > 0, q + c * torch.sqrt(math.log(t) / n.clamp(min=1)), torch.full_like(q, float("inf")))
        a = torch.argmax(ucb).item()
        r = pull(a)
        n[a] += 1
        q[a] += (r - q[a]) / n[a]
        total += r
    return total, q, n


def run_thompson():
    alpha = torch.ones(K)
    beta = torch.ones(K)
    total = 0.0
    for t in range(T):
        theta = Beta(alpha, beta).sample()
        a = theta.argmax().item()
        r = pull(a)
        alpha[a] += r
        beta[a] += 1 - r
        total += r
    return total, alpha, beta


def run_gradient_bandit(lr=0.1):
    h = torch.zeros(K, requires_grad=True)
    opt = torch.optim.SGD([h], lr=lr)
    baseline, total = 0.0, 0.0
    for t in range(1, T + 1):
        dist = Categorical(logits=h)
        a = dist.sample()
        r = pull(a.item())
        baseline += (r - baseline) / t
        loss = -(r - baseline) * dist.log_prob(a)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += r
    return total, h.detach()


tot, q, n = run_eps_greedy()
print(f"eps-greedy reward {tot:.0f}", "counts", n.tolist(), "q", q.round(decimals=3))
tot, q, n = run_ucb()
print(f"UCB1 reward {tot:.0f}", "counts", n.to(torch.int32), "q", q.round(decimals=3))
tot, a, b = run_thompson()
post = Beta(a, b)
print(f"Thompson reward {tot:.0f}", "posterior mean", post.mean.round(decimals=3))
print("posterior var", post.variance.round(decimals=4))
print("posterior entropy", post.entropy().round(decimals=3))
print("log_prob at 0.5", post.log_prob(torch.tensor(0.5)).round(decimals=3))
tot, h = run_gradient_bandit()
print(f"gradient bandit reward {tot:.0f}", "softmax prefs", F.softmax(h, 0).round(decimals=3))

# Gaussian rewards: Thompson sampling with a Normal-Gamma posterior
mu_true = torch.tensor([0.1, -0.2, 0.4, 0.3])
sigma_true = torch.tensor([1.0, 0.5, 1.5, 0.3])
m0 = torch.zeros(4)
lam = torch.ones(4)
a0 = torch.ones(4)
b0 = torch.ones(4)
hist = torch.zeros(4, dtype=torch.long)
for t in range(200):
    tau = Gamma(a0, b0).sample()
    mu = Normal(m0, 1.0 / torch.sqrt(lam * tau)).sample()
    arm = int(mu.argmax())
    x = torch.normal(mu_true[arm], sigma_true[arm], size=(), generator=gen)
    # conjugate update of the chosen arm only
    m_new = (lam[arm] * m0[arm] + x) / (lam[arm] + 1)
    b0[arm] = b0[arm] + lam[arm] * (x - m0[arm]) ** 2 / (2 * (lam[arm] + 1))
    a0[arm] += 0.5
    lam[arm] += 1
    m0[arm] = m_new
    hist[arm] += 1
print("normal-gamma pulls", hist, "posterior means", m0.round(decimals=2))
print("bincount", torch.bincount(torch.tensor([0, 2, 2, 3, 3, 3]), minlength=5))

# Bernoulli rewards and a Dirichlet prior over a contextual mixture
bern = Bernoulli(probs=true_p)
draws = bern.sample((1000,))
print("empirical", draws.mean(0).round(decimals=2), draws.dtype, bern.entropy().round(decimals=4))
d = Dirichlet(torch.tensor([2.0, 3.0, 5.0]))
w = d.sample((4,))
print("dirichlet rows sum to 1", torch.allclose(w.sum(-1), torch.ones(4)), d.mean, d.concentration)
print("regret curve", torch.cumsum(torch.tensor([0.6 - 0.5, 0.6 - 0.6, 0.6 - 0.2]), 0))
idx = torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 10, replacement=True, generator=gen)
print("multinomial", idx, torch.topk(true_p, 2))
