"""Differentiable solvers with torch.func: Euclidean projection onto the probability simplex (sort +
cumsum threshold, as in sparsemax) as a custom autograd.Function with a closed-form backward and a
vmap rule, its Jacobian from jacrev / jacfwd, Newton's method on a nonlinear system with the Jacobian
from torch.func.jacrev, and the implicit derivative of the root with respect to a parameter
(dx*/dtheta = -J_x^-1 J_theta), checked against forward-mode AD through unrolled Newton."""
import torch
import torch.autograd.forward_ad as fwAD
from torch.func import jacfwd, jacrev, jvp, vjp, vmap

torch.manual_seed(21)


def simplex_projection(v):
    """argmin_{p in simplex} |p - v|^2 along the last dim."""
    u, _ = torch.sort(v, dim=-1, descending=True)
    css = u.cumsum(dim=-1) - 1
    k = torch.arange(1, v.shape[-1] + 1, dtype=v.dtype)
    cond = (u - css / k) > 0
    rho = cond.to(torch.int64).cumsum(-1).argmax(-1, keepdim=True)   # last index where cond holds
    tau = css.gather(-1, rho) / (rho + 1).to(v.dtype)
    return torch.clamp(v - tau, min=0)


class Sparsemax(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(v):
        return simplex_projection(v)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, g):
        p, = ctx.saved_tensors
        support = (p > 0).to(g.dtype)
        # J = diag(s) - s s^T / |s| on the support s
        g_s = g * support
        return g_s - support * g_s.sum(-1, keepdim=True) / support.sum(-1, keepdim=True)


v = torch.tensor([[0.8, 0.6, -0.2, 0.1], [2.0, -1.0, 0.5, 0.3], [0.1, 0.1, 0.3, 0.2]])
p = Sparsemax.apply(v)
print("sparsemax:\n", p)
print("rows sum to 1:", torch.allclose(p.sum(-1), torch.ones(3)))
print("support sizes:", (p > 0).sum(-1).tolist())
print("softmax for comparison:\n", torch.softmax(v, -1))

vr = v.clone().requires_grad_()
w = torch.tensor([1.0, -2.0, 0.5, 3.0])
(Sparsemax.apply(vr) * w).sum().backward()
print("custom backward:", vr.grad)
vr2 = v.clone().requires_grad_()
(simplex_projection(vr2) * w).sum().backward()
print("autograd through sort/cumsum agrees:", torch.allclose(vr.grad, vr2.grad, atol=1e-6))

J = jacrev(simplex_projection)(v[0])
print("jacrev:\n", J)
print("jacfwd == jacrev:", torch.allclose(jacfwd(simplex_projection)(v[0]), J))
Jb = vmap(jacrev(Sparsemax.apply))(v)
print("vmapped jacobians:", Jb.shape, " symmetric:", torch.allclose(Jb, Jb.transpose(1, 2)))
print("vmap(Sparsemax) == batch:", torch.equal(vmap(Sparsemax.apply)(v), p))
print("gradcheck:", torch.autograd.gradcheck(Sparsemax.apply, (v.double().requires_grad_(),)))


# Newton's method on F(x; theta) = 0 -----------------------------------------------------------------
def F(x, theta):
    return torch.stack([
        x[0] ** 2 + x[1] ** 2 - theta[0],
        torch.exp(x[0] - 1) + x[1] ** 3 - theta[1],
        x[2] - torch.sin(x[0] * x[1]) * theta[0],
    ])


def newton(x, theta, iters=20, tol=1e-12):
    history = []
    for i in range(iters):
        Jx = jacrev(F, argnums=0)(x, theta)
        step = torch.linalg.solve(Jx, F(x, theta))
        x = x - step
        history.append(step.norm().item())
        if history[-1] < tol:
            break
    return x, history


theta = torch.tensor([2.0, 1.5], dtype=torch.float64)
x0 = torch.tensor([1.0, 0.8, 0.0], dtype=torch.float64)
x_star, hist = newton(x0, theta)
print("root:", x_star)
print("newton steps:", len(hist), " residual < 1e-10:", F(x_star, theta).abs().max().item() < 1e-10)
print("quadratic convergence:", [f"{h:.1e}" for h in hist[:4]])

# implicit function theorem: dx*/dtheta = -J_x^{-1} J_theta ---------------------------------------------
Jx = jacrev(F, argnums=0)(x_star, theta)
Jt = jacrev(F, argnums=1)(x_star, theta)
dx_dtheta = -torch.linalg.solve(Jx, Jt)
print("dx*/dtheta (IFT):\n", dx_dtheta)

# forward mode through unrolled Newton, one tangent per theta direction
cols = []
for d in torch.eye(2, dtype=torch.float64):
    with fwAD.dual_level():
        th = fwAD.make_dual(theta, d)
        x = x0.clone()
        for _ in range(12):
            Jx_ = torch.stack([torch.autograd.functional.jacobian(lambda xx: F(xx, fwAD.unpack_dual(th).primal), fwAD.unpack_dual(x).primal)])[0]
            x = x - torch.linalg.solve(Jx_, F(x, th))
        cols.append(fwAD.unpack_dual(x).tangent)
dx_fwd = torch.stack(cols, dim=1)
print("forward-mode unrolled close to IFT:", torch.allclose(dx_fwd, dx_dtheta, atol=1e-8))

# jvp / vjp of the solution map
_, tangent = jvp(lambda th: newton(x0, th, iters=8)[0], (theta,), (torch.tensor([1.0, 0.0], dtype=torch.float64),))
print("jvp along theta_0:", tangent)
out, pull = vjp(lambda th: newton(x0, th, iters=8)[0], theta)
print("vjp with e_2:", pull(torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64))[0])

# a singular Jacobian ----------------------------------------------------------------------------------
try:
    newton(torch.zeros(3, dtype=torch.float64), theta, iters=1)
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
try:
    jacrev(F, argnums=2)(x0, theta)
except Exception as e:
    print(type(e).__name__ + ":", e)
