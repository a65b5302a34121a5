"""Meta-learning homework (CS330 style): MAML on sine-wave regression, written twice: once with
create_graph=True and a hand-rolled functional network, once with torch.func (functional_call,
grad, vmap).  Plus the torch.func warm-up exercises: grad, vmap, jacrev, jacfwd, hessian."""
import math
import random
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, vmap

torch.manual_seed(330)
random.seed(330)
np.random.seed(330)

print("== torch.func warm-up ==")
f = lambda x: (x.sin() * x).sum()
x = torch.linspace(-1, 1, 5)
print(grad(f)(x))
print(torch.allclose(grad(f)(x), x.cos() * x + x.sin()))
g, v = grad_and_value(f)(x)
print(g.shape, round(v.item(), 4))
print(grad(grad(lambda s: s ** 3))(torch.tensor(2.0)))
batched_dot = vmap(torch.dot)
a, b = torch.randn(3, 4), torch.randn(3, 4)
print(torch.allclose(batched_dot(a, b), (a * b).sum(1)))
print(vmap(lambda row: row.sum(), in_dims=1)(torch.arange(6.0).view(2, 3)))
print(vmap(torch.mul, in_dims=(0, None))(torch.ones(2, 3), torch.tensor([1.0, 2.0, 3.0])))
A = torch.randn(3, 3, dtype=torch.float64)
lin = lambda v: A @ v.tanh()
v0 = torch.randn(3, dtype=torch.float64)
J1, J2 = jacrev(lin)(v0), jacfwd(lin)(v0)
print(torch.allclose(J1, J2), torch.allclose(J1, A * (1 - v0.tanh() ** 2)))
H = hessian(lambda v: (v ** 4).sum() + v[0] * v[1])(v0)
print(H.round(decimals=4))
per_sample = vmap(grad(lambda w, xi, yi: (xi @ w - yi) ** 2), in_dims=(None, 0, 0))
w = torch.tensor([1.0, -1.0])
X = torch.tensor([[1.0, 2.0], [0.5, 0.0], [3.0, 1.0]])
Y = torch.tensor([0.0, 1.0, 2.0])
print(per_sample(w, X, Y))

print("== sine tasks ==")


def sample_task():
    return random.uniform(0.1, 5.0), random.uniform(0, math.pi)


def sample_batch(amp, phase, k):
    x = torch.rand(k, 1) * 10 - 5
    return x, amp * torch.sin(x + phase)


class SineNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(OrderedDict([("l1", nn.Linear(1, 40)), ("a1", nn.ReLU()),
                                              ("l2", nn.Linear(40, 40)), ("a2", nn.ReLU()),
                                              ("out", nn.Linear(40, 1))]))

    def forward(self, x):
        return self.net(x)


def functional_forward(x, params):
    """The same network, with the weights passed in (the classic MAML trick)."""
    x = F.relu(F.linear(x, params["net.l1.weight"], params["net.l1.bias"]))
    x = F.relu(F.linear(x, params["net.l2.weight"], params["net.l2.bias"]))
    return F.linear(x, params["net.out.weight"], params["net.out.bias"])


model = SineNet()
print(model)
print([n for n, _ in model.named_parameters()])
meta_opt = torch.optim.Adam(model.parameters(), lr=1e-3)
inner_lr, K, meta_batch = 0.01, 10, 4

print("== MAML with create_graph ==")
for it in range(60):
    meta_opt.zero_grad()
    meta_loss = 0.0
    for _ in range(meta_batch):
        amp, phase = sample_task()
        xs, ys = sample_batch(amp, phase, K)
        xq, yq = sample_batch(amp, phase, K)
        params = OrderedDict(model.named_parameters())
        loss = F.mse_loss(functional_forward(xs, params), ys)
        grads = torch.autograd.grad(loss, params.values(), create_graph=True)
        fast = OrderedDict((n, p - inner_lr * g) for (n, p), g in zip(params.items(), grads))
        meta_loss = meta_loss + F.mse_loss(functional_forward(xq, fast), yq)
    (meta_loss / meta_batch).backward()
    meta_opt.step()
    if it % 20 == 19:
        print(f"iter {it + 1}: meta loss {meta_loss.item() / meta_batch:.2f}")
print("second-order grad_fn:", type(fast["net.l1.weight"].grad_fn).__name__, grads[0].requires_grad)

print("== MAML with torch.func ==")
params = {k: v.detach() for k, v in model.named_parameters()}


def loss_fn(p, x, y):
    return F.mse_loss(functional_call(model, p, (x,)), y)


def adapt(p, x, y, steps=1):
    for _ in range(steps):
        g = grad(loss_fn)(p, x, y)
        p = {k: p[k] - inner_lr * g[k] for k in p}
    return p


def query_loss(p, xs, ys, xq, yq):
    return loss_fn(adapt(p, xs, ys), xq, yq)


tasks = [sample_task() for _ in range(4)]
batches = [sample_batch(a, ph, K) + sample_batch(a, ph, K) for a, ph in tasks]
xs, ys, xq, yq = (torch.stack(t) for t in zip(*batches))
print("task tensors", xs.shape, yq.shape)
losses = vmap(query_loss, in_dims=(None, 0, 0, 0, 0))(params, xs, ys, xq, yq)
print("per-task query loss", losses.round(decimals=2))
meta_grads = grad(lambda p: vmap(query_loss, in_dims=(None, 0, 0, 0, 0))(p, xs, ys, xq, yq).mean())(params)
print({k: tuple(v.shape) for k, v in meta_grads.items()})
# the same meta-gradient through ordinary autograd, create_graph and all
p_ag = {k: v.clone().requires_grad_() for k, v in params.items()}
tot = 0
for i in range(4):
    inner = F.mse_loss(functional_call(model, p_ag, (xs[i],)), ys[i])
    gs = torch.autograd.grad(inner, list(p_ag.values()), create_graph=True)
    fast = {k: p - inner_lr * g for (k, p), g in zip(p_ag.items(), gs)}
    tot = tot + F.mse_loss(functional_call(model, fast, (xq[i],)), yq[i])
(tot / 4).backward()
print("func == autograd:", all(torch.allclose(meta_grads[k], p_ag[k].grad, rtol=1e-4, atol=1e-5) for k in params))

print("== few-shot adaptation on a new task ==")
amp, phase = 3.0, 0.5
xs, ys = sample_batch(amp, phase, K)
xt = torch.linspace(-5, 5, 50).unsqueeze(1)
yt = amp * torch.sin(xt + phase)
p = params
for step in range(11):
    if step % 5 == 0:
        with torch.no_grad():
            print(f"step {step}: test mse {loss_fn(p, xt, yt).item():.2f}")
    p = adapt(p, xs, ys)

print("== MAML with a normalised conv net (second order through BatchNorm and LayerNorm) ==")
torch.manual_seed(5)
net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                    nn.LayerNorm(4 * 5 * 5), nn.Linear(4 * 5 * 5, 3))
print(net)
print(sorted(k for k, _ in net.named_buffers()))
outer = torch.optim.SGD(net.parameters(), lr=0.1)
for it in range(4):
    outer.zero_grad()
    total = 0.0
    for task in range(2):
        xs_img, ys_cls = torch.randn(6, 1, 5, 5), torch.randint(0, 3, (6,))
        xq_img, yq_cls = torch.randn(6, 1, 5, 5), torch.randint(0, 3, (6,))
        p = dict(net.named_parameters())
        loss = F.cross_entropy(functional_call(net, p, (xs_img,)), ys_cls)
        gs = torch.autograd.grad(loss, list(p.values()), create_graph=True)
        p = {k: v - 0.4 * g for (k, v), g in zip(p.items(), gs)}
        q = F.cross_entropy(functional_call(net, p, (xq_img,)), yq_cls)
        q.backward()
        total += q.item()
    outer.step()
    print(f"outer step {it}: query loss {total / 2:.3f}, bn running var mean {net[1].running_var.mean().item():.3f}")
second = {n: round(v.grad.norm().item(), 3) > 0 for n, v in net.named_parameters()}
print(second, net[1].num_batches_tracked)
