"""Double backward and forward-mode AD through custom Functions, following the "Double Backward with
Custom Functions" tutorial and the forward-mode AD tutorial: a Square whose backward is itself
differentiable, a Sigmoid saving its output (create_graph=True, Hessian-vector products),
gradgradcheck, a Function with jvp and ctx.save_for_forward used through forward_ad dual numbers,
torch.func.jvp and jacfwd, and the errors when jvp is missing."""
import torch
import torch.autograd.forward_ad as fwAD
from torch.autograd import Function

torch.manual_seed(0)


class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return grad_out * 2 * x


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        out = torch.sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        out, = ctx.saved_tensors
        return grad_out * out * (1 - out)


class MulAdd(Function):
    @staticmethod
    def forward(ctx, x, y, alpha):
        ctx.save_for_backward(x, y)
        ctx.save_for_forward(x, y)
        ctx.alpha = alpha
        return x * y + alpha * x

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * (y + ctx.alpha), g * x, None

    @staticmethod
    def jvp(ctx, x_t, y_t, _):
        x, y = ctx.saved_tensors
        return x_t * (y + ctx.alpha) + x * y_t


class NoJvp(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 3

    @staticmethod
    def backward(ctx, g):
        return g * 3


x = torch.randn(4, dtype=torch.double, requires_grad=True)
y = Square.apply(x)
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
print("first", g, g.grad_fn.__class__.__name__)
gg, = torch.autograd.grad(g.sum(), x)
print("second", gg)
print("gradcheck", torch.autograd.gradcheck(Square.apply, x))
print("gradgradcheck", torch.autograd.gradgradcheck(Square.apply, x))

s = Sigmoid.apply(x)
g1, = torch.autograd.grad(s.sum(), x, create_graph=True)
v = torch.ones_like(x)
hvp, = torch.autograd.grad(g1, x, grad_outputs=v)
print("hvp", hvp.round(decimals=6))
ref = x.detach().sigmoid() * (1 - x.detach().sigmoid()) * (1 - 2 * x.detach().sigmoid())
print("matches analytic:", torch.allclose(hvp, ref))
print("gradgradcheck sigmoid", torch.autograd.gradgradcheck(Sigmoid.apply, (x,)))

a = torch.randn(3, dtype=torch.double)
b = torch.randn(3, dtype=torch.double)
ta = torch.ones(3, dtype=torch.double)
tb = torch.tensor([0.5, -1.0, 2.0], dtype=torch.double)
with fwAD.dual_level():
    da = fwAD.make_dual(a, ta)
    db = fwAD.make_dual(b, tb)
    out = MulAdd.apply(da, db, 0.5)
    p, t = fwAD.unpack_dual(out)
    print("primal", p.round(decimals=4))
    print("tangent", t.round(decimals=4))
    print(type(fwAD.unpack_dual(out)).__name__, fwAD.unpack_dual(out)._fields)
    try:
        NoJvp.apply(fwAD.make_dual(a, ta))
    except NotImplementedError as e:
        print("NotImplementedError:", e)

a.requires_grad_(True)
b.requires_grad_(True)
print("gradcheck fwd", torch.autograd.gradcheck(lambda u, w: MulAdd.apply(u, w, 0.5), (a, b),
                                               check_forward_ad=True))
try:
    torch.func.jvp(lambda u: MulAdd.apply(u, b.detach(), 2.0), (a.detach(),), (ta,))
except RuntimeError as e:
    print("RuntimeError:", e)
J = torch.autograd.functional.jacobian(lambda u: MulAdd.apply(u, u, 1.0), a.detach())
print("jacobian", J.round(decimals=4))
Jf = torch.autograd.functional.jacobian(lambda u: MulAdd.apply(u, u, 1.0), a.detach(), strategy="forward-mode",
                                        vectorize=True)
print("forward-mode agrees:", torch.allclose(J, Jf))
H = torch.autograd.functional.hessian(lambda u: Square.apply(u).sum() * Sigmoid.apply(u).sum(), a.detach())
print("hessian", H.round(decimals=4))
