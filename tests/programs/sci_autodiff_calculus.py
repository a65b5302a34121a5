"""Derivatives as first-class objects: torch.autograd.functional and torch.func, as in autodiff
tutorials (Jacobians, Hessians, vector products, per-sample gradients, Newton's method)."""
import math

import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp
from torch.func import grad, hessian as func_hessian, jacfwd, jacrev, vmap

torch.manual_seed(0)


# --- a vector field and its Jacobian ---------------------------------------------------------------
def f(x):
    return torch.stack([x[0] ** 2 * x[1], 5 * x[0] + torch.sin(x[1]), x[1] * torch.exp(x[0])])


x = torch.tensor([1.0, 2.0])
J = jacobian(f, x)
print(J)
print(J.shape, J.requires_grad)
v = torch.tensor([1.0, 0.0, -1.0])
out, vjp_val = vjp(f, x, v)
print(out, vjp_val)
print(torch.allclose(vjp_val, v @ J))
out, jvp_val = jvp(f, x, torch.tensor([0.5, -1.0]))
print(jvp_val, torch.allclose(jvp_val, J @ torch.tensor([0.5, -1.0])))


# two inputs -> tuple of Jacobians
def g(a, b):
    return a * b.sum() + torch.tanh(a)


a = torch.randn(3)
b = torch.randn(2)
Ja, Jb = jacobian(g, (a, b))
print(Ja.shape, Jb.shape)
print(Ja.diagonal(), Jb[:, 0])
print(jacobian(g, (a, b), create_graph=True)[0].requires_grad)


# --- Hessians of a scalar function: the Rosenbrock function -----------------------------------------
def rosenbrock(xy):
    x, y = xy[0], xy[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


p = torch.tensor([-1.5, 2.0], dtype=torch.float64)
H = hessian(rosenbrock, p)
print(H)
print(torch.linalg.eigvalsh(H))
print(vhp(rosenbrock, p, torch.tensor([1.0, 1.0], dtype=torch.float64))[1])
print(hvp(rosenbrock, p, torch.tensor([1.0, 0.0], dtype=torch.float64))[1])

# --- Newton's method with the exact Hessian -----------------------------------------------------------
p = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
for it in range(8):
    loss = rosenbrock(p)
    g_, = torch.autograd.grad(loss, p, create_graph=True)
    H = torch.stack([torch.autograd.grad(g_[i], p, retain_graph=True)[0] for i in range(2)])
    step = torch.linalg.solve(H, g_.detach())
    with torch.no_grad():
        p -= step
    print(f"newton {it}: f={loss.item():.6e}  |g|={g_.norm().item():.3e}  p={p.detach().numpy().round(5)}")

# --- scalar root finding: Newton on x^3 - 2x - 5 (Wallis' example) ---------------------------------
x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
for i in range(5):
    y = x ** 3 - 2 * x - 5
    dy, = torch.autograd.grad(y, x)
    x.data -= y.data / dy
    print(i, f"{x.item():.12f}", f"{y.item():.3e}")

# --- higher derivatives of tanh, by repeated grad -----------------------------------------------------
x = torch.linspace(-2, 2, 5, requires_grad=True)
y = torch.tanh(x)
derivs = []
for k in range(4):
    y, = torch.autograd.grad(y.sum(), x, create_graph=True)
    derivs.append(y)
    print(k + 1, y.detach(), y.grad_fn is not None)
print(torch.allclose(derivs[0], 1 - torch.tanh(x.detach()) ** 2, atol=1e-6))

# --- torch.func: grad, vmap, jacrev, jacfwd, hessian ----------------------------------------------------
print(grad(torch.sin)(torch.tensor(0.0)), grad(grad(torch.sin))(torch.tensor(0.0)))
print(grad(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0, 3.0])))
print(vmap(grad(torch.sin))(torch.tensor([0.0, math.pi / 2, math.pi])))


def loss_fn(w, b, x, y):
    pred = x @ w + b
    return ((pred - y) ** 2).mean()


w = torch.randn(3)
b = torch.tensor(0.5)
X = torch.randn(8, 3)
Y = torch.randn(8)
gw, gb = grad(loss_fn, argnums=(0, 1))(w, b, X, Y)
print(gw, gb)
# per-sample gradients, the functorch way
per_sample = vmap(grad(loss_fn), in_dims=(None, None, 0, 0))(w, b, X, Y)
print(per_sample.shape, torch.allclose(per_sample.mean(0), gw, atol=1e-6))
print(per_sample[:2])

Jr = jacrev(f)(torch.tensor([1.0, 2.0]))
Jf = jacfwd(f)(torch.tensor([1.0, 2.0]))
print(torch.allclose(Jr, J), torch.allclose(Jf, J))
print(func_hessian(rosenbrock)(torch.tensor([1.0, 1.0])))
batched_J = vmap(jacrev(torch.sin))(torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
print(batched_J)


def model(params, x):
    return torch.tanh(x @ params["W"] + params["b"])


params = {"W": torch.randn(2, 2), "b": torch.zeros(2)}
Jp = jacrev(model)(params, torch.ones(1, 2))
print(sorted(Jp), Jp["W"].shape, Jp["b"].shape)
val, g_val = torch.func.grad_and_value(lambda t: (t ** 2).sum())(torch.tensor([3.0, 4.0]))
print(val, g_val)

# forward-mode products and multi-output functions
out, tangent = torch.func.jvp(f, (torch.tensor([1.0, 2.0]),), (torch.tensor([0.5, -1.0]),))
print(out, tangent)
out, tangent, aux = torch.func.jvp(lambda x: (x.exp().sum(), x.mean()), (torch.zeros(3),), (torch.ones(3),),
                                   has_aux=True)
print(out, tangent, aux)


def polar(r, theta):
    return r * torch.cos(theta), r * torch.sin(theta)


jac = jacrev(polar, argnums=(0, 1))(torch.tensor(2.0), torch.tensor(math.pi / 6))
print(len(jac), [tuple(round(float(v), 4) for v in row) for row in jac])
print(torch.det(torch.stack([torch.stack(row) for row in jac])))
J_aux, value = jacrev(lambda x: (x.sin(), x.cos()), has_aux=True)(torch.tensor([0.0, 1.0]))
print(J_aux, value)
try:
    torch.func.jvp(f, [torch.ones(2)], [torch.ones(2)])
except RuntimeError as e:
    print("RuntimeError:", e)
