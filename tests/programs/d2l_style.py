"""Code in the style of the "Dive into Deep Learning" PyTorch notebooks: NumPy-style axis/keepdims,
hand-written layers, an accumulator class, a LeNet and a multilayer perceptron trained from scratch."""
import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)


class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


X = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
print(X.sum(axis=0), X.sum(axis=[0, 1]), X.mean(axis=2, keepdims=True).shape)
print(X.cumsum(axis=0)[1, 0], X.numel(), len(X), X.shape)
A = torch.arange(20, dtype=torch.float32).reshape(5, 4)
B = A.clone()
print(A * B, A.sum(axis=1, keepdims=True) / A.sum(), torch.mv(A, torch.ones(4)), torch.mm(A, B.T).shape)
u = torch.tensor([3.0, -4.0])
print(torch.norm(u), torch.abs(u).sum(), torch.norm(torch.ones((4, 9))))
x = torch.arange(4.0)
x.requires_grad_(True)
y = 2 * torch.dot(x, x)
y.backward()
print(x.grad, x.grad == 4 * x)
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)


def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


Xe = torch.ones((6, 8))
Xe[:, 2:6] = 0
K = torch.tensor([[1.0, -1.0]])
Ye = corr2d(Xe, K)
print(Ye)
conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
Xb, Yb = Xe.reshape((1, 1, 6, 8)), Ye.reshape((1, 1, 6, 7))
for i in range(10):
    Y_hat = conv2d(Xb)
    l = (Y_hat - Yb) ** 2
    conv2d.zero_grad()
    l.sum().backward()
    conv2d.weight.data[:] -= 3e-2 * conv2d.weight.grad
    if (i + 1) % 5 == 0:
        print(f'epoch {i + 1}, loss {l.sum():.3f}')
print(conv2d.weight.data.reshape((1, 2)))


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    Y = torch.matmul(K, X)
    return Y.reshape((c_o, h, w))


X1 = torch.normal(0, 1, (3, 3, 3))
K1 = torch.normal(0, 1, (2, 3, 1, 1))
Y1 = corr2d_multi_in_out_1x1(X1, K1)
Y2 = torch.stack([sum(corr2d(x, k) for x, k in zip(X1, kk)) for kk in K1], 0)
print(float(torch.abs(Y1 - Y2).sum()) < 1e-5)


def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    Y = torch.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == 'max':
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == 'avg':
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y


Xp = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
print(pool2d(Xp, (2, 2)), pool2d(Xp, (2, 2), 'avg'))
Xq = torch.arange(16, dtype=torch.float32).reshape((1, 1, 4, 4))
print(nn.MaxPool2d(3, padding=1, stride=2)(Xq), nn.AvgPool2d((2, 3), padding=(0, 1), stride=(2, 3))(Xq))

net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.Sigmoid(),
    nn.Linear(84, 10))
Xl = torch.rand((1, 1, 28, 28), dtype=torch.float32)
for layer in net:
    Xl = layer(Xl)
    print(layer.__class__.__name__, 'output shape: \t', Xl.shape)


def init_cnn(module):
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        nn.init.xavier_uniform_(module.weight)


net.apply(init_cnn)
images = torch.rand(64, 1, 28, 28)
labels = torch.randint(0, 10, (64,))
optimizer = torch.optim.SGD(net.parameters(), lr=0.9)
loss = nn.CrossEntropyLoss()
for epoch in range(2):
    metric = Accumulator(3)
    net.train()
    for i in range(0, 64, 16):
        Xb, yb = images[i:i + 16], labels[i:i + 16]
        optimizer.zero_grad()
        y_hat = net(Xb)
        l = loss(y_hat, yb)
        l.backward()
        optimizer.step()
        with torch.no_grad():
            metric.add(l * Xb.shape[0], accuracy(y_hat, yb), Xb.shape[0])
    print(f'loss {metric[0] / metric[2]:.3f}, train acc {metric[1] / metric[2]:.3f}')

# MLP from scratch with a hand-written ReLU and softmax cross-entropy
num_inputs, num_outputs, num_hiddens = 784, 10, 32
W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens, requires_grad=True) * 0.01)
b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs, requires_grad=True) * 0.01)
b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))
params = [W1, b1, W2, b2]


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def mlp(X):
    X = X.reshape((-1, num_inputs))
    H = relu(X @ W1 + b1)
    return H @ W2 + b2


updater = torch.optim.SGD(params, lr=0.1)
for epoch in range(3):
    l = F.cross_entropy(mlp(images), labels, reduction='none')
    updater.zero_grad()
    l.mean().backward()
    updater.step()
    print(f"epoch {epoch + 1}: {l.mean().item():.4f}", l.shape)


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


Xd = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print(dropout_layer(Xd, 0.), dropout_layer(Xd, 0.5), dropout_layer(Xd, 1.))

# batch norm by hand against nn.BatchNorm2d
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        mean = X.mean(dim=(0, 2, 3), keepdim=True)
        var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    Y = gamma * X_hat + beta
    return Y, moving_mean.data, moving_var.data


xb = torch.randn(4, 3, 5, 5)
Y, mm_, mv_ = batch_norm(xb, torch.ones(1, 3, 1, 1), torch.zeros(1, 3, 1, 1), torch.zeros(1, 3, 1, 1),
                         torch.ones(1, 3, 1, 1), 1e-5, 0.1)
bn = nn.BatchNorm2d(3)
print(torch.allclose(Y, bn(xb), atol=1e-5), mm_.flatten().round(decimals=4))
print(f"{math.sqrt(2) * np.float32(1.5):.4f}", torch.tensor(np.float32(1.5)).item())
