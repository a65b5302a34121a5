"""Decision stumps by exhaustive split search: gini and entropy impurity via sorted cumsums."""
import torch

torch.manual_seed(0)
n, d = 64, 3
X = torch.randn(n, d)
y = ((X[:, 0] + 0.5 * X[:, 1] > 0.2)).long()
print("class counts:", torch.bincount(y, minlength=2))


def gini(p):
    return 1.0 - (p ** 2).sum(-1)


def entropy(p):
    return -torch.special.xlogy(p, p).sum(-1)


def best_split(X, y, impurity, num_classes=2):
    n = X.shape[0]
    best = (float("inf"), -1, 0.0)
    onehot = torch.nn.functional.one_hot(y, num_classes).float()
    for j in range(X.shape[1]):
        xs, order = torch.sort(X[:, j])
        ys = onehot[order]
        left = torch.cumsum(ys, dim=0)[:-1]
        total = ys.sum(0, keepdim=True)
        right = total - left
        nl = left.sum(1)
        nr = right.sum(1)
        imp = (nl * impurity(left / nl[:, None]) + nr * impurity(right / nr[:, None])) / n
        valid = xs[1:] > xs[:-1]
        imp = torch.where(valid, imp, torch.full_like(imp, float("inf")))
        k = torch.argmin(imp)
        if imp[k].item() < best[0]:
            thr = 0.5 * (xs[k] + xs[k + 1])
            best = (imp[k].item(), j, thr.item())
    return best


for name, fn in [("gini", gini), ("entropy", entropy)]:
    score, feat, thr = best_split(X, y, fn)
    pred = (X[:, feat] > thr).long()
    acc = (pred == y).float().mean()
    if acc < 0.5:
        pred = 1 - pred
        acc = 1 - acc
    print(f"{name}: feature={feat} threshold={thr:.4f} impurity={score:.4f} acc={acc.item():.4f}")

p = torch.tensor([[0.5, 0.5], [1.0, 0.0], [0.9, 0.1]])
print("gini:", gini(p))
print("entropy:", entropy(p))
print("entropy (bits):", entropy(p) / torch.log(torch.tensor(2.0)))

# confusion matrix of a stump with bincount
score, feat, thr = best_split(X, y, gini)
pred = (X[:, feat] > thr).long()
cm = torch.bincount(y * 2 + pred, minlength=4).reshape(2, 2)
print("confusion matrix:\n", cm)
tp, fp, fn_ = cm[1, 1], cm[0, 1], cm[1, 0]
precision = tp / (tp + fp)
recall = tp / (tp + fn_)
print("precision", precision, "recall", recall, precision.dtype)
print("unique thresholds:", torch.unique(X[:, feat] > thr, return_counts=True))

try:
    torch.bincount(torch.tensor([-1, 2]))
except RuntimeError as e:
    print("bincount error:", e)
try:
    torch.bincount(torch.tensor([[1, 2]]))
except RuntimeError as e:
    print("bincount 2d error:", e)
print(torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 1.0, 2.0, 0.25])))
print(torch.bincount(torch.tensor([], dtype=torch.long), minlength=3))
