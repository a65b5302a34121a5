"""Visualize-free loss landscape notebook: grids, Himmelblau, saddle escape, trajectories."""
import math
import torch

torch.manual_seed(3)


def himmelblau(x, y):
    return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2


def saddle(p):
    return p[..., 0] ** 2 - p[..., 1] ** 2 + 0.25 * p[..., 1] ** 4


xs = torch.linspace(-5, 5, 41)
X, Y = torch.meshgrid(xs, xs, indexing="ij")
Z = himmelblau(X, Y)
print(Z.shape, Z.dtype, f"{Z.min().item():.4f}", f"{Z.max().item():.4f}")
idx = torch.topk(-Z.flatten(), 4).indices
print(torch.stack([X.flatten()[idx], Y.flatten()[idx]], 1))
print(torch.log1p(Z[::10, ::10]))

# Analytic gradient field vs autograd on the grid
G = torch.stack([X, Y], -1).requires_grad_(True)
zz = himmelblau(G[..., 0], G[..., 1])
(gx,) = torch.autograd.grad(zz.sum(), G)
print(gx[20, 20], gx.norm(dim=-1).max())

# Multiple starts batched as one parameter tensor
starts = torch.tensor([[0.0, 0.0], [-1.0, 1.0], [-3.0, -3.0], [3.0, -1.0]], requires_grad=True)
opt = torch.optim.Adam([starts], lr=0.1)
for i in range(300):
    opt.zero_grad()
    loss = himmelblau(starts[:, 0], starts[:, 1]).sum()
    loss.backward()
    opt.step()
print(starts.detach().round(decimals=3))
print(himmelblau(starts[:, 0], starts[:, 1]).detach().clamp_min(0).lt(1e-3))

# Saddle: plain GD stuck, noisy GD escapes
for noise in [0.0, 0.01]:
    torch.manual_seed(0)
    p = torch.tensor([1.0, 0.0], requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    for _ in range(100):
        opt.zero_grad()
        saddle(p).backward()
        if noise:
            p.grad.add_(torch.randn_like(p.grad), alpha=noise)
        opt.step()
    print("noise", noise, [round(v, 3) for v in p.tolist()], f"{saddle(p).item():.4f}")

# Rosenbrock trajectory with gradient clipping and a per-parameter group setup
x = torch.nn.Parameter(torch.tensor([-1.2]))
y = torch.nn.Parameter(torch.tensor([1.0]))
opt = torch.optim.SGD([{"params": [x], "lr": 1e-3}, {"params": [y], "lr": 2e-3}], momentum=0.9, nesterov=True)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=100, gamma=0.5)
path = []
for i in range(300):
    opt.zero_grad()
    loss = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    loss.backward()
    n = torch.nn.utils.clip_grad_norm_([x, y], max_norm=10.0)
    opt.step()
    sched.step()
    if i % 60 == 0:
        path.append(torch.cat([x.detach(), y.detach()]))
print(torch.stack(path))
print(loss)
print(sched.get_last_lr(), round(float(n), 4))

# The differentiable flag: hypergradient of the lr through one SGD step
lr = torch.tensor(0.01, requires_grad=True)
w = torch.tensor([-1.0, 1.5], requires_grad=True)
w0 = w.clone()
loss0 = (1 - w0[0]) ** 2 + 100 * (w0[1] - w0[0] ** 2) ** 2
(g,) = torch.autograd.grad(loss0, w0, create_graph=True)
w1 = w0 - lr * g
loss1 = (1 - w1[0]) ** 2 + 100 * (w1[1] - w1[0] ** 2) ** 2
(hg,) = torch.autograd.grad(loss1, lr)
print(f"{loss1.item():.4f}", hg)

p = torch.tensor([0.5, 0.5], requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1, differentiable=True)
print(opt.defaults["differentiable"], opt.param_groups[0]["differentiable"])
try:
    torch.optim.SGD([p], lr=-0.1)
except ValueError as e:
    print(e)
try:
    torch.optim.Adam([p], betas=(1.0, 0.9))
except ValueError as e:
    print(e)
try:
    torch.optim.SGD([p], lr=0.1, nesterov=True)
except ValueError as e:
    print(e)
try:
    torch.optim.SGD([], lr=0.1)
except ValueError as e:
    print(e)
try:
    torch.optim.Adam(p, lr=0.1)
except TypeError as e:
    print(e)

# Hypergradient of a validation loss through two differentiable SGD steps
w0 = torch.tensor([-1.0, 1.5], requires_grad=True)
w = w0 * 1.0
lr = torch.tensor(0.002, requires_grad=True)
opt = torch.optim.SGD([w], lr=lr, weight_decay=0.01, differentiable=True)
for _ in range(2):
    a, c = w.clone().unbind()
    d1, d2 = 1 - a, c - a ** 2
    (g,) = torch.autograd.grad(d1 ** 2 + 100 * d2 ** 2, w, create_graph=True)
    w.grad = g
    opt.step()
val = ((w - 1) ** 2).sum()
dlr, dw0 = torch.autograd.grad(val, [lr, w0])
print(w, type(w.grad_fn).__name__, f"{val.item():.4f}")
print(f"{dlr.item():.5g}", dw0)
