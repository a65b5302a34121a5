"""A numerical-methods course in PyTorch: Newton's method with autograd.functional, torch.func
transforms, a tour of torch.linalg, conjugate gradient by hand, and a Runge-Kutta ODE solver
differentiated end to end."""
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vjp, vhp
from torch.func import grad, jacfwd, jacrev, vmap

torch.manual_seed(3)
torch.set_printoptions(precision=4)
dd = torch.float64


# ---- Newton's method on a 2-D system and on Rosenbrock -------------------------------------------
def F_sys(v):
    x, y = v[0], v[1]
    return torch.stack([x ** 2 + y ** 2 - 4.0, torch.exp(x) + y - 1.0])


v = torch.tensor([1.0, -1.0], dtype=dd)
for it in range(6):
    J = jacobian(F_sys, v)
    step = torch.linalg.solve(J, -F_sys(v))
    v = v + step
    print(f"newton {it} x={v[0].item():.8f} y={v[1].item():.8f} small={F_sys(v).norm().item() < 1e-12}"
          if it >= 4 else f"newton {it} {v.round(decimals=6)}")
print("J shape", J.shape, J.dtype)


def rosen(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


p = torch.tensor([-1.2, 1.0], dtype=dd)
for it in range(8):
    g = torch.autograd.functional.jacobian(rosen, p)
    H = hessian(rosen, p)
    p = p - torch.linalg.solve(H, g)
print("rosen newton", p.round(decimals=6), rosen(p).item() < 1e-12)
H = hessian(rosen, torch.tensor([1.0, 1.0], dtype=dd))
print("hessian at min", H, torch.linalg.eigvalsh(H).round(decimals=4))
out, hv = hvp(rosen, torch.tensor([0.5, 0.5], dtype=dd), torch.tensor([1.0, 0.0], dtype=dd))
print("hvp", out.item(), hv)
out, vh = vhp(rosen, torch.tensor([0.5, 0.5], dtype=dd), torch.tensor([0.0, 1.0], dtype=dd))
print("vhp", vh)
f2 = lambda a: torch.stack([a[0] * a[1], a[0].sin(), a[1] ** 3])
out, vj = vjp(f2, torch.tensor([1.0, 2.0], dtype=dd), torch.tensor([1.0, 1.0, 1.0], dtype=dd))
print("vjp", out, vj)
out, jv = jvp(f2, torch.tensor([1.0, 2.0], dtype=dd), torch.tensor([1.0, 0.0], dtype=dd))
print("jvp", jv)
Jm = jacobian(lambda a, b: a * b + a.sum(), (torch.ones(2), torch.arange(2.0)))
print("jac tuple", type(Jm).__name__, len(Jm), Jm[0], Jm[1])

# ---- torch.func ----------------------------------------------------------------------------------
f = lambda x: (x.sin() * x).sum()
x = torch.tensor([0.0, 1.0, 2.0], dtype=dd)
print("grad", grad(f)(x), "grad of grad sum", grad(lambda t: grad(f)(t).sum())(x))
print("jacrev", jacrev(torch.sin)(x).diagonal(), "jacfwd equal", torch.allclose(jacfwd(torch.sin)(x), jacrev(torch.sin)(x)))
batched = vmap(grad(f))(torch.randn(4, 3, dtype=dd))
print("vmap grad", batched.shape)
per_row_dot = vmap(torch.dot)(torch.ones(5, 3), torch.arange(15.0).view(5, 3))
print("vmap dot", per_row_dot)
hess_fn = jacfwd(jacrev(rosen))
print("jacfwd(jacrev)", hess_fn(torch.tensor([1.0, 1.0], dtype=dd)))

# ---- linalg tour ---------------------------------------------------------------------------------
A = torch.randn(4, 4, dtype=dd)
S = A @ A.T + 4 * torch.eye(4, dtype=dd)
b = torch.randn(4, dtype=dd)
print("solve", torch.linalg.solve(S, b))
ev, evec = torch.linalg.eigh(S)
print("eigh", ev, (evec @ torch.diag(ev) @ evec.T - S).abs().max().item() < 1e-10)
U, sv, Vh = torch.linalg.svd(A)
print("svd", sv, torch.linalg.svdvals(A), U.shape, Vh.shape)
Q, R = torch.linalg.qr(A)
print("qr", R.diagonal().abs(), torch.allclose(Q @ R, A))
Lc = torch.linalg.cholesky(S)
print("cholesky", Lc.diagonal(), torch.linalg.cholesky(S, upper=True).diagonal())
print("inv", torch.linalg.inv(S).trace(), "pinv", torch.linalg.pinv(A[:, :3]).shape)
print("norms", torch.linalg.matrix_norm(A), torch.linalg.matrix_norm(A, ord=2), torch.linalg.matrix_norm(A, "nuc"),
      torch.linalg.matrix_norm(A, ord=1), torch.linalg.vector_norm(b, ord=3), torch.linalg.vector_norm(b, float("inf")))
print("rank", torch.linalg.matrix_rank(A), torch.linalg.matrix_rank(torch.outer(b, b)))
print("det", torch.linalg.det(S), torch.linalg.slogdet(A))
print("matrix_power", torch.linalg.matrix_power(S, 3)[0], torch.linalg.matrix_power(S, -1).allclose(torch.linalg.inv(S)))
print("cross", torch.linalg.cross(torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])))
print("multi_dot", torch.linalg.multi_dot([A, S, b.unsqueeze(1)]).squeeze())
ls = torch.linalg.lstsq(A[:, :2], b.unsqueeze(1))
print("lstsq", type(ls).__name__, ls.solution.squeeze())
geq, tau = torch.geqrf(A)
Qh = torch.linalg.householder_product(geq, tau)
print("householder", torch.allclose(Qh.abs(), Q.abs()), tau.shape, torch.ormqr(geq, tau, b.unsqueeze(1), transpose=True).shape)
print("Q^T b", torch.ormqr(geq, tau, b.unsqueeze(1), transpose=True).squeeze().abs(), (Q.T @ b).abs())
ca = torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]], requires_grad=True)
cr = torch.linalg.cross(ca, torch.tensor([[0.0, 0.0, 1.0]]))
cr.sum().backward()
print("cross grad", type(cr.grad_fn).__name__, ca.grad)
print("jacfwd sin", jacfwd(torch.sin)(torch.tensor([1.0, 2.0])))
for bad in (lambda: torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]])),
            lambda: torch.linalg.solve(torch.zeros(2, 2), torch.ones(2)),
            lambda: torch.linalg.solve(torch.eye(3), torch.ones(2)),
            lambda: torch.linalg.inv(torch.ones(2, 3)),
            lambda: torch.linalg.svdvals(torch.ones(3)),
            lambda: torch.linalg.matrix_norm(torch.ones(3)),
            lambda: torch.linalg.cross(torch.ones(2), torch.ones(2)),
            lambda: hvp(lambda a: a ** 2, torch.ones(2), torch.ones(2))):
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)


# ---- conjugate gradient --------------------------------------------------------------------------
def conjugate_gradient(Amat, rhs, tol=1e-10, max_iter=50):
    xk = torch.zeros_like(rhs)
    r = rhs - Amat @ xk
    pk = r.clone()
    rs = r @ r
    for k in range(max_iter):
        Ap = Amat @ pk
        a = rs / (pk @ Ap)
        xk = xk + a * pk
        r = r - a * Ap
        rs_new = r @ r
        if rs_new.sqrt() < tol:
            return xk, k + 1
        pk = r + (rs_new / rs) * pk
        rs = rs_new
    return xk, max_iter


xcg, iters = conjugate_gradient(S, b)
print("cg", iters, xcg, torch.allclose(xcg, torch.linalg.solve(S, b)))


# ---- RK4 with autograd through the solver ---------------------------------------------------------
def rk4(fun, y0, t0, t1, n):
    h = (t1 - t0) / n
    yk, t = y0, t0
    for _ in range(n):
        k1 = fun(t, yk)
        k2 = fun(t + h / 2, yk + h / 2 * k1)
        k3 = fun(t + h / 2, yk + h / 2 * k2)
        k4 = fun(t + h, yk + h * k3)
        yk = yk + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t = t + h
    return yk


k = torch.tensor(0.7, dtype=dd, requires_grad=True)
decay = lambda t, yv: -k * yv
yT = rk4(decay, torch.tensor(2.0, dtype=dd), 0.0, 1.0, 20)
yT.backward()
print("rk4 decay", round(yT.item(), 8), round((2 * torch.exp(-k)).item(), 8), type(yT.grad_fn).__name__)
print("dy/dk", round(k.grad.item(), 6), round((-2 * torch.exp(-k)).item(), 6))
omega = torch.tensor(1.5, dtype=dd, requires_grad=True)
osc = lambda t, s: torch.stack([s[1], -omega ** 2 * s[0]])
state = rk4(osc, torch.tensor([1.0, 0.0], dtype=dd), 0.0, 2.0, 100)
target = torch.tensor([0.0, -1.0], dtype=dd)
loss = (state - target).pow(2).sum()
loss.backward()
print("oscillator", state.round(decimals=5), round(loss.item(), 6), round(omega.grad.item(), 5))
