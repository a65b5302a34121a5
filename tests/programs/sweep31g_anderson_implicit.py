"""Anderson acceleration for fixed points (batched, with torch.linalg.solve on the small bordered
least-squares system, as in the DEQ tutorial), compared with plain iteration; then a fixed-point
layer written as a custom torch.autograd.Function whose backward solves the adjoint equation
(I - J^T) u = g with Anderson too, checked with torch.autograd.gradcheck in float64."""
import torch
import torch.nn as nn

torch.manual_seed(7)


def anderson(f, x0, m=5, lam=1e-4, max_iter=50, tol=1e-6, beta=1.0):
    """Anderson acceleration for the fixed point x = f(x); x0 has shape (bsz, d...)."""
    bsz = x0.shape[0]
    d = x0[0].numel()
    X = torch.zeros(bsz, m, d, dtype=x0.dtype)
    Fx = torch.zeros(bsz, m, d, dtype=x0.dtype)
    X[:, 0], Fx[:, 0] = x0.reshape(bsz, -1), f(x0).reshape(bsz, -1)
    X[:, 1], Fx[:, 1] = Fx[:, 0], f(Fx[:, 0].reshape_as(x0)).reshape(bsz, -1)
    H = torch.zeros(bsz, m + 1, m + 1, dtype=x0.dtype)
    H[:, 0, 1:] = H[:, 1:, 0] = 1
    y = torch.zeros(bsz, m + 1, 1, dtype=x0.dtype)
    y[:, 0] = 1
    res = []
    k = 2
    for k in range(2, max_iter):
        n = min(k, m)
        G = Fx[:, :n] - X[:, :n]
        H[:, 1:n + 1, 1:n + 1] = torch.bmm(G, G.transpose(1, 2)) + lam * torch.eye(n, dtype=x0.dtype)[None]
        alpha = torch.linalg.solve(H[:, :n + 1, :n + 1], y[:, :n + 1])[:, 1:n + 1, 0]
        X[:, k % m] = beta * (alpha[:, None] @ Fx[:, :n])[:, 0] + (1 - beta) * (alpha[:, None] @ X[:, :n])[:, 0]
        Fx[:, k % m] = f(X[:, k % m].reshape_as(x0)).reshape(bsz, -1)
        res.append(((Fx[:, k % m] - X[:, k % m]).norm() / (1e-5 + Fx[:, k % m].norm())).item())
        if res[-1] < tol:
            break
    return X[:, k % m].reshape_as(x0), res


def plain(f, x0, max_iter=200, tol=1e-6):
    x, res = x0, []
    for _ in range(max_iter):
        fx = f(x)
        res.append(((fx - x).norm() / (1e-5 + fx.norm())).item())
        x = fx
        if res[-1] < tol:
            break
    return x, res


# a slowly contracting affine map: symmetric, spectral radius 0.97 -----------------------------------
d = 20
M = torch.randn(d, d)
A = M @ M.T
A = 0.97 * A / torch.linalg.eigvalsh(A)[-1]
b = torch.randn(4, d)


def g(x):
    return x @ A.T + b


x_pl, res_pl = plain(g, torch.zeros(4, d), tol=1e-4)
x_aa, res_aa = anderson(g, torch.zeros(4, d), m=6, lam=1e-6, tol=1e-4, max_iter=100)
print(f"plain iterations:    {len(res_pl)}  converged: {res_pl[-1] < 1e-4}")
print(f"anderson iterations: {len(res_aa)}  converged: {res_aa[-1] < 1e-4}")
x_star = torch.linalg.solve(torch.eye(d) - A, b.T).T
print("anderson relative error < 1e-3:", ((x_aa - x_star).norm() / x_star.norm()).item() < 1e-3)
print("first residuals (anderson):", [f"{r:.3f}" for r in res_aa[:4]])

# singular bordered system: what linalg.solve says ----------------------------------------------------
Hs = torch.zeros(2, 3, 3)
try:
    torch.linalg.solve(Hs, torch.ones(2, 3, 1))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.solve(torch.eye(3), torch.ones(4, 1))
except RuntimeError as e:
    print("RuntimeError:", e)
sol, info = torch.linalg.solve_ex(Hs[0] + torch.eye(3), torch.ones(3))
print("solve_ex:", sol, info)


# fixed-point layer as an autograd.Function -----------------------------------------------------------
class FixedPointLayer(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, U):
        f = lambda z: torch.tanh(z @ W.T + x @ U.T)
        ctx.tol = 1e-10 if x.dtype == torch.float64 else 1e-5
        with torch.no_grad():
            z, res = anderson(f, torch.zeros(x.shape[0], W.shape[0], dtype=x.dtype), m=5, tol=ctx.tol, max_iter=80)
        ctx.save_for_backward(z, x, W, U)
        return z

    @staticmethod
    def backward(ctx, grad_z):
        z, x, W, U = ctx.saved_tensors
        with torch.enable_grad():
            z = z.detach().requires_grad_()
            x_ = x.detach().requires_grad_(ctx.needs_input_grad[0])
            W_ = W.detach().requires_grad_()
            U_ = U.detach().requires_grad_()
            fz = torch.tanh(z @ W_.T + x_ @ U_.T)
            # u = J^T u + grad_z, solved by Anderson on the vector-Jacobian product
            u, _ = anderson(lambda v: torch.autograd.grad(fz, z, v, retain_graph=True)[0] + grad_z,
                            grad_z.clone(), m=5, tol=ctx.tol, max_iter=80)
            inputs = [t for t in (x_, W_, U_) if t.requires_grad]
            grads = list(torch.autograd.grad(fz, inputs, u))
        gx = grads.pop(0) if ctx.needs_input_grad[0] else None
        return gx, grads[0], grads[1]


torch.manual_seed(8)
W = (0.3 * torch.randn(4, 4, dtype=torch.double)).requires_grad_()
U = torch.randn(4, 2, dtype=torch.double, requires_grad=True)
x = torch.randn(2, 2, dtype=torch.double, requires_grad=True)
z = FixedPointLayer.apply(x, W, U)
print("z grad_fn:", type(z.grad_fn).__name__.replace("Backward", ""))
print("fixed point:", torch.allclose(z, torch.tanh(z @ W.T + x @ U.T)))
# (W held fixed: each of the checker's perturbations solves a fixed point)
print("gradcheck:", torch.autograd.gradcheck(lambda x_, U_: FixedPointLayer.apply(x_, W.detach(), U_), (x, U),
                                             eps=1e-6, atol=1e-5))
x_nograd = x.detach()
z2 = FixedPointLayer.apply(x_nograd, W, U)
z2.pow(2).sum().backward()
print("x grad without requires_grad:", x_nograd.grad)
print("W.grad norm:", round(W.grad.norm().item(), 4))
print("U.grad[0]:", U.grad[0])

# a classic pitfall: changing, in place, a tensor the layer saved for its backward
xp = torch.randn(2, 2, dtype=torch.double, requires_grad=True)
for what in ("input", "output"):
    x_in = xp * 2
    z = FixedPointLayer.apply(x_in, W, U)
    loss = z.sum()
    try:
        if what == "input":
            x_in.add_(1.0)
        else:
            z.mul_(2.0)         # (z is a view of the solver's buffer: torch refuses this itself)
        loss.backward()
    except RuntimeError as e:
        print(f"{what} changed ->", str(e).split(" Hint:")[0])


# a layer module around it ----------------------------------------------------------------------------
class FixedPointModule(nn.Module):
    def __init__(self, n_in, n_hidden):
        super().__init__()
        self.W = nn.Parameter(0.2 * torch.randn(n_hidden, n_hidden))
        self.U = nn.Parameter(torch.randn(n_hidden, n_in) / n_in ** 0.5)

    def forward(self, x):
        return FixedPointLayer.apply(x, self.W, self.U)

    def extra_repr(self):
        return f"n_in={self.U.shape[1]}, n_hidden={self.W.shape[0]}"


torch.manual_seed(9)
model = nn.Sequential(FixedPointModule(2, 10), nn.Linear(10, 1))
print(model)
xs = torch.linspace(-1, 1, 32).unsqueeze(1).repeat(1, 2)
xs[:, 1] = xs[:, 1].pow(2)
ys = torch.sin(3 * xs[:, :1]) + xs[:, 1:]
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(25):
    opt.zero_grad()
    loss = (model(xs) - ys).pow(2).mean()
    loss.backward()
    opt.step()
    if step % 8 == 0 or step == 24:
        print(f"step {step:2d} loss {loss.item():.4f}")
print("param count:", sum(p.numel() for p in model.parameters()))
