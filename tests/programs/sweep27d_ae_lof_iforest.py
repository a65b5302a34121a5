"""Unsupervised anomaly scoring, as in anomaly-detection course notebooks: an autoencoder trained on
normal data with a reconstruction-error threshold from quantiles (interpolation modes, nanquantile,
kthvalue), a local outlier factor built from cdist / topk / gather, an isolation-forest style
ensemble of random axis-aligned splits with the c(n) path-length normaliser, and ROC AUC /
average precision / precision at k computed with sort, cumsum, searchsorted and trapezoid."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
d, n_norm, n_anom = 6, 300, 30
W = torch.randn(2, d)
latent = torch.randn(n_norm, 2)
x_norm = latent @ W + 0.1 * torch.randn(n_norm, d)           # normal data live near a 2-d plane
x_anom = torch.randn(n_anom, d) * 1.2
X = torch.cat([x_norm, x_anom])
y = torch.cat([torch.zeros(n_norm, dtype=torch.bool), torch.ones(n_anom, dtype=torch.bool)])
perm = torch.randperm(X.shape[0])
X, y = X[perm], y[perm]
train_mask = ~y & (torch.rand(X.shape[0]) < 0.7)
print("train size", train_mask.sum().item(), "eval size", (~train_mask).sum().item())
mean, std = X[train_mask].mean(0), X[train_mask].std(0, unbiased=True)
Xs = (X - mean) / std


# --- autoencoder ------------------------------------------------------------------------------
class AE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d, 8), nn.Tanh(), nn.Linear(8, 2))
        self.decoder = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, d))

    def forward(self, x):
        return self.decoder(self.encoder(x))


ae = AE()
opt = torch.optim.AdamW(ae.parameters(), lr=5e-3, weight_decay=1e-3)
xtr = Xs[train_mask]
for step in range(300):
    idx = torch.randint(0, xtr.shape[0], (64,))
    loss = F.mse_loss(ae(xtr[idx]), xtr[idx])
    opt.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(ae.parameters(), max_norm=1.0)
    opt.step()
    if step % 100 == 99:
        print(f"step {step + 1} loss {loss.item():.4f}")

ae.eval()
with torch.inference_mode():
    recon = ae(Xs)
    err = F.mse_loss(recon, Xs, reduction="none").mean(dim=1)
print("err is_inference:", err.is_inference(), "requires_grad:", err.requires_grad)
train_err = err[train_mask]
for mode in ["linear", "lower", "higher", "midpoint", "nearest"]:
    thr = torch.quantile(train_err, 0.95, interpolation=mode)
    print(f"  {mode:8s} threshold {thr.item():.4f}  flagged {(err[~train_mask] > thr).sum().item()}")
qs = torch.quantile(train_err.reshape(-1, 1).repeat(1, 3), torch.tensor([0.25, 0.5, 0.75]), dim=0, keepdim=True)
print("quartiles shape", tuple(qs.shape))
with_nan = train_err.clone()
with_nan[::10] = float("nan")
print(f"nanquantile {torch.nanquantile(with_nan, 0.5).item():.4f} quantile {torch.quantile(with_nan, 0.5).item()}")
k = int(0.95 * train_err.numel())
print(f"kthvalue {torch.kthvalue(train_err, k).values.item():.4f}")
per_feature = (recon - Xs).pow(2)[y]
print("worst feature per anomaly:", torch.bincount(per_feature.argmax(1), minlength=d).tolist())


# --- local outlier factor -----------------------------------------------------------------------
def lof(data, k=10):
    D = torch.cdist(data, data)
    D.fill_diagonal_(float("inf"))
    knn_d, knn_i = torch.topk(D, k, dim=1, largest=False)      # sorted ascending
    k_dist = knn_d[:, -1]
    reach = torch.maximum(knn_d, k_dist[knn_i])               # reach-dist_k(p, o) = max(k-dist(o), d(p,o))
    lrd = 1.0 / (reach.mean(dim=1) + 1e-10)
    return (lrd[knn_i].mean(1) / lrd), knn_i


lof_scores, nbrs = lof(Xs)
print("LOF of first five:", lof_scores[:5])
print("neighbour index dtype", nbrs.dtype, "shape", tuple(nbrs.shape))
D1 = torch.cdist(Xs[:5], Xs[:7], p=1)
print("manhattan cdist ok:", torch.allclose(D1, (Xs[:5, None] - Xs[None, :7]).abs().sum(-1), atol=1e-5))


# --- isolation-style random splits ----------------------------------------------------------------
def c_factor(n):
    n = torch.as_tensor(n, dtype=torch.float32)
    h = torch.log(n - 1) + 0.5772156649
    return torch.where(n > 2, 2 * h - 2 * (n - 1) / n, (n == 2).float())


def path_lengths(data, sub, depth=0, limit=8):
    """Depth at which each point of ``data`` is isolated by a tree grown on ``sub``."""
    n = sub.shape[0]
    if depth >= limit or n <= 1:
        return torch.full((data.shape[0],), float(depth)) + c_factor(n)
    f = torch.randint(0, sub.shape[1], ()).item()
    lo, hi = sub[:, f].min(), sub[:, f].max()
    if lo == hi:
        return torch.full((data.shape[0],), float(depth)) + c_factor(n)
    split = lo + torch.rand(()) * (hi - lo)
    go_left = data[:, f] < split
    out = torch.empty(data.shape[0])
    if go_left.any():
        out[go_left] = path_lengths(data[go_left], sub[sub[:, f] < split], depth + 1, limit)
    if (~go_left).any():
        out[~go_left] = path_lengths(data[~go_left], sub[sub[:, f] >= split], depth + 1, limit)
    return out


torch.manual_seed(11)
psi, n_trees = 64, 25
paths = torch.stack([path_lengths(Xs, Xs[torch.randperm(Xs.shape[0])[:psi]]) for _ in range(n_trees)])
iso = torch.pow(2.0, -paths.mean(0) / c_factor(psi))
print(f"c(64) = {c_factor(psi).item():.4f}  iso score range [{iso.min().item():.3f}, {iso.max().item():.3f}]")


# --- metrics ------------------------------------------------------------------------------------
def ranking_metrics(score, label):
    s, order = torch.sort(score, descending=True, stable=True)
    l = label[order].to(torch.float64)
    tp = l.cumsum(0)
    fp = (1 - l).cumsum(0)
    precision = tp / torch.arange(1, len(l) + 1, dtype=torch.float64)
    recall = tp / tp[-1]
    tpr = F.pad(recall, (1, 0))
    fpr = F.pad(fp / fp[-1], (1, 0))
    auc = torch.trapezoid(tpr, fpr)
    ap = (precision * l).sum() / l.sum()
    p_at_k = l[: int(label.sum())].mean()
    return auc.item(), ap.item(), p_at_k.item()


ev = ~train_mask
for name, sc in [("recon", err), ("lof", lof_scores), ("iforest", iso)]:
    auc, ap, pk = ranking_metrics(sc[ev], y[ev])
    print(f"{name:8s} AUC {auc:.4f} AP {ap:.4f} P@k {pk:.4f}")

thresholds = torch.linspace(0, err.max().item(), 5)
bins = torch.bucketize(err[ev], thresholds)
print("bucketized errors:", torch.bincount(bins, minlength=6).tolist())
pos = torch.searchsorted(torch.sort(train_err).values, err[ev][:6], right=True)
print("empirical p-values:", (1 - pos.float() / train_err.numel()))
print(torch.histc(lof_scores, bins=6, min=0.5, max=3.5))

for fn in [lambda: torch.quantile(train_err, 1.5),
           lambda: torch.quantile(train_err, 0.5, interpolation="middle"),
           lambda: torch.quantile(train_err.long(), 0.5),
           lambda: torch.topk(train_err, train_err.numel() + 1),
           lambda: torch.cdist(Xs[:3], Xs[:3, :4]),
           lambda: torch.kthvalue(train_err, 0),
           lambda: torch.histc(lof_scores, bins=len(lof_scores) / 50),
           lambda: torch.nanquantile(train_err, torch.tensor([0.5, 2.0]))]:
    try:
        fn()
    except (RuntimeError, ValueError, IndexError, TypeError) as e:
        print(type(e).__name__ + ":", e)
