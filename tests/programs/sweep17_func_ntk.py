"""torch.func as its tutorials use it: vmap, grad, jacrev / jacfwd / hessian, functional_call with a model's
parameters, stack_module_state for ensembling, the empirical neural tangent kernel of a small MLP (both the
Jacobian-contraction and the NTK-vector-product ways), and per-sample gradients."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, hessian, jacfwd, jacrev, jvp, stack_module_state, vjp, vmap

torch.manual_seed(0)


# ---- vmap basics -------------------------------------------------------------------------------------------
def dot(a, b):
    return (a * b).sum()


A = torch.randn(4, 3)
B = torch.randn(4, 3)
print("vmap dot:", torch.allclose(vmap(dot)(A, B), (A * B).sum(1)))
print("in_dims=(0, None):", vmap(dot, in_dims=(0, None))(A, B[0]).shape)
print("out_dims=1:", vmap(lambda r: r * 2, out_dims=1)(A).shape)
print("nested vmap (outer product):", torch.allclose(vmap(vmap(torch.mul, (None, 0)), (0, None))(A[:, 0], B[:, 0]),
                                                     torch.outer(A[:, 0], B[:, 0])))
print("chunk_size:", torch.equal(vmap(torch.sin, chunk_size=2)(A), A.sin()))
try:
    vmap(dot)(A, B[:3])
except ValueError as e:
    print(type(e).__name__, e)
def returns_float(r):
    return 1.0


for bad in (lambda: vmap(returns_float)(A), lambda: vmap(dot, in_dims=(0, 2))(A, B),
            lambda: vmap(dot, in_dims=[0, 0])(A, B), lambda: vmap(torch.sin, out_dims=(0, 1))(A)):
    try:
        bad()
    except ValueError as e:
        print(type(e).__name__, str(e).replace(hex(id(dot)), "ADDR"))


# ---- grad / jacobians / hessian ---------------------------------------------------------------------------------
def f(x):
    return x.sin().sum() + (x ** 3).sum() / 3


x = torch.randn(5)
print("grad:", torch.allclose(grad(f)(x), x.cos() + x ** 2))
print("grad of grad (sum):", torch.allclose(grad(lambda t: grad(f)(t).sum())(x), -x.sin() + 2 * x))
g, val = grad(f, has_aux=False)(x), f(x)
print(f"f(x) = {val.item():.4f}")
gv, aux = grad(lambda t: (f(t), t.norm()), has_aux=True)(x)
print("has_aux:", aux.shape, torch.allclose(gv, g))


def vec(x):
    return torch.stack([x[0] * x[1], x[1].exp(), x.pow(2).sum()])


x3 = torch.randn(3)
Jr = jacrev(vec)(x3)
Jf = jacfwd(vec)(x3)
print("jacrev == jacfwd:", Jr.shape, torch.allclose(Jr, Jf))
print("jacrev vs autograd.functional:", torch.allclose(Jr, torch.autograd.functional.jacobian(vec, x3)))
H = hessian(f)(x)
print("hessian is diagonal:", H.shape, torch.allclose(H, torch.diag(-x.sin() + 2 * x), atol=1e-6))
print("jacrev argnums=(0, 1):", [t.shape for t in jacrev(lambda a, b: a @ b, argnums=(0, 1))(A[0], B[0])])
out, jvp_out = jvp(vec, (x3,), (torch.ones(3),))
print("jvp:", torch.allclose(jvp_out, Jr.sum(1)))
out, vjp_fn = vjp(vec, x3)
print("vjp:", torch.allclose(vjp_fn(torch.ones(3))[0], Jr.sum(0)))
batched_J = vmap(jacrev(vec))(torch.randn(6, 3))
print("vmap(jacrev):", batched_J.shape)


# ---- functional_call and stack_module_state ------------------------------------------------------------------
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 16)
        self.fc3 = nn.Linear(16, 2)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


net = MLP()
params = {k: v.detach() for k, v in net.named_parameters()}
xb = torch.randn(7, 4)
print("functional_call == module:", torch.allclose(functional_call(net, params, (xb,)), net(xb)))
zeros = {k: torch.zeros_like(v) for k, v in params.items()}
print("functional_call zeros:", functional_call(net, zeros, xb).abs().sum().item())
print("names:", list(params))

models = [MLP() for _ in range(3)]
p_stack, b_stack = stack_module_state(models)
print("stacked:", {k: tuple(v.shape) for k, v in p_stack.items()})
base = copy.deepcopy(models[0]).to("meta")


def fmodel(p, b, x):
    return functional_call(base, (p, b), (x,))


ens = vmap(fmodel, in_dims=(0, 0, None))(p_stack, b_stack, xb)
print("ensemble:", ens.shape, all(torch.allclose(ens[i], models[i](xb), atol=1e-6) for i in range(3)))
minib = torch.randn(3, 7, 4)
ens2 = vmap(fmodel)(p_stack, b_stack, minib)
print("ensemble, own minibatches:", all(torch.allclose(ens2[i], models[i](minib[i]), atol=1e-6) for i in range(3)))


# ---- empirical NTK ---------------------------------------------------------------------------------------------
def fnet_single(p, x):
    return functional_call(net, p, (x.unsqueeze(0),)).squeeze(0)


def empirical_ntk_jacobian_contraction(fnet_single, params, x1, x2):
    jac1 = vmap(jacrev(fnet_single), (None, 0))(params, x1)
    jac1 = [j.flatten(2) for j in jac1.values()]
    jac2 = vmap(jacrev(fnet_single), (None, 0))(params, x2)
    jac2 = [j.flatten(2) for j in jac2.values()]
    result = torch.stack([torch.einsum("Naf,Mbf->NMab", j1, j2) for j1, j2 in zip(jac1, jac2)])
    return result.sum(0)


def empirical_ntk_ntk_vps(func, params, x1, x2):
    def get_ntk(x1, x2):
        def func_x1(p):
            return func(p, x1)

        def func_x2(p):
            return func(p, x2)

        output, vjp_fn = vjp(func_x1, params)

        def get_ntk_slice(vec):
            vjps = vjp_fn(vec)
            _, jvps = jvp(func_x2, (params,), vjps)
            return jvps

        basis = torch.eye(output.numel(), dtype=output.dtype).view(output.numel(), -1)
        return vmap(get_ntk_slice)(basis)

    result = vmap(vmap(get_ntk, (None, 0)), (0, None))(x1, x2)
    return result


x_train = torch.randn(5, 4)
x_test = torch.randn(3, 4)
ntk = empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test)
ntk_vps = empirical_ntk_ntk_vps(fnet_single, params, x_train, x_test)
print("NTK shape:", ntk.shape, "vps shape:", ntk_vps.shape)
print("NTK ways agree:", torch.allclose(ntk, ntk_vps, atol=1e-4))
print("NTK[0,0]:", ntk[0, 0].round(decimals=3))
ntk_self = empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_train)
trace_ntk = torch.einsum("NMaa->NM", ntk_self)
print("trace NTK symmetric:", torch.allclose(trace_ntk, trace_ntk.T, atol=1e-4),
      "PSD:", bool(torch.linalg.eigvalsh(trace_ntk).min() > -1e-3))


# ---- per-sample gradients --------------------------------------------------------------------------------------
def loss_fn(p, b, sample, target):
    pred = functional_call(net, (p, b), (sample.unsqueeze(0),))
    return F.cross_entropy(pred, target.unsqueeze(0))


targets = torch.randint(0, 2, (7,))
buffers = {k: v.detach() for k, v in net.named_buffers()}
ps_grads = vmap(grad(loss_fn), in_dims=(None, None, 0, 0))(params, buffers, xb, targets)
print("per-sample grad shapes:", {k: tuple(v.shape) for k, v in ps_grads.items()})
ok = True
for i in range(7):
    net.zero_grad()
    F.cross_entropy(net(xb[i:i + 1]), targets[i:i + 1]).backward()
    for k, p in net.named_parameters():
        ok &= torch.allclose(ps_grads[k][i], p.grad, atol=1e-6)
print("per-sample == loop:", ok)
mean_grad = {k: v.mean(0) for k, v in ps_grads.items()}
net.zero_grad()
F.cross_entropy(net(xb), targets).backward()
print("mean of per-sample == batch grad:", all(torch.allclose(mean_grad[k], p.grad, atol=1e-6)
                                               for k, p in net.named_parameters()))
norms = torch.stack([v.flatten(1).norm(dim=1) for v in ps_grads.values()]).norm(dim=0)
print("per-sample grad norms:", norms.round(decimals=3))

# hessian is forward-over-reverse (jacfwd(jacrev)); argnums are checked against the inputs
print("hessian:", hessian(lambda t: t.pow(3).sum())(torch.tensor([1.0, -2.0, 0.5])))
for bad in (lambda: grad(lambda t: t.sum(), argnums=1)(x), lambda: jacrev(lambda a, b: a * b, argnums=())(x, x),
            lambda: jacfwd(lambda a, b: a * b, argnums=(0, -2))(x, x),
            lambda: functional_call(net, (params, params), (xb,))):
    try:
        bad()
    except (RuntimeError, ValueError) as e:
        print(type(e).__name__, e)
