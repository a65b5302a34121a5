"""FGSM and L-inf PGD with torch.autograd.grad w.r.t. the inputs, random starts, a robust accuracy table."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(29)

# three Gaussian blobs in 10-d, scaled into the unit box
N, D, C = 300, 10, 3
centers = torch.randn(C, D) * 1.5
y = torch.arange(N) % C
X = centers[y] + 0.6 * torch.randn(N, D)
lo, hi = X.min(0).values, X.max(0).values
X = (X - lo) / (hi - lo)
print("data range:", round(X.min().item(), 4), round(X.max().item(), 4), X.shape, X.dtype)

model = nn.Sequential(
    nn.Linear(D, 32), nn.ReLU(),
    nn.Linear(32, 32), nn.Tanh(),
    nn.Linear(32, C),
)
print(model)
opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
for epoch in range(60):
    opt.zero_grad()
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    opt.step()
    if epoch % 15 == 0:
        print(f"epoch {epoch:2d} loss {loss.item():.4f}")
model.eval()
for p in model.parameters():
    p.requires_grad_(False)


def accuracy(x):
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def fgsm(x, eps):
    x = x.clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), y)
    (g,) = torch.autograd.grad(loss, [x])
    return (x + eps * g.sign()).clamp(0.0, 1.0).detach()


def pgd(x, eps, alpha, steps, random_start=True):
    x_adv = x.clone()
    if random_start:
        x_adv = x_adv + torch.empty_like(x).uniform_(-eps, eps)
        x_adv = torch.clamp(x_adv, 0, 1)
    for _ in range(steps):
        x_adv.requires_grad_()
        loss = F.cross_entropy(model(x_adv), y, reduction="sum")
        grad = torch.autograd.grad(loss, x_adv)[0]
        x_adv = x_adv.detach() + alpha * torch.sign(grad)
        delta = torch.clamp(x_adv - x, min=-eps, max=eps)
        x_adv = torch.clamp(x + delta, 0, 1).detach()
    return x_adv


print(f"clean accuracy {accuracy(X):.4f}")
print(f"{'eps':>6} | {'fgsm':>6} | {'pgd10':>6} | {'pgd10-rs':>8}")
table = []
for eps in [0.01, 0.03, 0.05, 0.1]:
    a_f = accuracy(fgsm(X, eps))
    x_p = pgd(X, eps, eps / 4, 10, random_start=False)
    a_p = accuracy(x_p)
    a_r = accuracy(pgd(X, eps, eps / 4, 10))
    linf = (x_p - X).abs().amax(dim=1)
    assert bool((linf <= eps + 1e-6).all())
    table.append([eps, a_f, a_p, a_r])
    print(f"{eps:6.2f} | {a_f:6.4f} | {a_p:6.4f} | {a_r:8.4f}")
table = torch.tensor(table)
print(table)
print("pgd never beats fgsm by much:", bool((table[:, 2] <= table[:, 1] + 0.05).all()))

# per-class robustness at one budget
x_adv = pgd(X, 0.05, 0.0125, 10)
with torch.no_grad():
    pred = model(x_adv).argmax(1)
conf = torch.zeros(C, C, dtype=torch.long)
conf.index_put_((y, pred), torch.ones(N, dtype=torch.long), accumulate=True)
print("confusion under attack:\n", conf)
print("per-class robust acc:", (conf.diag().float() / conf.sum(1)).round(decimals=4))

# the loss increase is monotone along the attack path
x0 = X[:5].clone().requires_grad_(True)
losses = []
for k in range(4):
    l = F.cross_entropy(model(x0), y[:5])
    losses.append(round(l.item(), 4))
    g, = torch.autograd.grad(l, x0)
    x0 = (x0 + 0.01 * g.sign()).detach().requires_grad_(True)
print("losses along fgsm steps:", losses)

# grad w.r.t. a tensor that is not part of the graph
try:
    z = torch.zeros(3, requires_grad=True)
    torch.autograd.grad(F.cross_entropy(model(X[:2].requires_grad_()), y[:2]), z)
except RuntimeError as e:
    print("RuntimeError:", e)
out = torch.autograd.grad(F.cross_entropy(model(X[:2].clone().requires_grad_()), y[:2]),
                          torch.zeros(3, requires_grad=True), allow_unused=True)
print("allow_unused:", out)
try:
    torch.autograd.grad(model(X[:2]).sum(), X[:2])
except RuntimeError as e:
    print("RuntimeError:", e)
