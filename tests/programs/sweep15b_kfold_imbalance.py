"""A Kaggle-notebook style tabular baseline: a synthetic imbalanced data set, stratified K-fold
cross-validation built with Subset and SubsetRandomSampler, a WeightedRandomSampler to rebalance the
minority class, CrossEntropyLoss with class weights and label_smoothing, ReduceLROnPlateau on the
validation loss, out-of-fold (OOF) predictions and a fold-averaged test prediction."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import (DataLoader, Subset, SubsetRandomSampler, TensorDataset,
                              WeightedRandomSampler)

SEED = 2024
N_FOLDS = 4
EPOCHS = 5


def seed_everything(seed):
    np.random.seed(seed)
    torch.manual_seed(seed)


seed_everything(SEED)

# --- synthetic "train.csv": 3 classes, heavily imbalanced ---------------------------------------
n = 240
counts = torch.tensor([150, 60, 30])
y = torch.cat([torch.full((int(c),), i, dtype=torch.long) for i, c in enumerate(counts)])
centers = torch.tensor([[0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                        [1.5, -1.0, 0.5, 0.0, 1.0, -0.5],
                        [-1.0, 1.5, -0.5, 1.0, 0.0, 0.5]])
X = centers[y] + torch.randn(n, 6)
perm = torch.randperm(n)
X, y = X[perm], y[perm]
X_test = centers[torch.tensor([0, 1, 2, 0, 2, 1, 0, 0])] + torch.randn(8, 6)
print("train", tuple(X.shape), X.dtype, "| test", tuple(X_test.shape))
print("class counts:", torch.bincount(y).tolist(), "| value_counts:",
      dict(zip(*[t.tolist() for t in torch.unique(y, return_counts=True)])))

# standardise with the training statistics, as every notebook does
mean, std = X.mean(0, keepdim=True), X.std(0, keepdim=True)
X = (X - mean) / std
X_test = (X_test - mean) / std
print("mean after scaling:", X.mean(0).abs().max().item() < 1e-5, "std:", X.std(0).round(decimals=3))

dataset = TensorDataset(X, y)
print(type(dataset).__name__, len(dataset), dataset[0][0].shape, dataset[0][1], dataset.tensors[1].dtype)


# --- stratified folds by hand (no sklearn on Kaggle offline kernels, right?) ---------------------
def stratified_kfold(labels, k, seed):
    g = torch.Generator().manual_seed(seed)
    fold_of = torch.empty_like(labels)
    for c in labels.unique():
        idx = (labels == c).nonzero(as_tuple=True)[0]
        idx = idx[torch.randperm(len(idx), generator=g)]
        fold_of[idx] = torch.arange(len(idx)) % k
    return fold_of


folds = stratified_kfold(y, N_FOLDS, SEED)
for f in range(N_FOLDS):
    print(f"fold {f}: n={int((folds == f).sum())} per class={torch.bincount(y[folds == f], minlength=3).tolist()}")


class TabularMLP(nn.Module):
    def __init__(self, n_in=6, n_hidden=32, n_out=3, p=0.1):
        super().__init__()
        self.net = nn.Sequential(
            # no bias before BatchNorm: BN's shift makes it redundant (its gradient is only rounding noise)
            nn.Linear(n_in, n_hidden, bias=False), nn.BatchNorm1d(n_hidden), nn.SiLU(), nn.Dropout(p),
            nn.Linear(n_hidden, n_out))

    def forward(self, x):
        return self.net(x)


print(TabularMLP())

class_weights = (counts.sum() / (len(counts) * counts)).float()
print("class weights:", class_weights)
criterion = nn.CrossEntropyLoss(weight=class_weights, label_smoothing=0.1)
print(criterion, criterion.label_smoothing, criterion.reduction)

oof = torch.zeros(n, 3)
test_preds = torch.zeros(len(X_test), 3)
fold_scores = []
for fold in range(N_FOLDS):
    seed_everything(SEED + fold)
    train_idx = (folds != fold).nonzero().flatten()
    valid_idx = (folds == fold).nonzero().squeeze(1)
    train_ds = Subset(dataset, train_idx.tolist())
    # WeightedRandomSampler: each sample drawn with probability ~ 1 / frequency of its class
    y_tr = y[train_idx]
    sample_w = (1.0 / torch.bincount(y_tr).double())[y_tr]
    sampler = WeightedRandomSampler(sample_w, num_samples=len(train_idx), replacement=True)
    train_dl = DataLoader(train_ds, batch_size=32, sampler=sampler, drop_last=True, pin_memory=True)
    # the validation fold goes through a SubsetRandomSampler over the full data set
    valid_dl = DataLoader(dataset, batch_size=64, sampler=SubsetRandomSampler(valid_idx.tolist()))

    model = TabularMLP()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
    best, best_state = float("inf"), None
    for epoch in range(EPOCHS):
        model.train()
        drawn = torch.zeros(3, dtype=torch.long)
        tr_loss = 0.0
        for xb, yb in train_dl:
            drawn += torch.bincount(yb, minlength=3)
            opt.zero_grad(set_to_none=True)
            loss = criterion(model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
            opt.step()
            tr_loss += loss.item() * len(yb)
        model.eval()
        va_loss, correct, seen = 0.0, 0, 0
        with torch.no_grad():
            for xb, yb in valid_dl:
                logits = model(xb)
                va_loss += F.cross_entropy(logits, yb, reduction="sum").item()
                correct += (logits.argmax(1) == yb).sum().item()
                seen += len(yb)
        va_loss /= seen
        sched.step(va_loss)
        if va_loss < best:
            best = va_loss
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if epoch in (0, EPOCHS - 1):
            print(f"  fold {fold} ep {epoch} drawn={drawn.tolist()} train {tr_loss / drawn.sum().item():.3f} "
                  f"valid {va_loss:.3f} acc {correct / seen:.3f} lr {opt.param_groups[0]['lr']:.2e}")
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        oof[valid_idx] = model(X[valid_idx]).softmax(dim=-1)
        test_preds += model(X_test).softmax(-1) / N_FOLDS
    acc = (oof[valid_idx].argmax(1) == y[valid_idx]).float().mean().item()
    fold_scores.append(acc)
    print(f"fold {fold} best valid loss {best:.3f} acc {acc:.3f} plateau best={sched.best:.3f} "
          f"bad_epochs={sched.num_bad_epochs}")

scores = torch.tensor(fold_scores)
print(f"CV accuracy {scores.mean():.3f} +- {scores.std():.3f}")
oof_loss = F.nll_loss(oof.clamp_min(1e-7).log(), y)
print(f"OOF log-loss {oof_loss:.3f}; OOF accuracy {(oof.argmax(1) == y).float().mean():.3f}")
per_class = torch.stack([(oof.argmax(1)[y == c] == c).float().mean() for c in range(3)])
print("per-class recall", per_class.numpy().round(3))
torch.set_printoptions(precision=3, sci_mode=False)
print("test preds\n", test_preds)
print("submission:", test_preds.argmax(dim=1).tolist(), test_preds.sum(1).allclose(torch.ones(8)))

try:
    WeightedRandomSampler(torch.tensor([[1.0, 2.0]]), num_samples=3)
except ValueError as e:
    print(type(e).__name__, e)
try:
    WeightedRandomSampler([1.0, 2.0], num_samples=0)
except ValueError as e:
    print(type(e).__name__, e)
try:
    nn.CrossEntropyLoss(label_smoothing=0.1)(torch.randn(4, 3), torch.rand(4, 3).softmax(1)).item()
    nn.CrossEntropyLoss(label_smoothing=1.5)(torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))
except RuntimeError as e:
    print(type(e).__name__, e)
