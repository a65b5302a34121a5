"""Classic DP tables with integer tensors as in an algorithms course: 0/1 knapsack one item at a
time with torch.maximum over a shifted row, unbounded coin change (number of ways and fewest
coins), longest increasing subsequence, maximum subarray via cumsum and cummin, running records
with cummax / cummin indices, and a vectorised knapsack over a batch of capacities."""
import torch

torch.manual_seed(0)


def knapsack(weights, values, capacity):
    n = len(weights)
    table = torch.zeros(n + 1, capacity + 1, dtype=torch.int64)
    for i in range(1, n + 1):
        w, v = weights[i - 1].item(), values[i - 1]
        table[i] = table[i - 1]
        if w <= capacity:
            table[i, w:] = torch.maximum(table[i - 1, w:], table[i - 1, :-w or None] + v)
    return table


def knapsack_items(table, weights):
    chosen, c = [], table.shape[1] - 1
    for i in range(table.shape[0] - 1, 0, -1):
        if table[i, c] != table[i - 1, c]:
            chosen.append(i - 1)
            c -= weights[i - 1].item()
    return sorted(chosen)


def coin_ways(coins, amount):
    ways = torch.zeros(amount + 1, dtype=torch.int64)
    ways[0] = 1
    for c in coins.tolist():
        for a in range(c, amount + 1):
            ways[a] += ways[a - c]
    return ways


def min_coins(coins, amount):
    INF = torch.iinfo(torch.int64).max // 2
    best = torch.full((amount + 1,), INF, dtype=torch.int64)
    best[0] = 0
    for a in range(1, amount + 1):
        usable = coins[coins <= a]
        if usable.numel():
            best[a] = torch.min(best[a - usable] + 1)
    return torch.where(best >= INF, torch.tensor(-1), best)


def lis(seq):
    n = len(seq)
    dp = torch.ones(n, dtype=torch.long)
    for i in range(1, n):
        smaller = seq[:i] < seq[i]
        if smaller.any():
            dp[i] = dp[:i][smaller].max() + 1
    return dp


weights = torch.tensor([1, 3, 4, 5, 2])
values = torch.tensor([1, 4, 5, 7, 3])
table = knapsack(weights, values, 9)
print(table)
print("best value", table[-1, -1].item(), "items", knapsack_items(table, weights))
print("ratio order", torch.argsort(values.float() / weights, descending=True).tolist())
print("row max", table.max(dim=1))
print("amax", torch.amax(table, dim=0).tolist(), table.sum(), table.dtype)

coins = torch.tensor([1, 2, 5])
ways = coin_ways(coins, 12)
print("ways", ways)
print("min coins", min_coins(coins, 12).tolist(), min_coins(torch.tensor([4, 7]), 10).tolist())

seq = torch.randint(0, 20, (12,))
d = lis(seq)
print("seq", seq.tolist(), "lis", d, "length", d.max().item(), "ends at", d.argmax().item())

# maximum subarray with prefix sums: best[j] = prefix[j] - min(prefix[:j])
x = torch.randint(-5, 6, (14,))
prefix = torch.cat([torch.zeros(1, dtype=x.dtype), torch.cumsum(x, dim=0)])
running_min, argmin = torch.cummin(prefix, dim=0)
gain = prefix[1:] - running_min[:-1]
j = gain.argmax().item()
print("x", x.tolist())
print("prefix", prefix.tolist(), prefix.dtype)
print("cummin", running_min.tolist(), argmin.tolist())
print("max subarray", gain.max().item(), "span", (argmin[j].item(), j + 1), x[argmin[j]:j + 1].tolist())

# running records: cummax / cummin with indices (ties keep the latest index)
r = torch.tensor([3, 1, 3, 2, 5, 5, 0, 5])
print(torch.cummax(r, dim=0))
print(torch.cummin(r, dim=0))
f = torch.tensor([[0.5, float("nan"), 0.2], [0.1, 0.7, 0.7]])
print("cummax nan", torch.cummax(f, dim=1))
print("cummin dim0", torch.cummin(f, dim=0).indices)
print("cumprod", torch.cumprod(torch.tensor([1, 2, 3, 4]), 0), torch.cumsum(torch.tensor([True, False, True]), 0))
print("cumsum dtype", torch.cumsum(torch.tensor([1, 2], dtype=torch.int8), 0).dtype,
      torch.tensor([1, 2], dtype=torch.int32).cumsum(0, dtype=torch.float64))

# vectorised knapsack over many capacities at once (columns are capacities)
caps = torch.arange(0, 10)
best = torch.zeros(len(caps), dtype=torch.int64)
for w, v in zip(weights.tolist(), values.tolist()):
    shifted = torch.cat([torch.full((w,), torch.iinfo(torch.int64).min // 2), best[:-w]])
    best = torch.maximum(best, shifted + v)
print("vectorised", best, torch.equal(best, table[-1]))

# a float DP with gradients: smooth max over knapsack choices
vals = values.float().requires_grad_(True)
soft = torch.zeros(10)
for i, w in enumerate(weights.tolist()):
    take = torch.cat([torch.full((w,), -1e4), soft[:-w]]) + vals[i]
    soft = torch.logsumexp(torch.stack([soft, take]), dim=0)
soft[-1].backward()
print("soft best", round(soft[-1].item(), 4), "item marginals", vals.grad.round(decimals=4))
print(torch.clamp(table[:, 4:] - table[:, :-4], min=0)[-1], torch.diff(table[-1]))
