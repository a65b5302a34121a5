"""Relation networks (Sung et al. 2018) and matching networks (Vinyals et al. 2016) for few-shot
classification of synthetic feature vectors: pairwise concatenation with expand/repeat, a learned
relation module regressed onto one-hot targets with MSE, cosine-similarity attention over the support
set, and a bidirectional LSTM for "full context embeddings".  Plus siamese pair/triplet losses."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2018)
N, K, Q, D = 5, 2, 3, 10


def episode(gen, n=N, k=K, q=Q):
    protos = torch.randn(n, D, generator=gen)
    s = protos.unsqueeze(1) + 0.5 * torch.randn(n, k, D, generator=gen)
    qx = protos.unsqueeze(1) + 0.5 * torch.randn(n, q, D, generator=gen)
    return s, qx.reshape(n * q, D), torch.arange(n).repeat_interleave(q)


gen = torch.Generator().manual_seed(1)
s, qx, qy = episode(gen)
print("support", s.shape, "query", qx.shape, "labels", qy)


class Embed(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(D, 24), nn.LayerNorm(24), nn.GELU(), nn.Linear(24, 16))

    def forward(self, x):
        return self.net(x)


class RelationModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(32, 16), nn.ReLU(inplace=True), nn.Linear(16, 1), nn.Sigmoid())

    def forward(self, pairs):
        return self.fc(pairs).squeeze(-1)


embed, relation = Embed(), RelationModule()
print(relation)


def relation_scores(s, qx):
    n, k, _ = s.shape
    cls = embed(s.reshape(n * k, D)).view(n, k, -1).sum(1)          # class features: sum of shots
    qe = embed(qx)
    m = qe.shape[0]
    pairs = torch.cat([cls.unsqueeze(0).expand(m, -1, -1), qe.unsqueeze(1).expand(-1, n, -1)], dim=2)
    return relation(pairs)                                          # (m, n) in (0, 1)


scores = relation_scores(s, qx)
print("relation scores", scores.shape, scores.grad_fn.name())
targets = F.one_hot(qy, N).float()
print("one-hot", targets[:4])
opt = torch.optim.Adam(list(embed.parameters()) + list(relation.parameters()), lr=1e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=60, eta_min=1e-4)
for step in range(60):
    s, qx, qy = episode(gen)
    scores = relation_scores(s, qx)
    loss = F.mse_loss(scores, F.one_hot(qy, N).to(scores.dtype))
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 15 == 14:
        acc = (scores.argmax(1) == qy).float().mean()
        print(f"relation step {step + 1} mse {loss.item():.4f} acc {acc.item():.3f} lr {opt.param_groups[0]['lr']:.6f}")

try:
    F.one_hot(torch.tensor([0, 5]), 5)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.one_hot(torch.tensor([0.0, 1.0]), 3)
except RuntimeError as e:
    print("RuntimeError:", e)
print("one_hot infer", F.one_hot(torch.tensor([[0, 2], [1, 1]])))


# ---- matching networks with full context embeddings
class FCE(nn.Module):
    """g: a bidirectional LSTM over the support set; f: attention LSTM over it for the queries."""

    def __init__(self, d=16, steps=3):
        super().__init__()
        self.g = nn.LSTM(d, d, batch_first=True, bidirectional=True)
        self.f = nn.LSTMCell(2 * d, d)
        self.steps = steps

    def forward(self, sup, qry):
        out, (h_n, c_n) = self.g(sup.unsqueeze(0))
        fwd, bwd = out[0].chunk(2, dim=-1)
        g_sup = sup + fwd + bwd
        h = qry
        c = torch.zeros_like(qry)
        for _ in range(self.steps):
            attn = F.softmax(h @ g_sup.t(), dim=1)
            r = attn @ g_sup
            h, c = self.f(torch.cat([qry, r], 1), (h, c))
            h = h + qry
        return g_sup, h


fce = FCE()
print(fce)
for name, p in fce.g.named_parameters():
    print(" ", name, tuple(p.shape))
s, qx, qy = episode(gen)
with torch.no_grad():
    sup_e = embed(s.reshape(-1, D))
    qry_e = embed(qx)
    g_sup, f_q = fce(sup_e, qry_e)
    print("fce shapes", g_sup.shape, f_q.shape)
    sup_y = torch.arange(N).repeat_interleave(K)
    sim = F.cosine_similarity(f_q.unsqueeze(1), g_sup.unsqueeze(0), dim=2, eps=1e-8)
    attn = F.softmax(sim * 10, dim=1)
    probs = attn @ F.one_hot(sup_y, N).float()
    print("matching probs sum to one", torch.allclose(probs.sum(1), torch.ones(15)), probs.sum(1).round(decimals=3)[:5])
    print("matching acc", f"{(probs.argmax(1) == qy).float().mean().item():.4f}")
    # the same with normalized embeddings and einsum
    sim2 = torch.einsum("qd,sd->qs", F.normalize(f_q, dim=1), F.normalize(g_sup, dim=1))
    print("einsum cosine matches", torch.allclose(sim, sim2, atol=1e-5))
    # scatter the attention mass per class instead of a one-hot matmul
    probs2 = torch.zeros(qx.shape[0], N).scatter_add_(1, sup_y.expand(qx.shape[0], -1), attn)
    print("scatter_add matches", torch.allclose(probs, probs2, atol=1e-6))
    print("index_add per class", torch.zeros(N).index_add_(0, sup_y, attn[0]))
    bmm = torch.bmm(f_q.unsqueeze(0), g_sup.t().unsqueeze(0)).squeeze(0)
    print("bmm == matmul", torch.allclose(bmm, f_q @ g_sup.t(), atol=1e-5))

# ---- siamese verification: pairs and triplets
gen2 = torch.Generator().manual_seed(5)
x = torch.randn(8, D, generator=gen2)
pairs = torch.combinations(torch.arange(4), r=2)
print("pairs", pairs.t())
grid = torch.cartesian_prod(torch.arange(2), torch.arange(3))
print("cartesian", grid.tolist())
e = embed(x)
a, b = e[pairs[:, 0]], e[pairs[:, 1]]
same = torch.tensor([1, -1, -1, 1, -1, 1])
l_cos = nn.CosineEmbeddingLoss(margin=0.2)(a, b, same)
l_pd = F.pairwise_distance(a, b, p=2, eps=1e-6)
print("cosine embedding loss", f"{l_cos.item():.4f}", l_cos.grad_fn.name())
print("pairwise distances", l_pd.detach())
contrastive = torch.where(same > 0, l_pd ** 2, F.relu(1.5 - l_pd) ** 2).mean()
print("contrastive", f"{contrastive.item():.4f}")
anchor, pos, neg = e[:3], e[3:6], e[5:8]
trip = nn.TripletMarginLoss(margin=1.0, p=2, swap=True)
print("triplet", f"{trip(anchor, pos, neg).item():.4f}")
trip_cos = nn.TripletMarginWithDistanceLoss(distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), margin=0.5)
print("triplet cosine", f"{trip_cos(anchor, pos, neg).item():.4f}")
idx = torch.tril_indices(4, 4, offset=-1)
print("tril indices", idx)
dist = torch.cdist(e[:4], e[:4])
print("lower-triangle distances", dist[idx[0], idx[1]].detach())
print("pdist", F.pdist(e[:4]).detach())
try:
    nn.CosineEmbeddingLoss()(a, b, same[:5])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.cosine_similarity(torch.randn(3, 4), torch.randn(2, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
