"""Convolution from scratch (CS231n assignment 2 / d2l chapter 7): a naive loop conv, an im2col conv
with F.unfold, col2im with F.fold, max pooling by hand, all compared with F.conv2d / F.max_pool2d,
forward and backward, then a tiny hand-written CNN layer used inside an nn.Module."""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)
np.random.seed(0)


def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F_, _, HH, WW = w.shape
    xp = F.pad(x, (pad, pad, pad, pad))
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    out = torch.zeros(N, F_, H_out, W_out, dtype=x.dtype)
    for n in range(N):
        for f in range(F_):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = (window * w[f]).sum() + b[f]
    return out


def corr2d(X, K):
    """d2l's 2-D cross-correlation of one channel."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


def conv_im2col(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F_, _, HH, WW = w.shape
    cols = F.unfold(x, kernel_size=(HH, WW), padding=pad, stride=stride)   # N, C*HH*WW, L
    out = w.view(F_, -1) @ cols + b.view(1, -1, 1)
    H_out = (H + 2 * pad - HH) // stride + 1
    return out.view(N, F_, H_out, -1)


def max_pool_naive(x, ph, pw, stride):
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - ph) // stride, 1 + (W - pw) // stride
    out = torch.empty(N, C, H_out, W_out)
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw].amax(dim=(2, 3))
    return out


print("== d2l corr2d and edge detection ==")
X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
print(corr2d(X, K))
X = torch.ones((6, 8))
X[:, 2:6] = 0
K = torch.tensor([[1.0, -1.0]])
Y = corr2d(X, K)
print(Y)
print(corr2d(X.t(), K))

print("== learning the kernel ==")
conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
X4, Y4 = X.reshape((1, 1, 6, 8)), Y.reshape((1, 1, 6, 7))
lr = 3e-2
for i in range(10):
    Y_hat = conv2d(X4)
    l = (Y_hat - Y4) ** 2
    conv2d.zero_grad()
    l.sum().backward()
    conv2d.weight.data[:] -= lr * conv2d.weight.grad
    if (i + 1) % 2 == 0:
        print(f"epoch {i + 1}, loss {l.sum():.3f}")
print(conv2d.weight.data.reshape((1, 2)).round(decimals=3))

print("== naive conv vs F.conv2d ==")
x = torch.randn(2, 3, 7, 7, dtype=torch.float64)
w = torch.randn(4, 3, 3, 3, dtype=torch.float64)
b = torch.randn(4, dtype=torch.float64)
for stride, pad in [(1, 0), (2, 1), (1, 1)]:
    ref = F.conv2d(x, w, b, stride=stride, padding=pad)
    naive = conv_forward_naive(x, w, b, stride, pad)
    fast = conv_im2col(x, w, b, stride, pad)
    print(f"stride={stride} pad={pad} out {tuple(ref.shape)} naive ok {torch.allclose(naive, ref)} "
          f"im2col ok {torch.allclose(fast, ref)}")

print("== unfold / fold round trip ==")
img = torch.arange(16.0).view(1, 1, 4, 4)
cols = F.unfold(img, kernel_size=2, stride=2)
print(cols)
print(F.fold(cols, output_size=(4, 4), kernel_size=2, stride=2).equal(img))
cols = F.unfold(img, kernel_size=3, padding=1)
counts = F.fold(torch.ones_like(cols), output_size=(4, 4), kernel_size=3, padding=1)
print(counts)
print(torch.allclose(F.fold(cols, (4, 4), kernel_size=3, padding=1) / counts, img))
unf = nn.Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=1)
fold = nn.Fold(output_size=(4, 4), kernel_size=(2, 3))
print(unf, fold, unf(img).shape)

print("== backward through im2col ==")
xg = x.clone().requires_grad_()
wg = w.clone().requires_grad_()
bg = b.clone().requires_grad_()
conv_im2col(xg, wg, bg, 2, 1).pow(2).sum().backward()
g_mine = (xg.grad, wg.grad, bg.grad)
xg.grad = wg.grad = bg.grad = None
F.conv2d(xg, wg, bg, stride=2, padding=1).pow(2).sum().backward()
for name, a, r in zip("xwb", g_mine, (xg.grad, wg.grad, bg.grad)):
    print(f"d{name} max abs diff below 1e-10: {(a - r).abs().max().item() < 1e-10}")
print(torch.autograd.gradcheck(lambda t: F.unfold(t, 2, stride=1), (x[:1, :1, :4, :4].clone().requires_grad_(),)))
print(torch.autograd.gradcheck(lambda c: F.fold(c, (3, 3), 2), (torch.randn(1, 4, 4, dtype=torch.float64, requires_grad=True),)))

print("== max pooling by hand ==")
x = torch.randn(2, 3, 6, 6)
mine = max_pool_naive(x, 2, 2, 2)
print(torch.equal(mine, F.max_pool2d(x, 2)), torch.equal(mine, nn.MaxPool2d(2, stride=2)(x)))
vals, idx = F.max_pool2d(x[:1, :1], 2, return_indices=True)
print(vals, idx, sep="\n")
print(F.max_unpool2d(vals, idx, 2))
xr = x[:1, :1].clone().requires_grad_()
F.max_pool2d(xr, 3, stride=3).sum().backward()
print(xr.grad.squeeze())
print(F.avg_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 2))
print(F.adaptive_avg_pool2d(torch.arange(16.0).view(1, 1, 4, 4), (1, 1)).flatten())


class Im2colConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1, padding=0):
        super().__init__()
        self.k, self.stride, self.padding = k, stride, padding
        self.weight = nn.Parameter(torch.empty(cout, cin, k, k))
        self.bias = nn.Parameter(torch.zeros(cout))
        nn.init.kaiming_uniform_(self.weight, a=5 ** 0.5)

    def forward(self, x):
        return conv_im2col(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self):
        return f"k={self.k}, stride={self.stride}, padding={self.padding}"


print("== a tiny CNN with the hand-made conv ==")
torch.manual_seed(1)
net = nn.Sequential(Im2colConv(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 2))
print(net)
X = torch.randn(32, 1, 8, 8)
y = (X[:, 0, :4].mean(dim=(1, 2)) > X[:, 0, 4:].mean(dim=(1, 2))).long()
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for step in range(30):
    loss = F.cross_entropy(net(X), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        acc = (net(X).argmax(1) == y).float().mean()
        print(f"step {step + 1} loss {loss.item():.3f} acc {acc:.2f}")
print({n: tuple(p.shape) for n, p in net.named_parameters()})
