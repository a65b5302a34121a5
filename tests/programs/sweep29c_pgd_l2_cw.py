"""L2 PGD (normalised steps, projection by renorm) and the Carlini-Wagner L2 attack with tanh
reparametrisation, Adam and a binary search over the trade-off constant."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)


class SmallCNN(nn.Module):
    def __init__(self, n_classes=4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.AvgPool2d(2),
            nn.Conv2d(6, 8, kernel_size=3), nn.ReLU(),
        )
        self.head = nn.Linear(8 * 2 * 2, n_classes)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), start_dim=1))


# 8x8 images whose class is the orientation of a bar
N = 128
y = torch.randint(0, 4, (N,))
X = 0.1 * torch.rand(N, 1, 8, 8)
for i in range(N):
    c = int(y[i])
    if c == 0:
        X[i, 0, 3:5, :] += 0.8
    elif c == 1:
        X[i, 0, :, 3:5] += 0.8
    elif c == 2:
        X[i, 0].diagonal().add_(0.8)
    else:
        X[i, 0].flip(1).diagonal().add_(0.8)
X[y == 3] = X[y == 3].flip(-1).clamp_(0, 1) if False else X[y == 3]
X.clamp_(0.0, 1.0)

model = SmallCNN()
opt = torch.optim.Adam(model.parameters(), lr=0.02)
for step in range(40):
    opt.zero_grad()
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    opt.step()
print(f"train loss {loss.item():.4f}")
model.eval()
model.requires_grad_(False)
with torch.no_grad():
    clean_pred = model(X).argmax(-1)
print("clean acc", (clean_pred == y).float().mean().item())


def l2_norm(v):
    return v.flatten(1).norm(p=2, dim=1).view(-1, 1, 1, 1)


def pgd_l2(x, labels, eps, alpha, steps):
    delta = torch.randn_like(x)
    delta = delta / l2_norm(delta) * eps * torch.rand(x.size(0), 1, 1, 1)
    for _ in range(steps):
        delta.requires_grad_(True)
        loss = F.cross_entropy(model((x + delta).clamp(0, 1)), labels)
        loss.backward()
        g = delta.grad.detach()
        g_norm = torch.linalg.vector_norm(g.flatten(1), ord=2, dim=1).clamp_min(1e-12)
        delta = delta.detach() + alpha * g / g_norm.view(-1, 1, 1, 1)
        # project onto the eps-ball: renorm rescales every sub-tensor along dim 0 whose norm exceeds eps
        delta = delta.renorm(p=2, dim=0, maxnorm=eps)
        delta = (x + delta).clamp(0, 1) - x
    return (x + delta).detach()


for eps in (0.25, 0.5, 1.0, 2.0):
    x_adv = pgd_l2(X, y, eps, alpha=eps / 4, steps=10)
    norms = (x_adv - X).flatten(1).norm(dim=1)
    with torch.no_grad():
        acc = (model(x_adv).argmax(1) == y).float().mean()
    print(f"L2 eps={eps:4.2f} robust acc {acc.item():.4f} max|delta|_2 <= eps: {bool((norms <= eps + 1e-5).all())}")


def cw_l2(x, labels, c, kappa=0.0, steps=60, lr=0.05):
    # x = (tanh(w) + 1) / 2 keeps every pixel in [0, 1] without clipping
    w = torch.atanh((x * 2 - 1).clamp(-1 + 1e-6, 1 - 1e-6)).detach().requires_grad_(True)
    optimizer = torch.optim.Adam([w], lr=lr)
    onehot = F.one_hot(labels, num_classes=4).bool()
    best_l2 = torch.full((x.size(0),), float("inf"))
    best_adv = x.clone()
    for _ in range(steps):
        x_adv = 0.5 * (torch.tanh(w) + 1)
        logits = model(x_adv)
        real = logits[onehot]
        other = logits.masked_fill(onehot, float("-inf")).max(dim=1).values
        f = torch.clamp(real - other, min=-kappa)
        l2 = (x_adv - x).pow(2).sum(dim=(1, 2, 3))
        loss = l2.sum() + (c * f).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            succ = logits.argmax(1) != labels
            better = succ & (l2 < best_l2)
            best_l2 = torch.where(better, l2, best_l2)
            best_adv[better] = x_adv[better]
    return best_adv, best_l2


xs, ys = X[:16], y[:16]
lo = torch.zeros(16)
hi = torch.full((16,), 1e3)
c = torch.full((16,), 1.0)
final_l2 = torch.full((16,), math.inf)
for search in range(4):
    adv, l2 = cw_l2(xs, ys, c)
    found = torch.isfinite(l2)
    final_l2 = torch.minimum(final_l2, l2)
    hi = torch.where(found, torch.minimum(hi, c), hi)
    lo = torch.where(found, lo, torch.maximum(lo, c))
    c = torch.where(hi < 1e3, (lo + hi) / 2, c * 10)
    print(f"search {search}: success {int(found.sum())}/16  c = {c[:4].tolist()}")
dist = final_l2.sqrt()
print("CW L2 distances (first 8):", dist[:8].round(decimals=3))
print("median CW distance", torch.nanmedian(torch.where(torch.isinf(dist), torch.nan, dist)).round(decimals=3))
print("mean success distance", dist[torch.isfinite(dist)].mean().item() > 0)
print("sorted:", torch.sort(dist[torch.isfinite(dist)]).values.round(decimals=2)[:5])

try:
    torch.randn(2, 3).renorm(p=2, dim=3, maxnorm=1.0)
except IndexError as e:
    print("IndexError:", e)
try:
    torch.randn(2, 3).renorm(p=-1, dim=0, maxnorm=1.0)
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.tensor([[3.0, 4.0], [0.3, 0.4]]).renorm(2, 0, 1.0))
