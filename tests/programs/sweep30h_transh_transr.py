"""Translational models beyond TransE, in the style of OpenKE / textbook chapters: TransH (projection
onto relation hyperplanes with unit normals), TransR (per-relation projection matrices with bmm),
TransD (dynamic mapping from projection vectors), "bern" negative sampling from per-relation
tails-per-head / heads-per-tail statistics, nn.Embedding with max_norm / norm_type, soft
orthogonality constraints, F.margin_ranking_loss and SGD with a step scheduler."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(8)
n_ent, n_rel, d_e, d_r = 14, 3, 6, 4

# relation 0: 1-to-N, relation 1: N-to-1, relation 2: 1-to-1
one_to_n = torch.tensor([[0, 0, 5], [0, 0, 6], [0, 0, 7], [1, 0, 8], [1, 0, 9], [1, 0, 10]])
n_to_one = torch.tensor([[5, 1, 2], [6, 1, 2], [7, 1, 2], [8, 1, 3], [9, 1, 3]])
one_to_one = torch.stack([torch.arange(10, 14), torch.full((4,), 2), torch.arange(0, 4)], 1)
train = torch.cat([one_to_n, n_to_one, one_to_one])
print("train", train.shape)

# bern statistics: tph = average tails per head, hpt = average heads per tail, per relation
tph = torch.zeros(n_rel)
hpt = torch.zeros(n_rel)
for r in range(n_rel):
    tr = train[train[:, 1] == r]
    _, c_h = torch.unique(tr[:, 0], return_counts=True)
    _, c_t = torch.unique(tr[:, 2], return_counts=True)
    tph[r] = c_h.float().mean()
    hpt[r] = c_t.float().mean()
p_head = tph / (tph + hpt)
print("tph", tph, "hpt", hpt)
print("P(corrupt head)", p_head)


def corrupt(batch, gen):
    coin = torch.bernoulli(p_head[batch[:, 1]], generator=gen).bool()
    rnd = torch.randint(0, n_ent, (batch.size(0),), generator=gen)
    heads = torch.where(coin, rnd, batch[:, 0])
    tails = torch.where(coin, batch[:, 2], rnd)
    return torch.stack((heads, batch[:, 1], tails), dim=1)


class TransH(nn.Module):
    def __init__(self, p_norm=2):
        super().__init__()
        self.ent = nn.Embedding(n_ent, d_e, max_norm=1.0, norm_type=2.0)
        self.rel = nn.Embedding(n_rel, d_e)
        self.norm_vec = nn.Embedding(n_rel, d_e)
        for e in (self.ent, self.rel, self.norm_vec):
            nn.init.xavier_uniform_(e.weight.data)
        self.p_norm = p_norm

    def _transfer(self, e, norm):
        norm = F.normalize(norm, p=2, dim=-1)
        return e - torch.sum(e * norm, -1, True) * norm

    def forward(self, x):
        h, r, t = self.ent(x[:, 0]), self.rel(x[:, 1]), self.ent(x[:, 2])
        w = self.norm_vec(x[:, 1])
        h, t = self._transfer(h, w), self._transfer(t, w)
        return torch.norm(h + r - t, self.p_norm, -1)

    def orthogonality(self, eps=1e-3):
        w = F.normalize(self.norm_vec.weight, dim=-1)
        d = self.rel.weight
        return F.relu((w * d).sum(-1) ** 2 / d.norm(dim=-1) ** 2 - eps ** 2).sum()


class TransR(nn.Module):
    def __init__(self):
        super().__init__()
        self.ent = nn.Embedding(n_ent, d_e, max_norm=1.0)
        self.rel = nn.Embedding(n_rel, d_r, max_norm=1.0)
        self.M = nn.Parameter(torch.eye(d_r, d_e).repeat(n_rel, 1, 1) + 0.01 * torch.randn(n_rel, d_r, d_e))

    def forward(self, x):
        h = self.ent(x[:, 0]).unsqueeze(-1)
        t = self.ent(x[:, 2]).unsqueeze(-1)
        M = self.M[x[:, 1]]
        hp = torch.bmm(M, h).squeeze(-1)
        tp = torch.matmul(M, t).squeeze(-1)
        return (hp + self.rel(x[:, 1]) - tp).norm(p=1, dim=-1)


class TransD(nn.Module):
    def __init__(self):
        super().__init__()
        self.ent = nn.Embedding(n_ent, d_e, max_norm=1.0, norm_type=2)
        self.rel = nn.Embedding(n_rel, d_r, max_norm=1.0)
        self.ent_p = nn.Embedding(n_ent, d_e)
        self.rel_p = nn.Embedding(n_rel, d_r)
        nn.init.normal_(self.ent_p.weight, std=0.1)
        nn.init.normal_(self.rel_p.weight, std=0.1)

    def _resize(self, t, size):
        # truncate or zero-pad the last dimension, as OpenKE's _resize does
        if t.shape[-1] >= size:
            return t.narrow(-1, 0, size)
        return F.pad(t, (0, size - t.shape[-1]), mode="constant", value=0)

    def forward(self, x):
        r_p = self.rel_p(x[:, 1])
        def proj(e, e_p):
            return self._resize(e, d_r) + torch.sum(e * e_p, -1, keepdim=True) * r_p
        h = proj(self.ent(x[:, 0]), self.ent_p(x[:, 0]))
        t = proj(self.ent(x[:, 2]), self.ent_p(x[:, 2]))
        return torch.linalg.vector_norm(h + self.rel(x[:, 1]) - t, ord=2, dim=-1)


for cls in (TransH, TransR, TransD):
    torch.manual_seed(2)
    model = cls()
    print(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=25, gamma=0.5)
    gen = torch.Generator().manual_seed(4)
    for epoch in range(50):
        neg = corrupt(train, gen)
        pos_d, neg_d = model(train), model(neg)
        loss = F.margin_ranking_loss(neg_d, pos_d, torch.ones_like(pos_d), margin=1.0)
        if isinstance(model, TransH):
            loss = loss + 0.1 * model.orthogonality()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if epoch % 25 == 24:
            print(f"  {cls.__name__} epoch {epoch + 1} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.4f}")
    with torch.no_grad():
        norms = model.ent.weight.norm(dim=1)
        print("  entity norms <= 1:", bool((norms <= 1 + 1e-5).all()), "max", f"{norms.max():.4f}")
        cand = train[:, None, :].repeat(1, n_ent, 1)
        cand[:, :, 2] = torch.arange(n_ent)
        d = model(cand.view(-1, 3)).view(train.size(0), n_ent)
        rank = (d < d.gather(1, train[:, 2:]))
        print("  tail ranks", (rank.sum(1) + 1).tolist())

# max_norm renormalises the looked-up rows in place (and only those)
torch.manual_seed(0)
emb = nn.Embedding(5, 3, max_norm=1.0, norm_type=1.0)
before = emb.weight.detach().clone()
out = emb(torch.tensor([1, 3, 3]))
print("L1 norms after lookup", emb.weight.detach().abs().sum(1))
print("untouched rows equal:", torch.equal(before[[0, 2, 4]], emb.weight.detach()[[0, 2, 4]]))
print(out)
print("F.embedding max_norm inf-norm:",
      F.embedding(torch.tensor([0, 4]), before.clone(), max_norm=0.5, norm_type=float("inf")))
w = before.clone()
torch.embedding_renorm_(w, torch.tensor([0, 2]), 0.8, 2.0)
print("embedding_renorm_", w.norm(dim=1))
print("renorm", torch.renorm(before, p=2, dim=0, maxnorm=1.0).norm(dim=1))
print("MarginRankingLoss(sum)", nn.MarginRankingLoss(margin=0.5, reduction="sum")(
    torch.tensor([0.2, 1.0, 2.0]), torch.tensor([1.0, 0.1, 1.9]), torch.tensor([1.0, -1.0, 1.0])))
try:
    F.margin_ranking_loss(torch.zeros(3), torch.zeros(3), torch.ones(2))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    nn.Embedding(4, 2)(torch.tensor([4]))
except IndexError as e:
    print("IndexError:", e)
try:
    nn.Embedding(4, 2)(torch.tensor([1.0]))
except RuntimeError as e:
    print("RuntimeError:", e)
