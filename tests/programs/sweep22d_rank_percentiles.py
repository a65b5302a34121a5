"""Ranking and percentile statistics on exam scores, the way Q&A answers replace pandas' rank(),
quantile() and describe() with torch: stable argsort/sort with ties (ascending and descending),
dense / min / average ranks, torch.quantile and nanquantile with every interpolation mode (scalar
and tensor q, dim and keepdim), median / nanmedian with indices, kthvalue, mode, topk, and a
describe() table."""
import torch

torch.manual_seed(3)

n_students, n_subjects = 12, 4
scores = torch.randint(40, 60, (n_students, n_subjects)).float()   # lots of ties
print("scores\n", scores)

# --- stable sort / argsort with ties ------------------------------------------------------------
col = scores[:, 0]
print("argsort stable", torch.argsort(col, stable=True))
print("argsort stable desc", torch.argsort(col, descending=True, stable=True))
s = torch.sort(col, stable=True, descending=True)
print("sorted desc", s.values, s.indices)
vals, idx = scores.sort(dim=0, stable=True)
print("column-wise sorted indices\n", idx)

# rank(method='first'), 'min', 'dense', 'average'
order = torch.argsort(col, stable=True)
rank_first = torch.empty_like(order)
rank_first[order] = torch.arange(1, n_students + 1)
print("rank first", rank_first)
uniq, inv, cnt = torch.unique(col, return_inverse=True, return_counts=True)
rank_dense = inv + 1
cum = torch.cumsum(cnt, 0)
rank_min = (cum - cnt + 1)[inv]
rank_max = cum[inv]
rank_avg = (rank_min + rank_max).float() / 2
print("rank dense", rank_dense)
print("rank min", rank_min)
print("rank average", rank_avg)
pct = rank_avg / n_students
print("percentile rank", pct.round(decimals=3))

# --- quantiles -----------------------------------------------------------------------------------
q = torch.tensor([0.1, 0.25, 0.5, 0.75, 0.9])
for mode in ["linear", "lower", "higher", "midpoint", "nearest"]:
    qq = torch.quantile(scores, q, dim=0, interpolation=mode)
    print(f"{mode:8s}", qq.shape, qq[:, 1].tolist())
print("scalar q", torch.quantile(col, 0.3).item(), torch.quantile(scores, 0.5))
print("keepdim", torch.quantile(scores, q[:2], dim=1, keepdim=True).shape)
print("row medians via quantile", torch.quantile(scores, 0.5, dim=1))
print("dtype double", torch.quantile(scores.double(), 0.37, dim=0).dtype)

with_nan = scores.clone()
with_nan[torch.tensor([0, 3, 5]), torch.tensor([1, 1, 2])] = float("nan")
with_nan[:, 3] = float("nan")
print("quantile with nan", torch.quantile(with_nan, 0.5, dim=0))
for mode in ["linear", "lower", "higher", "midpoint", "nearest"]:
    print(f"nanquantile {mode:8s}", torch.nanquantile(with_nan, q, dim=0, interpolation=mode)[:, :3].flatten().tolist())
print("nanquantile all-nan column", torch.nanquantile(with_nan, 0.5, dim=0, keepdim=True))

# --- median, nanmedian, kthvalue, mode ----------------------------------------------------------
print("median all", scores.median())
m = scores.median(dim=0)
print("median dim0", m.values, m.indices)
print(torch.median(scores, dim=1, keepdim=True))
nm = torch.nanmedian(with_nan, dim=0)
print("nanmedian", nm.values, nm.indices)
print("nanmedian all", torch.nanmedian(with_nan), "median all", torch.median(with_nan))
print("median with nan dim", torch.median(with_nan, dim=0))
k = torch.kthvalue(scores, 3, dim=0)
print("3rd smallest", k.values, k.indices)
print("kthvalue row", torch.kthvalue(scores[2], 2))
md = torch.mode(scores, dim=0)
print("mode", md.values, md.indices)
print("mode last dim", torch.mode(scores.long()))
tk = torch.topk(scores.sum(1), 3)
print("top 3 students", tk.indices, tk.values)
print("bottom 3 students", torch.topk(scores.sum(1), 3, largest=False))

# --- describe() ---------------------------------------------------------------------------------
print(f"{'stat':>6}" + "".join(f"{'subj' + str(j):>9}" for j in range(n_subjects)))
rows = {
    "count": torch.full((n_subjects,), float(n_students)),
    "mean": scores.mean(0),
    "std": scores.std(0),
    "min": scores.amin(0),
    "25%": torch.quantile(scores, 0.25, dim=0),
    "50%": scores.quantile(0.5, dim=0),
    "75%": torch.quantile(scores, 0.75, dim=0),
    "max": scores.amax(0),
}
for name, r in rows.items():
    print(f"{name:>6}" + "".join(f"{v:9.3f}" for v in r.tolist()))
iqr = rows["75%"] - rows["25%"]
lo, hi = rows["25%"] - 1.5 * iqr, rows["75%"] + 1.5 * iqr
outliers = (scores < lo) | (scores > hi)
print("outliers", outliers.sum(0), outliers.any())
