"""Custom autograd Functions the way the "Extending torch.func with autograd.Function" and "Double
Backward" tutorials write them: forward without ctx plus setup_context, save_for_backward,
mark_non_differentiable, once_differentiable, a jvp staticmethod for forward mode, generate_vmap_rule=True,
a hand-written vmap staticmethod, and gradcheck / gradgradcheck on each."""
import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable
from torch.func import grad, jacfwd, jacrev, vmap

torch.manual_seed(0)


class MyCube(Function):
    @staticmethod
    def forward(x):
        result = x ** 3
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        return grad_output * dx + grad_dx * 6 * x


def my_cube(x):
    result, _ = MyCube.apply(x)
    return result


x = torch.randn(4, dtype=torch.double, requires_grad=True)
print("cube grad:", torch.allclose(torch.autograd.grad(my_cube(x).sum(), x)[0], 3 * x ** 2))
print("func.grad:", torch.allclose(grad(lambda t: my_cube(t).sum())(x.detach()), 3 * x.detach() ** 2))
print("grad of grad:", torch.allclose(grad(grad(lambda t: my_cube(t)))(torch.tensor(2.0, dtype=torch.double)),
                                      torch.tensor(12.0, dtype=torch.double)))
print("gradcheck:", torch.autograd.gradcheck(my_cube, (x,)), "gradgradcheck:",
      torch.autograd.gradgradcheck(my_cube, (x,)))
out = MyCube.apply(x)
print("grad_fn:", type(out[0].grad_fn).__name__, out[0].grad_fn is out[1].grad_fn)


# ---- generate_vmap_rule=True ---------------------------------------------------------------------------------
class NumpySort(Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x, dim):
        idx = torch.argsort(x, dim=dim)
        ind_inv = torch.argsort(idx, dim=dim)
        return torch.gather(x, dim, idx), idx, ind_inv

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, dim = inputs
        _, ind, ind_inv = output
        ctx.mark_non_differentiable(ind, ind_inv)
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output, _0, _1):
        ind, ind_inv = ctx.saved_tensors
        return torch.gather(grad_output, ctx.dim, ind_inv), None


def numpy_sort(x, dim=-1):
    result, _, _ = NumpySort.apply(x, dim)
    return result


xs = torch.randn(3, 5, dtype=torch.double, requires_grad=True)
srt, ind, inv = NumpySort.apply(xs, 1)
print("sorted equal:", torch.equal(srt, xs.sort(1).values), "ind requires_grad:", ind.requires_grad, inv.requires_grad)
print("vmap sort:", torch.equal(vmap(numpy_sort)(xs.detach()), xs.detach().sort(-1).values))
g = torch.randn(3, 5, dtype=torch.double)
gx, = torch.autograd.grad(numpy_sort(xs), xs, g)
print("sort backward permutes:", torch.equal(gx.gather(1, ind), g))
print("gradcheck sort:", torch.autograd.gradcheck(lambda t: numpy_sort(t, 1), (xs,)))
print("jacrev via vmap rule:", jacrev(numpy_sort)(xs.detach()[0]).shape)


# ---- a hand-written vmap staticmethod ---------------------------------------------------------------------------
class ScaleAdd(Function):
    @staticmethod
    def forward(x, y):
        return 2 * x + y

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, gout):
        return 2 * gout, gout

    @staticmethod
    def vmap(info, in_dims, x, y):
        x_bdim, y_bdim = in_dims
        x = x.movedim(x_bdim, 0) if x_bdim is not None else x.unsqueeze(0)
        y = y.movedim(y_bdim, 0) if y_bdim is not None else y.unsqueeze(0)
        return ScaleAdd.apply(x, y), 0


a = torch.randn(4, 3)
b = torch.randn(3)
r = vmap(ScaleAdd.apply, in_dims=(0, None))(a, b)
print("custom vmap:", torch.allclose(r, 2 * a + b))
r = vmap(ScaleAdd.apply, in_dims=(1, None))(a, torch.randn(4))
print("custom vmap in_dim 1:", r.shape)


# ---- jvp staticmethod: forward-mode AD --------------------------------------------------------------------------
class MyExp(Function):
    @staticmethod
    def forward(x):
        return x.exp()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)

    @staticmethod
    def backward(ctx, gout):
        result, = ctx.saved_tensors
        return gout * result

    @staticmethod
    def jvp(ctx, x_t):
        result, = ctx.saved_tensors
        return x_t * result


xe = torch.randn(3, dtype=torch.double)
try:
    jacfwd(MyExp.apply)(xe)          # jacfwd vmaps over the basis: MyExp has no vmap rule
except RuntimeError as e:
    print(type(e).__name__, e)
MyExp.generate_vmap_rule = True
print("jacfwd exp:", torch.allclose(jacfwd(MyExp.apply)(xe), torch.diag(xe.exp())))
print("jacrev exp:", torch.allclose(jacrev(MyExp.apply)(xe), torch.diag(xe.exp())))
import torch.autograd.forward_ad as fwAD
with fwAD.dual_level():
    dual = fwAD.make_dual(xe, torch.ones(3, dtype=torch.double))
    y = MyExp.apply(dual)
    print("dual tangent:", torch.allclose(fwAD.unpack_dual(y).tangent, xe.exp()))
xe.requires_grad_()
print("gradcheck fwd+rev:", torch.autograd.gradcheck(MyExp.apply, (xe,), check_forward_ad=True))


# ---- old style: forward(ctx, ...), once_differentiable, mark_non_differentiable -----------------------------------
class ClampWithMask(Function):
    @staticmethod
    def forward(ctx, x, lo, hi):
        mask = (x >= lo) & (x <= hi)
        ctx.save_for_backward(mask)
        ctx.mark_non_differentiable(mask)
        return x.clamp(lo, hi), mask

    @staticmethod
    @once_differentiable
    def backward(ctx, gout, gmask):
        mask, = ctx.saved_tensors
        return gout * mask, None, None


xc = torch.linspace(-2, 2, 9, dtype=torch.double, requires_grad=True)
yc, m = ClampWithMask.apply(xc, -1.0, 1.0)
print("clamp:", yc.detach(), m.requires_grad)
gc, = torch.autograd.grad(yc.sum(), xc, create_graph=True)
print("once_differentiable grad:", gc.detach(), gc.requires_grad)
try:
    gc.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
print("gradcheck clamp:", torch.autograd.gradcheck(lambda t: ClampWithMask.apply(t, -1.0, 1.0)[0],
                                                   (torch.tensor([-1.5, 0.3, 0.7], dtype=torch.double,
                                                                 requires_grad=True),)))


# ---- errors users meet ---------------------------------------------------------------------------------------------
class NoVmap(Function):
    @staticmethod
    def forward(x):
        return x * 2

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, g):
        return 2 * g


try:
    vmap(NoVmap.apply)(torch.randn(3, 2))
except RuntimeError as e:
    print(type(e).__name__, str(e)[:160])


class OldStyle(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return 2 * g


try:
    grad(lambda t: OldStyle.apply(t).sum())(torch.randn(3))
except RuntimeError as e:
    print(type(e).__name__, str(e)[:160])
try:
    jacfwd(MyCube.apply)(torch.randn(3))
except (RuntimeError, NotImplementedError) as e:
    print(type(e).__name__, str(e)[:160])


class BadGradCount(Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * y

    @staticmethod
    def backward(ctx, g):
        return g


try:
    BadGradCount.apply(torch.randn(2, requires_grad=True), torch.randn(2)).sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    MyCube.forward(torch.randn(2)), MyCube(torch.randn(2))
except RuntimeError as e:
    print(type(e).__name__, str(e)[:160])
