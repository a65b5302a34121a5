"""Gibbs sampling for a small Ising model and a 1-D Gaussian mixture."""
import torch
from torch.distributions import Bernoulli, Normal, Gamma, Dirichlet, Categorical

torch.manual_seed(1)
N = 8
J, h = 0.4, 0.05
s = torch.where(torch.rand(N, N) < 0.5, -1.0, 1.0)
kernel = torch.tensor([[0., 1., 0.], [1., 0., 1.], [0., 1., 0.]]).view(1, 1, 3, 3)
mask = (torch.arange(N)[:, None] + torch.arange(N)[None, :]) % 2 == 0
mags = []
for sweep in range(30):
    for color in (mask, ~mask):
        nb = torch.nn.functional.conv2d(s[None, None], kernel, padding=1)[0, 0]
        p = torch.sigmoid(2 * (J * nb + h))
        new = Bernoulli(probs=p).sample() * 2 - 1
        s = torch.where(color, new, s)
    mags.append(s.mean().item())
print("spins\n", s.to(torch.int8))
print("mean magnetization", f"{sum(mags[10:]) / 20:.4f}")
E = -(J * s * torch.roll(s, 1, 0) + J * s * torch.roll(s, 1, 1)).sum() - h * s.sum()
print("energy", E)

# Gibbs for a Gaussian mixture with known variance
torch.manual_seed(2)
true_mu = torch.tensor([-2.0, 0.5, 3.0])
comp = Categorical(torch.tensor([0.3, 0.3, 0.4])).sample((60,))
x = Normal(true_mu[comp], 0.5).sample()
K = 3
mu = torch.linspace(-1, 1, K)
w = torch.full((K,), 1.0 / K)
prior = Normal(0.0, 5.0)
for it in range(25):
    logp = Normal(mu, 0.5).log_prob(x.unsqueeze(-1)) + w.log()
    z = Categorical(logits=logp).sample()
    counts = torch.bincount(z, minlength=K).float()
    w = Dirichlet(1.0 + counts).sample()
    sums = torch.zeros(K).index_add_(0, z, x)
    prec = 1 / 25.0 + counts / 0.25
    mean = (sums / 0.25) / prec
    mu = Normal(mean, prec.rsqrt()).sample()
order = mu.argsort()
print("mu", mu[order])
print("w", w[order])
print("counts", counts[order])
print(prior, prior.mean, prior.stddev)
g = Gamma(torch.tensor([2.0, 3.0]), torch.tensor([1.0, 0.5]))
print(g, g.mean, g.variance, g.entropy())
print(g.sample((2,)).shape, g.log_prob(torch.tensor([1.0, 2.0])))
print(Bernoulli(logits=torch.tensor([0.0, 2.0])).entropy())
try:
    Bernoulli(probs=torch.tensor([1.5]))
except ValueError as e:
    print("ValueError:", e)
try:
    Normal(0.0, 1.0).log_prob("a")
except Exception as e:
    print(type(e).__name__, e)
