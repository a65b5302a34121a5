"""d2l.ai from-scratch chapters at tiny sizes: softmax regression, weight decay, batch normalization
and a GRU written with raw tensors, each checked against the concise nn version."""
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(7)


# ---- softmax regression from scratch --------------------------------------------------------------
def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[list(range(len(y_hat))), y]).mean()


X = torch.rand((2, 5))
X_prob = softmax(X)
# rows sum to 1 up to the last bit, which depends on summation order: print them rounded
print(X_prob, X_prob.sum(1).round(decimals=4))
y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y], cross_entropy(y_hat, y))

n, d, q = 120, 6, 3
Xs = torch.randn(n, d)
true_W = torch.randn(d, q)
ys = (Xs @ true_W).argmax(1)
W = torch.normal(0, 0.01, size=(d, q), requires_grad=True)
b = torch.zeros(q, requires_grad=True)
for epoch in range(6):
    for i in range(0, n, 30):
        Xb, yb = Xs[i:i + 30], ys[i:i + 30]
        l = cross_entropy(softmax(Xb @ W + b), yb)
        l.backward()
        with torch.no_grad():
            W -= 0.5 * W.grad
            b -= 0.5 * b.grad
            W.grad.zero_()
            b.grad.zero_()
    acc = ((Xs @ W + b).argmax(1) == ys).float().mean()
    print(f"epoch {epoch + 1}, loss {l.item():.4f}, acc {acc.item():.4f}")


# ---- weight decay from scratch vs. optimizer weight_decay -------------------------------------------
def l2_penalty(w):
    return (w ** 2).sum() / 2


Xr = torch.randn(20, 50)
yr = Xr @ (torch.ones(50, 1) * 0.01) + 0.05 + torch.randn(20, 1) * 0.01
for lambd in (0, 3):
    w = torch.normal(0, 1, size=(50, 1), requires_grad=True)
    b0 = torch.zeros(1, requires_grad=True)
    for step in range(20):
        l = ((Xr @ w + b0 - yr) ** 2 / 2).mean() + lambd * l2_penalty(w)
        l.backward()
        with torch.no_grad():
            for p in (w, b0):
                p -= 0.01 * p.grad
                p.grad.zero_()
    print(f"lambda {lambd}: L2 norm of w {torch.norm(w).item():.4f}")
net = nn.Linear(50, 1)
trainer = torch.optim.SGD([{"params": net.weight, "weight_decay": 3}, {"params": net.bias}], lr=0.01)
print(trainer)
for step in range(20):
    trainer.zero_grad()
    l = nn.MSELoss()(net(Xr), yr)
    l.backward()
    trainer.step()
print(f"concise: {net.weight.norm().item():.4f}")


# ---- batch normalization from scratch ---------------------------------------------------------
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    Y = gamma * X_hat + beta
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims):
        super().__init__()
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, eps=1e-5, momentum=0.1)
        return Y


img = torch.randn(4, 3, 5, 5) * 2 + 1
mine, ref = BatchNorm(3, 4), nn.BatchNorm2d(3)
out_m, out_r = mine(img), ref(img)
print(out_m.shape, (out_m - out_r).abs().max().item() < 1e-5, out_m.grad_fn.name())
print(mine.moving_mean.flatten(), ref.running_mean)
print(mine.moving_var.flatten(), ref.running_var)
print(mine, list(mine.state_dict().keys()))

# ---- GRU from scratch -----------------------------------------------------------------------------
num_inputs, num_hiddens, T, B = 4, 5, 6, 2


def init_gru(sigma=0.01):
    triple = lambda: (nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma),
                      nn.Parameter(torch.randn(num_hiddens, num_hiddens) * sigma),
                      nn.Parameter(torch.zeros(num_hiddens)))
    return triple(), triple(), triple()


(W_xz, W_hz, b_z), (W_xr, W_hr, b_r), (W_xh, W_hh, b_h) = init_gru(sigma=0.5)
inputs = torch.randn(T, B, num_inputs)
H = torch.zeros(B, num_hiddens)
outputs = []
for X in inputs:
    Z = torch.sigmoid(torch.matmul(X, W_xz) + torch.matmul(H, W_hz) + b_z)
    R = torch.sigmoid(torch.matmul(X, W_xr) + torch.matmul(H, W_hr) + b_r)
    H_tilde = torch.tanh(torch.matmul(X, W_xh) + torch.matmul(R * H, W_hh) + b_h)
    H = Z * H + (1 - Z) * H_tilde
    outputs.append(H)
out_s = torch.stack(outputs)
gru = nn.GRU(num_inputs, num_hiddens)
with torch.no_grad():
    gru.weight_ih_l0.copy_(torch.cat([W_xr.T, W_xz.T, W_xh.T]))
    gru.weight_hh_l0.copy_(torch.cat([W_hr.T, W_hz.T, W_hh.T]))
    gru.bias_ih_l0.zero_()
    gru.bias_hh_l0.zero_()
out_c, h_n = gru(inputs)
print(out_s.shape, out_c.shape, h_n.shape, (out_s - out_c).abs().max().item() < 1e-5)
print(out_c[-1].detach().round(decimals=3))
out_s.sum().backward()
print(W_xz.grad.shape, round(W_hh.grad.abs().sum().item(), 3), out_c.grad_fn.name())
