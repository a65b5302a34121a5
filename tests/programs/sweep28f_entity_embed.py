"""Entity embeddings for a synthetic "store sales" table, as in the fast.ai / Kaggle Rossmann write-ups:
per-column cardinalities and the embedding-size rule of thumb, an EmbeddingBag for a multi-hot column,
smoothed target encoding with scatter_add / bincount, a stratified split, class weights in
cross_entropy, BatchNorm1d on the numeric block, and per-column statistics printed as a table."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(28)

N = 360
card = {"store": 12, "dow": 7, "promo": 2, "region": 5}
cats = torch.stack([torch.randint(0, c, (N,)) for c in card.values()], dim=1)
num = torch.randn(N, 3) * torch.tensor([2.0, 0.5, 30.0]) + torch.tensor([5.0, 0.0, 100.0])
num[torch.rand(N) < 0.05, 1] = float("nan")             # a few missing values
tags = torch.randint(0, 9, (N, 3))                       # multi-hot "tags" column, 3 tags per row
tags[torch.rand(N, 3) < 0.3] = 0                         # 0 means no tag (padding)
logit = (0.6 * (cats[:, 1] >= 5).float() + 0.8 * cats[:, 2].float() - 0.02 * (num[:, 2] - 100)
         + 0.3 * torch.nan_to_num(num[:, 1]) - 0.4 * (cats[:, 3] == 4).float())
y = torch.bucketize(logit + 0.3 * torch.randn(N), torch.tensor([0.2, 1.0]))
print("classes", y.unique(return_counts=True))
print("cats dtype", cats.dtype, "shape", tuple(cats.shape), "max per column", cats.amax(0).tolist())

# ---- per-column statistics -----------------------------------------------------------------------
print(f"{'col':>6} {'mean':>9} {'std':>9} {'min':>9} {'median':>9} {'max':>9} {'nan':>4}")
for j, name in enumerate(["price", "disc", "visits"]):
    col = num[:, j]
    ok = col[~col.isnan()]
    print(f"{name:>6} {col.nanmean().item():9.4f} {ok.std().item():9.4f} {ok.min().item():9.4f} "
          f"{col.nanmedian().item():9.4f} {ok.max().item():9.4f} {int(col.isnan().sum()):4d}")
q = torch.nanquantile(num, torch.tensor([0.25, 0.5, 0.75]), dim=0)
print("quartiles\n", q)

# ---- stratified split ----------------------------------------------------------------------------
g = torch.Generator().manual_seed(3)
train_idx, test_idx = [], []
for c in range(3):
    idx = (y == c).nonzero(as_tuple=True)[0]
    idx = idx[torch.randperm(idx.numel(), generator=g)]
    k = int(round(0.75 * idx.numel()))
    train_idx.append(idx[:k])
    test_idx.append(idx[k:])
train_idx, test_idx = torch.cat(train_idx).sort().values, torch.cat(test_idx).sort().values
print("split", train_idx.numel(), test_idx.numel(), "train class share",
      (torch.bincount(y[train_idx]) / train_idx.numel()).round(decimals=3))

# ---- impute with the training median; standardise with training statistics ------------------------
med = num[train_idx].nanmedian(dim=0).values
num = torch.where(num.isnan(), med, num)
mu, sd = num[train_idx].mean(0), num[train_idx].std(0, unbiased=True)
num_z = (num - mu) / sd
print("imputed nan left:", num.isnan().any().item(), " z mean", num_z[train_idx].mean(0).abs().lt(1e-5).tolist())

# ---- smoothed target encoding of "store" (for the positive class 2) --------------------------------
store_tr = cats[train_idx, 0]
pos = (y[train_idx] == 2).float()
s_sum = torch.zeros(card["store"]).scatter_add_(0, store_tr, pos)
s_cnt = torch.bincount(store_tr, minlength=card["store"]).float()
prior, m = pos.mean(), 10.0
te = (s_sum + m * prior) / (s_cnt + m)
print("target enc", te.round(decimals=4))
print("store counts", s_cnt.long())


# ---- the model -----------------------------------------------------------------------------------
def emb_size(n):
    return min(8, round(1.6 * n ** 0.56))


class EntityNet(nn.Module):
    def __init__(self, cards, n_num, n_tags, n_out):
        super().__init__()
        self.embeds = nn.ModuleList([nn.Embedding(c, emb_size(c)) for c in cards])
        self.tag_bag = nn.EmbeddingBag(n_tags, 4, mode="mean", padding_idx=0)
        self.emb_drop = nn.Dropout(0.1)
        self.bn = nn.BatchNorm1d(n_num)
        d_in = sum(e.embedding_dim for e in self.embeds) + 4 + n_num + 1
        self.mlp = nn.Sequential(nn.Linear(d_in, 32), nn.ReLU(), nn.BatchNorm1d(32),
                                 nn.Dropout(0.2), nn.Linear(32, n_out))

    def forward(self, x_cat, x_num, x_tags, x_te):
        e = [emb(x_cat[:, i]) for i, emb in enumerate(self.embeds)]
        e.append(self.tag_bag(x_tags))
        x = torch.cat(e + [self.bn(x_num), x_te.unsqueeze(1)], dim=1)
        return self.mlp(self.emb_drop(x))


model = EntityNet(list(card.values()), 3, 9, 3)
print(model)
print("embedding sizes", [tuple(e.weight.shape) for e in model.embeds])
print("params", sum(p.numel() for p in model.parameters()),
      "trainable", sum(p.numel() for p in model.parameters() if p.requires_grad))
print("bag padding row", model.tag_bag.weight[0])

counts = torch.bincount(y[train_idx], minlength=3).float()
cw = counts.sum() / (3 * counts)
print("class weights", cw)
opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-5)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)

te_all = te[cats[:, 0]]
for epoch in range(24):
    model.train()
    perm = train_idx[torch.randperm(train_idx.numel())]
    tot = 0.0
    for b in perm.split(64):
        logits = model(cats[b], num_z[b], tags[b], te_all[b])
        loss = F.cross_entropy(logits, y[b], weight=cw, label_smoothing=0.05)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        tot += loss.item() * b.numel()
    sched.step()
    if epoch % 6 == 5:
        model.eval()
        with torch.no_grad():
            p = model(cats[test_idx], num_z[test_idx], tags[test_idx], te_all[test_idx]).argmax(1)
        acc = (p == y[test_idx]).float().mean().item()
        print(f"epoch {epoch + 1:2d} loss {tot / train_idx.numel():.3f} test acc {acc:.3f} lr {sched.get_last_lr()[0]:.5f}")

# ---- what the embeddings learned ---------------------------------------------------------------
with torch.no_grad():
    w = model.embeds[1].weight                       # day of week
    sim = F.cosine_similarity(w.unsqueeze(1), w.unsqueeze(0), dim=-1)
    print("dow embedding norms", w.norm(dim=1).round(decimals=2))
    print("dow similarity shape", sim.shape, "diag ones", torch.allclose(sim.diagonal(), torch.ones(7)))
    print("bag padding row still zero", model.tag_bag.weight[0].eq(0).all().item())
    print("running mean", model.bn.running_mean.round(decimals=2), "batches", model.bn.num_batches_tracked)

# ---- a half-precision copy of the tag bag for serving ----------------------------------------------
half_bag = nn.EmbeddingBag(9, 4, mode="sum").half()
with torch.no_grad():
    half_bag.weight.copy_(model.tag_bag.weight * 37.0)
    hb = half_bag(tags[:4], per_sample_weights=torch.tensor([[0.5, 1.5, 3.0]] * 4, dtype=torch.half))
print("half bag", hb.dtype, hb)
print("half vs float", (hb.float() - F.embedding_bag(tags[:4], model.tag_bag.weight.detach() * 37.0, mode="sum",
                                                     per_sample_weights=torch.tensor([[0.5, 1.5, 3.0]] * 4)))
      .abs().max().item() < 0.2)

# ---- error cases a user runs into ----------------------------------------------------------------
for bad in [lambda: model.embeds[0](torch.tensor([12])),
            lambda: model.embeds[0](torch.tensor([1.0])),
            lambda: model.tag_bag(torch.tensor([1, 2, 3])),
            lambda: model.tag_bag(torch.tensor([[1, 2, 9]])),
            lambda: nn.EmbeddingBag(9, 4, mode="max")(torch.tensor([[1, 2, 9]])),
            lambda: F.embedding(torch.tensor([1, 2]), torch.arange(5.0)),
            lambda: F.embedding_bag(torch.tensor([[1, 2]]), torch.arange(12).view(6, 2)),
            lambda: F.cross_entropy(torch.randn(4, 3), torch.tensor([0, 1, 2, 3])),
            lambda: F.cross_entropy(torch.randn(4, 3), torch.tensor([0, 1, 2, 1]), weight=torch.ones(2))]:
    try:
        bad()
    except (IndexError, RuntimeError, ValueError) as e:
        print(type(e).__name__ + ":", str(e).split("\n")[0])
print("emb_size rule", [emb_size(c) for c in (2, 7, 12, 100, 1000)], math.isclose(1.6 * 7 ** 0.56, 4.0, abs_tol=1))
