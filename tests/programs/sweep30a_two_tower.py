"""Two-tower retrieval as in a candidate-generation tutorial: user and item towers (embeddings of ids
plus categorical/dense features through small MLPs), L2-normalised outputs, in-batch sampled softmax
with a temperature and the logQ popularity correction, AdamW with gradient clipping and a cosine
schedule, then brute-force retrieval over the whole catalogue (matrix product, torch.topk, masking
of seen items), recall@k, and an approximate nearest-neighbour check with torch.cdist."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(31)
n_users, n_items, n_genres, d = 60, 80, 5, 8
item_genre = torch.randint(0, n_genres, (n_items,))
item_price = torch.rand(n_items, 1) * 10
user_age = torch.randint(18, 70, (n_users, 1)).float()
# users like one genre each; interactions follow a Zipf-ish popularity
fav = torch.randint(0, n_genres, (n_users,))
pop = 1.0 / torch.arange(1, n_items + 1).float() ** 0.7
aff = (item_genre.unsqueeze(0) == fav.unsqueeze(1)).float() * 2.0 + pop.log().unsqueeze(0)
probs = F.softmax(aff, dim=1)
hist = torch.multinomial(probs, 6, replacement=False)          # (n_users, 6)
pairs = torch.stack([torch.arange(n_users).repeat_interleave(6), hist.flatten()], 1)
print("pairs:", pairs.shape, "unique items:", pairs[:, 1].unique().numel())
item_freq = torch.bincount(pairs[:, 1], minlength=n_items).float()
log_q = torch.log((item_freq + 1) / (item_freq + 1).sum())
print("most frequent items:", item_freq.argsort(descending=True)[:5].tolist())


class Tower(nn.Module):
    def __init__(self, n_ids, n_cat, dense_dim, d):
        super().__init__()
        self.id_emb = nn.Embedding(n_ids, d)
        self.cat_emb = nn.Embedding(n_cat, 4)
        self.mlp = nn.Sequential(nn.Linear(d + 4 + dense_dim, 16), nn.GELU(), nn.LayerNorm(16), nn.Linear(16, d))

    def forward(self, ids, cats, dense):
        x = torch.cat([self.id_emb(ids), self.cat_emb(cats), dense], dim=-1)
        return F.normalize(self.mlp(x), p=2, dim=-1)


user_tower = Tower(n_users, n_genres, 1, d)
item_tower = Tower(n_items, n_genres, 1, d)
print(user_tower)
age_z = (user_age - user_age.mean()) / user_age.std()
price_z = (item_price - item_price.mean()) / item_price.std()


def users_repr(u):
    return user_tower(u, fav[u], age_z[u])


def items_repr(i):
    return item_tower(i, item_genre[i], price_z[i])


params = list(user_tower.parameters()) + list(item_tower.parameters())
opt = torch.optim.AdamW(params, lr=0.01, weight_decay=0.01)
epochs, bs, temp = 25, 32, 0.1
steps = epochs * math.ceil(len(pairs) / bs)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=1e-4)
for ep in range(epochs):
    perm = torch.randperm(len(pairs))
    tot, norms = 0.0, []
    for b in perm.split(bs):
        u, i = pairs[b, 0], pairs[b, 1]
        logits = users_repr(u) @ items_repr(i).T / temp
        logits = logits - log_q[i].unsqueeze(0)       # logQ correction for in-batch negatives
        # the same item may appear twice in a batch: mask accidental hits other than the diagonal
        same = (i.unsqueeze(0) == i.unsqueeze(1)) & ~torch.eye(len(b), dtype=torch.bool)
        logits = logits.masked_fill(same, float("-inf"))
        loss = F.cross_entropy(logits, torch.arange(len(b)))
        opt.zero_grad()
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(params, max_norm=1.0).item())
        opt.step()
        sched.step()
        tot += loss.item() * len(b)
    if ep % 6 == 0 or ep == epochs - 1:
        print(f"epoch {ep:2d} loss {tot / len(pairs):.3f} max grad norm {max(norms):.3f} "
              f"lr {sched.get_last_lr()[0]:.5f}")

# ---- retrieval over the whole catalogue ----
user_tower.eval()
item_tower.eval()
with torch.inference_mode():
    U = users_repr(torch.arange(n_users))
    V = items_repr(torch.arange(n_items))
    print("unit norms:", torch.allclose(U.norm(dim=1), torch.ones(n_users)), U.is_inference())
    scores = U @ V.T
    seen = torch.zeros(n_users, n_items, dtype=torch.bool)
    seen[pairs[:, 0], pairs[:, 1]] = True
    # held-out truth: the two highest-affinity unseen items of each user
    truth = aff.masked_fill(seen, -1e9).topk(2, dim=1).indices
    masked = scores.masked_fill(seen, float("-inf"))
    for k in (5, 10, 20):
        topk = masked.topk(k, dim=1).indices
        hit = (topk.unsqueeze(2) == truth.unsqueeze(1)).any(1).float()
        print(f"recall@{k}: {hit.mean().item():.4f}")
    top = masked.topk(5, dim=1)
    print("user 0 top-5:", top.indices[0].tolist(), "genre", fav[0].item(), "->", item_genre[top.indices[0]].tolist())
    print("user 0 scores:", top.values[0])
    genre_match = (item_genre[top.indices] == fav.unsqueeze(1)).float().mean()
    print("genre precision@5:", round(genre_match.item(), 4))
    # cosine distance via cdist on unit vectors: ||u - v||^2 = 2 - 2 u.v
    dist = torch.cdist(U[:4], V)
    by_dist = dist.argsort(dim=1)[:, :5]
    print("cdist ranks agree:", torch.equal(by_dist, scores[:4].argsort(dim=1, descending=True)[:, :5]))
    print("max |d^2 - (2 - 2s)|:", (dist.pow(2) - (2 - 2 * scores[:4])).abs().max().item() < 1e-5)

try:
    U.requires_grad_(True)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.cross_entropy(torch.randn(4, 4), torch.arange(5))
except ValueError as e:
    print("ValueError:", e)
try:
    torch.randn(3, 8) @ torch.randn(7, 8)
except RuntimeError as e:
    print("RuntimeError:", e)
