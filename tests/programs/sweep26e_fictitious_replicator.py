"""Fictitious play on bimatrix games and replicator dynamics, as a multi-agent learning course
notebook would write them: empirical beliefs, best responses via argmax and F.one_hot, the
Shapley game where fictitious play cycles, mixed equilibria of 2x2 games from torch.linalg.solve,
replicator dynamics integrated with Euler steps and with torch.func-free RK4, the hawk-dove ESS,
and a batched population of initial conditions."""
import torch
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_printoptions(precision=4, sci_mode=False)

# battle of the sexes and matching pennies as (A, B) bimatrices
games = {
    "battle of sexes": (torch.tensor([[3.0, 0.0], [0.0, 2.0]]), torch.tensor([[2.0, 0.0], [0.0, 3.0]])),
    "matching pennies": (torch.tensor([[1.0, -1.0], [-1.0, 1.0]]), torch.tensor([[-1.0, 1.0], [1.0, -1.0]])),
    "prisoners dilemma": (torch.tensor([[-1.0, -3.0], [0.0, -2.0]]), torch.tensor([[-1.0, 0.0], [-3.0, -2.0]])),
}


def fictitious_play(A, B, T=500, c1=None, c2=None):
    n, m = A.shape
    c1 = torch.ones(n) if c1 is None else c1.clone()
    c2 = torch.ones(m) if c2 is None else c2.clone()
    actions = []
    for _ in range(T):
        belief2 = c2 / c2.sum()
        belief1 = c1 / c1.sum()
        a1 = torch.argmax(A @ belief2)
        a2 = torch.argmax(belief1 @ B)
        c1 += F.one_hot(a1, n).to(c1.dtype)
        c2 += F.one_hot(a2, m).to(c2.dtype)
        actions.append(torch.stack([a1, a2]))
    return c1 / c1.sum(), c2 / c2.sum(), torch.stack(actions)


for name, (A, B) in games.items():
    p, q, acts = fictitious_play(A, B, T=400, c1=torch.tensor([1.0, 2.0]), c2=torch.tensor([2.5, 1.0]))
    switches = (acts[1:] != acts[:-1]).any(dim=1).sum().item()
    print(f"{name:18s} p={p.numpy().round(3)} q={q.numpy().round(3)} switches={switches}")
    print("  last actions", acts[-4:].tolist(), acts.dtype)


def mixed_2x2(A, B):
    """Indifference conditions: q makes row indifferent, p makes column indifferent."""
    M = torch.stack([A[0] - A[1], torch.ones(2)])
    q = torch.linalg.solve(M, torch.tensor([0.0, 1.0]))
    N = torch.stack([B[:, 0] - B[:, 1], torch.ones(2)])
    p = torch.linalg.solve(N, torch.tensor([0.0, 1.0]))
    return p, q


for name in ["battle of sexes", "matching pennies"]:
    p, q = mixed_2x2(*games[name])
    print(name, "mixed NE", p, q)

try:
    mixed_2x2(torch.ones(2, 2), torch.ones(2, 2))
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)

# Shapley's game: fictitious play cycles with growing period
SA = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
SB = torch.tensor([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
p, q, acts = fictitious_play(SA, SB, T=600, c1=torch.tensor([1.0, 0.0, 0.0]), c2=torch.tensor([0.0, 1.0, 0.0]))
change = torch.nonzero((acts[1:, 0] != acts[:-1, 0])).flatten()
print("Shapley switch times", change[:10].tolist())
print("run lengths", torch.diff(change)[:9].tolist())
print("empirical", p, q)


# replicator dynamics: xdot_i = x_i ((A x)_i - x^T A x)
def replicator(x, A):
    f = x @ A.T
    avg = (x * f).sum(-1, keepdim=True)
    return x * (f - avg)


def rk4(x, A, h):
    k1 = replicator(x, A)
    k2 = replicator(x + 0.5 * h * k1, A)
    k3 = replicator(x + 0.5 * h * k2, A)
    k4 = replicator(x + h * k3, A)
    return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


V, C = 2.0, 3.0
HD = torch.tensor([[(V - C) / 2, V], [0.0, V / 2]], dtype=torch.float64)
x = torch.tensor([[0.1, 0.9], [0.5, 0.5], [0.95, 0.05]], dtype=torch.float64)
for step in range(200):
    x = rk4(x, HD, 0.1)
print("hawk-dove populations after RK4\n", x)
print("ESS hawk share V/C =", V / C, "reached:", torch.allclose(x[:, 0], torch.full((3,), V / C, dtype=torch.float64), atol=1e-4))

# rock-paper-scissors replicator: the Euler scheme spirals outwards, conserved product drifts
RPS = torch.tensor([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
x = torch.tensor([0.5, 0.3, 0.2])
prods = []
for t in range(300):
    x = x + 0.05 * replicator(x, RPS)
    x = x / x.sum()
    if t % 60 == 0:
        prods.append(x.prod())
print("Euler RPS products", torch.stack(prods))
print("final state", x, "min share", x.min().item() > 0)

# batched random initial conditions on the simplex with a Dirichlet
starts = torch.distributions.Dirichlet(torch.ones(3)).sample((5,))
print("starts\n", starts)
G = torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]])
y = starts.clone()
for t in range(400):
    y = rk4(y, G, 0.05)
winners = y.argmax(dim=1)
print("coordination game winners", winners, torch.bincount(winners, minlength=3))
print("basin sizes via unique", torch.unique(winners, return_counts=True))
print("max share", y.amax(dim=1))
