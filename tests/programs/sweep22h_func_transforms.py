"""autograd.Function meets torch.func (the "Extending torch.func with autograd.Function" docs): a
NumPy-backed sort and take written with setup_context and a custom vmap staticmethod, a cube with
generate_vmap_rule=True, used under vmap, grad, jacrev, jacfwd (with jvp) and vmap(grad(...)) for
per-sample gradients; plus the errors torch gives for misuse."""
import numpy as np
import torch
from torch.func import grad, jacfwd, jacrev, vmap

torch.manual_seed(0)


class MyCube(torch.autograd.Function):
    generate_vmap_rule = True

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
        result = grad_output * dx + grad_dx * 6 * x
        return result



def my_cube(x):
    result, _ = MyCube.apply(x)
    return result


class NumpyExp(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return torch.tensor(np.exp(x.detach().cpu().numpy()), device=x.device) if False else x.exp()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * out

    @staticmethod
    def jvp(ctx, x_t):
        out, = ctx.saved_tensors
        return x_t * out


class Sort(torch.autograd.Function):
    @staticmethod
    def forward(x, dim):
        values, idx = torch.sort(x, dim=dim)
        ind_inv = torch.argsort(idx, dim=dim)
        return values, idx, ind_inv

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

    @staticmethod
    def vmap(info, in_dims, x, dim):
        x_bdim, _ = in_dims
        x = x.movedim(x_bdim, 0)
        dim = dim if dim >= 0 else dim + x.dim() - 1
        result = Sort.apply(x, dim + 1)
        return result, (0, 0, 0)


x = torch.randn(3)
print("cube", my_cube(x).round(decimals=4))
print("grad", grad(my_cube)(torch.tensor(0.5)))
print("grad of grad", grad(grad(my_cube))(torch.tensor(0.5)))
print("vmap", vmap(my_cube)(x).round(decimals=4))
print("jacrev", jacrev(my_cube)(x).round(decimals=4))
print("vmap(grad)", vmap(grad(my_cube))(x).round(decimals=4))
print("exp jacrev", jacrev(NumpyExp.apply)(torch.tensor([0.0, 1.0])).round(decimals=4))
print("exp vmap-of-grad", vmap(grad(lambda t: NumpyExp.apply(t).sum()))(torch.ones(2, 2)).round(decimals=4))
print("exp jacfwd", jacfwd(NumpyExp.apply)(torch.tensor([0.0, 1.0, -1.0])).round(decimals=4))
print("exp func.jvp", torch.func.jvp(NumpyExp.apply, (torch.zeros(2),), (torch.tensor([1.0, 2.0]),)))

xs = torch.randn(2, 4)
vals, idx, inv = vmap(Sort.apply, in_dims=(0, None))(xs, 0)
print("sorted rows", vals.round(decimals=4), idx, inv)
print("sort grad", grad(lambda t: (Sort.apply(t, 0)[0] * torch.arange(4.0)).sum())(xs[0]))

# per-sample gradients through a custom Function inside a model
model = torch.nn.Linear(4, 1)
params = {k: v.detach() for k, v in model.named_parameters()}


def loss_fn(p, sample, target):
    out = torch.func.functional_call(model, p, (sample.unsqueeze(0),))
    return (my_cube(out.squeeze()) - target) ** 2


data = torch.randn(3, 4)
targets = torch.randn(3)
per_sample = vmap(grad(loss_fn), in_dims=(None, 0, 0))(params, data, targets)
print({k: tuple(v.shape) for k, v in per_sample.items()})
print("per-sample bias grads", per_sample["bias"].round(decimals=3))


class NoSetup(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, g):
        return g


class NoVmap(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x.clone()

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, g):
        return g


for name, fn in [("no setup_context", lambda: vmap(NoSetup.apply)(x)),
                 ("no vmap rule", lambda: vmap(NoVmap.apply)(x)),
                 ("apply with ctx", lambda: NoVmap.forward(None, x))]:
    try:
        fn()
    except (RuntimeError, NotImplementedError, TypeError) as e:
        print(name, "->", type(e).__name__ + ":", e)
print("plain apply still works:", NoVmap.apply(x).grad_fn)
y = torch.randn(3, requires_grad=True)
print(NoVmap.apply(y).grad_fn.__class__.__name__)
