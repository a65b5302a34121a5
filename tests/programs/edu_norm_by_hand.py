"""CS231n-style assignment 2: batch normalisation, layer normalisation and inverted dropout, forward
and backward written by hand, checked against autograd and against the nn modules."""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(231)
random.seed(231)
np.random.seed(231)
torch.set_printoptions(precision=4)


def rel_error(a, b):
    """max |a - b| / max(1e-8, |a| + |b|), the course's favourite metric."""
    return ((a - b).abs() / (a.abs() + b.abs()).clamp_min(1e-8)).max().item()


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", torch.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", torch.zeros(D, dtype=x.dtype))
    cache = None
    if mode == "train":
        mu = x.mean(dim=0)
        var = x.var(dim=0, unbiased=False)
        std = torch.sqrt(var + eps)
        xhat = (x - mu) / std
        out = gamma * xhat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (xhat, gamma, std)
    elif mode == "test":
        out = gamma * (x - running_mean) / torch.sqrt(running_var + eps) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward_alt(dout, cache):
    """The simplified one-line dx: dx = (g/std) (dout - mean(dout) - xhat mean(dout xhat))."""
    xhat, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(dim=0)
    dgamma = (dout * xhat).sum(dim=0)
    dxhat = dout * gamma
    dx = (N * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0)) / (N * std)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(dim=1, keepdim=True)
    var = x.var(dim=1, unbiased=False, keepdim=True)
    std = (var + eps).sqrt()
    xhat = (x - mu) / std
    return gamma * xhat + beta, (xhat, gamma, std)


def layernorm_backward(dout, cache):
    xhat, gamma, std = cache
    D = dout.shape[1]
    dgamma = (dout * xhat).sum(dim=0)
    dbeta = dout.sum(dim=0)
    dxhat = dout * gamma
    dx = (D * dxhat - dxhat.sum(1, keepdim=True) - xhat * (dxhat * xhat).sum(1, keepdim=True)) / (D * std)
    return dx, dgamma, dbeta


def dropout_forward(x, p, mode, seed=None):
    if seed is not None:
        torch.manual_seed(seed)
    if mode == "train":
        mask = (torch.rand(*x.shape) >= p) / (1 - p)
        return x * mask, mask
    return x, None


print("== batchnorm: train-mode statistics ==")
N, D1, D2, D3 = 200, 50, 60, 3
W1 = torch.randn(D1, D2)
W2 = torch.randn(D2, D3)
a = torch.relu(torch.randn(N, D1) @ W1) @ W2
print("before: means", a.mean(dim=0).round(decimals=1), "\n        stds ", a.std(dim=0).round(decimals=1))
a_norm, _ = batchnorm_forward(a, torch.ones(D3), torch.zeros(D3), {"mode": "train"})
print("after:  means", a_norm.mean(dim=0).abs().max().item() < 1e-5, "stds", a_norm.std(dim=0).round(decimals=3))
gamma = torch.tensor([1.0, 2.0, 3.0])
beta = torch.tensor([11.0, 12.0, 13.0])
a_norm, _ = batchnorm_forward(a, gamma, beta, {"mode": "train"})
print("gamma/beta:", a_norm.mean(dim=0).round(decimals=2), a_norm.std(dim=0).round(decimals=2))

print("== batchnorm: running averages reach test mode ==")
bn_param = {"mode": "train"}
W1 = torch.randn(D1, D2)
W2 = torch.randn(D2, D3)
for t in range(50):
    X = torch.randn(N, D1)
    a = torch.relu(X @ W1) @ W2
    batchnorm_forward(a, gamma, beta, bn_param)
bn_param["mode"] = "test"
X = torch.randn(N, D1)
a_norm, _ = batchnorm_forward(torch.relu(X @ W1) @ W2, gamma, beta, bn_param)
print("test means", a_norm.mean(dim=0).round(decimals=1), "stds", a_norm.std(dim=0).round(decimals=1))

print("== batchnorm backward vs autograd (float64) ==")
x = (5 * torch.randn(4, 5, dtype=torch.float64) + 12).requires_grad_()
g = torch.randn(5, dtype=torch.float64, requires_grad=True)
b = torch.randn(5, dtype=torch.float64, requires_grad=True)
dout = torch.randn(4, 5, dtype=torch.float64)
out, cache = batchnorm_forward(x, g, b, {"mode": "train"})
out.backward(dout)
with torch.no_grad():
    dx, dg, db = batchnorm_backward_alt(dout, cache)
for name, mine, ref in [("dx", dx, x.grad), ("dgamma", dg, g.grad), ("dbeta", db, b.grad)]:
    print(f"{name:7s} rel error < 1e-12: {rel_error(mine, ref) < 1e-12}  allclose {torch.allclose(mine, ref)}")

print("== against nn.BatchNorm1d ==")
bn = nn.BatchNorm1d(5, momentum=0.1)
print(bn)
xf = x.detach().float()
y_ref = bn(xf)
y_mine, _ = batchnorm_forward(xf, bn.weight.detach(), bn.bias.detach(), {"mode": "train", "momentum": 0.9})
err = (y_ref - y_mine).abs().max().item()
print("max abs err below 1e-5:", err < 1e-5, "| %.0e" % max(err, 1e-6), torch.allclose(y_ref, y_mine, atol=1e-5))
print("running_mean", bn.running_mean)
print("running_var ", bn.running_var)
print("num_batches_tracked", bn.num_batches_tracked)
bn.eval()
print("eval output row 0:", bn(xf)[0])

print("== layernorm ==")
x = torch.randn(4, 6, dtype=torch.float64, requires_grad=True)
g = torch.randn(6, dtype=torch.float64, requires_grad=True)
b = torch.randn(6, dtype=torch.float64, requires_grad=True)
out, cache = layernorm_forward(x, g, b)
ref = F.layer_norm(x, (6,), g, b, eps=1e-5)
torch.testing.assert_close(out, ref)
print("forward max abs err %.0e" % max((out - ref).abs().max().item(), 1e-12))
dout = torch.randn_like(out)
gx, gg, gb = torch.autograd.grad(ref, (x, g, b), dout)
dx, dg, db = layernorm_backward(dout.detach(), tuple(c.detach() for c in cache))
print("dx %.0e dgamma %.0e dbeta %.0e" % tuple(max(e, 1e-12) for e in (rel_error(dx, gx), rel_error(dg, gg), rel_error(db, gb))))
ln = nn.LayerNorm(6, elementwise_affine=True)
print(ln, ln.normalized_shape, ln.weight.shape)
print(ref.grad_fn.name(), type(out.grad_fn).__name__, out.grad_fn.next_functions[0][0].name())

print("== inverted dropout ==")
x = torch.randn(500, 500) + 10
for p in [0.25, 0.4, 0.7]:
    out, _ = dropout_forward(x, p, "train", seed=123)
    out_test, _ = dropout_forward(x, p, "test", seed=123)
    print(f"p={p}: mean in {x.mean().item():.2f}, train out {out.mean().item():.1f}, "
          f"test out {out_test.mean().item():.2f}, zeroed {(out == 0).float().mean().item():.2f}")
x = torch.randn(10, 10, dtype=torch.float64, requires_grad=True)
out, mask = dropout_forward(x, 0.2, "train", seed=0)
dout = torch.randn_like(x)
out.backward(dout)
print("dropout dx rel error %.0e" % rel_error(x.grad, dout * mask))
torch.manual_seed(0)
y = F.dropout(torch.ones(3, 8), p=0.5, training=True)
print(y)
drop = nn.Dropout(p=0.5)
print(drop, drop.training, drop.eval().training, drop(torch.ones(2, 3)))
