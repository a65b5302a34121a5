"""Genetic algorithms with torch tensors, course-notebook style: a binary GA on OneMax / knapsack
(tournament selection with torch.randint, uniform crossover masks with torch.rand and
torch.bernoulli, bit-flip mutation, elitism through torch.topk), and a real-valued GA with
arithmetic (blend) crossover, Gaussian mutation and roulette-wheel selection via torch.multinomial."""
import torch

torch.manual_seed(0)

# --- 1. OneMax -------------------------------------------------------------------------------------
POP, LEN, GENS = 40, 32, 25
pop = torch.randint(0, 2, (POP, LEN), dtype=torch.uint8)
print(pop.dtype, pop.shape, pop[0])


def onemax(p):
    return p.sum(dim=1)


def tournament(fitness, k=3):
    contenders = torch.randint(0, fitness.numel(), (fitness.numel(), k))
    winners = fitness[contenders].argmax(dim=1)
    return contenders[torch.arange(fitness.numel()), winners]


for gen in range(GENS):
    fit = onemax(pop)
    elite_vals, elite_idx = torch.topk(fit, 2)
    elites = pop[elite_idx].clone()
    parents = pop[tournament(fit)]
    mates = parents.roll(1, dims=0)
    mask = torch.rand(POP, LEN) < 0.5
    children = torch.where(mask, parents, mates)
    flip = torch.bernoulli(torch.full((POP, LEN), 1.0 / LEN)).bool()
    children[flip] = 1 - children[flip]
    children[:2] = elites
    pop = children
    if gen % 5 == 0 or gen == GENS - 1:
        fit = onemax(pop)
        print(f"gen {gen:2d}  best {fit.max().item():2d}  mean {fit.float().mean().item():.3f}  "
              f"elite {elite_vals.tolist()}  fit dtype {fit.dtype}")
best = pop[onemax(pop).argmax()]
print("best individual", "".join(str(b) for b in best.tolist()))

# --- 2. 0/1 knapsack with a penalty --------------------------------------------------------------
torch.manual_seed(7)
n_items = 20
weights = torch.randint(1, 15, (n_items,)).float()
values = torch.randint(1, 30, (n_items,)).float()
capacity = weights.sum() * 0.4
print("capacity", capacity.item(), "weights", weights.int().tolist())


def knapsack_fitness(pop):
    w = pop.float() @ weights
    v = pop.float() @ values
    return torch.where(w <= capacity, v, capacity - w)


pop = torch.bernoulli(torch.full((30, n_items), 0.3)).to(torch.bool)
history = []
for gen in range(30):
    fit = knapsack_fitness(pop)
    history.append(fit.max().item())
    order = fit.argsort(descending=True)
    elite = pop[order[:4]]
    i = torch.randint(0, 30, (26, 2))
    a = torch.where(fit[i[:, 0]] >= fit[i[:, 1]], i[:, 0], i[:, 1])
    j = torch.randint(0, 30, (26, 2))
    b = torch.where(fit[j[:, 0]] >= fit[j[:, 1]], j[:, 0], j[:, 1])
    # single-point crossover
    cut = torch.randint(1, n_items, (26, 1))
    cols = torch.arange(n_items).expand(26, -1)
    kids = torch.where(cols < cut, pop[a], pop[b])
    kids ^= torch.rand(26, n_items) < 0.02
    pop = torch.cat([elite, kids])
fit = knapsack_fitness(pop)
best = pop[fit.argmax()]
print("history", [int(h) for h in history[::5]])
print(f"best value {fit.max().item():.1f} weight {(best.float() @ weights).item():.1f} items {best.nonzero().flatten().tolist()}")
print(best.sum(), best.any(), best.all(), best.int().cumsum(0)[-1])

# --- 3. real-valued GA on a multimodal function -------------------------------------------------
torch.manual_seed(3)


def himmelblau(xy):
    x, y = xy.unbind(-1)
    return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2


lo, hi = -5.0, 5.0
P = torch.empty(50, 2).uniform_(lo, hi)
for gen in range(40):
    cost = himmelblau(P)
    fitness = 1.0 / (1.0 + cost)
    probs = fitness / fitness.sum()
    idx = torch.multinomial(probs, 2 * 45, replacement=True).view(45, 2)
    alpha = torch.rand(45, 1)
    kids = alpha * P[idx[:, 0]] + (1 - alpha) * P[idx[:, 1]]
    mutate = torch.rand(45, 2) < 0.2
    kids = kids + mutate * torch.randn(45, 2) * 0.3
    kids.clamp_(lo, hi)
    _, top = torch.topk(-cost, 5, largest=True, sorted=True)
    P = torch.cat([P[top], kids], dim=0)
    if gen % 10 == 0:
        print(f"gen {gen:2d} min cost {cost.min().item():.5f} mean fitness {fitness.mean().item():.4f}")
cost = himmelblau(P)
vals, order = cost.sort()
print("top-3 solutions", P[order[:3]].round(decimals=2))
print("costs", vals[:3].round(decimals=4))
print("distinct minima found:", torch.unique((P[cost < 0.05]).round(), dim=0).tolist())
