"""Differential evolution (DE/rand/1/bin with torch.randperm per individual) and particle swarm
optimization written with torch tensors, as in optimization course notebooks; then both used to
fit a tiny nn.Module without gradients (parameters_to_vector / vector_to_parameters under
torch.inference_mode / torch.no_grad), comparing with a few steps of Adam."""
import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(0)


def ackley(x):
    n = x.shape[-1]
    a = -20 * torch.exp(-0.2 * torch.sqrt((x ** 2).sum(-1) / n))
    b = -torch.exp(torch.cos(2 * torch.pi * x).sum(-1) / n)
    return a + b + 20 + torch.e


def differential_evolution(fobj, bounds, mut=0.8, crossp=0.7, popsize=12, its=40, verbose=True):
    dims = len(bounds)
    pop = torch.rand(popsize, dims)
    min_b, max_b = bounds[:, 0], bounds[:, 1]
    diff = (max_b - min_b).abs()
    pop_denorm = min_b + pop * diff
    fitness = torch.stack([fobj(ind) for ind in pop_denorm])
    best_idx = fitness.argmin()
    best = pop_denorm[best_idx]
    for i in range(its):
        for j in range(popsize):
            idxs = [idx for idx in range(popsize) if idx != j]
            a, b, c = pop[torch.tensor(idxs)[torch.randperm(len(idxs))[:3]]]
            mutant = torch.clamp(a + mut * (b - c), 0, 1)
            cross_points = torch.rand(dims) < crossp
            if not cross_points.any():
                cross_points[torch.randint(0, dims, (1,))] = True
            trial = torch.where(cross_points, mutant, pop[j])
            trial_denorm = min_b + trial * diff
            f = fobj(trial_denorm)
            if f < fitness[j]:
                fitness[j] = f
                pop[j] = trial
                if f < fitness[best_idx]:
                    best_idx = j
                    best = trial_denorm
        if verbose and i % 10 == 0:
            print(f"  DE it {i:2d}  best {fitness[best_idx].item():.6f}  mean {fitness.mean().item():.4f}")
    return best, fitness[best_idx]


bounds = torch.tensor([[-5.0, 5.0]] * 3)
best, fbest = differential_evolution(ackley, bounds)
print("DE best", best.round(decimals=3), f"f={fbest.item():.5f}")


def de_vectorized(fobj, lo, hi, n=24, gens=50, F=0.6, CR=0.9):
    """All individuals at once: three distinct partners per row from one randperm each."""
    d = lo.numel()
    pop = lo + torch.rand(n, d) * (hi - lo)
    fit = fobj(pop)
    for g in range(gens):
        perms = torch.stack([torch.randperm(n - 1)[:3] for _ in range(n)])
        perms = perms + (perms >= torch.arange(n).unsqueeze(1)).long()   # skip self
        a, b, c = pop[perms[:, 0]], pop[perms[:, 1]], pop[perms[:, 2]]
        mutant = torch.max(torch.min(a + F * (b - c), hi), lo)
        cross = torch.rand(n, d) < CR
        cross[torch.arange(n), torch.randint(0, d, (n,))] = True
        trial = torch.where(cross, mutant, pop)
        tf = fobj(trial)
        better = tf < fit
        pop[better] = trial[better]
        fit = torch.where(better, tf, fit)
        if g % 10 == 0:
            print(f"  vDE gen {g:2d}  best {fit.min().item():.6f}  improved {better.sum().item():2d}")
    return pop[fit.argmin()], fit.min()


torch.manual_seed(1)
x, fx = de_vectorized(ackley, torch.full((4,), -4.0), torch.full((4,), 4.0))
print("vectorized DE", x.round(decimals=3), f"{fx.item():.5f}")


# --- particle swarm -------------------------------------------------------------------------------
def pso(f, dim, n=30, iters=60, w=0.72, c1=1.49, c2=1.49, lo=-5.0, hi=5.0, verbose=True):
    X = torch.empty(n, dim).uniform_(lo, hi)
    V = torch.zeros(n, dim)
    pbest, pbest_val = X.clone(), f(X)
    g = pbest[pbest_val.argmin()].clone()
    for t in range(iters):
        r1, r2 = torch.rand(n, dim), torch.rand(n, dim)
        V = w * V + c1 * r1 * (pbest - X) + c2 * r2 * (g - X)
        X = (X + V).clamp(lo, hi)
        val = f(X)
        improved = val < pbest_val
        pbest[improved] = X[improved]
        pbest_val = torch.minimum(pbest_val, val)
        g = pbest[pbest_val.argmin()].clone()
        if verbose and t % 15 == 0:
            print(f"  PSO iter {t:2d}  gbest {pbest_val.min().item():.6f}  speed {V.norm(dim=1).mean().item():.4f}")
    return g, pbest_val.min()


torch.manual_seed(2)
g, gv = pso(ackley, 3)
print("PSO best", g.round(decimals=3), f"{gv.item():.5f}")


def booth(x):
    return (x[..., 0] + 2 * x[..., 1] - 7) ** 2 + (2 * x[..., 0] + x[..., 1] - 5) ** 2


g, gv = pso(booth, 2, n=15, iters=40, verbose=False)
print("PSO booth", g.round(decimals=3), f"{gv.item():.2e}")


# --- gradient-free fitting of a tiny network --------------------------------------------------------
class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 6)
        self.fc2 = nn.Linear(6, 1)

    def forward(self, x):
        return self.fc2(torch.sigmoid(self.fc1(x)))


torch.manual_seed(3)
X = torch.linspace(-2, 2, 40).unsqueeze(1)
Y = torch.sin(1.5 * X)
net = TinyNet()
theta0 = parameters_to_vector(net.parameters()).detach()
print("params", theta0.numel(), theta0.is_leaf, theta0.requires_grad)


@torch.inference_mode()
def loss_of(batch_theta):
    out = []
    for th in batch_theta:
        vector_to_parameters(th, net.parameters())
        out.append(nn.functional.mse_loss(net(X), Y))
    return torch.stack(out)


with torch.no_grad():
    print(f"initial loss {loss_of(theta0.unsqueeze(0)).item():.5f}")
lo, hi = theta0 - 3, theta0 + 3
torch.manual_seed(4)
best_theta, best_loss = pso(loss_of, theta0.numel(), n=16, iters=30, lo=-3.0, hi=3.0, verbose=False)
print(f"PSO-trained loss {best_loss.item():.5f}", best_loss.is_inference())

vector_to_parameters(best_theta.clone(), net.parameters())
print("fc2.bias after PSO", net.fc2.bias.data.round(decimals=3))
net2 = TinyNet()
vector_to_parameters(theta0.clone(), net2.parameters())
opt = torch.optim.Adam(net2.parameters(), lr=0.05)
for step in range(100):
    opt.zero_grad()
    loss = nn.functional.mse_loss(net2(X), Y)
    loss.backward()
    opt.step()
print(f"Adam loss after 100 steps {loss.item():.4f}")
print("grad norm", f"{parameters_to_vector(p.grad for p in net2.parameters()).norm().item():.4f}")
