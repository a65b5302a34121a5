"""Course code, week 3: logistic and softmax regression from scratch, with manual parameters and an
update loop written by hand (no nn, no optim)."""
import math

import torch

torch.manual_seed(42)

# ---------------------------------------------------------------- binary data: two Gaussian blobs
n_per_class = 100
x0 = torch.randn(n_per_class, 2) + torch.tensor([-1.5, -1.0])
x1 = torch.randn(n_per_class, 2) + torch.tensor([1.5, 1.0])
X = torch.cat([x0, x1], dim=0)
y = torch.cat([torch.zeros(n_per_class), torch.ones(n_per_class)])
print("X:", X.shape, X.dtype, "y:", y.shape, y.dtype)

perm = torch.randperm(X.shape[0])
print("first indices of the permutation:", perm[:8])
n_train = int(0.8 * len(perm))
train_idx, test_idx = perm[:n_train], perm[n_train:]
X_train, y_train = X[train_idx], y[train_idx]
X_test, y_test = X[test_idx], y[test_idx]
print(f"train {len(X_train)} / test {len(X_test)}; positives in train: {int(y_train.sum().item())}")

# standardise with the training statistics only
mu, sd = X_train.mean(dim=0), X_train.std(dim=0)
X_train = (X_train - mu) / sd
X_test = (X_test - mu) / sd


def sigmoid(z):
    return 1.0 / (1.0 + torch.exp(-z))


def bce(p, t, eps=1e-7):
    p = p.clamp(eps, 1 - eps)
    return -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()


w = torch.zeros(2, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
print("w:", w.T, "b:", b, "leaf:", w.is_leaf)

lr = 0.5
for epoch in range(15):
    z = X_train @ w + b
    p = sigmoid(z).squeeze(1)
    loss = bce(p, y_train)
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    if epoch % 3 == 0 or epoch == 14:
        acc = ((p > 0.5).float() == y_train).float().mean().item()
        print(f"epoch {epoch:2d}  loss {loss.item():.4f}  train acc {acc:.3f}")

print("grad_fn of the loss:", type(loss.grad_fn).__name__, "| w.grad after zero_:", w.grad.T)
with torch.no_grad():
    p_test = sigmoid(X_test @ w + b).squeeze(1)
    test_acc = (p_test.round() == y_test).float().mean().item()
print(f"test accuracy {test_acc:.3f}; requires_grad inside no_grad: {p_test.requires_grad}")
print("learned w:", [round(v, 3) for v in w.detach().flatten().tolist()], "b:", round(b.item(), 3))

# ---------------------------------------------------------------- softmax regression, 3 classes
torch.manual_seed(0)
k, d, n = 3, 4, 240
centers = torch.randn(k, d) * 2.5
labels = torch.randint(0, k, (n,))
feats = centers[labels] + torch.randn(n, d)
print("class counts:", torch.bincount(labels, minlength=k))

perm = torch.randperm(n)
tr, te = perm[:180], perm[180:]
Xtr, ytr, Xte, yte = feats[tr], labels[tr], feats[te], labels[te]


def log_softmax(z):
    z = z - z.max(dim=1, keepdim=True).values   # subtract the row max so exp cannot overflow
    return z - z.exp().sum(dim=1, keepdim=True).log()


def nll(logp, target):
    return -logp[torch.arange(target.shape[0]), target].mean()


W = (torch.randn(d, k) * 0.01).requires_grad_()
c = torch.zeros(k, requires_grad=True)
lr, batch = 0.1, 30
for epoch in range(8):
    order = torch.randperm(Xtr.shape[0])
    total = 0.0
    for i in range(0, Xtr.shape[0], batch):
        idx = order[i:i + batch]
        logits = Xtr[idx] @ W + c
        loss = nll(log_softmax(logits), ytr[idx])
        loss.backward()
        with torch.no_grad():
            for prm in (W, c):
                prm -= lr * prm.grad
                prm.grad.zero_()
        total += loss.item() * len(idx)
    with torch.no_grad():
        pred = (Xte @ W + c).argmax(dim=1)
        acc = pred.eq(yte).float().mean().item()
    print(f"epoch {epoch}  mean loss {total / Xtr.shape[0]:.4f}  test acc {acc:.4f}")

# the hand-written pieces agree with the library's
with torch.no_grad():
    logits = Xte[:5] @ W + c
    mine = log_softmax(logits)
    lib = torch.log_softmax(logits, dim=1)
    print("log_softmax matches:", torch.allclose(mine, lib, atol=1e-6))
    print("nll matches:", math.isclose(nll(mine, yte[:5]).item(),
                                       torch.nn.functional.nll_loss(lib, yte[:5]).item(), rel_tol=1e-5))
    print("predictions:", logits.argmax(1), "targets:", yte[:5])
    probs = mine.exp()
    print("row sums:", [f"{s:.4f}" for s in probs.sum(1).tolist()])
    print("confusion:")
    conf = torch.zeros(k, k, dtype=torch.long)
    for t_, p_ in zip(yte.tolist(), (Xte @ W + c).argmax(1).tolist()):
        conf[t_, p_] += 1
    print(conf)
