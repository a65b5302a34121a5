"""Argmin layers and implicit differentiation: ridge regression's solution w*(lam) differentiated with
respect to the regularisation strength three ways (autograd through a Cholesky solve, the implicit
function theorem dw/dlam = -(X^T X + lam I)^-1 w, and finite differences), hyper-parameter tuning of
log(lam) on a validation set, and an equality-constrained QP layer (OptNet style) whose solution is
differentiated through its KKT system with lu_factor / lu_solve."""
import math

import torch
from torch.distributions import MultivariateNormal, Normal

torch.manual_seed(11)
torch.set_default_dtype(torch.float64)

n, p = 40, 8
cov = 0.5 * torch.eye(p) + 0.5 * torch.ones(p, p)
X = MultivariateNormal(torch.zeros(p), covariance_matrix=cov).sample((n,))
w_true = torch.zeros(p)
w_true[:3] = torch.tensor([1.5, -2.0, 0.5])
y = X @ w_true + Normal(0.0, 0.5).sample((n,))
Xv = MultivariateNormal(torch.zeros(p), covariance_matrix=cov).sample((n,))
yv = Xv @ w_true + Normal(0.0, 0.5).sample((n,))
print("X:", X.shape, X.dtype, "cond(X^T X):", round(torch.linalg.cond(X.T @ X).item(), 2))


def ridge(X, y, lam):
    A = X.T @ X + lam * torch.eye(X.shape[1])
    L = torch.linalg.cholesky(A)
    return torch.cholesky_solve((X.T @ y).unsqueeze(-1), L).squeeze(-1)


lam = torch.tensor(3.0, requires_grad=True)
w = ridge(X, y, lam)
print("w*:", w.detach())
print("w* grad_fn:", type(w.grad_fn).__name__)

# 1) autograd through the solver
J_auto = torch.autograd.functional.jacobian(lambda l: ridge(X, y, l), lam.detach())
# 2) implicit function theorem on grad_w [ |Xw - y|^2/2 + lam |w|^2/2 ] = 0
A = X.T @ X + lam.detach() * torch.eye(p)
J_ift = -torch.linalg.solve(A, w.detach())
# 3) central differences
h = 1e-5
J_fd = (ridge(X, y, lam.detach() + h) - ridge(X, y, lam.detach() - h)) / (2 * h)
print("dw/dlam:", J_ift)
print("autograd == IFT:", torch.allclose(J_auto, J_ift, rtol=1e-8), " FD close:", torch.allclose(J_fd, J_ift, rtol=1e-6))

# closed forms agree: lstsq on the augmented system, pinv, normal equations via inv
X_aug = torch.cat([X, math.sqrt(3.0) * torch.eye(p)])
y_aug = torch.cat([y, torch.zeros(p)])
w_lstsq = torch.linalg.lstsq(X_aug, y_aug.unsqueeze(1)).solution.squeeze(1)
w_pinv = torch.linalg.pinv(X_aug) @ y_aug
w_inv = torch.linalg.inv(A) @ X.T @ y
print("lstsq/pinv/inv agree:", torch.allclose(w_lstsq, w.detach()), torch.allclose(w_pinv, w.detach()),
      torch.allclose(w_inv, w.detach()))
print("cholesky_inverse == inv:", torch.allclose(torch.cholesky_inverse(torch.linalg.cholesky(A)), torch.linalg.inv(A)))

# hyper-parameter descent on log(lam) with the implicit gradient -------------------------------------
log_lam = torch.tensor(2.0, requires_grad=True)
opt = torch.optim.Adam([log_lam], lr=0.3)
for it in range(25):
    opt.zero_grad()
    lam_ = log_lam.exp()
    with torch.no_grad():
        w_star = ridge(X, y, lam_)
    r = Xv @ w_star - yv
    val = 0.5 * r.pow(2).mean()
    dval_dw = Xv.T @ r / n
    A_ = X.T @ X + lam_.detach() * torch.eye(p)
    # chain rule: dval/dlam = dval/dw . dw/dlam = -dval/dw^T A^-1 w
    dval_dlam = -(dval_dw @ torch.linalg.solve(A_, w_star))
    log_lam.grad = (dval_dlam * lam_).detach().reshape(())
    opt.step()
    if it % 6 == 0 or it == 24:
        print(f"iter {it:2d} lam {lam_.item():8.4f} val {val.item():.4f}")

# the same with torch.func: grad of the validation loss through the solver --------------------------
from torch.func import grad, hessian


def val_loss(ll):
    r = Xv @ ridge(X, y, ll.exp()) - yv
    return 0.5 * r.pow(2).mean()


g_func = grad(val_loss)(torch.tensor(1.0))
H_func = hessian(val_loss)(torch.tensor(1.0))
print("torch.func grad at log lam=1:", f"{g_func.item():.5f}", " hessian:", f"{H_func.item():.5f}")

# ill-posed ridge: cholesky of an indefinite matrix ------------------------------------------------------
try:
    ridge(X, y, torch.tensor(-1e3))
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
L, info = torch.linalg.cholesky_ex(X.T @ X - 1e3 * torch.eye(p))
print("cholesky_ex info:", info.item(), info.dtype)


# equality-constrained QP layer: min 1/2 z^T Q z + q^T z  s.t.  E z = e  -----------------------------
def qp_layer(Q, q, E, e):
    m = E.shape[0]
    K = torch.cat([torch.cat([Q, E.T], 1), torch.cat([E, torch.zeros(m, m)], 1)], 0)
    LU, piv = torch.linalg.lu_factor(K)
    sol = torch.linalg.lu_solve(LU, piv, torch.cat([-q, e]).unsqueeze(-1)).squeeze(-1)
    return sol[:Q.shape[0]], sol[Q.shape[0]:]


torch.manual_seed(12)
M = torch.randn(5, 5)
Q = M @ M.T + torch.eye(5)
q = torch.randn(5, requires_grad=True)
E = torch.ones(1, 5)
e = torch.tensor([1.0], requires_grad=True)
z, nu = qp_layer(Q, q, E, e)
print("z:", z.detach(), " sum:", round(z.sum().item(), 6))
print("nu:", nu.detach())
loss = (z - torch.arange(5.0) / 10).pow(2).sum()
loss.backward()
print("dL/dq:", q.grad)
print("dL/de:", e.grad)
print("gradcheck qp:", torch.autograd.gradcheck(lambda q, e: qp_layer(Q, q, E, e)[0], (q.detach().requires_grad_(), e.detach().requires_grad_())))

try:
    torch.linalg.lu_solve(*torch.linalg.lu_factor(Q), torch.ones(4, 1))
except RuntimeError as ex:
    print("RuntimeError:", ex)
torch.set_default_dtype(torch.float32)
print("default dtype back:", torch.get_default_dtype(), torch.tensor([1.0]).dtype)
