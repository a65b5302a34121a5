"""Layers written by hand, in the style of a convolutional-networks course assignment: naive
affine/relu/conv/max-pool forward and backward passes built from tensor ops, checked against autograd
and ``torch.nn.functional`` with a relative error, then a two-layer net trained on synthetic data by a
small Solver-like loop."""
import torch
import torch.nn.functional as F

torch.manual_seed(231)
torch.set_printoptions(precision=4)


def rel_error(x, y, tol=1e-7):
    """The largest relative error, printed against a tolerance so summation order cannot change it."""
    err = ((x - y).abs() / (x.abs() + y.abs()).clamp(min=1e-8)).max().item()
    return f"ok (<{tol:g})" if err < tol else f"BAD {err:.3e}"


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).mm(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout.mm(w.t()).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).t().mm(dout)
    db = dout.sum(dim=0)
    return dx, dw, db


def relu_forward(x):
    return torch.maximum(x, torch.zeros_like(x)), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F_, _, HH, WW = w.shape
    xp = F.pad(x, (pad, pad, pad, pad))
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    out = torch.zeros(N, F_, H_out, W_out, dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            patch = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = torch.einsum("nchw,fchw->nf", patch, w) + b
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    _, _, HH, WW = w.shape
    xp = F.pad(x, (pad, pad, pad, pad))
    dxp = torch.zeros_like(xp)
    dw = torch.zeros_like(w)
    db = dout.sum(dim=(0, 2, 3))
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            patch = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            d = dout[:, :, i, j]
            dw += torch.einsum("nf,nchw->fchw", d, patch)
            dxp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += torch.einsum("nf,fchw->nchw", d, w)
    dx = dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    Ho, Wo = 1 + (H - ph) // s, 1 + (W - pw) // s
    out = torch.empty(N, C, Ho, Wo, dtype=x.dtype)
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = x[:, :, i * s:i * s + ph, j * s:j * s + pw].amax(dim=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = torch.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = x[:, :, i * s:i * s + ph, j * s:j * s + pw]
            flat = win.reshape(win.shape[0], win.shape[1], -1)
            idx = flat.argmax(dim=2)
            mask = F.one_hot(idx, ph * pw).reshape(win.shape).to(x.dtype)
            dx[:, :, i * s:i * s + ph, j * s:j * s + pw] += mask * dout[:, :, i, j][:, :, None, None]
    return dx


# affine
x = torch.randn(4, 3, 2, 2, dtype=torch.float64, requires_grad=True)
w = torch.randn(12, 5, dtype=torch.float64, requires_grad=True)
b = torch.randn(5, dtype=torch.float64, requires_grad=True)
out, cache = affine_forward(x, w, b)
dout = torch.randn_like(out)
dx, dw, db = affine_backward(dout, cache)
out.backward(dout)
print("affine out", rel_error(out, F.linear(x.flatten(1), w.t(), b)))
print("affine dx dw db", rel_error(dx, x.grad), rel_error(dw, w.grad), rel_error(db, b.grad))
print("affine out shape", out.shape, out.grad_fn.name())

# relu
x = torch.linspace(-0.5, 0.5, steps=12, dtype=torch.float64).reshape(3, 4).requires_grad_()
out, cache = relu_forward(x)
print(out.detach())
dout = torch.randn(3, 4, dtype=torch.float64)
out.backward(dout)
print("relu dx", rel_error(relu_backward(dout, cache), x.grad), type(out.grad_fn).__name__)

# conv
x = torch.randn(2, 3, 5, 5, dtype=torch.float64, requires_grad=True)
w = torch.randn(4, 3, 3, 3, dtype=torch.float64, requires_grad=True)
b = torch.randn(4, dtype=torch.float64, requires_grad=True)
cp = {"stride": 2, "pad": 1}
out, cache = conv_forward_naive(x.detach(), w.detach(), b.detach(), cp)
ref = F.conv2d(x, w, b, stride=2, padding=1)
print("conv out", rel_error(out, ref), tuple(out.shape))
dout = torch.randn_like(ref)
ref.backward(dout)
dx, dw, db = conv_backward_naive(dout, cache)
print("conv dx dw db", rel_error(dx, x.grad), rel_error(dw, w.grad), rel_error(db, b.grad))

# max pool
x = torch.randn(2, 3, 4, 4, dtype=torch.float64, requires_grad=True)
pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
out, cache = max_pool_forward_naive(x.detach(), pp)
ref = F.max_pool2d(x, 2, 2)
print("pool out", rel_error(out, ref), ref.grad_fn.name())
dout = torch.randn_like(ref)
ref.backward(dout)
print("pool dx", rel_error(max_pool_backward_naive(dout, cache), x.grad))
print("numeric grad check", torch.autograd.gradcheck(lambda t: F.max_pool2d(t, 2, 2), (x,)))
# the backward passes must themselves be differentiable for double backprop (gradient penalties)
xs = torch.randn(1, 2, 4, 4, dtype=torch.float64, requires_grad=True)
ws = torch.randn(2, 2, 3, 3, dtype=torch.float64)
print("second-order checks",
      torch.autograd.gradgradcheck(lambda t: F.max_pool2d(t, 2, 2), (xs,)),
      torch.autograd.gradgradcheck(lambda t: F.avg_pool2d(t, 2, 1), (xs,)),
      torch.autograd.gradgradcheck(lambda t: conv_forward_naive(t, ws, torch.zeros(2, dtype=t.dtype),
                                                                {"stride": 1, "pad": 1})[0].tanh(), (xs,)))


def softmax_loss(scores, y):
    shifted = scores - scores.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    N = scores.shape[0]
    loss = -log_probs[torch.arange(N), y].mean()
    dscores = log_probs.exp()
    dscores[torch.arange(N), y] -= 1
    return loss, dscores / N


class TwoLayerNet:
    def __init__(self, input_dim=20, hidden_dim=32, num_classes=4, weight_scale=1e-1, reg=1e-3):
        self.reg = reg
        self.params = {
            "W1": weight_scale * torch.randn(input_dim, hidden_dim),
            "b1": torch.zeros(hidden_dim),
            "W2": weight_scale * torch.randn(hidden_dim, num_classes),
            "b2": torch.zeros(num_classes),
        }

    def loss(self, X, y=None):
        h, c1 = affine_forward(X, self.params["W1"], self.params["b1"])
        a, c2 = relu_forward(h)
        scores, c3 = affine_forward(a, self.params["W2"], self.params["b2"])
        if y is None:
            return scores
        loss, ds = softmax_loss(scores, y)
        loss = loss + 0.5 * self.reg * (self.params["W1"].pow(2).sum() + self.params["W2"].pow(2).sum())
        da, dW2, db2 = affine_backward(ds, c3)
        dh = relu_backward(da, c2)
        _, dW1, db1 = affine_backward(dh, c1)
        grads = {"W1": dW1 + self.reg * self.params["W1"], "b1": db1,
                 "W2": dW2 + self.reg * self.params["W2"], "b2": db2}
        return loss, grads


def sgd_momentum(w, dw, config):
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", torch.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


class Solver:
    def __init__(self, model, data, num_epochs=6, batch_size=25, lr=0.1, lr_decay=0.9):
        self.model, self.data = model, data
        self.num_epochs, self.batch_size, self.lr_decay = num_epochs, batch_size, lr_decay
        self.configs = {k: {"learning_rate": lr} for k in model.params}
        self.loss_history, self.train_acc_history, self.val_acc_history = [], [], []

    def check_accuracy(self, X, y):
        scores = self.model.loss(X)
        return (scores.argmax(dim=1) == y).float().mean().item()

    def train(self):
        N = self.data["X_train"].shape[0]
        g = torch.Generator().manual_seed(0)
        for epoch in range(self.num_epochs):
            perm = torch.randperm(N, generator=g)
            for it in range(N // self.batch_size):
                idx = perm[it * self.batch_size:(it + 1) * self.batch_size]
                loss, grads = self.model.loss(self.data["X_train"][idx], self.data["y_train"][idx])
                self.loss_history.append(loss.item())
                for k, w in self.model.params.items():
                    nw, cfg = sgd_momentum(w, grads[k], self.configs[k])
                    self.model.params[k] = nw
                    self.configs[k] = cfg
            for k in self.configs:
                self.configs[k]["learning_rate"] *= self.lr_decay
            tr = self.check_accuracy(self.data["X_train"], self.data["y_train"])
            va = self.check_accuracy(self.data["X_val"], self.data["y_val"])
            self.train_acc_history.append(tr)
            self.val_acc_history.append(va)
            print(f"(Epoch {epoch + 1} / {self.num_epochs}) loss {self.loss_history[-1]:.4f} "
                  f"train acc: {tr:.3f}; val_acc: {va:.3f}")


centers = torch.randn(4, 20) * 0.4
y_all = torch.randint(0, 4, (250,))
X_all = centers[y_all] + torch.randn(250, 20)
data = {"X_train": X_all[:200], "y_train": y_all[:200], "X_val": X_all[200:], "y_val": y_all[200:]}
model = TwoLayerNet()
# check the hand-written gradients of the whole net against autograd
p = {k: v.clone().requires_grad_() for k, v in model.params.items()}
h = F.relu(data["X_train"][:10] @ p["W1"] + p["b1"])
s = h @ p["W2"] + p["b2"]
l = F.cross_entropy(s, data["y_train"][:10]) + 0.5 * model.reg * (p["W1"].pow(2).sum() + p["W2"].pow(2).sum())
l.backward()
loss, grads = model.loss(data["X_train"][:10], data["y_train"][:10])
print("net loss", f"{loss.item():.4f}", f"{l.item():.4f}")
for k in sorted(grads):
    print(k, rel_error(grads[k], p[k].grad, tol=1e-2))
solver = Solver(model, data)
solver.train()
print("best val", f"{max(solver.val_acc_history):.3f}", len(solver.loss_history))
print(torch.tensor(solver.loss_history[::8]).round(decimals=2))
