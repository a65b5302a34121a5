"""UvA DL tutorial / course homework: a small library of custom autograd Functions (ReLU, Exp,
LogSumExp, a fused linear+tanh, a straight-through rounding), each verified with gradcheck and
gradgradcheck in float64, then used inside a module and trained."""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.autograd import Function, gradcheck, gradgradcheck
from torch.autograd.function import once_differentiable
from torch.autograd.gradcheck import GradcheckError

torch.manual_seed(7)
random.seed(7)
np.random.seed(7)


class MyReLU(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        grad = grad_output.clone()
        grad[x < 0] = 0
        return grad


class MyExp(Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y


class LogSumExp(Function):
    """lse(x) = m + log sum exp(x - m) along dim; d/dx = softmax(x)."""

    @staticmethod
    def forward(ctx, x, dim, keepdim=False):
        m = x.amax(dim=dim, keepdim=True)
        out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
        ctx.save_for_backward(x, out)
        ctx.dim, ctx.keepdim = dim, keepdim
        return out if keepdim else out.squeeze(dim)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        if not ctx.keepdim:
            g = g.unsqueeze(ctx.dim)
        return g * (x - out).exp(), None, None


class LinearTanh(Function):
    @staticmethod
    def forward(ctx, x, w, b):
        y = torch.tanh(x @ w.t() + b)
        ctx.save_for_backward(x, w, y)
        return y

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        x, w, y = ctx.saved_tensors
        gz = g * (1 - y * y)
        gx = gz @ w if ctx.needs_input_grad[0] else None
        gw = gz.t() @ x if ctx.needs_input_grad[1] else None
        gb = gz.sum(0) if ctx.needs_input_grad[2] else None
        return gx, gw, gb


class RoundSTE(Function):
    @staticmethod
    def forward(ctx, x):
        return x.round()

    @staticmethod
    def backward(ctx, g):
        return g


class ScaleByConst(Function):
    """A non-tensor argument and mark_non_differentiable for an integer side output."""

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        idx = x.argmax(dim=-1)
        ctx.mark_non_differentiable(idx)
        return x * k, idx

    @staticmethod
    def backward(ctx, g, g_idx):
        return g * ctx.k, None


print("== gradcheck ==")
x = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
w = torch.randn(3, 5, dtype=torch.float64, requires_grad=True)
b = torch.randn(3, dtype=torch.float64, requires_grad=True)
print("relu", gradcheck(MyReLU.apply, (x,), eps=1e-6, atol=1e-4))
print("exp ", gradcheck(MyExp.apply, (x,)), gradgradcheck(MyExp.apply, (x,)))
print("lse  ", gradcheck(lambda t: LogSumExp.apply(t, 1), (x,)), gradcheck(lambda t: LogSumExp.apply(t, 0, True), (x,)))
print("lse vs torch.logsumexp:", torch.allclose(LogSumExp.apply(x, 1), torch.logsumexp(x, 1)))
print("lintanh", gradcheck(LinearTanh.apply, (x, w, b)))
try:
    gradgradcheck(LinearTanh.apply, (x, w, b))
except RuntimeError as e:
    print("gradgradcheck on once_differentiable:", str(e).split("\n")[0][:80])
print("scale", gradcheck(lambda t: ScaleByConst.apply(t, 3.0)[0], (x,)))

print("== what a Function's output looks like ==")
y = MyExp.apply(x)
print(type(y.grad_fn).__name__, y.requires_grad, y.grad_fn.next_functions[0][0].__class__.__name__)
out, idx = ScaleByConst.apply(x, 2.0)
print(out.requires_grad, idx.requires_grad, idx.dtype, idx)
with torch.no_grad():
    print(MyExp.apply(x).requires_grad)
z = MyReLU.apply(torch.tensor([-1.0, 0.0, 2.0], requires_grad=True))
print(z)
z.sum().backward()
r = RoundSTE.apply(torch.tensor([0.4, 1.6, -2.5], requires_grad=True))
print(r, r.grad_fn.name())

print("== a gradient the naive way gets wrong ==")
big = torch.tensor([[1000.0, 1000.5, 999.0]], dtype=torch.float64, requires_grad=True)
print("naive:", torch.log(torch.exp(big).sum(1)).item(), " stable: %.10f" % LogSumExp.apply(big, 1).item())
LogSumExp.apply(big, 1).backward()
print("grad", big.grad, "sums to %.6f" % big.grad.sum().item())

print("== wrong backward is caught ==")


class BadSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x          # forgot the factor 2


try:
    gradcheck(BadSquare.apply, (torch.randn(3, dtype=torch.float64, requires_grad=True),))
except GradcheckError as e:
    print("GradcheckError:", str(e).splitlines()[0])
print("raise_exception=False:", gradcheck(BadSquare.apply, (torch.randn(3, dtype=torch.float64, requires_grad=True),),
                                          raise_exception=False))


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 16)
        self.fc2 = nn.Linear(16, 1)

    def forward(self, x):
        h = LinearTanh.apply(x, self.fc1.weight, self.fc1.bias)
        return self.fc2(MyReLU.apply(h)).squeeze(-1)


print("== training with the custom ops ==")
X = torch.rand(128, 2) * 4 - 2
y = (X[:, 0] ** 2 + X[:, 1] ** 2 < 1.5).float()
model = TwoLayer()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
lossf = nn.BCEWithLogitsLoss()
for epoch in range(60):
    opt.zero_grad()
    loss = lossf(model(X), y)
    loss.backward()
    opt.step()
    if epoch % 20 == 19:
        acc = ((model(X) > 0).float() == y).float().mean()
        print(f"epoch {epoch + 1}: loss {loss.item():.3f} acc {acc.item():.3f}")
grads = {n: p.grad.norm().item() > 0 for n, p in model.named_parameters()}
print(grads)
