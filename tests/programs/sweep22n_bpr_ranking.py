"""Implicit feedback with BPR as in recsys tutorials: a binary interaction matrix, leave-one-out
split, negative sampling (uniform torch.randint with rejection, and torch.multinomial over item
popularity), BPR loss via F.logsigmoid, Adagrad/Adam, and ranking metrics computed with tensors:
HR@k, recall@k, NDCG@k (topk + torch.log2), MRR, plus printed top-k recommendations."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
n_users, n_items = 24, 50
pop = torch.linspace(2.0, 0.2, n_items)
probs = (pop / pop.sum()).expand(n_users, n_items)
inter = torch.zeros(n_users, n_items)
for u in range(n_users):
    liked = torch.multinomial(probs[u], 8, replacement=False)
    inter[u, liked] = 1.0
print("interactions", int(inter.sum().item()), inter.sum(1)[:6].tolist(), inter.sum(0)[:6].tolist())

# leave-one-out: hold out one random positive per user
test_items = torch.empty(n_users, dtype=torch.long)
train = inter.clone()
for u in range(n_users):
    pos = inter[u].nonzero(as_tuple=True)[0]
    pick = pos[torch.randint(len(pos), (1,))]
    test_items[u] = pick
    train[u, pick] = 0.0
print("test items", test_items.tolist()[:10], int(train.sum().item()))
pairs = train.nonzero()
print("pairs", pairs.shape, pairs[:3].tolist())
item_pop = train.sum(0)
neg_dist = item_pop.pow(0.75) + 1e-3


def sample_negatives_uniform(u, n):
    negs = torch.randint(0, n_items, (n,))
    bad = train[u, negs] > 0
    while bad.any():
        negs[bad] = torch.randint(0, n_items, (int(bad.sum()),))
        bad = train[u, negs] > 0
    return negs


def sample_negatives_pop(u, n):
    negs = torch.multinomial(neg_dist, n, replacement=True)
    bad = train[u, negs] > 0
    while bad.any():
        negs[bad] = torch.multinomial(neg_dist, int(bad.sum()), replacement=True)
        bad = train[u, negs] > 0
    return negs


class BPRMF(nn.Module):
    def __init__(self, n_users, n_items, dim=16):
        super().__init__()
        self.user_emb = nn.Embedding(n_users, dim)
        self.item_emb = nn.Embedding(n_items, dim)
        nn.init.normal_(self.user_emb.weight, std=0.1)
        nn.init.normal_(self.item_emb.weight, std=0.1)

    def forward(self, u, i, j):
        eu = self.user_emb(u)
        x_ui = torch.mul(eu, self.item_emb(i)).sum(dim=1)
        x_uj = torch.mul(eu, self.item_emb(j)).sum(dim=1)
        return x_ui, x_uj

    def full_scores(self):
        return self.user_emb.weight @ self.item_emb.weight.T


def bpr_loss(x_ui, x_uj, model, reg=1e-4):
    loss = -F.logsigmoid(x_ui - x_uj).mean()
    l2 = model.user_emb.weight.norm(2).pow(2) + model.item_emb.weight.norm(2).pow(2)
    return loss + reg * l2 / 2


def metrics(scores, k=10):
    scores = scores.masked_fill(train.bool(), float("-inf"))
    _, topk = torch.topk(scores, k, dim=1)
    hit_pos = topk == test_items.unsqueeze(1)
    hr = hit_pos.any(dim=1).float().mean()
    recall = hit_pos.float().sum(1).div(1.0).mean()
    discount = 1.0 / torch.log2(torch.arange(2, k + 2, dtype=torch.float32))
    ndcg = (hit_pos.float() * discount).sum(1).mean()
    ranks = (scores > scores.gather(1, test_items.view(-1, 1))).sum(1) + 1
    mrr = (1.0 / ranks.float()).mean()
    return hr.item(), recall.item(), ndcg.item(), mrr.item(), topk


torch.manual_seed(1)
model = BPRMF(n_users, n_items)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
with torch.no_grad():
    hr, rec, ndcg, mrr, _ = metrics(model.full_scores())
print(f"init HR@10 {hr:.4f} recall {rec:.4f} NDCG {ndcg:.4f} MRR {mrr:.4f}")
for epoch in range(8):
    g = torch.Generator().manual_seed(epoch)
    idx = torch.randperm(len(pairs), generator=g)
    total = 0.0
    for start in range(0, len(pairs), 48):
        batch = pairs[idx[start:start + 48]]
        u, i = batch[:, 0], batch[:, 1]
        sampler = sample_negatives_uniform if epoch % 2 == 0 else sample_negatives_pop
        j = torch.stack([sampler(int(uu), 1)[0] for uu in u])
        x_ui, x_uj = model(u, i, j)
        loss = bpr_loss(x_ui, x_uj, model)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    with torch.no_grad():
        hr, rec, ndcg, mrr, topk = metrics(model.full_scores())
    print(f"epoch {epoch} loss {total:.3f} HR@10 {hr:.4f} NDCG {ndcg:.4f} MRR {mrr:.4f}")

negs = sample_negatives_pop(0, 6)
print("negatives for user 0", negs.tolist(), bool((train[0, negs] == 0).all()))
print("logsigmoid", F.logsigmoid(torch.tensor([-30.0, -1.0, 0.0, 2.0, 40.0])).round(decimals=4))
print("logsigmoid module", nn.LogSigmoid()(torch.tensor([[0.5, -0.5]])).round(decimals=4))
with torch.no_grad():
    s = model.full_scores()
for u in range(3):
    print(f"user {u} held-out {test_items[u].item()} recs {topk[u, :5].tolist()}")
print("topk sorted", torch.equal(s.masked_fill(train.bool(), -1e9).topk(5, sorted=True).values,
                                   s.masked_fill(train.bool(), -1e9).sort(descending=True).values[:, :5]))

# weighted multinomial without replacement across a batch of rows, and hit-rate with isin
torch.manual_seed(5)
batch_probs = torch.softmax(torch.randn(4, n_items), dim=1)
samples = torch.multinomial(batch_probs, 5)
print("multinomial rows", samples.tolist())
print("unique per row", [len(set(r)) for r in samples.tolist()])
hits = torch.isin(test_items[:4], samples.flatten())
print("isin", hits.tolist(), torch.bincount(samples.flatten(), minlength=n_items)[:10].tolist())
ranked = torch.argsort(s[:4], dim=1, descending=True)
pos_rank = (ranked == test_items[:4, None]).nonzero()[:, 1]
print("positions", pos_rank.tolist(), (1 / (pos_rank + 1).float()).round(decimals=4).tolist())

# LightGCN-style propagation over the sparse user-item graph (symmetric normalisation with
# torch.sparse.sum + torch.sparse.mm) and attention-weighted neighbours via torch.sparse.softmax
n_nodes = n_users + n_items
ui = train.nonzero().t()
edges = torch.cat([torch.stack([ui[0], ui[1] + n_users]), torch.stack([ui[1] + n_users, ui[0]])], dim=1)
adj = torch.sparse_coo_tensor(edges, torch.ones(edges.shape[1]), (n_nodes, n_nodes)).coalesce()
deg = torch.sparse.sum(adj, dim=1).to_dense()
d_inv_sqrt = deg.pow(-0.5)
d_inv_sqrt[torch.isinf(d_inv_sqrt)] = 0.0
r, c = adj.indices()
norm_adj = torch.sparse_coo_tensor(adj.indices(), d_inv_sqrt[r] * adj.values() * d_inv_sqrt[c], adj.shape)
print("graph", adj.shape, adj._nnz(), deg[:4].tolist(), norm_adj.is_coalesced())
torch.manual_seed(9)
ego = torch.cat([model.user_emb.weight, model.item_emb.weight]).detach().requires_grad_()
layers = [ego]
for _ in range(2):
    layers.append(torch.sparse.mm(norm_adj, layers[-1]))
final = torch.stack(layers, dim=1).mean(dim=1)
u_final, i_final = torch.split(final, [n_users, n_items])
print("lightgcn", final.shape, u_final[0, :4].round(decimals=3))
final[:3].pow(2).sum().backward()
print("ego grad", ego.grad.shape, ego.grad.abs().sum(1).nonzero().numel())
att_logits = torch.sparse_coo_tensor(adj.indices(), (ego[r] * ego[c]).sum(1).detach() * 10, adj.shape)
att = torch.sparse.softmax(att_logits, dim=1)
print("attention", att.layout, att._nnz(), torch.sparse.sum(att, dim=1).to_dense()[:5].round(decimals=4))
print("attention row 0", att.coalesce().values()[:4].round(decimals=3))
logp = torch.sparse.log_softmax(att_logits, dim=1)
print("log attention", logp.coalesce().values()[:3].round(decimals=3))
with torch.no_grad():
    lg_scores = u_final @ i_final.T
    hr, rec, ndcg, mrr, topk = metrics(lg_scores)
print(f"lightgcn HR@10 {hr:.4f} NDCG {ndcg:.4f} MRR {mrr:.4f}")
# random-walk normalisation D^-1 A as sparse * dense, and a residual propagation with sparse.addmm
rw_adj = adj * deg.clamp(min=1).reciprocal().unsqueeze(1)
print("row-normalised", rw_adj.layout, rw_adj.is_coalesced(), torch.sparse.sum(rw_adj, dim=1).to_dense()[:4].tolist())
with torch.no_grad():
    h = torch.sparse.addmm(ego, rw_adj, ego, beta=0.5, alpha=0.5)
print("residual", h.shape, h[0, :4].round(decimals=3))
# the same symmetric normalisation as a product of sparse matrices: D^-1/2 @ A @ D^-1/2
d_mat = torch.sparse_coo_tensor(torch.arange(n_nodes).repeat(2, 1), d_inv_sqrt, (n_nodes, n_nodes))
norm_adj2 = torch.sparse.mm(torch.sparse.mm(d_mat, adj), d_mat)
print("sparse @ sparse", norm_adj2.layout, norm_adj2._nnz(), norm_adj2.is_coalesced(),
      torch.allclose(norm_adj2.to_dense(), norm_adj.to_dense()), norm_adj2.values()[:3].round(decimals=4))
