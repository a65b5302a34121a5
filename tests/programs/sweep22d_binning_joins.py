"""Binning, histograms and sorted joins on a synthetic customer table, as in "pandas.cut / merge_asof
with PyTorch" blog posts: bucketize and searchsorted (left/right, side=, sorter=, out_int32), histc
and torch.histogram (bin count, explicit edges, weights, density), an age-band one-hot encoding with
F.one_hot, a lookup join of price tiers through searchsorted, and a merge_asof of events onto the
latest earlier quote."""
import torch
import torch.nn.functional as F

torch.manual_seed(7)

n = 40
age = torch.randint(18, 80, (n,))
income = (torch.randn(n) * 15 + 55).clamp(min=5).round(decimals=1)
spend = (income * 0.3 + torch.randn(n) * 4).round(decimals=2)

# --- pd.cut with bucketize ---------------------------------------------------------------------
edges = torch.tensor([18, 25, 35, 50, 65, 80])
band_left = torch.bucketize(age, edges)
band_right = torch.bucketize(age, edges, right=True)
print("age", age[:12])
print("bucketize left ", band_left[:12], band_left.dtype)
print("bucketize right", band_right[:12])
print("int32", torch.bucketize(age, edges, out_int32=True).dtype)
print("scalar bucketize", torch.bucketize(33, edges), torch.bucketize(torch.tensor(50), edges, right=True))
labels = ["<18", "18-25", "25-35", "35-50", "50-65", "65-80", "80+"]
band_counts = torch.bincount(band_right, minlength=len(labels))
for lab, c in zip(labels, band_counts.tolist()):
    print(f"{lab:>6}: {'#' * c} {c}")

# --- searchsorted variants ---------------------------------------------------------------------
sorted_inc, order = torch.sort(income)
probe = torch.tensor([30.0, 55.0, 55.0, 90.0])
print("searchsorted left", torch.searchsorted(sorted_inc, probe))
print("searchsorted right", torch.searchsorted(sorted_inc, probe, right=True))
print("side=right", torch.searchsorted(sorted_inc, probe, side="right"))
print("sorter", torch.searchsorted(income, probe, sorter=order))
batch_sorted = torch.sort(torch.rand(3, 6), dim=1).values
print("batched", torch.searchsorted(batch_sorted, torch.tensor([[0.5], [0.1], [0.9]])))
print("scalar value", torch.searchsorted(sorted_inc, 60.0))

# --- histc and histogram ------------------------------------------------------------------------
print("histc", torch.histc(income, bins=6, min=20, max=90))
print("histc auto range", torch.histc(income, bins=5))
h = torch.histogram(income, bins=5)
print("histogram counts", h.hist)
print("histogram edges", h.bin_edges)
hw = torch.histogram(income, bins=torch.tensor([0.0, 40.0, 60.0, 80.0, 120.0]), weight=spend)
print("weighted", hw.hist.round(decimals=2))
hd = torch.histogram(income, bins=4, range=(20.0, 100.0), density=True)
print("density", hd.hist, hd.bin_edges)
print("density integrates to", f"{(hd.hist * hd.bin_edges.diff()).sum().item():.4f}")
counts, bins = torch.histogram(age.float(), bins=6)
print("age histogram", counts.long().tolist(), bins.tolist())
pct = torch.arange(101, dtype=torch.float64) / 100          # 0.00 .. 1.00: values sitting on bin edges
print("histc of percentages", torch.histc(pct, bins=10), torch.histc(pct, bins=5))
h2 = torch.histogramdd(torch.stack([age.float(), income], dim=1), bins=[3, 4])
print("2-D histogram age x income\n", h2.hist)
print("edges", [e.round(decimals=2) for e in h2.bin_edges])
flat = torch.histogramdd(torch.stack([torch.full((n,), 5.0), spend], dim=1), bins=[2, 3], weight=income,
                         density=True)
print("constant column edges", flat.bin_edges[0], "density sum", f"{flat.hist.sum().item():.5f}")

# --- one-hot encoding of the bands --------------------------------------------------------------
onehot = F.one_hot(band_right - 1, num_classes=len(edges) - 1)
print("one-hot shape", onehot.shape, onehot.dtype)
print(onehot[:6])
mean_spend_per_band = (onehot.float() * spend[:, None]).sum(0) / onehot.sum(0).clamp(min=1)
print("mean spend per band", [f"{v:.3f}" for v in mean_spend_per_band.tolist()])
print("auto num_classes", F.one_hot(torch.tensor([0, 2, 1])).tolist())

# --- lookup join: price tier per spend ----------------------------------------------------------
tier_floor = torch.tensor([0.0, 10.0, 15.0, 20.0, 30.0])
tier_name = ["bronze", "silver", "gold", "platinum", "diamond"]
tier_rate = torch.tensor([0.00, 0.02, 0.05, 0.08, 0.12])
tier = torch.searchsorted(tier_floor, spend, right=True) - 1
tier = tier.clamp(min=0)
cashback = spend * tier_rate[tier]
print(f"{'spend':>7} {'tier':>9} {'cashback':>9}")
for s, t, c in list(zip(spend.tolist(), tier.tolist(), cashback.tolist()))[:8]:
    print(f"{s:7.2f} {tier_name[t]:>9} {c:9.4f}")

# --- merge_asof: last quote at or before each trade ---------------------------------------------
quote_t = torch.tensor([0.0, 1.5, 3.0, 4.5, 7.0, 9.0])
quote_px = torch.tensor([100.0, 100.5, 99.8, 101.2, 102.0, 101.5])
trade_t = torch.sort(torch.rand(8) * 10).values
pos = torch.searchsorted(quote_t, trade_t, right=True) - 1
matched = quote_px[pos]
print("trade times", trade_t.round(decimals=3))
print("asof index", pos, "matched", matched)
# inner join on integer keys
left_keys = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6])
right_keys = torch.tensor([1, 2, 3, 5, 8])
right_val = torch.tensor([10.0, 20.0, 30.0, 50.0, 80.0])
p = torch.searchsorted(right_keys, left_keys).clamp(max=len(right_keys) - 1)
hit = right_keys[p] == left_keys
print("join hit", hit, "values", torch.where(hit, right_val[p], torch.nan))
print("isin", torch.isin(left_keys, right_keys), torch.isin(left_keys, right_keys, invert=True).sum())
