"""NYU Deep Learning course notebooks (04-spiral_classification, 05-regression), in their style: spiral
data generated with torch ops, a linear classifier and a two-layer network trained with full-batch
gradient descent, accuracy bookkeeping with .item(), then 1-d regression with ReLU and Tanh networks
and an ensemble's mean and variance."""
import math
import random

import torch
from torch import nn, optim

seed = 12345
random.seed(seed)
torch.manual_seed(seed)

N = 120  # num_samples_per_class
D = 2  # dimensions
C = 3  # num_classes
H = 100  # num_hidden_units

X = torch.zeros(N * C, D)
y = torch.zeros(N * C, dtype=torch.long)
for c in range(C):
    index = 0
    t = torch.linspace(0, 1, N)
    # When c = 0 and t = 0: start of linspace
    # When c = 0 and t = 1: end of linpace
    # This inner_var is for the formula inside sin() and cos() like sin(inner_var) and cos(inner_Var)
    inner_var = torch.linspace(
        (2 * math.pi / C) * (c),
        (2 * math.pi / C) * (2 + c),
        N
    ) + torch.randn(N) * 0.2
    for ix in range(N * c, N * (c + 1)):
        X[ix] = t[index] * torch.FloatTensor((math.sin(inner_var[index]), math.cos(inner_var[index])))
        y[ix] = c
        index += 1

print("Shapes:")
print("X:", tuple(X.size()))
print("y:", tuple(y.size()))
print("X[:3]:", X[:3].round(decimals=4))
print("class counts:", torch.bincount(y).tolist(), "X range:", f"{X.min().item():.3f} {X.max().item():.3f}")
print("X.type():", X.type(), y.type())

learning_rate = 1e-3
lambda_l2 = 1e-5

# nn package to create our linear model
# each Linear module has a weight and bias
model = nn.Sequential(
    nn.Linear(D, H),
    nn.Linear(H, C)
)
print(model)

criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, weight_decay=lambda_l2)  # built-in L2

# Training
for t in range(500):
    y_pred = model(X)
    loss = criterion(y_pred, y)
    score, predicted = torch.max(y_pred, 1)
    acc = (y == predicted).sum().float() / len(y)
    if t % 100 == 0 or t == 499:
        print("[EPOCH]: %i, [LOSS]: %.3f, [ACCURACY]: %.2f" % (t, loss.item(), acc))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("linear acc type:", type(acc).__name__, acc.dtype, "score:", score.shape, predicted[:10].tolist())

# grid predictions, as plot_model does
xx, yy = torch.meshgrid(torch.linspace(-1, 1, 21), torch.linspace(-1, 1, 21), indexing="xy")
grid = torch.stack((xx.reshape(-1), yy.reshape(-1)), dim=1)
with torch.no_grad():
    Z = model(grid).argmax(dim=1).reshape(xx.shape)
print("linear decision regions:", torch.bincount(Z.flatten(), minlength=C).tolist())

model = nn.Sequential(
    nn.Linear(D, H),
    nn.ReLU(),
    nn.Linear(H, C)
)
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, weight_decay=lambda_l2)
for t in range(500):
    y_pred = model(X)
    loss = criterion(y_pred, y)
    score, predicted = torch.max(y_pred, 1)
    acc = ((y == predicted).sum().float() / len(y)).item()
    if t % 100 == 0 or t == 499:
        print("[EPOCH]: %i, [LOSS]: %.3f, [ACCURACY]: %.2f" % (t, loss.item(), acc))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
with torch.no_grad():
    Z = model(grid).argmax(dim=1).reshape(xx.shape)
print("two-layer decision regions:", torch.bincount(Z.flatten(), minlength=C).tolist())
print(Z[::5, ::5])
W1 = model[0].weight
print("W1:", W1.shape, f"{W1.norm().item():.1f}", "dead relu units:",
      int((model[1](model[0](X)).sum(0) == 0).sum()))

# confusion matrix by hand
cm = torch.zeros(C, C, dtype=torch.int64)
for t_, p_ in zip(y, predicted):
    cm[t_, p_] += 1
print("confusion:\n", cm)
print("per-class recall:", (cm.diag().float() / cm.sum(1)).round(decimals=3))

# ---- regression ------------------------------------------------------------------------------
torch.manual_seed(seed)
N = 100
X = torch.rand(N) * 8 - 4  # uniform in [-4, 4)
X, _ = torch.sort(X)
y = X.sin() + 0.1 * torch.randn(N)
X = X.unsqueeze(1)
y = y.unsqueeze(1)
print("regression data:", X.shape, y.shape, f"{y.mean().item():.4f}")

learning_rate = 1e-2
lambda_l2 = 1e-5
mse = nn.MSELoss()


def fit(model, steps=600, log_every=150):
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, weight_decay=lambda_l2)
    for t in range(steps):
        y_pred = model(X)
        loss = mse(y_pred, y)
        if t % log_every == 0:
            print("  [EPOCH]: %i, [LOSS or MSE]: %.4f" % (t, loss.item()))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


print("linear:")
final = fit(nn.Linear(D - 1, 1))
print(f"  final {final:.4f}")
models = {}
for name, act in (("relu", nn.ReLU()), ("tanh", nn.Tanh())):
    print(name + ":")
    ensemble = []
    for mod in range(3):
        torch.manual_seed(mod)
        model = nn.Sequential(nn.Linear(1, H), act, nn.Linear(H, 1))
        final = fit(model, steps=300, log_every=300)
        ensemble.append(model)
    models[name] = ensemble
    print(f"  final of last {final:.3f}")

xs = torch.linspace(-3, 3, 7).unsqueeze(1)
for name, ensemble in models.items():
    with torch.no_grad():
        preds = torch.stack([m(xs) for m in ensemble])
    mean, var = preds.mean(0), preds.var(0)
    print(name, "mean:", [round(v, 1) for v in mean.squeeze().tolist()])
    print(name, "std < 0.1:", (var.sqrt() < 0.1).squeeze().tolist())
print(models["tanh"][0])
print("param dtypes:", {p.dtype for p in models["relu"][0].parameters()}, random.random() < 2)
