"""Gradient boosting: regression on residuals and binary classification with logistic-loss gradients."""
import torch
import torch.nn.functional as F

torch.manual_seed(3)
n = 200
x = torch.linspace(-3, 3, n).unsqueeze(1)
X = torch.cat([x, torch.randn(n, 1)], dim=1)
y = torch.sin(x[:, 0]) + 0.1 * torch.randn(n)


def fit_reg_stump(X, g, min_leaf=5):
    best = None
    for j in range(X.shape[1]):
        xs, order = X[:, j].sort()
        gs = g[order]
        cs = gs.cumsum(0)
        tot = cs[-1]
        cnt = torch.arange(1, len(gs) + 1, dtype=gs.dtype)
        nl, nr = cnt[:-1], len(gs) - cnt[:-1]
        gain = cs[:-1] ** 2 / nl + (tot - cs[:-1]) ** 2 / nr
        ok = (nl >= min_leaf) & (nr >= min_leaf)
        gain = torch.where(ok, gain, torch.tensor(-float("inf")))
        k = int(gain.argmax())
        if best is None or gain[k] > best[0]:
            thr = (xs[k] + xs[k + 1]) / 2
            mask = X[:, j] <= thr
            best = (gain[k].item(), j, thr.item(), g[mask].mean().item(), g[~mask].mean().item())
    return best[1:]


def apply(X, stump):
    j, thr, vl, vr = stump
    return torch.where(X[:, j] <= thr, vl, vr)


lr = 0.3
pred = torch.full_like(y, y.mean().item())
for m in range(30):
    resid = y - pred
    st = fit_reg_stump(X, resid)
    pred = pred + lr * apply(X, st)
    if m % 6 == 0 or m == 29:
        print(f"iter {m:2d} mse {F.mse_loss(pred, y).item():.4f} feat {st[0]} thr {st[1]:+.3f}")
print("r2: %.4f" % (1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum()).item())

# classification with logistic loss; gradients from autograd
torch.manual_seed(4)
Xc = torch.randn(150, 3)
yc = (Xc[:, 0] * Xc[:, 1] > 0).float()
raw = torch.zeros(150)
for m in range(25):
    f = raw.clone().requires_grad_(True)
    loss = F.binary_cross_entropy_with_logits(f, yc, reduction="sum")
    loss.backward()
    neg_grad = -f.grad
    p = torch.sigmoid(raw)
    hess = p * (1 - p)
    st = fit_reg_stump(Xc, neg_grad)
    j, thr, _, _ = st
    mask = Xc[:, j] <= thr
    # Newton leaf values: sum(g) / sum(h)
    vl = neg_grad[mask].sum() / (hess[mask].sum() + 1e-3)
    vr = neg_grad[~mask].sum() / (hess[~mask].sum() + 1e-3)
    raw = raw + 0.5 * torch.where(mask, vl, vr)
    if m % 5 == 0:
        print(f"round {m:2d} logloss {loss.item() / 150:.4f} grad_fn {loss.grad_fn.name()}")
prob = torch.sigmoid(raw)
acc = ((prob > 0.5).float() == yc).float().mean()
print(f"train acc {acc.item():.4f}")
print("log loss %.4f" % F.binary_cross_entropy(prob, yc).item())
print("prob[:5]", prob[:5])
print("logit check", torch.logit(prob[:3], eps=1e-6))

# deviance via torch.distributions
dist = torch.distributions.Bernoulli(logits=raw)
print("deviance %.3f" % (-2 * dist.log_prob(yc).sum()).item())
print("entropy mean %.4f" % dist.entropy().mean().item())
# huber loss for robust boosting
res = y - pred
print("huber %.5f" % F.huber_loss(pred, y, delta=0.1).item())
print("smooth l1 %.5f" % F.smooth_l1_loss(pred, y, beta=0.1).item())
print("quantile of residuals", torch.quantile(res.abs(), 0.9, interpolation="nearest").item() > 0)
