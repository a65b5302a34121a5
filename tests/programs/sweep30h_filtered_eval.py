"""Filtered link-prediction evaluation as in PyKEEN / LibKGE / OpenKE: build the dictionaries of known
tails per (h, r) and heads per (r, t) with torch.unique, mask known triples with scatter_ /
index_put_ / a sparse COO mask before ranking, optimistic / pessimistic / realistic ranks with ties,
MRR, MR, adjusted MR, Hits@k with topk, per-relation breakdowns with scatter_add and bincount,
and rank histograms."""
import torch
import torch.nn.functional as F

torch.manual_seed(21)
n_ent, n_rel = 10, 3
all_tr = torch.stack([torch.randint(0, n_ent, (60,)), torch.randint(0, n_rel, (60,)),
                      torch.randint(0, n_ent, (60,))], dim=1)
all_tr, counts = torch.unique(all_tr, dim=0, return_counts=True)
print("unique triples", all_tr.size(0), "max duplicates", counts.max().item())
perm = torch.randperm(all_tr.size(0))
test = all_tr[perm[:12]]
train = all_tr[perm[12:]]
print("test\n", test)
print("isin:", torch.isin(test[:, 0], train[:, 0]).all().item())

# a fixed random "model": scores = -||e_h + r - e_t||
E = torch.randn(n_ent, 5)
R = torch.randn(n_rel, 5)
E[3] = E[7]                       # two identical entities: ties in every score against them


def score_tails(h, r):
    return -torch.cdist((E[h] + R[r]).unsqueeze(0), E.unsqueeze(0))[0, 0]


def score_heads(r, t):
    return -torch.cdist((E[t] - R[r]).unsqueeze(0), E.unsqueeze(0))[0, 0]


# dense filter: one row per test query, True where (h, r, e) is a known triple
key_hr = all_tr[:, 0] * n_rel + all_tr[:, 1]
q_hr = test[:, 0] * n_rel + test[:, 1]
match = q_hr.unsqueeze(1) == key_hr.unsqueeze(0)          # [n_test, n_all]
rows, cols = match.nonzero(as_tuple=True)
tail_filter = torch.zeros(test.size(0), n_ent, dtype=torch.bool)
tail_filter[rows, all_tr[cols, 2]] = True
print("filter rows sum", tail_filter.sum(1).tolist())

# the same filter with scatter_ from a padded index list
idx_lists = [all_tr[(all_tr[:, 0] == h) & (all_tr[:, 1] == r), 2] for h, r, _ in test.tolist()]
padded = torch.nn.utils.rnn.pad_sequence(idx_lists, batch_first=True, padding_value=-1)
print("padded", padded.shape, padded.dtype)
safe = padded.clamp(min=0)
f2 = torch.zeros(test.size(0), n_ent).scatter_(1, safe, (padded >= 0).float(), reduce="add") > 0
print("scatter_ filter equal:", torch.equal(f2, tail_filter))

# and with a sparse COO mask
sp = torch.sparse_coo_tensor(torch.stack([rows, all_tr[cols, 2]]), torch.ones(rows.numel()),
                             (test.size(0), n_ent)).coalesce()
print("sparse nnz", sp._nnz(), "dense equal:", torch.equal(sp.to_dense() > 0, tail_filter))

scores = torch.stack([score_tails(h, r) for h, r, _ in test.tolist()])
true_idx = test[:, 2]
true_score = scores[torch.arange(test.size(0)), true_idx]
filt = scores.clone()
keep_true = F.one_hot(true_idx, n_ent).bool()
filt[tail_filter & ~keep_true] = float("-inf")
print("filtered scores\n", filt)

ts = true_score.unsqueeze(1)
optimistic = (filt > ts).sum(1) + 1
pessimistic = (filt >= ts).sum(1)
realistic = 0.5 * (optimistic + pessimistic).double()
print("optimistic ", optimistic)
print("pessimistic", pessimistic)
print("realistic  ", realistic)

n_cand = (~(tail_filter & ~keep_true)).sum(1)
expected = 0.5 * (n_cand.double() + 1)
print(f"MRR {(1 / realistic).mean():.4f} MR {realistic.mean():.4f} AMR {(realistic.mean() / expected.mean()):.4f}")
for k in (1, 3, 5):
    print(f"Hits@{k}: {(realistic <= k).double().mean():.4f}")

# raw vs filtered via argsort / topk
order = torch.argsort(scores, dim=1, descending=True, stable=True)
raw_rank = (order == true_idx.unsqueeze(1)).int().argmax(1) + 1
print("raw rank (argsort)", raw_rank)
top3 = filt.topk(3, dim=1)
print("top3 indices\n", top3.indices)
print("hits@3 via topk:", (top3.indices == true_idx[:, None]).any(1).float().mean().item())
print("sort values\n", torch.sort(filt[:2], dim=1, descending=True).values)

# head prediction and both-sides average
hs = torch.stack([score_heads(r, t) for _, r, t in test.tolist()])
key_rt = all_tr[:, 1] * n_ent + all_tr[:, 2]
q_rt = test[:, 1] * n_ent + test[:, 2]
hm = (q_rt[:, None] == key_rt[None]).nonzero(as_tuple=True)
head_filter = torch.zeros_like(tail_filter)
head_filter.index_put_((hm[0], all_tr[hm[1], 0]), torch.tensor(True))
head_true = hs.gather(1, test[:, :1])
hs = hs.masked_fill(head_filter & ~F.one_hot(test[:, 0], n_ent).bool(), -1e9)
head_rank = (hs > head_true).sum(1) + 1
both = torch.cat([optimistic, head_rank]).float()
print("head ranks", head_rank.tolist(), f"both-sides MRR {both.reciprocal().mean():.4f}")

# per-relation breakdown
rel = test[:, 1]
per_rel_rr = torch.zeros(n_rel).scatter_add_(0, rel, 1.0 / optimistic.float())
cnt = torch.bincount(rel, minlength=n_rel)
print("per relation count", cnt, "MRR", per_rel_rr / cnt.clamp(min=1))
print("index_reduce mean:", torch.zeros(n_rel).index_reduce_(0, rel, 1.0 / optimistic.float(), "mean",
                                                          include_self=False))
print("scatter_reduce amax:", torch.zeros(n_rel, dtype=torch.long).scatter_reduce(0, rel, optimistic, "amax",
                                                                               include_self=False))
print("rank histogram", torch.histc(optimistic.float(), bins=5, min=1, max=n_ent))
print("bucketize", torch.bucketize(optimistic, torch.tensor([1, 3, 10])))
print("quantiles", torch.quantile(realistic, torch.tensor([0.25, 0.5, 0.75], dtype=torch.float64)))
print("median rank", optimistic.median().item(), "mode", torch.mode(optimistic).values.item())
print(torch.unique(optimistic, sorted=True, return_inverse=True))
print("cumulative hits", torch.cumsum(torch.bincount(optimistic, minlength=n_ent + 1)[1:], 0))
# how often the head side ranks worse than the tail side, as a hinge on the integer ranks
hinge = F.margin_ranking_loss(head_rank, optimistic, torch.ones_like(head_rank), margin=1, reduction="none")
print("rank hinge", hinge, hinge.dtype, f"mean {F.margin_ranking_loss(head_rank, optimistic, -torch.ones_like(rel)):.4f}")
try:
    torch.zeros(2, 3).scatter_(1, torch.tensor([[0, 3]]), 1.0)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    filt.topk(n_ent + 1, dim=1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.bincount(torch.tensor([-1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
