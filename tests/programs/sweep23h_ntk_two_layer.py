"""ML-theory homework, week 7: the neural tangent kernel of a two-layer ReLU network in NTK
parameterisation. The empirical NTK from per-example Jacobians (torch.func.jacrev + vmap over
torch.func.functional_call), the same kernel from a hand-derived formula, its convergence to the
analytic arc-cosine kernel as the width grows, and lazy training: gradient descent on the wide net
tracks kernel regression with the NTK at initialization."""
import math

import torch
import torch.nn as nn
from torch.func import functional_call, jacrev, vmap

torch.manual_seed(0)


class TwoLayer(nn.Module):
    def __init__(self, d, m):
        super().__init__()
        self.m = m
        self.W = nn.Parameter(torch.randn(m, d, dtype=torch.float64))
        self.a = nn.Parameter(torch.randn(m, dtype=torch.float64))

    def forward(self, x):
        h = torch.relu(x @ self.W.T / math.sqrt(x.shape[-1]))
        return h @ self.a / math.sqrt(self.m)


def empirical_ntk(model, x1, x2):
    params = {k: v.detach() for k, v in model.named_parameters()}

    def f(p, x):
        return functional_call(model, p, (x.unsqueeze(0),)).squeeze(0)

    j1 = vmap(jacrev(f), (None, 0))(params, x1)
    j2 = vmap(jacrev(f), (None, 0))(params, x2)
    blocks = [j1[k].flatten(1) @ j2[k].flatten(1).T for k in j1]
    return sum(blocks), {k: tuple(v.shape) for k, v in j1.items()}


def analytic_ntk(x1, x2):
    # infinite-width NTK of relu net with N(0,1) weights, inputs scaled by 1/sqrt(d)
    d = x1.shape[1]
    n1, n2 = x1.norm(dim=1, keepdim=True), x2.norm(dim=1, keepdim=True)
    cos = (x1 @ x2.T / (n1 * n2.T)).clamp(-1, 1)
    theta = torch.arccos(cos)
    k0 = (math.pi - theta) / (2 * math.pi)
    k1 = (n1 * n2.T) / d * (torch.sin(theta) + (math.pi - theta) * cos) / (2 * math.pi)
    return k1 + (x1 @ x2.T) / d * k0


d = 4
x = torch.randn(6, d, dtype=torch.float64)
x = x / x.norm(dim=1, keepdim=True) * math.sqrt(d)
net = TwoLayer(d, 16)
K, shapes = empirical_ntk(net, x, x)
print("jacobian shapes:", shapes)
print("empirical NTK (m=16):\n", K.round(decimals=3))


def manual_ntk(net, x1, x2):
    d = x1.shape[1]
    pre1, pre2 = x1 @ net.W.T / math.sqrt(d), x2 @ net.W.T / math.sqrt(d)
    ka = torch.relu(pre1) @ torch.relu(pre2).T / net.m
    g1 = (pre1 > 0).double() * net.a
    g2 = (pre2 > 0).double() * net.a
    kw = (g1 @ g2.T) * (x1 @ x2.T) / d / net.m
    return (ka + kw).detach()


print("matches hand-derived formula:", torch.allclose(K, manual_ntk(net, x, x)))
print("symmetric:", torch.allclose(K, K.T), " min eigenvalue > 0:", bool(torch.linalg.eigvalsh(K)[0] > 0))

K_inf = analytic_ntk(x, x)
print("analytic NTK:\n", K_inf.round(decimals=3))
for m in [10, 100, 1000, 4000]:
    torch.manual_seed(m)
    Km, _ = empirical_ntk(TwoLayer(d, m), x, x)
    rel = (torch.linalg.matrix_norm(Km - K_inf) / torch.linalg.matrix_norm(K_inf)).item()
    print(f"m={m:5d}  relative Frobenius distance to analytic NTK: {rel:.3f}")

# lazy training: GD on a wide net vs NTK kernel regression
torch.manual_seed(3)
m = 2000
net = TwoLayer(d, m)
y = torch.sin(x.sum(1))
xt = torch.randn(4, d, dtype=torch.float64)
xt = xt / xt.norm(dim=1, keepdim=True) * math.sqrt(d)
with torch.no_grad():
    f0, ft0 = net(x), net(xt)
K0, _ = empirical_ntk(net, x, x)
Kt0, _ = empirical_ntk(net, xt, x)
W0 = net.W.detach().clone()
opt = torch.optim.SGD(net.parameters(), lr=1.0)
for step in range(201):
    opt.zero_grad()
    loss = 0.5 * (net(x) - y).pow(2).sum()
    loss.backward()
    opt.step()
    if step % 50 == 0:
        print(f"step {step:3d}  loss {loss.item():.6f}")
with torch.no_grad():
    pred_gd = net(xt)
pred_ntk = ft0 + Kt0 @ torch.linalg.solve(K0, y - f0)
print("GD prediction:  ", pred_gd.round(decimals=3))
print("NTK prediction: ", pred_ntk.round(decimals=3))
print(f"max gap: {(pred_gd - pred_ntk).abs().max().item():.3f}")
print(f"relative weight movement: {((net.W.detach() - W0).norm() / W0.norm()).item():.4f}")

# per-sample gradients with vmap(grad) give the same Jacobian rows
from torch.func import grad
params = {k: v.detach() for k, v in net.named_parameters()}
gs = vmap(grad(lambda p, xi: functional_call(net, p, (xi.unsqueeze(0),)).squeeze(0)), (None, 0))(params, x[:2])
print({k: tuple(v.shape) for k, v in gs.items()})
