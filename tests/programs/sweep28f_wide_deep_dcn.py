"""Wide & Deep and Deep & Cross (DCN-v2, with its low-rank mixture-of-experts cross layer) for a click
prediction table: hashed cross-product features for the wide part (sparse embeddings trained with
SparseAdam), bucketized numeric columns, an MLP deep part trained with Adagrad, BCEWithLogitsLoss with
pos_weight, ROC-AUC by the trapezoidal rule, and log-loss / calibration printed per bucket."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2028)
N, HASH = 512, 97
user = torch.randint(0, 20, (N,))
item = torch.randint(0, 15, (N,))
hour = torch.randint(0, 24, (N,))
price = torch.distributions.LogNormal(2.0, 0.6).sample((N,))
age = torch.distributions.Gamma(torch.tensor(9.0), torch.tensor(0.25)).sample((N,))
true = 1.2 * ((user % 3) == (item % 3)).float() - 0.04 * (price - 8) + 0.5 * torch.sin(hour / 24 * 6.2832) - 0.8
clicked = torch.bernoulli(torch.sigmoid(true))
print("CTR", clicked.mean().item().__round__(4), "price", price.dtype, price.min().item() > 0)

# ---- feature engineering -------------------------------------------------------------------------
price_edges = torch.quantile(price, torch.linspace(0, 1, 6)[1:-1])
price_b = torch.bucketize(price, price_edges)
age_b = torch.bucketize(age, torch.tensor([25.0, 35.0, 50.0]), right=True)
print("price edges", price_edges.round(decimals=3), "bucket counts", torch.bincount(price_b))
print("age bucket counts", torch.bincount(age_b, minlength=4).tolist())
cross = (user * 1_000_003 + item * 7919) % HASH               # hashed user x item cross
cross2 = torch.remainder(price_b * 31 + hour // 6 * 17 + age_b, HASH)
wide_idx = torch.stack([cross, cross2], 1)
print("hash collisions", N - torch.unique(torch.stack([user, item], 1), dim=0).shape[0],
      "distinct buckets", cross.unique().numel(), wide_idx.dtype)
dense = torch.stack([price.log(), (age - age.mean()) / age.std(), torch.sin(hour * 0.2618), torch.cos(hour * 0.2618)], 1)
print("dense stats", dense.mean(0)[[0, 2, 3]].round(decimals=3), dense.std(0).round(decimals=3))


class CrossLayerV2(nn.Module):
    """x_{l+1} = x0 * (W x_l + b) + x_l"""

    def __init__(self, d):
        super().__init__()
        self.lin = nn.Linear(d, d)

    def forward(self, x0, x):
        return x0 * self.lin(x) + x


class CrossMix(nn.Module):
    """DCN-Mix: experts U_i (V_i^T x) gated by a softmax over experts."""

    def __init__(self, d, r, k):
        super().__init__()
        self.U = nn.Parameter(torch.empty(k, d, r))
        self.V = nn.Parameter(torch.empty(k, d, r))
        self.C = nn.Parameter(torch.empty(k, r, r))
        self.b = nn.Parameter(torch.zeros(d))
        self.gate = nn.Linear(d, k, bias=False)
        for p in (self.U, self.V, self.C):
            nn.init.xavier_normal_(p)

    def forward(self, x0, x):
        v = torch.tanh(torch.einsum("bd,kdr->bkr", x, self.V))
        v = torch.tanh(torch.einsum("bkr,krs->bks", v, self.C))
        u = torch.einsum("bks,kds->bkd", v, self.U)
        experts = x0.unsqueeze(1) * (u + self.b)                      # (b, k, d)
        g = F.softmax(self.gate(x), dim=-1).unsqueeze(-1)
        return (g * experts).sum(1) + x


class WideDeepCross(nn.Module):
    def __init__(self, n_user, n_item, d_dense):
        super().__init__()
        self.wide = nn.Embedding(HASH, 1, sparse=True)
        nn.init.zeros_(self.wide.weight)
        self.u = nn.Embedding(n_user, 6, sparse=True)
        self.i = nn.Embedding(n_item, 6, sparse=True)
        d = 12 + d_dense
        self.cross = nn.ModuleList([CrossLayerV2(d), CrossMix(d, 3, 2)])
        self.deep = nn.Sequential(nn.Linear(d, 24), nn.SiLU(), nn.LayerNorm(24), nn.Linear(24, 12), nn.SiLU())
        self.head = nn.Linear(d + 12, 1)

    def forward(self, u, i, dense, wide_idx):
        x0 = torch.cat([self.u(u), self.i(i), dense], dim=-1)
        x = x0
        for layer in self.cross:
            x = layer(x0, x)
        h = torch.cat([x, self.deep(x0)], dim=-1)
        return self.head(h).squeeze(-1) + self.wide(wide_idx).sum(dim=(1, 2))


model = WideDeepCross(20, 15, dense.shape[1])
sparse_p = [model.wide.weight, model.u.weight, model.i.weight]
sparse_ids = {id(p) for p in sparse_p}
dense_p = [p for p in model.parameters() if id(p) not in sparse_ids]
print("sparse params", [tuple(p.shape) for p in sparse_p], "dense tensors", len(dense_p))
opt_sparse = torch.optim.SparseAdam(sparse_p, lr=0.02)
opt_dense = torch.optim.Adagrad(dense_p, lr=0.05, lr_decay=1e-4, initial_accumulator_value=0.1)
n_pos = clicked.sum()
crit = nn.BCEWithLogitsLoss(pos_weight=(N - n_pos) / n_pos)
print(crit, "pos_weight", crit.pos_weight.round(decimals=4))

tr, te = torch.arange(N) < 400, torch.arange(N) >= 400
for epoch in range(15):
    perm = torch.randperm(400)
    for b in perm.split(100):
        logit = model(user[b], item[b], dense[b], wide_idx[b])
        loss = crit(logit, clicked[b])
        opt_sparse.zero_grad()
        opt_dense.zero_grad()
        loss.backward()
        if epoch == 0 and b is perm.split(100)[0] or (epoch == 0 and b.numel() == 100 and b[0] == perm[0]):
            gw = model.wide.weight.grad
            print("wide grad", gw.layout, gw.is_sparse, tuple(gw.shape), "nnz rows", gw.coalesce().indices().shape)
        norm = nn.utils.clip_grad_norm_(dense_p, max_norm=5.0)
        opt_sparse.step()
        opt_dense.step()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1} loss {loss.item():.3f} grad norm {norm.item():.3f}")


def roc_auc(score, label):
    order = score.argsort(descending=True)
    lab = label[order]
    tpr = torch.cat([torch.zeros(1), lab.cumsum(0) / lab.sum()])
    fpr = torch.cat([torch.zeros(1), (1 - lab).cumsum(0) / (1 - lab).sum()])
    return torch.trapezoid(tpr, fpr)


model.eval()
with torch.no_grad():
    s = model(user[te], item[te], dense[te], wide_idx[te])
    p = torch.sigmoid(s)
    auc = roc_auc(s, clicked[te])
    ll = F.binary_cross_entropy(p, clicked[te])
    print(f"test AUC {auc.item():.3f} logloss {ll.item():.3f}")
    bins = torch.clamp((p * 5).long(), max=4)
    for k in range(5):
        m = bins == k
        if m.any():
            print(f"  bucket {k}: n={int(m.sum()):3d} mean p={p[m].mean().item():.3f} ctr={clicked[te][m].mean().item():.3f}")
    print("histc of p", torch.histc(p, bins=5, min=0, max=1))
    w = model.wide.weight.squeeze(1)
    print("wide weights touched", (w != 0).sum().item(), "top buckets", w.topk(3).indices.tolist())
    print("gates", F.softmax(model.cross[1].gate(torch.cat([model.u(user[:3]), model.i(item[:3]), dense[:3]], 1)), -1))

print("state", opt_sparse.state_dict()["param_groups"][0]["lr"], sorted(opt_dense.state_dict()["param_groups"][0])[:4])
try:
    torch.optim.SparseAdam([torch.zeros(3, requires_grad=True)], lr=-1)
except ValueError as e:
    print("ValueError:", e)
try:
    bad = nn.Embedding(3, 2, sparse=True)
    bad(torch.tensor([0, 1])).sum().backward()
    torch.optim.Adam(bad.parameters()).step()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    dense_only = torch.zeros(3, requires_grad=True)
    (dense_only * 2).sum().backward()
    torch.optim.SparseAdam([dense_only]).step()
except RuntimeError as e:
    print("RuntimeError:", e)
