"""Cross-entropy method, simulated annealing and random search with torch tensors: CEM on a
continuous control-like objective (elite fraction via topk / kthvalue, refit of mean and std,
torch.distributions.Normal), CEM on a discrete problem (categorical probabilities, smoothing),
simulated annealing on a travelling-salesman tour with 2-opt moves drawn with torch.randint and
acceptance with torch.rand, random / grid search with torch.rand under torch.inference_mode, and
quasi-random (Sobol) search with torch.quasirandom.SobolEngine, BoTorch-style."""
import math

import torch
from torch.distributions import Normal, Categorical

torch.manual_seed(0)


# --- 1. CEM on a shifted quadratic with a cosine bump ---------------------------------------------
def objective(x):
    target = torch.tensor([1.0, -2.0, 0.5, 3.0])
    return -((x - target) ** 2).sum(-1) + 0.1 * torch.cos(3 * x).sum(-1)


mu, std = torch.zeros(4), torch.ones(4) * 2
n_samples, n_elite = 60, 8
for it in range(20):
    dist = Normal(mu, std)
    samples = dist.sample((n_samples,))
    scores = objective(samples)
    elite_scores, elite_idx = scores.topk(n_elite)
    elites = samples[elite_idx]
    threshold = scores.kthvalue(n_samples - n_elite + 1).values
    mu = 0.8 * elites.mean(0) + 0.2 * mu
    std = 0.8 * elites.std(0) + 0.2 * std + 0.01
    if it % 4 == 0 or it == 19:
        print(f"it {it:2d}  best {elite_scores[0].item():8.4f}  threshold {threshold.item():8.4f}  "
              f"std {std.mean().item():.4f}  log_prob {dist.log_prob(mu).sum().item():.3f}")
print("mu", mu.round(decimals=2), "std", std.round(decimals=3))

# --- 2. CEM on a discrete problem: recover a hidden string -----------------------------------------
torch.manual_seed(1)
hidden = torch.randint(0, 5, (12,))
probs = torch.full((12, 5), 0.2)
for it in range(15):
    cat = Categorical(probs=probs)
    cand = cat.sample((100,))                       # (100, 12)
    score = (cand == hidden).sum(1)
    elite = cand[score.argsort(descending=True, stable=True)[:10]]
    counts = torch.nn.functional.one_hot(elite, 5).float().mean(0)
    probs = 0.7 * counts + 0.3 * probs
    if it % 3 == 0:
        print(f"it {it:2d} best {score.max().item():2d} mean {score.float().mean().item():.2f} "
              f"entropy {cat.entropy().mean().item():.4f}")
print("hidden ", hidden.tolist())
print("decoded", probs.argmax(1).tolist(), torch.equal(probs.argmax(1), hidden))

# --- 3. simulated annealing for a small TSP ---------------------------------------------------------
torch.manual_seed(2)
cities = torch.rand(12, 2)
D = torch.cdist(cities, cities)


def tour_length(t):
    return D[t, t.roll(-1)].sum()


tour = torch.randperm(12)
cur = tour_length(tour)
best_tour, best_len = tour.clone(), cur.item()
print(f"initial length {cur.item():.4f}")
T = 1.0
for step in range(1500):
    i, j = sorted(torch.randint(0, 12, (2,)).tolist())
    if i == j:
        continue
    cand = tour.clone()
    cand[i:j + 1] = cand[i:j + 1].flip(0)
    new = tour_length(cand)
    delta = (new - cur).item()
    if delta < 0 or torch.rand(1).item() < math.exp(-delta / T):
        tour, cur = cand, new
        if cur.item() < best_len:
            best_tour, best_len = tour.clone(), cur.item()
    T *= 0.995
    if step % 300 == 0:
        print(f"step {step:4d}  T {T:.4f}  current {cur.item():.4f}  best {best_len:.4f}")
start = (best_tour == 0).nonzero().item()
print("best tour", best_tour.roll(-start).tolist(), f"length {best_len:.4f}")

# --- 4. random search and grid search under inference_mode --------------------------------------
torch.manual_seed(3)
w_true = torch.tensor([[1.5], [-0.7]])
X = torch.randn(100, 2)
y = X @ w_true + 0.3 + 0.05 * torch.randn(100, 1)
model = torch.nn.Linear(2, 1)

with torch.inference_mode():
    best_loss, best_params = float("inf"), None
    for trial in range(200):
        w = torch.rand(1, 2) * 4 - 2
        b = torch.rand(1) * 2 - 1
        model.weight.copy_(w)
        model.bias.copy_(b)
        loss = torch.nn.functional.mse_loss(model(X), y)
        if loss.item() < best_loss:
            best_loss, best_params = loss.item(), (w.clone(), b.clone())
    print(f"random search best loss {best_loss:.4f}", best_params[0].round(decimals=3), best_params[1].round(decimals=3))
    print("inference tensor:", loss.is_inference(), best_params[0].is_inference(), loss.requires_grad)

    grid = torch.linspace(-2, 2, 21)
    W0, W1 = torch.meshgrid(grid, grid, indexing="ij")
    Ws = torch.stack([W0.flatten(), W1.flatten()], 1)           # (441, 2)
    preds = X @ Ws.T + 0.3                                         # (100, 441)
    losses = ((preds - y) ** 2).mean(0)
    k = losses.argmin()
    print(f"grid search best loss {losses[k].item():.4f} at", Ws[k].tolist())
    print(losses.view(21, 21)[::5, ::5].round(decimals=2))

try:
    with torch.inference_mode():
        t = torch.ones(3)
    t.requires_grad_(True)
    (t * 2).sum().backward()
except RuntimeError as e:
    print("RuntimeError:", str(e)[:100])
print(model.weight.requires_grad, model.weight.is_inference())

# --- 5. quasi-random search: scrambled Sobol points vs uniform random points on Branin ----------------
def branin(x):
    a, b, c, r, s, t = 1, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return a * (x[..., 1] - b * x[..., 0] ** 2 + c * x[..., 0] - r) ** 2 + s * (1 - t) * torch.cos(x[..., 0]) + s


lo, hi = torch.tensor([-5.0, 0.0]), torch.tensor([10.0, 15.0])
sobol = torch.quasirandom.SobolEngine(dimension=2, scramble=True, seed=0)
print(sobol)
print(sobol.draw(4))
sobol.reset()
torch.manual_seed(4)
for budget in (16, 64, 256):
    Xq = lo + (hi - lo) * sobol.draw(budget if sobol.num_generated == 0 else budget - sobol.num_generated)
    Xq = torch.cat([Xq, prev]) if budget > 16 else Xq
    prev = Xq
    Xr = lo + (hi - lo) * torch.rand(budget, 2)
    yq, yr = branin(Xq), branin(Xr)
    print(f"budget {budget:3d}  sobol best {yq.min().item():.4f}  random best {yr.min().item():.4f}  "
          f"sobol mean {yq.mean().item():.3f}")
print("sobol points generated:", sobol.num_generated)
plain = torch.quasirandom.SobolEngine(3)
print(plain.draw_base2(3))
plain.fast_forward(8)
print(plain.draw(2, dtype=torch.float64))
try:
    plain.draw_base2(2)
except ValueError as e:
    print("ValueError:", e)
