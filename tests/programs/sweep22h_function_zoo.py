"""A zoo of custom autograd Functions as tutorials and blog posts write them: a ReLU saving its
input, an exp saving its output, an in-place op with ctx.mark_dirty, a sort returning indices
marked non-differentiable, set_materialize_grads(False) with None gradients, ctx.needs_input_grad,
once_differentiable, a straight-through sign estimator, a gradient reversal layer (DANN) and a
clamp that lets the gradient through."""
import torch
import torch.nn as nn
from torch.autograd import Function
from torch.autograd.function import once_differentiable

torch.manual_seed(0)


class MyReLU(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class MyExp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


class InplaceDouble(Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad * 2


class SortWithIndices(Function):
    @staticmethod
    def forward(ctx, x):
        values, idx = x.sort(dim=-1)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return values, idx

    @staticmethod
    def backward(ctx, g_values, g_idx):
        idx, = ctx.saved_tensors
        print("  g_idx is None:", g_idx is None, "| g_idx:", g_idx if g_idx is None else g_idx.shape)
        grad = torch.zeros_like(g_values)
        grad.scatter_(-1, idx, g_values)
        return grad


class TwoOutputs(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x.sin(), x.cos()

    @staticmethod
    def backward(ctx, g1, g2):
        print("  grads seen:", g1 is None, g2 is None)
        x_grad = None
        if g1 is not None:
            x_grad = g1 * 2
        if g2 is not None:
            x_grad = g2 if x_grad is None else x_grad + g2
        return x_grad


class ScaledMatmul(Function):
    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a @ b * scale

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        print("  needs_input_grad:", ctx.needs_input_grad)
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = grad @ b.t() * ctx.scale
        if ctx.needs_input_grad[1]:
            gb = a.t() @ grad * ctx.scale
        return ga, gb, None


class SignSTE(Function):
    @staticmethod
    def forward(ctx, x):
        return torch.sign(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.clamp(-1, 1)


class GradReverse(Function):
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.alpha = alpha
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.neg() * ctx.alpha, None


class DifferentiableClamp(Function):
    @staticmethod
    def forward(ctx, input, min, max):
        return input.clamp(min=min, max=max)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.clone(), None, None


x = torch.randn(6, requires_grad=True)
y = MyReLU.apply(x)
print("relu", y, y.grad_fn.__class__.__name__)
y.sum().backward()
print("relu grad", x.grad)

z = MyExp.apply(x)
print("saved", z.grad_fn.saved_tensors[0].shape, z.grad_fn.needs_input_grad)
z.backward(torch.ones_like(z))
print("exp grad", x.grad)
try:
    z.grad_fn.saved_tensors
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])

leaf = torch.randn(3, requires_grad=True)
a = leaf.clone()
out = InplaceDouble.apply(a)
print("dirty same object:", out is a, "version:", a._version, out.grad_fn.__class__.__name__)
(out * out).sum().backward()
print("dirty grad", leaf.grad)
try:
    InplaceDouble.apply(torch.ones(2, requires_grad=True))
except RuntimeError as e:
    print("RuntimeError:", e)

s = torch.tensor([[3.0, 1.0, 2.0], [0.5, -1.0, 4.0]], requires_grad=True)
vals, idx = SortWithIndices.apply(s)
print("sorted", vals, idx, idx.requires_grad, vals.requires_grad)
(vals * torch.arange(3.0)).sum().backward()
print("sort grad", s.grad)

t = torch.tensor([0.3, -0.7], requires_grad=True)
o1, o2 = TwoOutputs.apply(t)
o1.sum().backward()
print("only first", t.grad)
t.grad = None
o1, o2 = TwoOutputs.apply(t)
o2.sum().backward()
print("only second", t.grad)

A = torch.randn(3, 4, requires_grad=True)
B = torch.randn(4, 2)
C = ScaledMatmul.apply(A, B, 0.5)
C.pow(2).sum().backward()
print("scaled matmul grad", A.grad.round(decimals=4))
A2 = torch.randn(2, 2, requires_grad=True)
g, = torch.autograd.grad(ScaledMatmul.apply(A2, A2, 1.0).sum(), A2, create_graph=True)
print("once_differentiable output:", g.requires_grad, g.grad_fn.__class__.__name__)
try:
    g.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)

w = torch.tensor([-0.4, 0.0, 1.5, -2.0], requires_grad=True)
q = SignSTE.apply(w)
(q * torch.tensor([1.0, 2.0, -3.0, 4.0])).sum().backward()
print("ste", q, w.grad)

feat = nn.Linear(3, 2)
head = nn.Linear(2, 1)
inp = torch.randn(4, 3)
h = feat(inp)
rev = GradReverse.apply(h, 0.3)
head(rev).sum().backward()
print("grl weight grad", feat.weight.grad.round(decimals=4))
print("grl grad_fn", type(rev.grad_fn).__name__, rev.grad_fn.next_functions[0][0].__class__.__name__)

c = torch.linspace(-2, 2, 5, requires_grad=True)
cc = DifferentiableClamp.apply(c, -1.0, 1.0)
(cc * c).sum().backward()
print("clamp", cc, c.grad)
print("plain clamp grad", torch.autograd.grad((c.clamp(-1, 1) * c).sum(), c)[0])
print(MyReLU.apply, MyReLU.__mro__[1:3])
try:
    MyReLU()(x)
except RuntimeError as e:
    print("RuntimeError:", e)
