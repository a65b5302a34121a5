"""Ill-conditioned quadratic bowls: momentum, condition numbers and optimizer flags."""
import torch

torch.manual_seed(0)
n = 4
Q, _ = torch.linalg.qr(torch.randn(n, n, dtype=torch.float64))
eig = torch.tensor([1.0, 3.0, 10.0, 30.0], dtype=torch.float64)
A = Q @ torch.diag(eig) @ Q.T
b = torch.randn(n, dtype=torch.float64)
x_star = torch.linalg.solve(A, b)
print("cond", round(torch.linalg.cond(A).item(), 4))
print("x*", x_star)


def f(x):
    return 0.5 * x @ A @ x - b @ x


f_star = f(x_star).item()


def gap(x):
    return f(x).item() - f_star


def run(opt_cls, steps=40, **kw):
    x = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    opt = opt_cls([x], **kw)
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        f(x).backward()
        opt.step()
    return x


lr = 2.0 / (eig.min() + eig.max()).item()
print("optimal gd lr", round(lr, 4))
for mom in [0.0, 0.5, 0.9]:
    x = run(torch.optim.SGD, lr=lr, momentum=mom)
    print(f"SGD mom={mom}", f"{gap(x):.6f}")

kappa = (eig.max() / eig.min()).item()
heavy_lr = 4.0 / (eig.max().sqrt() + eig.min().sqrt()).item() ** 2
heavy_mom = ((kappa ** 0.5 - 1) / (kappa ** 0.5 + 1)) ** 2
x = run(torch.optim.SGD, lr=heavy_lr, momentum=heavy_mom, steps=30)
print("heavy ball", f"{gap(x):.6f}", x.detach())

# maximize flag: maximize -f
for cls, kw in [(torch.optim.SGD, dict(lr=0.03)), (torch.optim.Adam, dict(lr=0.1)),
                (torch.optim.RMSprop, dict(lr=0.01)), (torch.optim.Adagrad, dict(lr=0.5)),
                (torch.optim.AdamW, dict(lr=0.1)), (torch.optim.NAdam, dict(lr=0.1)),
                (torch.optim.RAdam, dict(lr=0.1)), (torch.optim.Adamax, dict(lr=0.1)),
                (torch.optim.Adadelta, dict(lr=1.0)), (torch.optim.ASGD, dict(lr=0.03)),
                (torch.optim.Rprop, dict(lr=0.01))]:
    x1 = run(cls, **kw)
    x2 = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    opt = cls([x2], maximize=True, **kw)
    for _ in range(40):
        opt.zero_grad()
        (-f(x2)).backward()
        opt.step()
    print(f"{cls.__name__:<9s}", f"{gap(x1):.5f}", torch.allclose(x1, x2), "foreach" in opt.defaults, opt.defaults.get("maximize"))

# foreach on and off give the same iterates with several parameters
torch.manual_seed(1)
ps = [torch.randn(3, requires_grad=True) for _ in range(3)]
qs = [p.detach().clone().requires_grad_() for p in ps]
for foreach, params in [(True, ps), (False, qs)]:
    opt = torch.optim.Adam(params, lr=0.05, foreach=foreach, weight_decay=0.01)
    for _ in range(10):
        opt.zero_grad()
        sum(((p - 1) ** 2).sum() for p in params).backward()
        opt.step()
print([torch.allclose(p, q) for p, q in zip(ps, qs)])
print(ps[0])

# the Hessian of the bowl is A
H = torch.autograd.functional.hessian(f, torch.zeros(n, dtype=torch.float64))
print(torch.allclose(H, A), H.shape)
g = torch.func.grad(f)(torch.zeros(n, dtype=torch.float64)) if hasattr(torch, "func") else None
print(g)

# Newton step lands on the minimum
x0 = torch.randn(n, dtype=torch.float64)
x1 = x0 - torch.linalg.solve(H, A @ x0 - b)
print(torch.allclose(x1, x_star))
print(torch.linalg.eigvalsh(H))

# Differentiable Adam: tune beta1 and lr by the gradient of the gap after 5 unrolled steps
lr_t = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
b1 = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
x0 = torch.zeros(n, dtype=torch.float64, requires_grad=True)
x = x0.clone()
opt = torch.optim.Adam([x], lr=lr_t, betas=(b1, torch.tensor(0.99, dtype=torch.float64)), differentiable=True)
for _ in range(5):
    r = A @ x - b
    x.grad = r
    opt.step()
final = f(x) - f_star
d_lr, d_b1 = torch.autograd.grad(final, [lr_t, b1])
print(f"{final.item():.5f}", f"{d_lr.item():.5f}", f"{d_b1.item():.5f}", type(x.grad_fn).__name__)
print(opt.state[x]["step"], opt.state[x]["exp_avg"].requires_grad)
