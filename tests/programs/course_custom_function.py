"""Course code, week 7: extending autograd. Custom Functions with their own backward, gradcheck,
higher-order gradients, hooks on tensors and modules, retain_grad, detach and requires_grad_."""
import torch
import torch.nn as nn
from torch.autograd import Function
from torch.autograd.function import once_differentiable

torch.manual_seed(3)


class MyExp(Function):
    """y = exp(x); backward reuses the saved output: dy/dx = y."""

    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_out):
        y, = ctx.saved_tensors
        return grad_out * y


class LinearFn(Function):
    """y = x W^T + b, returning only the gradients that are asked for."""

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        ctx.save_for_backward(x, weight, bias)
        out = x.mm(weight.t())
        if bias is not None:
            out += bias.unsqueeze(0).expand_as(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, bias = ctx.saved_tensors
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_x = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_w = grad_output.t().mm(x)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_b = grad_output.sum(0)
        return grad_x, grad_w, grad_b


class SortWithIndex(Function):
    """Sorted values (differentiable) and the permutation (marked non-differentiable)."""

    @staticmethod
    def forward(ctx, x):
        vals, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return vals, idx

    @staticmethod
    @once_differentiable
    def backward(ctx, g_vals, g_idx):
        idx, = ctx.saved_tensors
        grad = torch.zeros_like(g_vals)
        grad.scatter_(0, idx, g_vals)
        return grad


x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = MyExp.apply(x)
print(y)
y.sum().backward()
print("MyExp grad:", x.grad, "| matches exp:", torch.allclose(x.grad, x.detach().exp()))

xd = torch.randn(4, 3, dtype=torch.double, requires_grad=True)
wd = torch.randn(2, 3, dtype=torch.double, requires_grad=True)
bd = torch.randn(2, dtype=torch.double, requires_grad=True)
print("gradcheck LinearFn:", torch.autograd.gradcheck(LinearFn.apply, (xd, wd, bd), eps=1e-6, atol=1e-4))
print("gradcheck MyExp:", torch.autograd.gradcheck(MyExp.apply, (xd,)))
print("gradgradcheck MyExp:", torch.autograd.gradgradcheck(MyExp.apply, (xd,)))

xf = torch.randn(3, 3)
wf = torch.randn(2, 3, requires_grad=True)
out = LinearFn.apply(xf, wf)
print("grad_fn:", type(out.grad_fn).__name__, "| requires_grad:", out.requires_grad)
out.pow(2).sum().backward()
print("xf.grad:", xf.grad, "| wf.grad shape:", tuple(wf.grad.shape))

v = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
vals, idx = SortWithIndex.apply(v)
print(vals, idx, "idx requires_grad:", idx.requires_grad)
(vals * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
print("sort grad:", v.grad)
torch.testing.assert_close(v.grad, torch.tensor([100.0, 1.0, 10.0]))

# ---------------------------------------------------------------- higher-order derivatives
t = torch.tensor(1.5, requires_grad=True)
f = t ** 3 + 2 * t.sin()
(df,) = torch.autograd.grad(f, t, create_graph=True)
(d2f,) = torch.autograd.grad(df, t)
print(f"f'={df.item():.4f} f''={d2f.item():.4f} df.grad_fn={type(df.grad_fn).__name__}")
u = torch.randn(5, requires_grad=True)
g, = torch.autograd.grad((u.tanh() ** 2).sum(), u, create_graph=True)
hvp, = torch.autograd.grad(g, u, grad_outputs=torch.ones(5))
print("Hessian-vector product:", [f"{h:.4f}" for h in hvp.tolist()])

# ---------------------------------------------------------------- hooks, retain_grad, detach
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a * 2
b.retain_grad()
seen = []
h = b.register_hook(lambda grad: seen.append(grad.clone()) or grad * 10)
c = (b ** 2).sum()
c.backward()
print("b.grad (retained, before hook scaling):", b.grad, "| a.grad:", a.grad, "| hook saw:", seen[0])
h.remove()
a.grad = None
(a * 2).pow(2).sum().backward()
print("after remove:", a.grad)
print("non-leaf grad without retain_grad:", (a * 3).grad, "| is_leaf:", b.is_leaf, a.is_leaf)

d = a.detach()
print("detach shares storage:", d.data_ptr() == a.data_ptr(), d.requires_grad, d.grad_fn)
e = torch.ones(2)
print("requires_grad_:", e.requires_grad, e.requires_grad_().requires_grad, e.requires_grad_(False).requires_grad)

model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
for p in model[0].parameters():
    p.requires_grad_(False)
acts = {}


def save_act(name):
    def hook(module, inp, out):
        acts[name] = (tuple(inp[0].shape), tuple(out.shape))
    return hook


handles = [m.register_forward_hook(save_act(n)) for n, m in model.named_children()]
pre = model[2].register_forward_pre_hook(lambda m, inp: (inp[0] * 0.5,))
out = model(torch.randn(5, 4))
print("activations:", acts)
out.sum().backward()
print("frozen grads:", model[0].weight.grad, "| trained grad shape:", tuple(model[2].weight.grad.shape))
print("grad_fn chain:", type(out.grad_fn).__name__, [type(n[0]).__name__ for n in out.grad_fn.next_functions])
for hd in handles + [pre]:
    hd.remove()
print("hooks left:", len(model[0]._forward_hooks), len(model[2]._forward_pre_hooks))
