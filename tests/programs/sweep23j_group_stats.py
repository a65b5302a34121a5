"""Per-group statistics for a toy sales table (store id, category, amount) with scatter_reduce
(sum, mean, amax, amin, prod, include_self=False), index_add / index_add_ with alpha, bincount
with weights, target (mean) encoding with smoothing, and topk per group via sorting by group id."""
import torch

torch.manual_seed(2)
n, n_groups = 16, 4
group = torch.randint(0, n_groups, (n,))
amount = (torch.rand(n) * 100).round(decimals=1)
target = (torch.rand(n) > 0.5).float()
print("group ", group)
print("amount", amount)

# ---- counts and sums
counts = torch.bincount(group, minlength=n_groups)
sums_bc = torch.bincount(group, weights=amount, minlength=n_groups)
print("counts", counts, "weighted", sums_bc.round(decimals=1), sums_bc.dtype)
print("bincount float64 weights", torch.bincount(group, weights=amount.double()).dtype)
print("bincount empty", torch.bincount(torch.tensor([], dtype=torch.long)), torch.bincount(torch.tensor([], dtype=torch.long), minlength=3))

sums = torch.zeros(n_groups).index_add(0, group, amount)
print("index_add", sums.round(decimals=1))
acc = torch.zeros(n_groups)
acc.index_add_(0, group, torch.ones(n), alpha=2)
print("index_add_ alpha", acc)
mat = torch.zeros(n_groups, 2).index_add_(0, group, torch.stack([amount, target], 1))
print("index_add 2d\n", mat.round(decimals=1))

# ---- scatter_reduce
z = torch.zeros(n_groups)
for red in ("sum", "prod", "mean", "amax", "amin"):
    incl = z.scatter_reduce(0, group, amount, reduce=red)
    excl = z.scatter_reduce(0, group, amount, reduce=red, include_self=False)
    print(f"{red:5s} incl {incl.round(decimals=2)}\n      excl {excl.round(decimals=2)}")
empty_group = torch.full((5,), -1.0).scatter_reduce(0, group, amount, "amax", include_self=False)
print("untouched group keeps self", empty_group)
ints = torch.tensor([5, 3, 8, 1, 9, 2])
gi = torch.tensor([0, 1, 0, 1, 2, 2])
print("int mean", torch.zeros(3, dtype=torch.long).scatter_reduce(0, gi, ints, "mean", include_self=False))
print("int mean incl", torch.ones(3, dtype=torch.long).scatter_reduce(0, gi, ints, "mean"))
m2 = torch.zeros(2, 3).scatter_reduce(1, torch.tensor([[0, 0, 2], [1, 1, 1]]), torch.arange(6.0).view(2, 3), "mean", include_self=False)
print("2d mean", m2)
inplace = torch.zeros(n_groups)
inplace.scatter_reduce_(0, group, amount, "amax", include_self=False)
print("inplace amax", inplace)
print("scatter_add", torch.zeros(n_groups).scatter_add(0, group, torch.ones(n)))
print("scatter reduce=add", torch.zeros(n_groups).scatter(0, group, torch.ones(n), reduce="add"))

# ---- group mean / std by hand
mean = sums / counts.clamp(min=1)
sq = torch.zeros(n_groups).index_add(0, group, amount ** 2)
std = (sq / counts - mean ** 2).clamp_min(0).sqrt()
print("group mean", mean.round(decimals=3), "\ngroup std ", std.round(decimals=2))
centered = amount - mean[group]
print("centered", centered.round(decimals=2))

# ---- target encoding with smoothing
prior = target.mean()
pos = torch.zeros(n_groups).index_add_(0, group, target)
alpha = 2.0
te = (pos + alpha * prior) / (counts + alpha)
print("prior", f"{prior.item():.4f}", "target enc", te.round(decimals=4))
# leave-one-out encoding
loo = (pos[group] - target) / (counts[group] - 1).clamp(min=1)
print("loo", loo.round(decimals=3))

# ---- top-k per group via a stable sort on group then amount
order = torch.argsort(amount, descending=True, stable=True)
order = order[torch.argsort(group[order], stable=True)]
g_sorted, a_sorted = group[order], amount[order]
start = torch.cumsum(counts, 0) - counts
rank_in_group = torch.arange(n) - start[g_sorted]
top2 = rank_in_group < 2
print("rank in group", rank_in_group)
print("top2 rows", order[top2], a_sorted[top2])
padded = torch.full((n_groups, int(counts.max())), float("-inf"))
padded[g_sorted, rank_in_group] = a_sorted
print("padded\n", padded)
vals, idx = padded.topk(2, dim=1)
print("topk per group", vals, idx, sep="\n")
print("kthvalue", torch.tensor([3.0, 1.0, 2.0, 1.0]).kthvalue(2))
print("topk smallest", torch.topk(amount, 3, largest=False))
print("topk unsorted shape", torch.topk(amount, 3, sorted=False).values.sort().values)

# ---- one-hot group membership matrix and mean via matmul
onehot = torch.nn.functional.one_hot(group, n_groups).float()
print("matmul sums match", torch.allclose(onehot.T @ amount, sums))
print("group share\n", (onehot * amount[:, None] / sums).sum(0).round(decimals=4))
