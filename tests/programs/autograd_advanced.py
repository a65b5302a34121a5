"""Higher-order autograd: gradient penalties, Hessian-vector products, Jacobians, custom Functions."""
import torch
import torch.nn as nn
from torch.autograd import Function
from torch.autograd.function import once_differentiable
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

torch.manual_seed(9)


# --- custom Functions -------------------------------------------------------------------------------
class ClampedExp(Function):
    @staticmethod
    def forward(ctx, x, limit):
        y = x.clamp(max=limit).exp()
        ctx.save_for_backward(x, y)
        ctx.limit = limit
        return y

    @staticmethod
    def backward(ctx, grad_out):
        x, y = ctx.saved_tensors
        print("needs_input_grad", ctx.needs_input_grad)
        grad = grad_out * y * (x <= ctx.limit).to(y.dtype)
        return grad, None


class StraightThrough(Function):
    @staticmethod
    def forward(ctx, x):
        return (x > 0).float()

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        return g.clone()


class MulConst(Function):
    @staticmethod
    def forward(ctx, a, b, k):
        ctx.k = k
        ctx.save_for_backward(a, b)
        ctx.mark_non_differentiable
        return a * b * k

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = g * b * ctx.k if ctx.needs_input_grad[0] else None
        gb = g * a * ctx.k if ctx.needs_input_grad[1] else None
        return ga, gb, None


class SplitSign(Function):
    @staticmethod
    def forward(ctx, x):
        pos, neg = x.clamp(min=0), x.clamp(max=0)
        ctx.mark_non_differentiable(neg)
        ctx.save_for_backward(x)
        return pos, neg

    @staticmethod
    def backward(ctx, g_pos, g_neg):
        (x,) = ctx.saved_tensors
        return g_pos * (x > 0).float()


x = torch.tensor([-1.0, 0.5, 2.0, 3.0], requires_grad=True)
y = ClampedExp.apply(x, 2.0)
print(y, y.grad_fn.name() if hasattr(y.grad_fn, "name") else type(y.grad_fn).__name__)
y.sum().backward()
print(x.grad)
st = StraightThrough.apply(x)
st.sum().backward()
print(st, x.grad)
a = torch.randn(3, requires_grad=True)
b = torch.randn(3)
out = MulConst.apply(a, b, 2.0)
out.sum().backward()
print(torch.allclose(a.grad, 2 * b), b.grad)
pos, neg = SplitSign.apply(x)
print(pos.requires_grad, neg.requires_grad)
print(torch.autograd.gradcheck(MulConst.apply, (torch.randn(3, dtype=torch.double, requires_grad=True),
                                                torch.randn(3, dtype=torch.double, requires_grad=True), 3.0)))

# --- gradient penalty (WGAN-GP style) ------------------------------------------------------------------
critic = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
real, fake = torch.randn(8, 4), torch.randn(8, 4)
eps = torch.rand(8, 1)
inter = (eps * real + (1 - eps) * fake).requires_grad_(True)
score = critic(inter)
grads = torch.autograd.grad(outputs=score, inputs=inter, grad_outputs=torch.ones_like(score), create_graph=True,
                            retain_graph=True)[0]
gp = ((grads.norm(2, dim=1) - 1) ** 2).mean()
print(grads.shape, grads.requires_grad, f"{gp.item():.5f}")
gp.backward()
print(f"{critic[0].weight.grad.abs().sum().item():.5f}")

# --- Hessian-vector products by double backward --------------------------------------------------------
w = torch.randn(5, requires_grad=True)
A = torch.randn(5, 5)
A = A @ A.T


def f(w):
    return 0.5 * w @ A @ w + w.pow(4).sum()


g = torch.autograd.grad(f(w), w, create_graph=True)[0]
v = torch.randn(5)
hv = torch.autograd.grad(g, w, grad_outputs=v)[0]
H_true = A + torch.diag(12 * w.detach() ** 2)
print(torch.allclose(hv, H_true @ v, atol=1e-4))
print(torch.allclose(hessian(f, w.detach()), H_true, atol=1e-4))
val, hvp_out = hvp(f, w.detach(), v)
print(torch.allclose(hvp_out, H_true @ v, atol=1e-4), f"{val.item():.4f}")
print(torch.allclose(vhp(f, w.detach(), v)[1], hvp_out, atol=1e-4))


def g2(x):
    return torch.stack([x[0] * x[1], x[0].sin(), x[1] ** 3])


J = jacobian(g2, torch.tensor([1.0, 2.0]))
print(J)
print(jacobian(lambda a, b: a * b, (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))))
print(vjp(g2, torch.tensor([1.0, 2.0]), torch.ones(3))[1], jvp(g2, torch.tensor([1.0, 2.0]), torch.ones(2))[1])
print(hessian(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0])))
print(jacobian(lambda x: x.exp(), torch.zeros(2), vectorize=False, create_graph=False))

# --- third derivatives and grad bookkeeping ------------------------------------------------------------
x = torch.tensor(1.5, requires_grad=True)
y = x ** 4
(d1,) = torch.autograd.grad(y, x, create_graph=True)
(d2,) = torch.autograd.grad(d1, x, create_graph=True)
(d3,) = torch.autograd.grad(d2, x)
print(d1, d2, d3)
u = torch.tensor([1.0, 2.0], requires_grad=True)
z = (u * u).sum()
gu = torch.autograd.grad(z, [u], allow_unused=True)
print(gu, torch.autograd.grad((u ** 2).sum(), [u, torch.zeros(1, requires_grad=True)], allow_unused=True)[1])
try:
    torch.autograd.grad((u ** 2).sum(), [u, torch.zeros(1, requires_grad=True)])
except RuntimeError as e:
    print("RuntimeError:", str(e)[:70])
s = (u ** 2).sum()
s.backward(retain_graph=True)
s.backward()
print(u.grad)
u.grad.zero_()
with torch.autograd.set_detect_anomaly(False):
    (u.exp() * 2).sum().backward(inputs=[u])
print(u.grad)
k = torch.ones(2, requires_grad=True)
m = k * 3
m.retain_grad()
(m ** 2).sum().backward()
print(m.grad, k.grad, m.is_leaf, [(type(f).__name__ if f else None, i) for f, i in m.grad_fn.next_functions])
print(torch.autograd.grad(torch.tensor(2.0, requires_grad=True).exp(), torch.tensor(1.0, requires_grad=True),
                          allow_unused=True, materialize_grads=True))

# --- meta-learning: one inner SGD step differentiated through ---------------------------------------
net = nn.Linear(3, 1)
params = dict(net.named_parameters())
xs, ys = torch.randn(10, 3), torch.randn(10, 1)
inner_loss = ((torch.func.functional_call(net, params, (xs,)) - ys) ** 2).mean()
grads = torch.autograd.grad(inner_loss, list(params.values()), create_graph=True)
fast = {n: p - 0.1 * g for (n, p), g in zip(params.items(), grads)}
outer_loss = ((torch.func.functional_call(net, fast, (xs,)) - ys) ** 2).mean()
outer_loss.backward()
print(f"{inner_loss.item():.4f} {outer_loss.item():.4f}", net.weight.grad.shape, net.bias.grad is not None)
