"""Trajectory optimisation, chapter 9: iterative LQR on a unicycle (Dubins car) with jacobians of the
discrete dynamics taken by torch.autograd.functional.jacobian (and checked against torch.func.jacrev
under vmap), a backward Riccati pass with Tikhonov-regularised Quu solved by Cholesky, a forward pass
with a backtracking line search, and the quadratic cost's hessian from autograd.functional.hessian."""
import torch
from torch.autograd.functional import jacobian, hessian
from torch.func import jacrev, vmap

torch.manual_seed(1)
torch.set_printoptions(precision=4, sci_mode=False)
torch.set_default_dtype(torch.float64)

DT = 0.1
NX, NU, T = 3, 2, 30


def dynamics(x, u):
    px, py, th = x[0], x[1], x[2]
    v, w = u[0], u[1]
    return torch.stack([px + DT * v * torch.cos(th), py + DT * v * torch.sin(th), th + DT * w])


Q = torch.diag(torch.tensor([0.1, 0.1, 0.01]))
R = torch.diag(torch.tensor([0.05, 0.02]))
QF = torch.diag(torch.tensor([100.0, 100.0, 10.0]))
goal = torch.tensor([2.0, 1.0, 0.5 * torch.pi])


def running_cost(x, u):
    d = x - goal
    return d @ Q @ d + u @ R @ u


def final_cost(x):
    d = x - goal
    return d @ QF @ d


def total_cost(xs, us):
    return sum(running_cost(xs[t], us[t]) for t in range(T)) + final_cost(xs[T])


def rollout(x0, us):
    xs = [x0]
    for t in range(T):
        xs.append(dynamics(xs[-1], us[t]))
    return torch.stack(xs)


x0 = torch.zeros(NX)
us = 0.1 * torch.randn(T, NU)
xs = rollout(x0, us)

A0, B0 = jacobian(dynamics, (xs[0], us[0]))
print("A_0 =\n", A0)
print("B_0 =\n", B0)
JA = vmap(jacrev(dynamics, argnums=0))(xs[:-1], us)
JB = vmap(jacrev(dynamics, argnums=1))(xs[:-1], us)
print("vmap(jacrev) shapes:", tuple(JA.shape), tuple(JB.shape))
A5, B5 = jacobian(dynamics, (xs[5], us[5]), vectorize=True)
print("jacobian == vmap(jacrev) at t=5:", torch.allclose(A5, JA[5]), torch.allclose(B5, JB[5]))
Hxx = hessian(final_cost, xs[T])
print("hessian of final cost == 2 QF:", torch.allclose(Hxx, 2 * QF))
(hxx, hxu), (hux, huu) = hessian(running_cost, (xs[3], us[3]))
print("running-cost hessian blocks:", tuple(hxx.shape), tuple(hxu.shape), tuple(hux.shape), tuple(huu.shape))
print("huu =", huu.diagonal())

reg = 1e-6
J = total_cost(xs, us).item()
print(f"initial cost: {J:.4f}")
for it in range(12):
    As, Bs = [], []
    for t in range(T):
        a, b = jacobian(dynamics, (xs[t], us[t]))
        As.append(a)
        Bs.append(b)
    # backward pass
    Vx = 2 * QF @ (xs[T] - goal)
    Vxx = 2 * QF
    ks = torch.zeros(T, NU)
    Ks = torch.zeros(T, NU, NX)
    for t in reversed(range(T)):
        lx = 2 * Q @ (xs[t] - goal)
        lu = 2 * R @ us[t]
        Qx = lx + As[t].T @ Vx
        Qu = lu + Bs[t].T @ Vx
        Qxx = 2 * Q + As[t].T @ Vxx @ As[t]
        Quu = 2 * R + Bs[t].T @ Vxx @ Bs[t] + reg * torch.eye(NU)
        Qux = Bs[t].T @ Vxx @ As[t]
        L, info = torch.linalg.cholesky_ex(Quu)
        assert info.item() == 0
        rhs = torch.cat([Qu[:, None], Qux], dim=1)
        sol = -torch.cholesky_solve(rhs, L)
        ks[t], Ks[t] = sol[:, 0], sol[:, 1:]
        Vx = Qx + Ks[t].T @ Quu @ ks[t] + Ks[t].T @ Qu + Qux.T @ ks[t]
        Vxx = Qxx + Ks[t].T @ Quu @ Ks[t] + Ks[t].T @ Qux + Qux.T @ Ks[t]
        Vxx = 0.5 * (Vxx + Vxx.mT)
    # forward pass with backtracking
    for alpha in (1.0, 0.5, 0.25, 0.1, 0.05):
        xn = [x0]
        un = []
        for t in range(T):
            u = us[t] + alpha * ks[t] + Ks[t] @ (xn[t] - xs[t])
            un.append(u)
            xn.append(dynamics(xn[t], u))
        xn, un = torch.stack(xn), torch.stack(un)
        Jn = total_cost(xn, un).item()
        if Jn < J:
            break
    improvement = J - Jn
    xs, us, J = xn, un, min(J, Jn)
    if it % 3 == 0 or improvement < 1e-8:
        print(f"iter {it:2d}: cost={J:.4f} alpha={alpha} |k|max={ks.abs().max().item():.3e}")
    if improvement < 1e-8:
        break

print("final state:", xs[-1])
print("distance to goal:", f"{torch.linalg.vector_norm(xs[-1, :2] - goal[:2]).item():.4f}")
print("controls (every 6th):\n", us[::6])
print("feedback gain K_0:\n", Ks[0])
print("speed profile monotone first half:", bool((us[1:T // 2, 0].diff() <= 0).all() or (us[1:T // 2, 0].diff() >= 0).all()))
v_max, t_max = us[:, 0].max(dim=0)
print(f"peak speed {v_max.item():.3f} at step {t_max.item()}")
