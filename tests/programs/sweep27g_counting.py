"""Advent-of-Code style counting puzzles with tensors: lanternfish populations with bincount and an
int64 transition matrix raised by linalg.matrix_power, joltage adapters (diff, bincount, a
path-count DP with cumsum), paths through a DAG by adjacency powers, lattice paths with cumsum
along a grid and cumprod of factors, plus a Markov step done in float64."""
import torch

torch.manual_seed(3)

fish = torch.tensor([int(x) for x in "3,4,3,1,2".split(",")])
state = torch.bincount(fish, minlength=9)
print("initial timers:", state)
T = torch.zeros(9, 9, dtype=torch.int64)
T[torch.arange(8), torch.arange(1, 9)] = 1      # timer i <- timer i+1
T[6, 0] = 1                                     # parents restart at 6
T[8, 0] = 1                                     # newborns at 8
print(T)
for days in (18, 80, 256):
    total = (torch.linalg.matrix_power(T, days) @ state).sum()
    print(f"day {days}: {total.item()} ({total.dtype})")
M256 = torch.linalg.matrix_power(T, 256)
print("max entry of T^256:", M256.max().item())
print("T^0 is identity:", torch.equal(torch.linalg.matrix_power(T, 0), torch.eye(9, dtype=torch.int64)))
try:
    torch.linalg.matrix_power(T, -1)
except RuntimeError as e:
    print("negative power:", e)
print("float inverse power:", torch.linalg.matrix_power(T.double(), -1).round().long()[0].tolist())

# simulation check for the first days with an explicit vector roll
s = state.clone()
for _ in range(18):
    born = s[0].clone()
    s = torch.roll(s, -1)
    s[6] += born
print("simulated day 18:", s.sum().item(), s.tolist())

# joltage adapters
adapters = torch.tensor([16, 10, 15, 5, 1, 11, 7, 19, 6, 12, 4])
chain = torch.cat([torch.tensor([0]), adapters.sort().values, adapters.max(0, keepdim=True).values + 3])
gaps = torch.diff(chain)
hist = torch.bincount(gaps, minlength=4)
print("chain:", chain.tolist())
print("gaps histogram:", hist, "answer:", (hist[1] * hist[3]).item())
ways = torch.zeros(int(chain[-1]) + 1, dtype=torch.int64)
ways[0] = 1
present = torch.zeros_like(ways, dtype=torch.bool)
present[chain] = True
for j in chain[1:].tolist():
    ways[j] = ways[max(j - 3, 0):j].sum()
print("arrangements:", ways[-1].item(), "nonzero ways:", ways[present].tolist())

# paths in a DAG: sum over k of A^k
edges = [(0, 1), (0, 2), (1, 3), (2, 3), (1, 2), (3, 4), (2, 4), (4, 5), (3, 5)]
A = torch.zeros(6, 6, dtype=torch.int64)
src, dst = torch.tensor(edges).T
A.index_put_((src, dst), torch.ones(len(edges), dtype=torch.int64), accumulate=True)
powers = torch.stack([torch.linalg.matrix_power(A, k) for k in range(6)])
print("paths 0->5 by length:", powers[:, 0, 5].tolist())
print("total paths 0->5:", powers[:, 0, 5].sum().item())
print("nilpotent:", not torch.linalg.matrix_power(A, 6).any().item())
reach = powers.sum(0) > 0
print(reach.int())
print("out-degrees:", A.sum(1), "in-degrees:", A.sum(0))

# lattice paths: Pascal's triangle by repeated cumsum
grid = torch.ones(1, 9, dtype=torch.int64)
rows = [grid]
for _ in range(8):
    rows.append(rows[-1].cumsum(1))
pascal = torch.cat(rows)
print(pascal)
print("paths through 8x8 lattice:", pascal[-1, -1].item())
# the same count as a binomial via cumprod of factors
n, k = 16, 8
num = torch.arange(n - k + 1, n + 1, dtype=torch.int64).cumprod(0)
den = torch.arange(1, k + 1, dtype=torch.int64).cumprod(0)
print("binomial via cumprod:", (num[-1] // den[-1]).item(), torch.div(num, den, rounding_mode="floor"))
print("lgamma check:", round(float(torch.exp(torch.lgamma(torch.tensor(17.0)) - 2 * torch.lgamma(torch.tensor(9.0)))), 2))

# blocked cells: DP over a grid with obstacles, row by row
blocked = torch.rand(6, 6) < 0.12
blocked[0, 0] = blocked[-1, -1] = False
print(blocked.int())
paths = torch.zeros(6, 6, dtype=torch.int64)
for r in range(6):
    for c in range(6):
        if blocked[r, c]:
            continue
        if r == 0 and c == 0:
            paths[r, c] = 1
            continue
        paths[r, c] = (paths[r - 1, c] if r else 0) + (paths[r, c - 1] if c else 0)
print(paths)
print("paths avoiding obstacles:", paths[-1, -1].item())

# dice game expected position after n rolls (Markov chain on a 10-ring, float64)
P = torch.zeros(10, 10, dtype=torch.float64)
for roll, cnt in zip(*torch.unique(torch.cartesian_prod(*[torch.arange(1, 4)] * 3).sum(1), return_counts=True)):
    P += torch.roll(torch.eye(10, dtype=torch.float64), int(roll), dims=1) * cnt / 27
dist = torch.zeros(10, dtype=torch.float64)
dist[3] = 1
for _ in range(5):
    dist = dist @ P
print("dist after 5 turns:", dist)
print("row sums:", P.sum(1).allclose(torch.ones(10, dtype=torch.float64)))
print("most likely square:", dist.argmax().item() + 1, f"{dist.max().item():.4f}")

# crab alignment: part 1 cost is sum |x - p| (minimised at the median), part 2 is triangular
crabs = torch.tensor([16, 1, 2, 0, 4, 2, 7, 1, 2, 14])
cand = torch.arange(int(crabs.min()), int(crabs.max()) + 1)
d = (crabs[None, :] - cand[:, None]).abs()
fuel1, fuel2 = d.sum(1), (d * (d + 1) // 2).sum(1)
print("part 1:", fuel1.min().item(), "at", fuel1.argmin().item(), "median:", crabs.median().item())
print("part 2:", fuel2.min().item(), "at", fuel2.argmin().item(), "mean:", crabs.float().mean().item())
# the same minimum by gradient descent on a relaxed (smooth) cost
p = torch.tensor([0.0], requires_grad=True)
opt = torch.optim.Adam([p], lr=0.5)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=100, gamma=0.2)
for it in range(300):
    opt.zero_grad()
    dist = (crabs.float() - p).abs()
    loss = (dist * (dist + 1) / 2).sum()
    loss.backward()
    opt.step()
    sched.step()
print("relaxed optimum:", f"{p.item():.2f}", "loss grad_fn:", loss.grad_fn.name())
print("rounded cost:", fuel2[int(p.detach().round().item()) - int(crabs.min())].item())

# Dirac dice sanity check by sampling: three d3 rolls per turn, Monte Carlo vs exact distribution
die = torch.distributions.Categorical(probs=torch.full((3,), 1 / 3))
rolls = die.sample((20000, 3)) + 1
print("sample dtype:", rolls.dtype, "first:", rolls[:3].tolist())
totals = rolls.sum(1)
emp = torch.bincount(totals, minlength=10)[3:].float() / totals.numel()
exact = torch.bincount(torch.cartesian_prod(*[torch.arange(1, 4)] * 3).sum(1), minlength=10)[3:].float() / 27
print("empirical:", emp)
print("exact:    ", exact)
print("max abs error < 0.02:", bool((emp - exact).abs().max() < 0.02))
print("log_prob of a 2:", die.log_prob(torch.tensor(1)), "entropy:", f"{die.entropy().item():.4f}")
