"""TransE knowledge-graph embeddings (Bordes et al.) in the style of the popular from-scratch
implementations: entity / relation nn.Embedding tables initialised uniformly in +-6/sqrt(k), relation
vectors L2-normalised once, entities renormalised every batch under torch.no_grad (renorm_ /
F.normalize / embedding max_norm), corrupted triples by replacing head or tail with torch.randint and a
Bernoulli coin, nn.MarginRankingLoss over L1 / L2 distances, and filtered mean-rank / hits@k
evaluation with argsort; plus a DistMult scorer trained with softplus loss and a sparse-gradient
embedding with SparseAdam."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


class TripleDataset(Dataset):
    def __init__(self, triples):
        self.triples = triples

    def __len__(self):
        return self.triples.size(0)

    def __getitem__(self, idx):
        h, r, t = self.triples[idx]
        return h, r, t


class TransE(nn.Module):
    def __init__(self, entity_count, relation_count, dim=12, margin=1.0, norm=1):
        super().__init__()
        self.entity_count, self.relation_count = entity_count, relation_count
        self.dim, self.norm = dim, norm
        self.entities_emb = self._init_enitity_emb()
        self.relations_emb = self._init_relation_emb()
        self.criterion = nn.MarginRankingLoss(margin=margin, reduction="none")

    def _init_enitity_emb(self):
        entities_emb = nn.Embedding(num_embeddings=self.entity_count + 1, embedding_dim=self.dim,
                                    padding_idx=self.entity_count)
        uniform_range = 6 / np.sqrt(self.dim)
        entities_emb.weight.data.uniform_(-uniform_range, uniform_range)
        return entities_emb

    def _init_relation_emb(self):
        relations_emb = nn.Embedding(num_embeddings=self.relation_count + 1, embedding_dim=self.dim,
                                     padding_idx=self.relation_count)
        uniform_range = 6 / np.sqrt(self.dim)
        relations_emb.weight.data.uniform_(-uniform_range, uniform_range)
        # -1 to avoid nan for OOV vector
        relations_emb.weight.data[:-1, :].div_(relations_emb.weight.data[:-1, :].norm(p=1, dim=1, keepdim=True))
        return relations_emb

    def forward(self, positive_triplets, negative_triplets):
        # -1 to avoid nan for OOV vector
        self.entities_emb.weight.data[:-1, :].div_(self.entities_emb.weight.data[:-1, :].norm(p=2, dim=1, keepdim=True))
        assert positive_triplets.size()[1] == 3
        positive_distances = self._distance(positive_triplets)
        negative_distances = self._distance(negative_triplets)
        return self.loss(positive_distances, negative_distances), positive_distances, negative_distances

    def predict(self, triplets):
        return self._distance(triplets)

    def loss(self, positive_distances, negative_distances):
        target = torch.tensor([-1], dtype=torch.long)
        return self.criterion(positive_distances, negative_distances, target)

    def _distance(self, triplets):
        assert triplets.size()[1] == 3
        heads, relations, tails = triplets[:, 0], triplets[:, 1], triplets[:, 2]
        return (self.entities_emb(heads) + self.relations_emb(relations) - self.entities_emb(tails)).norm(
            p=self.norm, dim=1)


# synthetic graph: entities on a ring, relations = fixed hops
torch.manual_seed(0)
n_ent, n_rel = 20, 3
hops = torch.tensor([1, 3, 7])
heads = torch.arange(n_ent).repeat(n_rel)
rels = torch.arange(n_rel).repeat_interleave(n_ent)
tails = (heads + hops[rels]) % n_ent
triples = torch.stack([heads, rels, tails], dim=1)
perm = torch.randperm(len(triples))
train_triples, test_triples = triples[perm[:48]], triples[perm[48:]]
print("triples", triples.shape, triples.dtype, train_triples[:3].tolist())
known = set(map(tuple, triples.tolist()))

model = TransE(n_ent, n_rel, dim=12, margin=1.0, norm=1)
print(model.entities_emb, model.relations_emb.weight.shape)
print("rel l1 norms", model.relations_emb.weight[:-1].norm(p=1, dim=1).detach().round(decimals=4))
print("padding row", model.entities_emb.weight[-1].abs().sum().item())
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
loader = DataLoader(TripleDataset(train_triples), batch_size=16, shuffle=True)
for epoch in range(6):
    total = 0.0
    for h, r, t in loader:
        positive = torch.stack((h, r, t), dim=1)
        head_or_tail = torch.randint(high=2, size=h.size())
        random_entities = torch.randint(high=n_ent, size=h.size())
        broken_heads = torch.where(head_or_tail == 1, random_entities, h)
        broken_tails = torch.where(head_or_tail == 0, random_entities, t)
        negative = torch.stack((broken_heads, r, broken_tails), dim=1)
        optimizer.zero_grad()
        loss, pd, nd = model(positive, negative)
        loss.mean().backward()
        optimizer.step()
        total += loss.sum().item()
    print(f"epoch {epoch} loss {total / len(train_triples):.4f} pos {pd.mean().item():.3f} neg {nd.mean().item():.3f}")
print("ent norms", model.entities_emb.weight[:4].norm(dim=1).detach().round(decimals=3))
print("padding grad", model.entities_emb.weight.grad[-1].abs().sum().item())


@torch.no_grad()
def evaluate(model, test, filtered=True, ks=(1, 3, 10)):
    ranks = []
    all_ent = torch.arange(n_ent)
    for h, r, t in test.tolist():
        cand = torch.stack([torch.full((n_ent,), h), torch.full((n_ent,), r), all_ent], dim=1)
        d = model.predict(cand)
        if filtered:
            for e in range(n_ent):
                if e != t and (h, r, e) in known:
                    d[e] = float("inf")
        rank = (d.argsort() == t).nonzero().item() + 1
        ranks.append(rank)
    ranks = torch.tensor(ranks, dtype=torch.float)
    out = {"MR": ranks.mean().item(), "MRR": (1.0 / ranks).mean().item()}
    for k in ks:
        out[f"hits@{k}"] = (ranks <= k).float().mean().item()
    return out


res = evaluate(model, test_triples)
print({k: round(v, 3) for k, v in res.items()})

# renorm_ / normalize / max_norm variants of the entity constraint
w = torch.randn(5, 4) * 3
print("renorm_", w.clone().renorm_(p=2, dim=0, maxnorm=1.0).norm(dim=1).round(decimals=4))
print("renorm p1", torch.renorm(w, 1, 0, 2.0).abs().sum(1).round(decimals=4))
print("normalize", F.normalize(w, p=2, dim=1).norm(dim=1).round(decimals=4), F.normalize(torch.zeros(2, 3)))
emb = nn.Embedding(6, 4, max_norm=1.0)
with torch.no_grad():
    emb.weight.mul_(3)
idx = torch.tensor([0, 2, 2, 5])
out = emb(idx)
print("max_norm rows", emb.weight.norm(dim=1).round(decimals=4), out.norm(dim=1).detach().round(decimals=4))
with torch.no_grad():
    ent = nn.Embedding(4, 3)
    ent.weight.data = F.normalize(ent.weight.data, p=2, dim=-1)
    print("unit", ent.weight.norm(dim=-1).round(decimals=4), ent.weight.requires_grad)
try:
    torch.randn(3, 4).renorm_(p=2, dim=2, maxnorm=1.0)
except IndexError as e:
    print("IndexError:", e)
try:
    torch.randn(3, 4).renorm(p=-1, dim=0, maxnorm=1.0)
except RuntimeError as e:
    print("RuntimeError:", e)

# margin ranking loss directly
mrl = nn.MarginRankingLoss(margin=0.5)
x1, x2 = torch.tensor([1.0, 0.2, 0.7], requires_grad=True), torch.tensor([0.5, 0.9, 0.1])
yl = torch.tensor([1, -1, -1])
l = mrl(x1, x2, yl)
l.backward()
print("mrl", l, x1.grad, F.margin_ranking_loss(x1, x2, yl.float(), margin=0.1, reduction="sum"))
try:
    F.margin_ranking_loss(x1, x2, torch.ones(2))
except RuntimeError as e:
    print("RuntimeError:", e)

# DistMult with softplus loss and sparse embeddings trained by SparseAdam
torch.manual_seed(3)
E = nn.Embedding(n_ent, 8, sparse=True)
R = nn.Embedding(n_rel, 8, sparse=True)
nn.init.xavier_uniform_(E.weight)
nn.init.xavier_uniform_(R.weight)
opt = torch.optim.SparseAdam(list(E.parameters()) + list(R.parameters()), lr=0.05)
for step in range(8):
    b = train_triples[torch.randint(0, len(train_triples), (16,))]
    neg_t = torch.randint(0, n_ent, (16,))
    pos = (E(b[:, 0]) * R(b[:, 1]) * E(b[:, 2])).sum(-1)
    neg = (E(b[:, 0]) * R(b[:, 1]) * E(neg_t)).sum(-1)
    loss = F.softplus(-pos).mean() + F.softplus(neg).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"distmult loss {loss.item():.4f}", E.weight.grad.is_sparse, E.weight.grad.layout)
g = E.weight.grad.coalesce()
print("sparse grad", g.indices().shape[0], g.values().shape[1], g.to_dense().shape)
scores = (E.weight[0] * R.weight[1]) @ E.weight.t()
print("top tails for (0, r1)", scores.topk(3).indices.tolist(), "true", (0 + hops[1].item()) % n_ent)
print("cosine", F.cosine_similarity(E.weight[:3], E.weight[3:6], dim=1).detach().round(decimals=3))
print(f"{math.sqrt(12):.4f}", F.pairwise_distance(E.weight[:2], E.weight[2:4], p=1).detach().round(decimals=3))

# word2vec-style frequency scaling of embedding gradients (frequent entities get smaller steps)
torch.manual_seed(8)
freq_emb = nn.Embedding(n_ent, 4, scale_grad_by_freq=True)
print(freq_emb)
batch = train_triples[:12]
out = freq_emb(batch[:, 0]) + freq_emb(batch[:, 2])
out.pow(2).sum().backward()
counts = torch.bincount(torch.cat([batch[:, 0], batch[:, 2]]), minlength=n_ent)
print("counts", counts.tolist())
print("freq-scaled grad rows", freq_emb.weight.grad[counts > 1][:3])
plain_emb = nn.Embedding(n_ent, 4)
plain_emb.load_state_dict(freq_emb.state_dict())
(plain_emb(batch[:, 0]) + plain_emb(batch[:, 2])).pow(2).sum().backward()
ratio = plain_emb.weight.grad[counts > 0].norm(dim=1) / freq_emb.weight.grad[counts > 0].norm(dim=1)
print("ratio == count", torch.allclose(ratio, counts[counts > 0].float()), freq_emb.weight.grad.sum().item() != 0)

# DKRL-style entity descriptions: a bag of word embeddings per entity (EmbeddingBag, mean)
torch.manual_seed(9)
words = torch.randint(0, 15, (n_ent * 4,))
offsets = torch.arange(0, n_ent * 4, 4)
desc = nn.EmbeddingBag(15, 6, mode="mean", scale_grad_by_freq=True, padding_idx=0)
print(desc)
proj = desc(words, offsets)
loss = (proj[train_triples[:8, 0]] - proj[train_triples[:8, 2]]).pow(2).sum()
loss.backward()
print(f"desc loss {loss.item():.4f}", desc.weight.grad[0].abs().sum().item(), desc.weight.grad[1:4].round(decimals=4))
