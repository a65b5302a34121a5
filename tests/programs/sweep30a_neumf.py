"""Neural collaborative filtering (He et al. 2017) as in course code: a GMF branch and an MLP tower on
separate embeddings fused by a NeuMF head (torch.cat), trained on implicit feedback with sampled
negatives (torch.distributions over item popularity, rejection of positives), BCEWithLogitsLoss with
pos_weight, ReduceLROnPlateau, forward hooks, checkpointing through an in-memory torch.save, and
leave-one-out HR@10 / NDCG@10 over 1 positive + 49 sampled negatives."""
import copy
import io
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical, Bernoulli

torch.manual_seed(8)
n_users, n_items = 32, 64
logits_true = torch.randn(n_users, 3) @ torch.randn(3, n_items)
inter = Bernoulli(logits=logits_true - 1.5).sample()
inter[inter.sum(1) < 3, :3] = 1.0
print("interactions:", int(inter.sum()), "dtype", inter.dtype, "per user min/max:", inter.sum(1).aminmax())
counts = inter.sum(0)
u_ids, i_ids = inter.nonzero(as_tuple=True)
# leave the last positive of each user out
last = torch.zeros(n_users, dtype=torch.long)
last.scatter_reduce_(0, u_ids, i_ids, reduce="amax", include_self=False)
train = inter.clone()
train[torch.arange(n_users), last] = 0
print("held-out items:", last[:8].tolist())
neg_dist = Categorical(probs=(counts + 1) ** 0.75)
print(neg_dist, "entropy", f"{neg_dist.entropy().item():.4f}")


def sample_negatives(users, k):
    neg = neg_dist.sample((len(users), k))
    bad = train[users.unsqueeze(1), neg].bool()
    while bad.any():  # resample the ones that hit a positive
        neg[bad] = neg_dist.sample((int(bad.sum()),))
        bad = train[users.unsqueeze(1), neg].bool()
    return neg


class NeuMF(nn.Module):
    def __init__(self, n_users, n_items, k_gmf=8, layers=(32, 16, 8), dropout=0.1):
        super().__init__()
        self.emb = nn.ModuleDict({
            "gmf_u": nn.Embedding(n_users, k_gmf), "gmf_i": nn.Embedding(n_items, k_gmf),
            "mlp_u": nn.Embedding(n_users, layers[0] // 2), "mlp_i": nn.Embedding(n_items, layers[0] // 2),
        })
        mods = []
        for a, b in zip(layers[:-1], layers[1:]):
            mods += [nn.Linear(a, b), nn.ReLU(), nn.Dropout(dropout)]
        self.mlp = nn.Sequential(*mods)
        self.head = nn.Linear(k_gmf + layers[-1], 1)
        for e in self.emb.values():
            nn.init.normal_(e.weight, std=0.01)
        for m in self.mlp:
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.kaiming_uniform_(self.head.weight, a=1, nonlinearity="sigmoid")

    def forward(self, u, i):
        gmf = self.emb["gmf_u"](u) * self.emb["gmf_i"](i)
        mlp = self.mlp(torch.cat([self.emb["mlp_u"](u), self.emb["mlp_i"](i)], dim=-1))
        return self.head(torch.cat([gmf, mlp], dim=-1)).squeeze(-1)


model = NeuMF(n_users, n_items)
print(model)
print("head init:", model.head.weight.abs().max().item() <= math.sqrt(3.0) * math.sqrt(2 / 2) / math.sqrt(16))
acts = {}
hook = model.mlp[3].register_forward_hook(
    lambda m, inp, out: acts.__setitem__("relu2", (out > 0).float().mean().item()))
crit = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.0))
print(crit, crit.pos_weight)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=1)
pu, pi = train.nonzero(as_tuple=True)

# evaluation candidates: the held-out item + 49 sampled negatives (excluding all positives)
eval_neg = Categorical(probs=torch.ones(n_items)).sample((n_users, 200))
eval_neg = torch.stack([row[~inter[u, row].bool()][:49] for u, row in enumerate(eval_neg)])
cands = torch.cat([last.unsqueeze(1), eval_neg], dim=1)
print("candidates:", cands.shape, cands.dtype)


def evaluate(m):
    m.eval()
    with torch.no_grad():
        s = m(torch.arange(n_users).unsqueeze(1).expand_as(cands), cands)
    rank = (s > s[:, :1]).sum(1)     # items scored above the held-out one
    hr = (rank < 10).float().mean().item()
    ndcg = torch.where(rank < 10, 1.0 / torch.log2(rank.float() + 2), torch.zeros(())).mean().item()
    return hr, ndcg


best, best_state = -1.0, None
for ep in range(12):
    model.train()
    neg = sample_negatives(pu, 4)
    users = torch.cat([pu, pu.repeat_interleave(4)])
    items = torch.cat([pi, neg.flatten()])
    labels = torch.cat([torch.ones(len(pu)), torch.zeros(neg.numel())])
    perm = torch.randperm(len(users))
    tot = 0.0
    for b in perm.split(128):
        loss = crit(model(users[b], items[b]), labels[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    hr, ndcg = evaluate(model)
    plateau.step(ndcg)
    if ndcg > best:
        best = ndcg
        buf = io.BytesIO()
        torch.save({"model": model.state_dict(), "epoch": ep}, buf)
        best_state = buf.getvalue()
    if ep % 3 == 2:
        print(f"epoch {ep:2d} loss {tot / len(users):.4f} HR@10 {hr:.4f} NDCG@10 {ndcg:.4f} "
              f"lr {opt.param_groups[0]['lr']:.5f} relu2 active {acts['relu2']:.3f}")
hook.remove()

ckpt = torch.load(io.BytesIO(best_state))
restored = copy.deepcopy(model)
print("load:", restored.load_state_dict(ckpt["model"]), "best epoch", ckpt["epoch"])
print("restored HR/NDCG:", [round(v, 4) for v in evaluate(restored)])
missing = restored.load_state_dict({k: v for k, v in ckpt["model"].items() if not k.startswith("head")}, strict=False)
print("missing:", missing.missing_keys)
try:
    restored.load_state_dict({"head.weight": torch.zeros(2, 16)}, strict=False)
except RuntimeError as e:
    print("RuntimeError:", e)

# recommend for one user, masking training positives
with torch.no_grad():
    scores = restored(torch.full((n_items,), 3), torch.arange(n_items))
scores = scores.masked_fill(train[3].bool(), -float("inf"))
vals, idx = torch.sort(scores, descending=True)
print("user 3 top items:", idx[:5].tolist(), "held-out", last[3].item(), "rank", (idx == last[3]).nonzero().item())
print("sigmoid scores:", torch.sigmoid(vals[:5]))
print("branch weights (gmf vs mlp):", restored.head.weight[0, :8].norm().item() > 0, restored.head.weight.shape)
