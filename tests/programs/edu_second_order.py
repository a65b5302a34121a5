"""Optimisation course, second-order methods: torch.autograd.functional (jacobian, hessian, vjp, jvp,
hvp, vhp), Newton's method on logistic regression, Gauss-Newton
for curve fitting, and L-BFGS with a closure and the strong-Wolfe line search on Rosenbrock."""
import random

import numpy as np
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

torch.manual_seed(2)
random.seed(2)
np.random.seed(2)
torch.set_printoptions(precision=5)


def rosenbrock(xy):
    x, y = xy[..., 0], xy[..., 1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


print("== torch.autograd.functional ==")
p = torch.tensor([-1.5, 2.0], dtype=torch.float64)
print("jacobian", jacobian(rosenbrock, p))
print("hessian\n", hessian(rosenbrock, p))
f2 = lambda x, y: (x * y.exp()).sum(dim=0)
x0 = torch.randn(3, 2, dtype=torch.float64)
y0 = torch.randn(3, 2, dtype=torch.float64)
jx, jy = jacobian(f2, (x0, y0))
print(jx.shape, jy.shape, torch.allclose(jy[1, :, 1], x0[:, 1] * y0[:, 1].exp()))
Jv = jacobian(f2, (x0, y0), vectorize=True)
print(all(torch.allclose(a, b) for a, b in zip(Jv, (jx, jy))))
Jf = jacobian(f2, (x0, y0), vectorize=True, strategy="forward-mode")
print(all(torch.allclose(a, b) for a, b in zip(Jf, (jx, jy))))
out, vjp_val = vjp(rosenbrock, p, torch.tensor(1.0, dtype=torch.float64))
print("vjp", out.item(), vjp_val)
out, jvp_val = jvp(lambda t: t.sin() * 2, torch.tensor([0.0, 1.0]), torch.tensor([1.0, 1.0]))
print("jvp", out, jvp_val)
v = torch.tensor([1.0, 0.0], dtype=torch.float64)
print("hvp", hvp(rosenbrock, p, v)[1], "vhp", vhp(rosenbrock, p, v)[1])
Hc = hessian(rosenbrock, p, create_graph=True)
print("create_graph hessian requires_grad:", Hc.requires_grad)
print("batched over a pair of points:", hessian(lambda q: rosenbrock(q).sum(), torch.tensor([[1.0, 1.0], [0.0, 0.0]],
                                                                              dtype=torch.float64)).shape)
try:
    jacobian(rosenbrock, p, strategy="forward-mode")
except NotImplementedError as e:
    print("NotImplementedError:", e)

print("== Newton's method for logistic regression ==")
N, D = 200, 3
X = torch.cat([torch.randn(N, D - 1, dtype=torch.float64), torch.ones(N, 1, dtype=torch.float64)], 1)
w_true = torch.tensor([2.0, -1.0, 0.5], dtype=torch.float64)
y = torch.bernoulli(torch.sigmoid(X @ w_true))


def nll(w):
    return torch.nn.functional.binary_cross_entropy_with_logits(X @ w, y, reduction="sum") + 0.5 * w.dot(w)


w = torch.zeros(D, dtype=torch.float64)
for it in range(6):
    g = jacobian(nll, w)
    H = hessian(nll, w)
    step = torch.linalg.solve(H, g)
    w = w - step
    print(f"newton {it}: loss {nll(w).item():.6f} |step| {step.norm().item():.1e}")
print("w", w.round(decimals=4))
print("H positive definite:", bool((torch.linalg.eigvalsh(H) > 0).all()), torch.linalg.cholesky(H).shape)

print("== Gauss-Newton curve fitting ==")
t = torch.linspace(0, 4, 30, dtype=torch.float64)
obs = 2.5 * torch.exp(-1.3 * t) + 0.01 * torch.randn(30, dtype=torch.float64)
theta = torch.tensor([1.0, 0.5], dtype=torch.float64)
resid = lambda th: th[0] * torch.exp(-th[1] * t) - obs
for it in range(8):
    J = jacobian(resid, theta)
    r = resid(theta)
    delta = torch.linalg.lstsq(J, -r.unsqueeze(1)).solution.squeeze(1)
    theta = theta + delta
print("theta", theta.round(decimals=2), "rss %.4f" % resid(theta).pow(2).sum().item())

print("== L-BFGS on Rosenbrock ==")
for ls in [None, "strong_wolfe"]:
    xy = torch.tensor([-1.5, 2.0], requires_grad=True)
    opt = torch.optim.LBFGS([xy], lr=1 if ls else 0.1, max_iter=20, history_size=10, line_search_fn=ls)
    evals = []

    def closure():
        opt.zero_grad()
        loss = rosenbrock(xy)
        loss.backward()
        evals.append(loss.item())
        return loss

    for outer in range(5):
        loss = opt.step(closure)
    print(f"line_search={ls}: evals {len(evals)}, loss {rosenbrock(xy).item():.3e}, xy {xy.detach().round(decimals=3)}")
state = opt.state[opt.param_groups[0]["params"][0]]
print(sorted(state.keys()))
print(opt)

print("== gradient descent vs momentum on the same valley (for comparison) ==")
for name, mk in [("sgd", lambda q: torch.optim.SGD([q], lr=1e-3)),
                 ("momentum", lambda q: torch.optim.SGD([q], lr=1e-3, momentum=0.9)),
                 ("adam", lambda q: torch.optim.Adam([q], lr=0.05))]:
    q = torch.tensor([-1.5, 2.0], requires_grad=True)
    o = mk(q)
    for _ in range(300):
        o.zero_grad()
        rosenbrock(q).backward()
        o.step()
    print(f"{name:9s} loss {rosenbrock(q).item():.3f}")
