"""AdaBoost with decision stumps: exponential sample weights, weighted error, staged accuracy."""
import math
import torch

torch.manual_seed(2)
n = 100
X = torch.rand(n, 2) * 2 - 1
r = X.norm(dim=1)
y = torch.where(r < 0.65, 1.0, -1.0)
print("positives:", int((y > 0).sum()), y.dtype)


def fit_stump(X, y, w):
    best = (float("inf"), 0, 0.0, 1.0)
    for j in range(X.shape[1]):
        xs, order = torch.sort(X[:, j])
        ws, ys = w[order], y[order]
        # error when predicting +1 for x > thr: weight of positives left + negatives right
        pos_left = torch.cumsum(ws * (ys > 0), 0)
        neg_right = (ws * (ys < 0)).sum() - torch.cumsum(ws * (ys < 0), 0)
        err = pos_left + neg_right
        for pol, e in ((1.0, err), (-1.0, 1 - err)):
            k = int(torch.argmin(e[:-1]))
            if e[k].item() < best[0]:
                best = (e[k].item(), j, float((xs[k] + xs[k + 1]) / 2), pol)
    return best


def stump_predict(X, j, thr, pol):
    return pol * torch.sign(X[:, j] - thr)


w = torch.full((n,), 1.0 / n)
F = torch.zeros(n)
stumps = []
for m in range(12):
    err, j, thr, pol = fit_stump(X, y, w)
    err = max(err, 1e-10)
    alpha = 0.5 * math.log((1 - err) / err)
    h = stump_predict(X, j, thr, pol)
    w = w * torch.exp(-alpha * y * h)
    w /= w.sum()
    F += alpha * h
    stumps.append((alpha, j, thr, pol))
    acc = (torch.sign(F) == y).float().mean().item()
    if m % 3 == 0:
        print(f"round {m:2d}: feat={j} thr={thr:+.3f} pol={pol:+.0f} err={err:.4f} alpha={alpha:.4f} acc={acc:.4f}")

print("weight stats: max %.4f min %.6f" % (w.max().item(), w.min().item()))
print("effective sample size: %.2f" % (1.0 / (w ** 2).sum()).item())
margins = y * F / sum(a for a, *_ in stumps)
print("margin quantiles:", torch.quantile(margins, torch.tensor([0.1, 0.5, 0.9])))
alphas = torch.tensor([a for a, *_ in stumps])
print("alphas:", alphas)
print("exp loss: %.4f" % torch.exp(-y * F).mean().item())

# SAMME-style multi-class weights via torch functions
K = 3
err = torch.tensor([0.3, 0.5, 0.6667])
samme_alpha = torch.log((1 - err) / err) + math.log(K - 1)
print("samme alpha:", samme_alpha)
print(torch.nn.functional.softplus(-2 * F[:5]))
print(torch.sign(torch.tensor([-0.0, 0.0, 2.0, -3.0])))
print(torch.heaviside(torch.tensor([-1.5, 0.0, 2.0]), torch.tensor([0.5])))
