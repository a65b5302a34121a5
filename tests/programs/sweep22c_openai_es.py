"""OpenAI-style evolution strategies (Salimans et al. 2017) as blog posts write them: antithetic
(mirrored) Gaussian perturbations, centered-rank fitness shaping via argsort of argsort, an Adam-like
update done by hand, and neuroevolution of a small nn.Module through parameters_to_vector /
vector_to_parameters inside torch.no_grad()."""
import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(0)


def compute_ranks(x):
    """Ranks in [0, len(x)) -- the argsort-of-argsort trick."""
    ranks = torch.empty(x.numel(), dtype=torch.long)
    ranks[x.argsort()] = torch.arange(x.numel())
    return ranks


def compute_centered_ranks(x):
    y = compute_ranks(x.flatten()).reshape(x.shape).float()
    y /= (x.numel() - 1)
    y -= .5
    return y


def centered_ranks_v2(x):
    r = x.argsort().argsort().float()
    return r / (len(x) - 1) - 0.5


# --- 1. toy problem: find the hidden vector -------------------------------------------------------
solution = torch.tensor([0.5, 0.1, -0.3])


def f(w):
    return -torch.sum((w - solution) ** 2, dim=-1)


npop, sigma, alpha = 50, 0.1, 0.001
w = torch.randn(3)
print("initial w", w)
for i in range(300):
    N = torch.randn(npop, 3)
    R = f(w + sigma * N)
    A = (R - R.mean()) / R.std()
    w = w + alpha / (npop * sigma) * N.T @ A
    if i % 50 == 0:
        print(f"iter {i:3d}. w: {w.numpy().round(3)}, solution: {solution.numpy()}, reward: {f(w).item():.5f}")
print("final", torch.round(w, decimals=2))

# check that both rank implementations agree
x = torch.randn(9)
print(compute_centered_ranks(x))
print(torch.equal(compute_centered_ranks(x), centered_ranks_v2(x)))
print(compute_ranks(torch.tensor([3.0, 1.0, 2.0, 5.0])))


# --- 2. antithetic ES with rank shaping on Rastrigin --------------------------------------------
def rastrigin(x):
    return 10 * x.shape[-1] + (x ** 2 - 10 * torch.cos(2 * torch.pi * x)).sum(-1)


class Adam:
    def __init__(self, dim, lr=0.05, beta1=0.9, beta2=0.999, eps=1e-8):
        self.m = torch.zeros(dim)
        self.v = torch.zeros(dim)
        self.t = 0
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps

    def step(self, theta, g):
        self.t += 1
        a = self.lr * (1 - self.beta2 ** self.t) ** 0.5 / (1 - self.beta1 ** self.t)
        self.m = self.beta1 * self.m + (1 - self.beta1) * g
        self.v = self.beta2 * self.v + (1 - self.beta2) * (g * g)
        return theta + a * self.m / (self.v.sqrt() + self.eps)


gen = torch.Generator().manual_seed(42)
dim, half = 5, 16
theta = torch.full((dim,), 2.5)
opt = Adam(dim, lr=0.1)
for gen_i in range(40):
    eps = torch.randn(half, dim, generator=gen)
    eps = torch.cat([eps, -eps])
    fitness = -rastrigin(theta + 0.3 * eps)
    shaped = compute_centered_ranks(fitness)
    grad = (shaped[:, None] * eps).sum(0) / (2 * half * 0.3)
    theta = opt.step(theta, grad)
    if gen_i % 8 == 0 or gen_i == 39:
        print(f"gen {gen_i:2d} best {fitness.max().item():8.3f} mean {fitness.mean().item():8.3f} "
              f"f(theta) {rastrigin(theta).item():8.3f}")
print("theta", theta.round(decimals=3))


# --- 3. neuroevolution of a policy network ------------------------------------------------------
class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))

    def forward(self, x):
        return self.net(x)


torch.manual_seed(1)
X = torch.rand(64, 2) * 2 - 1
Y = (X[:, :1] * X[:, 1:] > 0).float() * 2 - 1  # XOR-like sign target

policy = Policy()
params = parameters_to_vector(policy.parameters())
print("num params", params.numel(), params.dtype, params.shape)


def evaluate(vec):
    vector_to_parameters(vec, policy.parameters())
    with torch.no_grad():
        out = policy(X)
        return -((out - Y) ** 2).mean().item()


pop, sig, lr = 20, 0.05, 0.03
with torch.no_grad():
    for g in range(25):
        noise = torch.randn(pop // 2, params.numel())
        noise = torch.cat([noise, -noise], 0)
        rewards = torch.tensor([evaluate(params + sig * n) for n in noise])
        ranks = centered_ranks_v2(rewards)
        step = lr / (pop * sig) * (noise * ranks.unsqueeze(1)).sum(0)
        params += step
        if g % 5 == 0 or g == 24:
            print(f"gen {g:2d}  best {rewards.max().item():.4f}  current {evaluate(params):.4f}")

vector_to_parameters(params, policy.parameters())
print(policy.net[0].weight.requires_grad, params.requires_grad)
print(policy.net[2].bias.detach().round(decimals=3))
acc = ((policy(X).sign() == Y).float().mean())
print(f"accuracy {acc.item():.3f}")
