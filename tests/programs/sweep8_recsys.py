"""Recommender systems: matrix factorisation with embeddings, EmbeddingBag user profiles, NCF, top-k and hit-rate."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
n_users, n_items, dim = 30, 40, 8

# synthetic implicit feedback from a low-rank ground truth
true_u = torch.randn(n_users, 3)
true_i = torch.randn(n_items, 3)
scores = true_u @ true_i.T
ratings = (scores > 0.5).float()
users, items = ratings.nonzero(as_tuple=True)
print("interactions", users.numel(), "density", round(ratings.mean().item(), 4))


class MF(nn.Module):
    def __init__(self, n_users, n_items, dim, sparse=False):
        super().__init__()
        self.user_emb = nn.Embedding(n_users, dim, sparse=sparse)
        self.item_emb = nn.Embedding(n_items, dim, sparse=sparse)
        self.user_bias = nn.Embedding(n_users, 1, sparse=sparse)
        self.item_bias = nn.Embedding(n_items, 1, sparse=sparse)
        nn.init.normal_(self.user_emb.weight, std=0.1)
        nn.init.normal_(self.item_emb.weight, std=0.1)
        nn.init.zeros_(self.user_bias.weight)
        nn.init.zeros_(self.item_bias.weight)

    def forward(self, u, i):
        dot = (self.user_emb(u) * self.item_emb(i)).sum(dim=1)
        return dot + self.user_bias(u).squeeze(-1) + self.item_bias(i).squeeze(-1)


def sample_batch(bs=64):
    idx = torch.randint(0, users.numel(), (bs,))
    u, pos = users[idx], items[idx]
    neg = torch.randint(0, n_items, (bs,))
    uu = torch.cat([u, u])
    ii = torch.cat([pos, neg])
    yy = torch.cat([torch.ones(bs), ratings[u, neg]])
    return uu, ii, yy


# sparse embeddings with SparseAdam: the textbook pairing, each step touches only the looked-up rows
mf = MF(n_users, n_items, dim, sparse=True)
print(mf)
opt = torch.optim.SparseAdam(list(mf.parameters()), lr=0.05)
print(type(opt).__name__, opt.defaults["lr"], opt.defaults["betas"])
loss_fn = nn.BCEWithLogitsLoss()
for step in range(150):
    u, i, y = sample_batch()
    opt.zero_grad()
    loss = loss_fn(mf(u, i), y)
    loss.backward()
    if step == 0:
        g = mf.user_emb.weight.grad
        print("grad", g.is_sparse, g.layout, tuple(g.shape), g._nnz(), g.is_coalesced(), g.coalesce()._nnz())
        print("rows touched", g.coalesce().indices()[0, :8].tolist(), g.to_dense().abs().sum().item() > 0)
    opt.step()
    if step % 50 == 0:
        print(f"step {step:3d} bce {loss.item():.4f}")


@torch.no_grad()
def evaluate(score_fn, k=5):
    all_scores = score_fn()
    topk_scores, topk_items = all_scores.topk(k, dim=1)
    hits = ratings.gather(1, topk_items)
    precision = hits.mean().item()
    # NDCG@k
    discounts = 1.0 / torch.log2(torch.arange(2, k + 2).float())
    dcg = (hits * discounts).sum(1)
    ideal = torch.sort(ratings, dim=1, descending=True).values[:, :k]
    idcg = (ideal * discounts).sum(1).clamp(min=1e-8)
    ndcg = (dcg / idcg).mean().item()
    return precision, ndcg, topk_items


p, n, top = evaluate(lambda: mf.user_emb.weight @ mf.item_emb.weight.T + mf.item_bias.weight.T)
print(f"MF precision@5 {p:.4f} ndcg@5 {n:.4f}")
print("user 0 top items", top[0].tolist())

# user profiles as bags of liked items: EmbeddingBag with offsets
liked = [ratings[u].nonzero().flatten() for u in range(n_users)]
flat = torch.cat(liked)
lengths = torch.tensor([len(l) for l in liked])
offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)[:-1]])
print("bag input", flat.shape, "offsets", offsets[:5].tolist())
bag_mean = nn.EmbeddingBag(n_items, dim, mode="mean")
bag_sum = nn.EmbeddingBag.from_pretrained(mf.item_emb.weight.detach().clone(), mode="sum", freeze=True)
print(bag_mean, bag_sum, sep="\n")
with torch.no_grad():
    prof = bag_sum(flat, offsets)
    weights = torch.rand(flat.numel())
    prof_w = bag_sum(flat, offsets, per_sample_weights=weights)
    print(prof.shape, prof_w.shape, torch.allclose(prof[0], mf.item_emb.weight[liked[0]].sum(0), atol=1e-6))
    print("max bag", bag_mean(flat, offsets).shape, nn.EmbeddingBag(n_items, 4, mode="max")(flat[:6].view(2, 3)).shape)


class NCF(nn.Module):
    """GMF + MLP towers, the NeuMF layout."""

    def __init__(self, n_users, n_items, dim=8, layers=(16, 8)):
        super().__init__()
        self.gmf_u = nn.Embedding(n_users, dim, sparse=True)
        self.gmf_i = nn.Embedding(n_items, dim, sparse=True)
        self.mlp_u = nn.Embedding(n_users, dim, sparse=True)
        self.mlp_i = nn.Embedding(n_items, dim, sparse=True)
        mlp, d = [], 2 * dim
        for h in layers:
            mlp += [nn.Linear(d, h), nn.ReLU(), nn.Dropout(0.1)]
            d = h
        self.mlp = nn.Sequential(*mlp)
        self.predict = nn.Linear(dim + d, 1)

    def forward(self, u, i):
        gmf = self.gmf_u(u) * self.gmf_i(i)
        mlp = self.mlp(torch.cat([self.mlp_u(u), self.mlp_i(i)], dim=-1))
        return self.predict(torch.cat([gmf, mlp], dim=-1)).view(-1)


ncf = NCF(n_users, n_items)
# sparse embedding gradients go to SparseAdam, the dense towers to Adam
emb_params = [p for n, p in ncf.named_parameters() if n.split(".")[0] in ("gmf_u", "gmf_i", "mlp_u", "mlp_i")]
dense_params = [p for n, p in ncf.named_parameters() if n.split(".")[0] in ("mlp", "predict")]
opts = [torch.optim.SparseAdam(emb_params, lr=0.01), torch.optim.Adam(dense_params, lr=0.01)]
print(len(emb_params), len(dense_params))
for step in range(150):
    ncf.train()
    u, i, y = sample_batch()
    loss = F.binary_cross_entropy_with_logits(ncf(u, i), y, pos_weight=torch.tensor(1.5))
    for opt in opts:
        opt.zero_grad()
    loss.backward()
    for opt in opts:
        opt.step()
    if step % 50 == 0:
        print(f"ncf step {step:3d} loss {loss.item():.4f}")
ncf.eval()
uu = torch.arange(n_users).repeat_interleave(n_items)
ii = torch.arange(n_items).repeat(n_users)
p, n, top = evaluate(lambda: ncf(uu, ii).view(n_users, n_items))
print(f"NCF precision@5 {p:.4f} ndcg@5 {n:.4f}")

# hit-rate@10 with one held-out positive among 20 sampled negatives, and masking seen items
with torch.no_grad():
    s = torch.sigmoid(ncf(uu, ii).view(n_users, n_items))
    seen = torch.zeros(n_users, n_items, dtype=torch.bool)
    seen.scatter_(1, top[:, :2], True)
    s_masked = s.masked_fill(seen, float("-inf"))
    rank = (s_masked > s_masked.gather(1, top[:, 2:3])).sum(1)
    print("rank of 3rd pick after masking", rank[:8].tolist())
    onehot = torch.zeros(n_users, n_items).scatter_(1, top, 1.0)
    print("item popularity in top-5", onehot.sum(0).topk(3).indices.tolist(), torch.bincount(top.flatten(), minlength=n_items).max().item())
    print(s.dtype, s.shape, torch.argsort(s[0], descending=True)[:5].tolist() == top[0].tolist())
