"""Linear assignment with tensors, the way an operations-research course notebook does it: a random
cost matrix, brute force over permutations as ground truth, a greedy heuristic with argmin and
masking, Bertsekas' auction algorithm with topk and scatter, soft permutations with Gumbel-Sinkhorn
(torch.distributions.Gumbel) rounded to a hard matching, and a batched version with index tricks."""
import itertools

import torch
from torch.distributions import Gumbel

torch.manual_seed(11)
n = 6
workers = torch.rand(n, 2)
jobs = torch.rand(n, 2)
cost = torch.cdist(workers, jobs)
print("cost matrix:")
print(cost)

# ground truth by brute force
perms = torch.tensor(list(itertools.permutations(range(n))))
print("permutations:", perms.shape, perms.dtype)
totals = cost[torch.arange(n), perms].sum(dim=1)
best = totals.argmin()
opt_perm = perms[best]
print("optimal assignment:", opt_perm.tolist(), f"cost {totals[best].item():.4f}")
print("number of optimal (ties):", (totals <= totals.min() + 1e-6).sum().item())
vals, order = torch.topk(totals, 3, largest=False)
print("three best:", [round(v, 4) for v in vals.tolist()], order.tolist())


def greedy(C):
    C = C.clone()
    assign = torch.full((C.shape[0],), -1, dtype=torch.long)
    for _ in range(C.shape[0]):
        flat = torch.argmin(C)
        i, j = divmod(flat.item(), C.shape[1])
        assign[i] = j
        C[i, :] = float("inf")
        C[:, j] = float("inf")
    return assign


g = greedy(cost)
print("greedy:", g.tolist(), f"cost {cost.gather(1, g[:, None]).sum().item():.4f}")
print("is permutation:", torch.equal(g.sort().values, torch.arange(n)))


def auction(benefit, eps=1e-3, max_rounds=10000):
    m = benefit.shape[0]
    prices = torch.zeros(m)
    owner = torch.full((m,), -1, dtype=torch.long)
    assigned = torch.full((m,), -1, dtype=torch.long)
    rounds = 0
    while (assigned < 0).any() and rounds < max_rounds:
        rounds += 1
        i = int((assigned < 0).nonzero()[0])
        values = benefit[i] - prices
        top2 = values.topk(2)
        j = top2.indices[0].item()
        bid = top2.values[0] - top2.values[1] + eps
        prices[j] += bid
        prev = owner[j].item()
        if prev >= 0:
            assigned[prev] = -1
        owner[j] = i
        assigned[i] = j
    return assigned, prices, rounds


assigned, prices, rounds = auction(-cost)
print("auction:", assigned.tolist(), f"cost {cost[torch.arange(n), assigned].sum().item():.4f}",
      "optimal:", torch.equal(assigned, opt_perm))
print("rounds > n:", rounds > n, " prices >= 0:", bool((prices >= 0).all()))

# one-hot permutation matrix built with scatter_
P = torch.zeros(n, n).scatter_(1, opt_perm[:, None], 1.0)
print(P.int())
print("P @ P.T == I:", torch.equal(P @ P.T, torch.eye(n)), " trace(C^T P):", f"{torch.trace(cost.T @ P).item():.4f}")
inv = torch.empty_like(opt_perm).scatter_(0, opt_perm, torch.arange(n))
print("inverse permutation:", inv.tolist(), torch.argsort(opt_perm).tolist())


def log_sinkhorn_norm(log_alpha, iters=30):
    for _ in range(iters):
        log_alpha = log_alpha - torch.logsumexp(log_alpha, dim=-1, keepdim=True)
        log_alpha = log_alpha - torch.logsumexp(log_alpha, dim=-2, keepdim=True)
    return log_alpha.exp()


gumbel = Gumbel(torch.tensor(0.0), torch.tensor(1.0))
for tau in (1.0, 0.3, 0.05):
    noise = gumbel.sample((n, n))
    soft = log_sinkhorn_norm((-cost + 0.02 * noise) / tau)
    hard = soft.argmax(dim=1)
    print(f"tau={tau}: row sums ok {torch.allclose(soft.sum(1), torch.ones(n), atol=1e-4)}"
          f" max entry {soft.max().item():.3f} rounded {hard.tolist()}")

# learn a soft permutation by gradient descent on the expected cost
log_alpha = torch.zeros(n, n, requires_grad=True)
opt = torch.optim.Adam([log_alpha], lr=0.1)
for step in range(200):
    soft = log_sinkhorn_norm(log_alpha / 0.1, iters=20)
    loss = (soft * cost).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
print("learned:", soft.argmax(1).tolist(), f"expected cost {loss.item():.4f}", loss.grad_fn.name())

# batched greedy by index tricks: each row's cheapest column, conflicts counted
B = torch.rand(4, 5, 5)
choice = B.argmin(dim=2)
print("choices:\n", choice)
counts = torch.zeros(4, 5, dtype=torch.long).scatter_add_(1, choice, torch.ones_like(choice))
print("collisions per instance:", (counts > 1).sum(1).tolist())
uniq = [torch.unique(c, return_counts=True) for c in choice]
print("unique columns:", [u[0].numel() for u in uniq])
best_cost = B.gather(2, choice.unsqueeze(-1)).squeeze(-1).sum(1)
print("lower bounds:", best_cost)
max_per_col = torch.zeros(4, 5).scatter_reduce(1, choice, B.min(dim=2).values, reduce="amax", include_self=False)
print(max_per_col)

try:
    torch.zeros(3, 3).scatter_(1, torch.tensor([[0], [5], [1]]), 1.0)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.tensor([1.0, 2.0]).topk(3)
except RuntimeError as e:
    print("RuntimeError:", e)
