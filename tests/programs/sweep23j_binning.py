"""Binning numeric columns like a feature-engineering tutorial: fixed edges with torch.bucketize
(right=False/True, out_int32), searchsorted with right=, side= and sorter=, quantile bins from
torch.quantile / nanquantile with every interpolation mode, histc and torch.histogram with integer
and explicit bin edges (density, weight), then one-hot encoding of the bins."""
import torch
import torch.nn.functional as F

torch.manual_seed(1)
n = 20
age = torch.randint(18, 80, (n,)).float()
income = torch.exp(torch.randn(n) * 0.5 + 3.0)
print("age   ", age.long())
print("income", income.round(decimals=2))

# ---- fixed edges
edges = torch.tensor([25.0, 35.0, 50.0, 65.0])
b_left = torch.bucketize(age, edges)
b_right = torch.bucketize(age, edges, right=True)
print("bucketize      ", b_left)
print("bucketize right", b_right)
print("int32", torch.bucketize(age, edges, out_int32=True).dtype)
print("on boundary", torch.bucketize(torch.tensor([25.0, 35.0, 10.0, 99.0]), edges),
      torch.bucketize(torch.tensor([25.0, 35.0, 10.0, 99.0]), edges, right=True))
print("scalar", torch.bucketize(40, edges))
print("2d input", torch.bucketize(torch.tensor([[20, 30], [60, 70]]), torch.tensor([25, 50, 65])))

# ---- searchsorted
sorted_seq = torch.tensor([1, 3, 5, 7, 9])
vals = torch.tensor([3, 6, 9, 0, 10])
print("searchsorted      ", torch.searchsorted(sorted_seq, vals))
print("searchsorted right", torch.searchsorted(sorted_seq, vals, right=True))
print("side='right'      ", torch.searchsorted(sorted_seq, vals, side="right"))
print("side='left'       ", torch.searchsorted(sorted_seq, vals, side="left"))
unsorted = torch.tensor([9.0, 1.0, 7.0, 3.0, 5.0])
sorter = torch.argsort(unsorted)
print("sorter", sorter, torch.searchsorted(unsorted, torch.tensor([4.0, 7.0]), sorter=sorter))
print("sorter right", torch.searchsorted(unsorted, torch.tensor([4.0, 7.0]), sorter=sorter, right=True))
rows = torch.tensor([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]])
print("batched", torch.searchsorted(rows, torch.tensor([[3, 6, 9], [3, 6, 9]])))
print("scalar value", torch.searchsorted(sorted_seq, 4), "float on int edges", torch.searchsorted(sorted_seq, 4.5),
      torch.bucketize(6.5, sorted_seq, right=True))
print("int32 out", torch.searchsorted(sorted_seq, vals, out_int32=True))

# ---- quantile bins
qs = torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0])
for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
    q = torch.quantile(income, qs, interpolation=mode)
    print(f"{mode:8s}", q.round(decimals=3))
qcut = torch.bucketize(income, torch.quantile(income, qs)[1:-1])
print("quartile bin", qcut, "counts", torch.bincount(qcut, minlength=4))
print("scalar q", torch.quantile(income, 0.9).round(decimals=3))
table = torch.randn(6, 4)
print("per column median-ish", torch.quantile(table, 0.5, dim=0).round(decimals=4))
print("keepdim", torch.quantile(table, torch.tensor([0.1, 0.9]), dim=1, keepdim=True).shape)
print("nearest ties", torch.quantile(torch.arange(4.0), torch.tensor([0.5, 1 / 6, 0.5 / 3 * 3]), interpolation="nearest"))

holes = income.clone()
holes[[2, 5, 11]] = float("nan")
print("quantile with nan", torch.quantile(holes, 0.5))
for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
    print(f"nan{mode:8s}", torch.nanquantile(holes, qs, interpolation=mode).round(decimals=3))
all_nan_row = torch.tensor([[1.0, 2.0, float("nan")], [float("nan")] * 3])
print("nanquantile rows", torch.nanquantile(all_nan_row, 0.5, dim=1))

# ---- histograms
h = torch.histc(age, bins=6, min=18, max=78)
print("histc", h)
print("histc auto range", torch.histc(torch.tensor([1.0, 2.0, 1.0, 4.0]), bins=4))
print("histc out of range", torch.histc(torch.tensor([0.0, 1.0, 5.0, 10.0, 11.0]), bins=5, min=1, max=10))
hist, bin_edges = torch.histogram(age, bins=4)
print("histogram", hist, bin_edges)
hist2 = torch.histogram(age, bins=torch.tensor([18.0, 30.0, 45.0, 60.0, 80.0]))
print(hist2)
print("hist fields", hist2.hist.sum().item(), hist2.bin_edges.shape)
dens = torch.histogram(income, bins=5, density=True)
print("density", dens.hist.round(decimals=4), "area", f"{(dens.hist * dens.bin_edges.diff()).sum().item():.4f}")
wh = torch.histogram(age, bins=3, range=(20.0, 80.0), weight=income)
print("weighted", wh.hist.round(decimals=2), wh.bin_edges)

# ---- one-hot of bins
oh = F.one_hot(b_left, num_classes=len(edges) + 1)
print("one-hot", oh.shape, oh.dtype)
print(oh[:4])
print("column sums", oh.sum(0), "auto classes", F.one_hot(torch.tensor([0, 2])).shape)
