"""Monte Carlo dropout for uncertainty and Bayesian active learning, in the style of the BALD /
"Deep Bayesian Active Learning with Image Data" reimplementations: a classifier with dropout kept on
at inference (model.train(), or only the Dropout modules switched to train mode via apply), T
stochastic forward passes stacked, predictive entropy, mutual information (BALD), variation ratios,
max-entropy and random acquisition with topk, a pool / labelled split managed with Subset and index
tensors, and a regression head with predictive mean and variance."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Subset, TensorDataset

torch.manual_seed(0)
n_pool, d, k = 200, 6, 3
centers = torch.randn(k, d) * 2
labels = torch.randint(0, k, (n_pool,))
X = centers[labels] + torch.randn(n_pool, d)
dataset = TensorDataset(X, labels)


class MCDropoutNet(nn.Module):
    def __init__(self, p=0.3):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.Dropout(p),
                                    nn.Linear(32, 32), nn.ReLU(), nn.Dropout(p), nn.Linear(32, k))

    def forward(self, x):
        return self.layers(x)


def enable_dropout(model):
    for m in model.modules():
        if m.__class__.__name__.startswith("Dropout"):
            m.train()


@torch.no_grad()
def mc_predict(model, x, T=20):
    model.eval()
    enable_dropout(model)
    probs = torch.stack([F.softmax(model(x), dim=-1) for _ in range(T)])
    return probs  # (T, N, K)


def predictive_entropy(probs):
    mean = probs.mean(0)
    return -(mean * torch.log(mean + 1e-10)).sum(-1)


def bald(probs):
    expected_entropy = -(probs * torch.log(probs + 1e-10)).sum(-1).mean(0)
    return predictive_entropy(probs) - expected_entropy


def variation_ratio(probs):
    preds = probs.argmax(-1)                       # (T, N)
    mode, _ = torch.mode(preds, dim=0)
    return 1.0 - (preds == mode).float().mean(0)


def train(model, loader, epochs=8):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    model.train()
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    return (model(x).argmax(1) == y).float().mean().item()


# initial labelled set: a few per class, balanced
labelled = torch.cat([(labels == c).nonzero().flatten()[:3] for c in range(k)])
mask = torch.ones(n_pool, dtype=torch.bool)
mask[labelled] = False
pool = mask.nonzero().squeeze(1)
print("initial", labelled.tolist(), pool.shape)

model = MCDropoutNet()
dropouts = [m for m in model.modules() if isinstance(m, nn.Dropout)]
print(dropouts[0], [m.training for m in model.modules()][:4])
model.eval()
enable_dropout(model)
print("after enable_dropout", model.training, [m.training for m in dropouts], model.layers[0].training)

for acq_round in range(3):
    train_set = Subset(dataset, labelled.tolist())
    torch.manual_seed(10 + acq_round)
    train(model, DataLoader(train_set, batch_size=8, shuffle=True))
    probs = mc_predict(model, X[pool], T=10)
    scores = {"entropy": predictive_entropy(probs), "bald": bald(probs), "var_ratio": variation_ratio(probs)}
    top_vals, top_idx = torch.topk(scores["bald"], k=5)
    picked = pool[top_idx]
    print(f"round {acq_round} |L|={len(train_set)} acc {evaluate(model, X, labels):.3f} "
          f"H {scores['entropy'].mean():.4f} BALD {scores['bald'].mean():.4f} VR {scores['var_ratio'].mean():.4f}")
    print("  picked", picked.tolist(), top_vals.round(decimals=3))
    labelled = torch.cat([labelled, picked])
    keep = torch.ones(len(pool), dtype=torch.bool)
    keep[top_idx] = False
    pool = pool[keep]
print("final sizes", len(labelled), len(pool), len(set(labelled.tolist()) & set(pool.tolist())))
print("probs", probs.shape, probs.sum(-1).allclose(torch.ones(10, len(pool) + 5)))

# deterministic vs stochastic predictions
x0 = X[:4]
model.eval()
with torch.no_grad():
    det = model(x0)
    det2 = model(x0)
model.train()
with torch.no_grad():
    s1, s2 = model(x0), model(x0)
print("eval deterministic", torch.equal(det, det2), "train stochastic", not torch.equal(s1, s2))
samples = torch.stack([model(x0) for _ in range(50)])
print("grad tracked", samples.requires_grad, samples.grad_fn.name())
mean, std = samples.mean(0), samples.std(0)
print("mc mean", mean.detach().round(decimals=2))
print("mc std ", std.detach().round(decimals=2))
conf, pred = F.softmax(mean, -1).max(-1)
print("conf", conf.detach().round(decimals=3), pred)

# random and max-entropy baselines, and top-k with ties / largest=False
g = torch.Generator().manual_seed(3)
rand_pick = torch.randperm(len(pool), generator=g)[:5]
print("random", pool[rand_pick].tolist())
ent = predictive_entropy(mc_predict(model, X[pool], T=5))
print("least uncertain", torch.topk(ent, 3, largest=False).indices.tolist(),
      "sorted", torch.topk(ent, 3, sorted=True).values.round(decimals=3))
print("ties", torch.topk(torch.tensor([0.5, 0.2, 0.5, 0.5, 0.1]), 2))
try:
    torch.topk(ent, len(ent) + 1)
except RuntimeError as e:
    print("RuntimeError:", e)

# heteroscedastic-free MC regression: predictive mean and variance with tau
torch.manual_seed(4)
xr = torch.linspace(-3, 3, 40).unsqueeze(1)
yr = torch.sin(xr) + 0.1 * torch.randn_like(xr)
reg = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Dropout(0.1), nn.Linear(32, 1))
opt = torch.optim.SGD(reg.parameters(), lr=0.05, momentum=0.9)
for step in range(60):
    opt.zero_grad()
    loss = F.mse_loss(reg(xr), yr)
    loss.backward()
    opt.step()
print(f"reg loss {loss.item():.4f}")
tau = 1.0
with torch.no_grad():
    reg.train()
    preds = torch.stack([reg(xr) for _ in range(30)]).squeeze(-1)
    pm, pv = preds.mean(0), preds.var(0, unbiased=True) + 1.0 / tau
print("pred mean", pm[::8].round(decimals=2))
print("pred var ", pv[::8].round(decimals=3))
ll = (torch.logsumexp(-0.5 * tau * (yr.squeeze() - preds) ** 2, 0) - math.log(30)
      - 0.5 * math.log(2 * math.pi) + 0.5 * math.log(tau))
print(f"test ll {ll.mean().item():.4f}")
print(F.dropout(torch.ones(2, 4), p=0.5, training=True), F.dropout(torch.ones(3), 0.5, False))
print(nn.Dropout(p=0.0)(torch.ones(2)), nn.Dropout(p=1.0)(torch.ones(3)))
try:
    nn.Dropout(p=1.5)
except ValueError as e:
    print("ValueError:", e)
