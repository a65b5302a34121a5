"""Tabular classification, Kaggle style: entity embeddings for categorical columns plus a BatchNorm MLP
on standardised numeric columns; class weights, WeightedRandomSampler, early stopping on validation
loss, and hand-written metrics (accuracy, precision/recall/F1, confusion matrix, ROC-AUC)."""
import copy
import io
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler

torch.manual_seed(11)
random.seed(11)
np.random.seed(11)

# ---- synthetic "customer churn" table ----
N = 1500
cat_cardinalities = {"region": 6, "plan": 4, "channel": 3}
cats = torch.stack([torch.randint(0, n, (N,)) for n in cat_cardinalities.values()], dim=1)
age = torch.normal(40.0, 12.0, (N,)).clamp(18, 90)
tenure = torch.poisson(torch.full((N,), 24.0))
spend = torch.exp(torch.randn(N) * 0.5 + 3.0)
spend[torch.randperm(N)[:30]] = float("nan")
nums = torch.stack([age, tenure, spend], dim=1)
logit = (-2.2 + 0.04 * (age - 40) - 0.06 * (tenure - 24) + 0.8 * (cats[:, 1] == 3).float()
         + 0.5 * (cats[:, 0] == 2).float() + 0.02 * torch.nan_to_num(spend, nan=20.0))
y = torch.bernoulli(torch.sigmoid(logit)).long()
print("positives:", y.sum().item(), "of", N, "->", f"{y.float().mean().item():.3f}")
print("missing spend:", torch.isnan(nums[:, 2]).sum().item())
print("numeric summary (nanmean):", [f"{v:.2f}" for v in torch.nanmean(nums, dim=0).tolist()])

# split
perm = torch.randperm(N)
tr, va, te = perm[:1000], perm[1000:1250], perm[1250:]

# impute with train medians, then standardise with train statistics
med = torch.nanmedian(nums[tr], dim=0).values
print("train medians:", med.round(decimals=2))
nums = torch.where(torch.isnan(nums), med, nums)
nums[:, 2] = torch.log1p(nums[:, 2])
mu, sd = nums[tr].mean(0), nums[tr].std(0)
nums = (nums - mu) / sd
print("standardised train std:", nums[tr].std(0).round(decimals=3))

for j, (name, n) in enumerate(cat_cardinalities.items()):
    vals, counts = torch.unique(cats[tr, j], return_counts=True)
    print(f"{name}: levels {vals.tolist()} counts {counts.tolist()}")


class TabularDataset(Dataset):
    def __init__(self, idx):
        self.c, self.x, self.y = cats[idx], nums[idx], y[idx]

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.c[i], self.x[i], self.y[i]


class_counts = torch.bincount(y[tr])
class_weights = len(tr) / (2.0 * class_counts.float())
print("class counts:", class_counts, "weights:", class_weights.round(decimals=3))
sample_w = class_weights[y[tr]].double()
sampler = WeightedRandomSampler(sample_w, num_samples=len(tr), replacement=True,
                                generator=torch.Generator().manual_seed(0))
train_dl = DataLoader(TabularDataset(tr), batch_size=64, sampler=sampler)
val_dl = DataLoader(TabularDataset(va), batch_size=250)
seen = torch.cat([yb for _, _, yb in train_dl])
print(f"balanced by sampler: {seen.float().mean().item():.2f}")


def emb_dim(n):
    return min(8, (n + 1) // 2)


class TabNet(nn.Module):
    def __init__(self, cards, n_num, hidden=(64, 32), p=0.2):
        super().__init__()
        self.embs = nn.ModuleList([nn.Embedding(n, emb_dim(n)) for n in cards])
        self.emb_drop = nn.Dropout(0.1)
        self.bn_num = nn.BatchNorm1d(n_num)
        d = sum(emb_dim(n) for n in cards) + n_num
        layers = []
        for h in hidden:
            layers += [nn.Linear(d, h, bias=False), nn.BatchNorm1d(h), nn.SiLU(), nn.Dropout(p)]
            d = h
        self.mlp = nn.Sequential(*layers)
        self.out = nn.Linear(d, 2)

    def forward(self, c, x):
        e = torch.cat([emb(c[:, i]) for i, emb in enumerate(self.embs)], dim=1)
        z = torch.cat([self.emb_drop(e), self.bn_num(x)], dim=1)
        return self.out(self.mlp(z))


model = TabNet(list(cat_cardinalities.values()), 3)
print(model)
for name, m in model.named_modules():
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        if m.bias is not None:
            nn.init.zeros_(m.bias)
loss_fn = nn.CrossEntropyLoss(weight=class_weights)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-3)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.3, patience=1, min_lr=1e-5)

best_loss, best_state, patience, bad = float("inf"), None, 3, 0
for epoch in range(20):
    model.train()
    for cb, xb, yb in train_dl:
        loss = loss_fn(model(cb, xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        vloss = sum(loss_fn(model(cb, xb), yb).item() for cb, xb, yb in val_dl) / len(val_dl)
    sched.step(vloss)
    improved = vloss < best_loss - 1e-3
    if improved:
        best_loss, best_state, bad = vloss, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
    print(f"epoch {epoch:2d} val {vloss:.2f} lr {opt.param_groups[0]['lr']:.5f}{' *' if improved else ''}")
    if bad >= patience:
        print("early stopping at epoch", epoch)
        break
model.load_state_dict(best_state)
print("bn running mean:", model.bn_num.running_mean.round(decimals=1), "batches:",
      model.bn_num.num_batches_tracked.item() > 0)


def metrics(logits, target):
    prob = logits.softmax(-1)[:, 1]
    pred = logits.argmax(-1)
    cm = torch.bincount(target * 2 + pred, minlength=4).view(2, 2)
    tn, fp, fn, tp = cm.flatten().tolist()
    acc = (tp + tn) / len(target)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    # ROC-AUC by sorting: TPR/FPR at every threshold, area by the trapezoid rule
    order = torch.argsort(prob, descending=True, stable=True)
    ys = target[order].float()
    tps = torch.cumsum(ys, 0)
    fps = torch.cumsum(1 - ys, 0)
    tpr = torch.cat([torch.zeros(1), tps / tps[-1]])
    fpr = torch.cat([torch.zeros(1), fps / fps[-1]])
    auc = torch.trapezoid(tpr, fpr).item()
    # rank formulation (Mann-Whitney) as a check
    ranks = torch.empty_like(prob)
    ranks[prob.argsort()] = torch.arange(1, len(prob) + 1, dtype=prob.dtype)
    npos = target.sum()
    auc2 = ((ranks[target == 1].sum() - npos * (npos + 1) / 2) / (npos * (len(target) - npos))).item()
    return cm, acc, prec, rec, f1, auc, auc2


model.eval()
with torch.no_grad():
    test = TabularDataset(te)
    logits = model(test.c, test.x)
cm, acc, prec, rec, f1, auc, auc2 = metrics(logits, test.y)
print(cm)
print(f"acc {acc:.3f} precision {prec:.3f} recall {rec:.3f} f1 {f1:.3f} auc {auc:.3f} auc(rank) {auc2:.3f}")
baseline = torch.zeros_like(test.y)
print(f"majority baseline acc {(baseline == test.y).float().mean().item():.3f}")

# embedding similarity for the 'plan' column
W = model.embs[1].weight.detach()
sim = F.cosine_similarity(W.unsqueeze(1), W.unsqueeze(0), dim=-1)
print("plan embedding cosine sim diag:", sim.diagonal().round(decimals=3))
print("one-hot plan:", F.one_hot(cats[:4, 1], num_classes=4))

# BCE with pos_weight variant on a single logit
head = nn.Linear(3, 1)
pos_weight = (class_counts[0] / class_counts[1]).reshape(1).float()
bce = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
l0 = bce(head(nums[tr]).squeeze(1), y[tr].float())
print(f"bce with pos_weight {l0.item():.4f} pos_weight {pos_weight.item():.3f}")

buf = io.BytesIO()
torch.save({"state": model.state_dict(), "mu": mu, "sd": sd, "med": med}, buf)
print("checkpoint bytes > 0:", buf.tell() > 0)
buf.seek(0)
state = torch.load(buf)
print(state["mu"].round(decimals=3), list(state["state"].keys())[:4])
