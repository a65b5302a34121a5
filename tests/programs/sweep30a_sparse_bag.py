"""Large-catalogue tricks from a recsys tutorial: users represented as bags of the items they
touched (nn.EmbeddingBag with offsets, include_last_offset, per_sample_weights for recency
weighting, sum/mean/max modes, padding_idx), sparse gradients (sparse=True) inspected and trained
with optim.SparseAdam next to a dense Adam for the rest, and F.embedding_bag directly."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
n_items, dim = 25, 4

# variable-length histories flattened into one index tensor plus offsets
lengths = torch.tensor([3, 1, 4, 2, 5])
flat = torch.randint(1, n_items, (int(lengths.sum()),))
offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)[:-1]])
print("flat:", flat.tolist())
print("offsets:", offsets.tolist())

bag_sum = nn.EmbeddingBag(n_items, dim, mode="sum")
bag_mean = nn.EmbeddingBag.from_pretrained(bag_sum.weight.detach().clone(), mode="mean", freeze=True)
bag_max = nn.EmbeddingBag.from_pretrained(bag_sum.weight.detach().clone(), mode="max")
print(bag_sum, bag_mean, bag_max, sep="\n")
with torch.no_grad():
    s = bag_sum(flat, offsets)
    m = bag_mean(flat, offsets)
    mx = bag_max(flat, offsets)
print("sum bags:\n", s)
print("mean == sum/len:", torch.allclose(m, s / lengths.unsqueeze(1).float(), atol=1e-6))
print("max bags:\n", mx)

# recency weights: the most recent item of each history weighs most
pos_in_bag = torch.arange(flat.numel()) - offsets.repeat_interleave(lengths)
recency = 0.5 ** (lengths.repeat_interleave(lengths) - 1 - pos_in_bag).float()
print("recency weights:", recency)
weighted = bag_sum(flat, offsets, per_sample_weights=recency)
print("weighted bags grad_fn:", type(weighted.grad_fn).__name__, weighted.shape)
try:
    bag_mean(flat, offsets, per_sample_weights=recency)
except Exception as e:
    print(type(e).__name__ + ":", e)

# include_last_offset: offsets carry the end of the last bag too
off_full = torch.cat([offsets, torch.tensor([flat.numel()])])
bag_last = nn.EmbeddingBag(n_items, dim, mode="sum", include_last_offset=True, _weight=bag_sum.weight.detach().clone())
print("include_last_offset matches:", torch.equal(bag_last(flat, off_full).detach(), s))

# 2D input (fixed-length bags) with a padding index that does not contribute
padded = torch.zeros(len(lengths), int(lengths.max()), dtype=torch.long)
for b, (o, l) in enumerate(zip(offsets.tolist(), lengths.tolist())):
    padded[b, :l] = flat[o:o + l]
print("padded histories:\n", padded)
bag_pad = nn.EmbeddingBag(n_items, dim, mode="mean", padding_idx=0)
with torch.no_grad():
    bag_pad.weight.copy_(bag_sum.weight)
    bag_pad.weight[0].zero_()
print("padding-aware mean equals offsets mean:", torch.allclose(bag_pad(padded), m, atol=1e-6))

# functional form, with the same weight
fw = F.embedding_bag(flat, bag_sum.weight, offsets, mode="sum", per_sample_weights=recency)
print("functional == module:", torch.allclose(fw, weighted))


# ---- sparse-gradient model: user bag -> score against candidate items ----
class BagRecommender(nn.Module):
    def __init__(self, n_items, dim):
        super().__init__()
        self.history = nn.EmbeddingBag(n_items, dim, mode="mean", sparse=True)
        self.target = nn.Embedding(n_items, dim, sparse=True)
        self.proj = nn.Linear(dim, dim, bias=False)

    def forward(self, flat, offsets, cand):
        h = self.proj(self.history(flat, offsets))       # (B, d)
        return (h.unsqueeze(1) * self.target(cand)).sum(-1)  # (B, C)


rec = BagRecommender(n_items, dim)
print(rec)
cand = torch.randint(0, n_items, (len(lengths), 3))
labels = torch.zeros(len(lengths), 3)
labels[:, 0] = 1.0
out = rec(flat, offsets, cand)
loss = F.binary_cross_entropy_with_logits(out, labels)
loss.backward()
g = rec.target.weight.grad
print("target grad is sparse:", g.is_sparse, g.layout, g.shape)
gc = g.coalesce()
print("touched rows:", gc.indices().squeeze(0).tolist())
dense = gc.to_dense()
print("rows with a gradient are the candidates:", torch.equal(dense.abs().sum(1).nonzero().squeeze(1), cand.unique()))
print("history grad nnz rows:", rec.history.weight.grad.coalesce().indices().numel(),
      "proj grad is sparse:", rec.proj.weight.grad.is_sparse)

sparse_params = list(rec.history.parameters()) + list(rec.target.parameters())
dense_params = list(rec.proj.parameters())
opt_sparse = torch.optim.SparseAdam(sparse_params, lr=0.05)
opt_dense = torch.optim.Adam(dense_params, lr=0.05)
print(opt_sparse)
untouched = torch.tensor([i for i in range(n_items) if i not in set(flat.tolist()) | set(cand.flatten().tolist())])
before = rec.target.weight[untouched].detach().clone()
for step in range(60):
    opt_sparse.zero_grad()
    opt_dense.zero_grad()
    out = rec(flat, offsets, cand)
    loss = F.binary_cross_entropy_with_logits(out, labels)
    loss.backward()
    opt_sparse.step()
    opt_dense.step()
    if step % 20 == 0 or step == 59:
        print(f"step {step:2d} loss {loss.item():.4f}")
print("untouched rows unchanged:", torch.equal(before, rec.target.weight[untouched].detach()))
print("final probs:\n", torch.sigmoid(rec(flat, offsets, cand)).detach())
state = opt_sparse.state_dict()["state"]
print("SparseAdam state keys:", sorted(state[0].keys()), int(state[0]["step"]))

# ---- LightGCN propagation over the normalised user-item graph, built as in its reference code ----
n_users = len(lengths)
users = torch.arange(n_users).repeat_interleave(lengths)
rows = torch.cat([users, flat + n_users])
cols = torch.cat([flat + n_users, users])
deg = torch.bincount(rows, minlength=n_users + n_items).float()
d_inv = deg.pow(-0.5)
d_inv[torch.isinf(d_inv)] = 0.0
adj = torch.sparse.FloatTensor(torch.stack([rows, cols]), d_inv[rows] * d_inv[cols],
                               torch.Size([n_users + n_items] * 2)).coalesce()
print("adjacency:", adj.shape, "nnz", adj._nnz(), "coalesced", adj.is_coalesced(),
      isinstance(adj, torch.sparse.FloatTensor), adj.type())
emb0 = nn.Parameter(0.1 * torch.randn(n_users + n_items, dim))
gcn_opt = torch.optim.Adam([emb0], lr=0.05)
for step in range(30):
    layers = [emb0]
    for _ in range(2):
        layers.append(torch.sparse.mm(adj, layers[-1]))
    final = torch.stack(layers, 1).mean(1)
    u_e, i_e = final[:n_users], final[n_users:]
    pos = flat[offsets]                                  # each user's first item as the positive
    neg = torch.randint(0, n_items, (n_users,))
    bpr = -F.logsigmoid((u_e * i_e[pos]).sum(1) - (u_e * i_e[neg]).sum(1)).mean()
    loss = bpr + 1e-4 * emb0.pow(2).sum()
    gcn_opt.zero_grad()
    loss.backward()
    gcn_opt.step()
    if step % 10 == 9:
        print(f"LightGCN step {step + 1} bpr {bpr.item():.4f}")
print("LightGCN top-3 for user 0:", (u_e[0] @ i_e.T).topk(3).indices.tolist(), "history", flat[:3].tolist())

try:
    rec.zero_grad()
    F.binary_cross_entropy_with_logits(rec(flat, offsets, cand), labels).backward()
    torch.optim.Adam(sparse_params, lr=0.01).step()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.optim.SparseAdam(dense_params, lr=0.01)
    rec.zero_grad()
    F.binary_cross_entropy_with_logits(rec(flat, offsets, cand), labels).backward()
    torch.optim.SparseAdam(dense_params, lr=0.01).step()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    nn.EmbeddingBag(n_items, dim)(flat, torch.tensor([1, 3]))
except Exception as e:
    print(type(e).__name__ + ":", e)
try:
    nn.EmbeddingBag(n_items, dim)(flat.view(1, -1), offsets)
except Exception as e:
    print(type(e).__name__ + ":", e)
