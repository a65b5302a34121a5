"""Recursive decision tree + bagging / random forest with bootstrap and feature subsampling, OOB error."""
import torch

torch.manual_seed(1)
n, d, C = 120, 5, 3
X = torch.randn(n, d)
logits = torch.stack([X[:, 0] - X[:, 1], X[:, 2] * 1.5, -X[:, 0] + 0.3], dim=1)
y = logits.argmax(dim=1)
print("labels:", torch.bincount(y, minlength=C).tolist())


def gini_counts(counts):
    tot = counts.sum(-1, keepdim=True).clamp_min(1)
    p = counts / tot
    return 1 - (p * p).sum(-1)


def split(X, y, feats):
    best = None
    for j in feats.tolist():
        xs, order = X[:, j].sort()
        oh = torch.nn.functional.one_hot(y[order], C).to(torch.float64)
        left = oh.cumsum(0)[:-1]
        right = oh.sum(0) - left
        nl, nr = left.sum(1), right.sum(1)
        imp = (nl * gini_counts(left) + nr * gini_counts(right)) / len(y)
        imp = imp.masked_fill(xs[1:] == xs[:-1], float("inf"))
        k = int(imp.argmin())
        if best is None or imp[k] < best[0]:
            best = (imp[k].item(), j, ((xs[k] + xs[k + 1]) / 2).item())
    return best


def build(X, y, depth, max_depth, mtry, importances):
    counts = torch.bincount(y, minlength=C).double()
    node = {"value": counts / counts.sum()}
    if depth >= max_depth or len(y) < 4 or (counts > 0).sum() == 1:
        return node
    feats = torch.randperm(X.shape[1])[:mtry]
    imp, j, thr = split(X, y, feats)
    if imp == float("inf"):
        return node
    mask = X[:, j] <= thr
    importances[j] += len(y) * gini_counts(counts).item() - len(y) * imp
    node.update(feat=j, thr=thr,
                left=build(X[mask], y[mask], depth + 1, max_depth, mtry, importances),
                right=build(X[~mask], y[~mask], depth + 1, max_depth, mtry, importances))
    return node


def predict(node, X):
    if "feat" not in node:
        return node["value"].expand(X.shape[0], C)
    go_left = (X[:, node["feat"]] <= node["thr"]).unsqueeze(1)
    return torch.where(go_left, predict(node["left"], X), predict(node["right"], X))


def show(node, indent=""):
    if "feat" not in node:
        print(f"{indent}leaf {[round(v, 3) for v in node['value'].tolist()]}")
        return
    print(f"{indent}x[{node['feat']}] <= {node['thr']:.3f}")
    show(node["left"], indent + "  ")
    show(node["right"], indent + "  ")


imps = torch.zeros(d, dtype=torch.float64)
tree = build(X, y, 0, 2, d, imps)
show(tree)
train_acc = (predict(tree, X).argmax(1) == y).double().mean()
print(f"single tree acc {train_acc.item():.4f}")

T = 15
oob_votes = torch.zeros(n, C, dtype=torch.float64)
forest_imp = torch.zeros(d, dtype=torch.float64)
trees = []
for t in range(T):
    idx = torch.randint(0, n, (n,))
    in_bag = torch.zeros(n, dtype=torch.bool)
    in_bag[idx] = True
    tr = build(X[idx], y[idx], 0, 4, 2, forest_imp)
    trees.append(tr)
    oob = ~in_bag
    oob_votes[oob] += predict(tr, X[oob])
has_oob = oob_votes.sum(1) > 0
oob_err = (oob_votes[has_oob].argmax(1) != y[has_oob]).double().mean()
print(f"oob samples {int(has_oob.sum())} oob error {oob_err.item():.4f}")
proba = torch.stack([predict(tr, X) for tr in trees]).mean(0)
print("forest proba[:4]:\n", proba[:4].float())
pred = proba.argmax(1)
cm = torch.bincount(y * C + pred, minlength=C * C).view(C, C)
print(cm)
print("per class recall:", (cm.diag() / cm.sum(1)).float())
fi = forest_imp / forest_imp.sum()
print("feature importances:", fi.float())
print("ranking:", torch.argsort(fi, descending=True))
vals, ids = torch.topk(fi, 2)
print(ids, vals.dtype)
