"""Categorical and ranking features: vocabulary building with torch.unique (sorted, return_inverse,
return_counts, dim=0 for multi-column keys), unique_consecutive for run-length encoding, frequency
encoding, one-hot, stable argsort for ranking with ties (ordinal, dense, min and average ranks),
percentile ranks, and a small report table printed with f-strings and tolist()."""
import torch
import torch.nn.functional as F

torch.manual_seed(4)
n = 14
city = torch.randint(0, 5, (n,)) * 10 + 100
device = torch.randint(0, 3, (n,))
score = torch.randint(0, 6, (n,)).float()
print("city  ", city)
print("device", device)
print("score ", score)

# ---- vocabularies
vocab, inv, cnt = torch.unique(city, return_inverse=True, return_counts=True)
print("vocab", vocab, "\ninverse", inv, "\ncounts", cnt)
print("recon ok", torch.equal(vocab[inv], city))
print("unsorted sorted arg", torch.unique(city, sorted=False).sort().values)
print("inverse only", torch.unique(device, return_inverse=True))
print("counts only", torch.unique(device, return_counts=True))
print("method form", city.unique(return_counts=True)[1].sum().item())
print("float unique", torch.unique(torch.tensor([2.5, -1.0, 2.5, 0.0, -0.0])))
print("bool unique", torch.unique(torch.tensor([True, False, True]), return_counts=True))

keys = torch.stack([city, device], dim=1)
rows, row_inv, row_cnt = torch.unique(keys, dim=0, return_inverse=True, return_counts=True)
print("pair keys\n", rows, "\ninv", row_inv, "\ncnt", row_cnt)
cols = torch.unique(torch.tensor([[1, 2, 1], [3, 4, 3]]), dim=1, return_inverse=True)
print("unique dim=1", cols)
u2 = torch.unique(torch.tensor([[3, 1], [1, 2], [3, 1]]), return_inverse=True)
print("2d flat unique", u2)

# frequency encoding
freq = cnt[inv].float() / n
print("freq enc", freq.round(decimals=3))
oh = F.one_hot(inv, num_classes=len(vocab))
print("one-hot sums", oh.sum(0), oh.dtype)
cross = inv * 3 + device
print("crossed feature unique count", cross.unique().numel())

# ---- run-length encoding of a sorted / sessionised stream
stream = torch.tensor([1, 1, 2, 2, 2, 3, 1, 1, 4])
vals, rl_inv, runs = torch.unique_consecutive(stream, return_inverse=True, return_counts=True)
print("rle", vals, runs, rl_inv)
print("uc plain", torch.unique_consecutive(stream))
print("uc counts", stream.unique_consecutive(return_counts=True))
m = torch.tensor([[1, 1], [1, 1], [2, 0], [1, 1], [1, 1]])
print("uc dim0", torch.unique_consecutive(m, dim=0, return_counts=True, return_inverse=True))
print("session ids", torch.cumsum(torch.diff(stream, prepend=stream[:1]) != 0, 0))

# ---- ranking with ties
order = torch.argsort(score, stable=True)
ordinal = torch.empty_like(order)
ordinal[order] = torch.arange(n)
print("argsort stable", order)
print("ordinal rank  ", ordinal + 1)
desc = torch.argsort(score, descending=True, stable=True)
print("desc stable   ", desc)
s_sorted, s_idx = torch.sort(score, stable=True, descending=True)
print("sort stable", s_sorted, s_idx)
uniq, dense_inv = torch.unique(score, return_inverse=True)
print("dense rank    ", dense_inv + 1)
_, cnts = torch.unique(score, return_counts=True)
first = torch.cumsum(cnts, 0) - cnts
min_rank = first[dense_inv] + 1
avg_rank = first[dense_inv].float() + (cnts[dense_inv].float() + 1) / 2
print("min rank      ", min_rank)
print("average rank  ", avg_rank)
pct = (avg_rank - 1) / (n - 1)
print("pct rank", pct.round(decimals=3))
print("argsort 2d dim0", torch.argsort(torch.tensor([[2, 1], [1, 1], [2, 0]]), dim=0, stable=True))
print("msort", torch.msort(torch.tensor([[3.0, 1.0], [1.0, 2.0]])))
nanv = torch.tensor([1.0, float("nan"), 0.5, float("nan"), 2.0])
print("sort with nan", torch.sort(nanv), torch.sort(nanv, descending=True, stable=True))
print("argmax ties", torch.tensor([1, 3, 3, 2]).argmax(), torch.tensor([1.0, 0.0, 0.0]).argmin())

# ---- report table
print(f"{'city':>6}{'count':>7}{'share':>8}{'mean':>8}")
sums = torch.zeros(len(vocab)).index_add_(0, inv, score)
for c, k, s in zip(vocab.tolist(), cnt.tolist(), sums.tolist()):
    print(f"{c:>6d}{k:>7d}{k / n:>8.3f}{s / k:>8.2f}")
print("tolist floats", (score[:3] / 3).tolist())
print("item round", round((score.mean()).item(), 4), f"{score.mean():.3f}")
print("rounded table\n", torch.stack([score, freq, pct], 1)[:4].round(decimals=2))
