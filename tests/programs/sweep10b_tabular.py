"""Tabular classification as a course project writes it: categorical columns through nn.Embedding,
numeric columns through BatchNorm1d, an imbalanced target handled by WeightedRandomSampler,
random_split with a seeded Generator, hand-written metrics (confusion matrix with bincount, precision,
recall, F1, ROC-AUC by sorting), ReduceLROnPlateau and early stopping."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler, random_split

torch.manual_seed(7)

# ---- synthetic table ------------------------------------------------------------------------------
N = 400
cat_a = torch.randint(0, 5, (N,))
cat_b = torch.randint(0, 3, (N,))
num = torch.randn(N, 4) * torch.tensor([1.0, 10.0, 0.1, 3.0]) + torch.tensor([0.0, 50.0, 1.0, -2.0])
score = 0.8 * num[:, 0] + 0.05 * (num[:, 1] - 50) + (cat_a == 2).float() * 1.5 - 2.2
y = (score + 0.5 * torch.randn(N) > 0).long()
print("table", cat_a.shape, num.shape, y.dtype, "positives", y.sum().item(), "of", N)
print("one-hot", F.one_hot(cat_b[:5]), F.one_hot(cat_b[:3], num_classes=4).dtype)
print("counts", torch.bincount(cat_a), torch.bincount(y, minlength=3))

ds = TensorDataset(cat_a, cat_b, num, y)
g = torch.Generator().manual_seed(0)
train_ds, val_ds, test_ds = random_split(ds, [0.6, 0.2, 0.2], generator=g)
print(type(train_ds).__name__, len(train_ds), len(val_ds), len(test_ds), train_ds.indices[:6])
parts = random_split(range(10), [3, 7], generator=torch.Generator().manual_seed(1))
print([list(p) for p in parts])
try:
    random_split(range(10), [3, 5])
except ValueError as e:
    print("ValueError", e)

y_train = y[train_ds.indices]
class_counts = torch.bincount(y_train)
class_w = 1.0 / class_counts.float()
sample_w = class_w[y_train]
print("class weights", class_w.round(decimals=5), sample_w.shape, sample_w.dtype)
sampler = WeightedRandomSampler(sample_w, num_samples=len(sample_w), replacement=True,
                                generator=torch.Generator().manual_seed(2))
drawn = torch.tensor(list(sampler))
print("sampler", len(sampler), drawn[:10], "balanced pos frac", round(y_train[drawn].float().mean().item(), 3))
print(list(WeightedRandomSampler([0.1, 0.9, 0.0], 5, generator=torch.Generator().manual_seed(3))))
train_dl = DataLoader(train_ds, batch_size=32, sampler=sampler)
val_dl = DataLoader(val_ds, batch_size=64)
batch = next(iter(train_dl))
print("batch", [tuple(t.shape) for t in batch], [t.dtype for t in batch])


class TabNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb_a = nn.Embedding(5, 3)
        self.emb_b = nn.Embedding(3, 2)
        self.bn = nn.BatchNorm1d(4)
        self.mlp = nn.Sequential(nn.Linear(3 + 2 + 4, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 1))

    def forward(self, a, b, x):
        h = torch.cat([self.emb_a(a), self.emb_b(b), self.bn(x)], dim=1)
        return self.mlp(h).squeeze(1)


model = TabNet()
print(model)
print(model.bn.running_mean, model.bn.num_batches_tracked)
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
print({k: v for k, v in sched.state_dict().items() if k not in ("_last_lr",)})
loss_fn = nn.BCEWithLogitsLoss()


def predict(dl):
    model.eval()
    logits, ys = [], []
    with torch.no_grad():
        for a, b, x, t in dl:
            logits.append(model(a, b, x))
            ys.append(t)
    return torch.cat(logits), torch.cat(ys)


best, bad_epochs, best_state = float("inf"), 0, None
for epoch in range(30):
    model.train()
    total = 0.0
    for a, b, x, t in train_dl:
        opt.zero_grad()
        loss = loss_fn(model(a, b, x), t.float())
        loss.backward()
        opt.step()
        total += loss.item() * len(t)
    lv, yv = predict(val_dl)
    val_loss = loss_fn(lv, yv.float()).item()
    sched.step(val_loss)
    print(f"epoch {epoch:2d} train {total / len(train_ds):.3f} val {val_loss:.3f} lr {opt.param_groups[0]['lr']:.5f}")
    if val_loss < best - 1e-3:
        best, bad_epochs = val_loss, 0
        best_state = {k: v.clone() for k, v in model.state_dict().items()}
    else:
        bad_epochs += 1
        if bad_epochs >= 4:
            print("early stop at epoch", epoch)
            break
print("scheduler", sched.num_bad_epochs, sched.patience, sched.cooldown, round(sched.best, 3), sched.get_last_lr())
model.load_state_dict(best_state)
print("bn", model.bn.running_mean.round(decimals=2), model.bn.num_batches_tracked.item())


# ---- metrics by hand -----------------------------------------------------------------------------
def metrics(logits, t):
    pred = (logits > 0).long()
    cm = torch.bincount(t * 2 + pred, minlength=4).view(2, 2)
    tn, fp, fn, tp = cm.flatten().tolist()
    acc = (pred == t).float().mean().item()
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    f1 = 2 * prec * rec / max(prec + rec, 1e-12)
    return cm, acc, prec, rec, f1


def roc_auc(scores, t):
    order = torch.argsort(scores, descending=True)
    ts = t[order].float()
    tpr = torch.cumsum(ts, 0) / ts.sum()
    fpr = torch.cumsum(1 - ts, 0) / (1 - ts).sum()
    tpr = torch.cat([torch.zeros(1), tpr])
    fpr = torch.cat([torch.zeros(1), fpr])
    return torch.trapezoid(tpr, fpr).item()


lt, yt = predict(DataLoader(test_ds, batch_size=100))
cm, acc, prec, rec, f1 = metrics(lt, yt)
print("confusion\n", cm)
print(f"acc {acc:.3f} precision {prec:.3f} recall {rec:.3f} f1 {f1:.3f} auc {roc_auc(lt, yt):.3f}")
probs = torch.sigmoid(lt)
print("probs", probs[:5].round(decimals=3), probs.dtype, (probs > 0.5).sum().item())
print("multiclass cm", torch.bincount(torch.tensor([0, 1, 2, 2, 1]) * 3 + torch.tensor([0, 2, 2, 1, 1]), minlength=9).view(3, 3))
