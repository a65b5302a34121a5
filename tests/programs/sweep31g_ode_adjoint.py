"""A neural ODE with its adjoint method written by hand (Chen et al. 2018): the forward pass integrates
dz/dt = f(z, t; theta) with RK4 under no_grad, the backward pass integrates the augmented state
[z, a, a_theta] backwards in time with vector-Jacobian products from torch.func.vjp, wrapped in a
torch.autograd.Function.  Its gradients are compared with backprop through the unrolled solver, and
the model is fitted to a spiral."""
import torch
import torch.nn as nn
from torch.func import functional_call, vjp
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(5)


class ODEFunc(nn.Module):
    def __init__(self, dim=2, hidden=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim + 1, hidden), nn.Softplus(beta=2.0), nn.Linear(hidden, hidden),
                                 nn.ELU(alpha=0.5), nn.Linear(hidden, dim))

    def forward(self, t, z):
        tt = torch.full_like(z[..., :1], float(t))
        return self.net(torch.cat([z, tt], dim=-1))


def rk4(f, z, t0, t1, steps):
    h = (t1 - t0) / steps
    t = t0
    for _ in range(steps):
        k1 = f(t, z)
        k2 = f(t + h / 2, z + h / 2 * k1)
        k3 = f(t + h / 2, z + h / 2 * k2)
        k4 = f(t + h, z + h * k3)
        z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t = t + h
    return z


class ODEAdjoint(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z0, t0, t1, steps, func, *flat_params):
        with torch.no_grad():
            z1 = rk4(func, z0, t0, t1, steps)
        ctx.func, ctx.t0, ctx.t1, ctx.steps = func, t0, t1, steps
        ctx.save_for_backward(z1, *flat_params)
        return z1

    @staticmethod
    def backward(ctx, a1):
        z1, *params = ctx.saved_tensors
        func = ctx.func
        names = [n for n, _ in func.named_parameters()]
        shapes = [p.shape for p in params]
        sizes = [p.numel() for p in params]
        nz = z1.numel()

        def aug_dynamics(t, state):
            z = state[:nz].view_as(z1)
            a = state[nz:2 * nz].view_as(z1)
            pdict = dict(zip(names, params))
            f_eval, pullback = vjp(lambda zz, pp: functional_call(func, pp, (t, zz)), z, pdict)
            a_z, a_p = pullback(a)
            a_p_flat = torch.cat([a_p[n].reshape(-1) for n in names])
            return torch.cat([f_eval.reshape(-1), -a_z.reshape(-1), -a_p_flat])

        state = torch.cat([z1.reshape(-1), a1.reshape(-1), torch.zeros(sum(sizes))])
        with torch.no_grad():
            state = rk4(aug_dynamics, state, ctx.t1, ctx.t0, ctx.steps)
        a0 = state[nz:2 * nz].view_as(z1)
        grads = torch.split(state[2 * nz:], sizes)
        return (a0, None, None, None, None, *[g.view(s) for g, s in zip(grads, shapes)])


def odeint_adjoint(func, z0, t0, t1, steps=20):
    return ODEAdjoint.apply(z0, t0, t1, steps, func, *func.parameters())


func = ODEFunc()
print(func)
print("parameters:", parameters_to_vector(func.parameters()).numel())
z0 = torch.randn(4, 2, requires_grad=True)
target = torch.randn(4, 2)

z1 = odeint_adjoint(func, z0, 0.0, 1.0)
print("z(1):", z1.detach())
loss = (z1 - target).pow(2).sum()
loss.backward()
g_adj = [p.grad.clone() for p in func.parameters()]
gz_adj = z0.grad.clone()

func.zero_grad()
z0.grad = None
z1_direct = rk4(func, z0, 0.0, 1.0, 20)
print("forward agree:", torch.allclose(z1_direct, z1, atol=1e-6))
(z1_direct - target).pow(2).sum().backward()
print("dL/dz0 adjoint:", gz_adj)
print("dL/dz0 direct: ", z0.grad)
worst = max(((a - p.grad).norm() / p.grad.norm()).item() for a, p in zip(g_adj, func.parameters()))
print("param grads: adjoint vs direct rel err < 1e-3:", worst < 1e-3)

# a vector_to_parameters round trip -------------------------------------------------------------------
vec = parameters_to_vector(func.parameters())
vector_to_parameters(vec * 1.0, func.parameters())
print("vector round trip:", torch.equal(vec, parameters_to_vector(func.parameters())))
try:
    vector_to_parameters(vec[:-1], func.parameters())
except Exception as e:
    print(type(e).__name__, ":", str(e)[:80])

# fit a spiral with the adjoint -----------------------------------------------------------------------
torch.manual_seed(6)
true_A = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]])
ts = torch.linspace(0, 1.5, 4)
zs0 = torch.randn(16, 2)
with torch.no_grad():
    traj = [zs0]
    for a, b in zip(ts[:-1], ts[1:]):
        traj.append(rk4(lambda t, z: z @ true_A.T, traj[-1], a.item(), b.item(), 10))
traj = torch.stack(traj)
print("trajectory:", traj.shape)

model = ODEFunc(hidden=24)
opt = torch.optim.RMSprop(model.parameters(), lr=3e-3)
for it in range(16):
    opt.zero_grad()
    z = zs0
    loss = 0.0
    for k, (a, b) in enumerate(zip(ts[:-1], ts[1:])):
        z = odeint_adjoint(model, z, a.item(), b.item(), steps=5)
        loss = loss + (z - traj[k + 1]).abs().mean()
    loss.backward()
    opt.step()
    if it % 5 == 0 or it == 15:
        print(f"iter {it:2d} loss {loss.item():.4f}")
print("loss grad_fn:", type(loss.grad_fn).__name__)
