"""Extending torch.autograd (docs "Extending PyTorch" and the custom Function tutorial): setup_context,
once_differentiable, mark_non_differentiable, set_materialize_grads, needs_input_grad, double backward,
gradcheck, and gradient penalties with torch.autograd.grad(create_graph=True) as in WGAN-GP."""
import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable

torch.manual_seed(0)


class LinearFunction(Function):
    @staticmethod
    def forward(input, weight, bias=None):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        print("needs_input_grad", ctx.needs_input_grad)
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


x = torch.randn(4, 3, dtype=torch.double)
w = torch.randn(2, 3, dtype=torch.double, requires_grad=True)
b = torch.randn(2, dtype=torch.double, requires_grad=True)
out = LinearFunction.apply(x, w, b)
print(out.grad_fn.__class__.__name__, out.requires_grad, out.dtype)
out.sum().backward()
print(w.grad, b.grad, sep="\n")
print(torch.autograd.gradcheck(LinearFunction.apply, (x.requires_grad_(), w, b), eps=1e-6, atol=1e-4))


class MulConstant(Function):
    @staticmethod
    def forward(tensor, constant):
        return tensor * constant

    @staticmethod
    def setup_context(ctx, inputs, output):
        _, constant = inputs
        ctx.constant = constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = MulConstant.apply(a, 5.5)
y.backward(torch.ones(3))
print(y, a.grad)


class Cube(Function):
    @staticmethod
    def forward(x):
        return x ** 3, x ** 2

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        ctx.save_for_backward(x)
        ctx.mark_non_differentiable(output[1])
        ctx.set_materialize_grads(True)

    @staticmethod
    def backward(ctx, grad_out, grad_sq):
        x, = ctx.saved_tensors
        print("grad_sq is", grad_sq)
        return grad_out * 3 * x ** 2


c = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
cube, sq = Cube.apply(c)
print(cube.requires_grad, sq.requires_grad, sq.grad_fn)
g, = torch.autograd.grad(cube.sum(), c, create_graph=True)
print(g, g.grad_fn.__class__.__name__)
g2, = torch.autograd.grad(g.sum(), c)
print("second derivative", g2)


class ClampGrad(Function):
    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return x.clamp(lo, hi)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * ((x >= ctx.lo) & (x <= ctx.hi)).to(grad.dtype), None, None


z = torch.linspace(-2, 2, 9, requires_grad=True)
out = ClampGrad.apply(z, -1.0, 1.0)
gz, = torch.autograd.grad(out.pow(2).sum(), z, create_graph=True)
print(gz, gz.requires_grad, type(gz.grad_fn).__name__)
try:
    gz.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)

# ---- gradient penalty (WGAN-GP) ------------------------------------------------------------
critic = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
opt = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
real = torch.randn(8, 4) + 1.0
for step in range(5):
    fake = torch.randn(8, 4)
    alpha = torch.rand(8, 1).expand_as(real)
    interp = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    d_interp = critic(interp)
    grads = torch.autograd.grad(outputs=d_interp, inputs=interp, grad_outputs=torch.ones_like(d_interp),
                                create_graph=True, retain_graph=True, only_inputs=True)[0]
    gp = ((grads.norm(2, dim=1) - 1) ** 2).mean()
    loss = critic(fake).mean() - critic(real).mean() + 10 * gp
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} gp {gp.item():.4f} loss {loss.item():.4f} {grads.shape} {gp.grad_fn.name()}")
print(critic[0].weight.grad.norm().item() > 0)
