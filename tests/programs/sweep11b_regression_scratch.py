"""Linear and logistic regression from scratch, as in a first deep-learning course notebook: manual
gradient descent with requires_grad and torch.no_grad, hand-written BCE versus F.binary_cross_entropy,
then the nn.Linear + optim.SGD version, with accuracy."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
N = 64
X = torch.randn(N, 1)
true_w, true_b = 2.5, -0.7
y = true_w * X + true_b + 0.1 * torch.randn(N, 1)
print("data", X.shape, y.shape, X[:3].round(decimals=4).flatten())

# ---- 1. linear regression by hand: elementwise only, so losses print in full -----------------------
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.1
for epoch in range(30):
    pred = X * w + b
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    if epoch % 5 == 0:
        # w's gradient is a sum over the broadcast dim (last-bit order-dependent): 6 and 4 decimals
        print(f"epoch {epoch:2d} loss {loss.item():.6f} grad_w {w.grad.item():.4f} grad_b {b.grad.item():.4f}")
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
print("fitted", round(w.item(), 4), round(b.item(), 4), w.requires_grad, w.grad_fn, type(loss.grad_fn).__name__)
print("is leaf", w.is_leaf, pred.is_leaf, type(pred.grad_fn).__name__)

# ---- 2. the same with a closed form check ----------------------------------------------------------
A = torch.cat([X, torch.ones(N, 1)], dim=1)
sol = torch.linalg.lstsq(A, y).solution
print("lstsq", sol.flatten().round(decimals=3))

# ---- 3. logistic regression by hand ----------------------------------------------------------------
torch.manual_seed(1)
Xc = torch.cat([torch.randn(40, 2) + torch.tensor([1.5, 1.5]), torch.randn(40, 2) - torch.tensor([1.5, 1.5])])
yc = torch.cat([torch.ones(40), torch.zeros(40)])
W = torch.zeros(2, requires_grad=True)
c = torch.zeros(1, requires_grad=True)


def forward(inp):
    return torch.sigmoid(inp[:, 0] * W[0] + inp[:, 1] * W[1] + c)


def bce(p, t):
    return -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()


for step in range(40):
    p = forward(Xc)
    loss = bce(p, yc)
    loss.backward()
    if step % 8 == 0:
        ref = F.binary_cross_entropy(p, yc)
        print(f"step {step:2d} bce {loss.item():.6f} F.bce {ref.item():.6f} same {abs(loss.item() - ref.item()) < 1e-6}")
    with torch.no_grad():
        W -= 0.5 * W.grad
        c -= 0.5 * c.grad
    W.grad.zero_()
    c.grad.zero_()
with torch.no_grad():
    p = forward(Xc)
acc = ((p > 0.5).float() == yc).float().mean()
print("accuracy", acc.item(), "W", W.detach().round(decimals=3), "c", c.detach().round(decimals=3))
print("p requires_grad", p.requires_grad, "grad_fn", p.grad_fn)
print("sigmoid", torch.sigmoid(torch.tensor([-100.0, -1.0, 0.0, 1.0, 100.0])))
# log/log1p may differ from torch in the last bit: BCE values print at 6 decimals
print("logits bce", F.binary_cross_entropy_with_logits(torch.tensor([0.0, 2.0]), torch.tensor([1.0, 0.0])).item().__round__(6))
print("bce weight", F.binary_cross_entropy(torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0]),
                                           weight=torch.tensor([1.0, 3.0])).item().__round__(6))
print("bce sum", F.binary_cross_entropy(torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0]), reduction="sum").item().__round__(6))
print("bce clamp", F.binary_cross_entropy(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])).item().__round__(6))
try:
    F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0]))
except RuntimeError as e:
    print("RuntimeError", e)
try:
    F.binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([1.0]))
except ValueError as e:
    print("ValueError", e)

# ---- 4. the nn.Module version ---------------------------------------------------------------------
torch.manual_seed(2)
model = nn.Linear(2, 1)
print(model, [tuple(p.shape) for p in model.parameters()])
opt = torch.optim.SGD(model.parameters(), lr=0.3)
crit = nn.BCEWithLogitsLoss()
for epoch in range(25):
    opt.zero_grad()
    logits = model(Xc).squeeze(1)
    loss = crit(logits, yc)
    loss.backward()
    opt.step()
    if epoch % 6 == 0:
        print(f"epoch {epoch:2d} loss {loss.item():.5f} grad_fn {type(loss.grad_fn).__name__}")
with torch.no_grad():
    preds = (model(Xc).squeeze(1) > 0).long()
print("nn accuracy", (preds == yc.long()).sum().item(), "/", len(yc), preds.dtype)
print("weight", model.weight.detach().round(decimals=3), "bias", model.bias.detach().round(decimals=3))
print("state keys", list(model.state_dict().keys()), opt.state_dict()["param_groups"][0]["lr"])

# linear regression with nn + MSELoss, and plain-SGD momentum
torch.manual_seed(3)
lin = nn.Linear(1, 1)
opt = torch.optim.SGD(lin.parameters(), lr=0.05, momentum=0.9)
for epoch in range(60):
    opt.zero_grad()
    loss = F.mse_loss(lin(X), y)
    loss.backward()
    opt.step()
print("nn linreg", round(lin.weight.item(), 3), round(lin.bias.item(), 3), f"{loss.item():.5f}")
