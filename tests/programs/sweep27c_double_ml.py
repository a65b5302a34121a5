"""Double/debiased machine learning for a partially linear model with cross-fitting, a T-learner for
heterogeneous effects, and a logit fitted by Newton's method with delta-method marginal effects."""
import math
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torch.autograd.functional import hessian, jacobian

torch.manual_seed(42)
n, p = 400, 4
X = torch.rand(n, p) * 2 - 1
g0 = torch.sin(2 * X[:, 0]) + X[:, 1] ** 2
m0 = 0.5 * torch.tanh(X[:, 0] + X[:, 2])
D = m0 + 0.5 * torch.randn(n)
theta = 0.75
Y = theta * D + g0 + 0.3 * torch.randn(n)


def make_net():
    return nn.Sequential(nn.Linear(p, 16), nn.Tanh(), nn.Linear(16, 1))


def fit(Xtr, ytr, epochs=30):
    net = make_net()
    opt = torch.optim.Adam(net.parameters(), lr=0.02, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=64, shuffle=True)
    for ep in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = nn.functional.mse_loss(net(xb).squeeze(1), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), max_norm=5.0)
            opt.step()
        sched.step()
    return net


print(make_net())
K = 2
perm = torch.randperm(n)
folds = torch.tensor_split(perm, K)
print("fold sizes:", [f.numel() for f in folds])
res_y = torch.empty(n)
res_d = torch.empty(n)
for k, test in enumerate(folds):
    train = torch.cat([f for j, f in enumerate(folds) if j != k])
    ny = fit(X[train], Y[train])
    nd = fit(X[train], D[train])
    with torch.no_grad():
        res_y[test] = Y[test] - ny(X[test]).squeeze(1)
        res_d[test] = D[test] - nd(X[test]).squeeze(1)
    print(f"fold {k}: outcome-residual var {res_y[test].var().item():.3f} treatment-residual var {res_d[test].var().item():.3f}")

theta_hat = (res_d * res_y).sum() / (res_d * res_d).sum()
psi = (res_y - theta_hat * res_d) * res_d
J = (res_d ** 2).mean()
se = torch.sqrt((psi ** 2).mean() / J ** 2 / n)
print(f"DML theta: {theta_hat.item():.2f} se {se.item():.2f}")
naive = torch.linalg.lstsq(torch.stack([torch.ones(n), D], 1), Y[:, None]).solution[1, 0]
print(f"naive OLS: {naive.item():.2f}")

# T-learner on a binary treatment with heterogeneous effect tau(x) = 1 + x0
T = (torch.rand(n) < torch.sigmoid(X[:, 1])).float()
Yb = X[:, 1] + (1 + X[:, 0]) * T + 0.2 * torch.randn(n)
phi = lambda Z: torch.cat([torch.ones(Z.shape[0], 1), Z, Z[:, :1] * Z[:, 1:2]], 1)
b1 = torch.linalg.lstsq(phi(X[T == 1]), Yb[T == 1]).solution
b0 = torch.linalg.lstsq(phi(X[T == 0]), Yb[T == 0]).solution
cate = phi(X) @ (b1 - b0)
print(f"T-learner ATE {cate.mean().item():.3f}, corr with truth {torch.corrcoef(torch.stack([cate, 1 + X[:, 0]]))[0, 1].item():.3f}")
# uplift-style split: best threshold on x0 for the difference in treated/control means
best = None
for thr in torch.linspace(-0.8, 0.8, 9):
    left = X[:, 0] <= thr
    ups = []
    for side in (left, ~left):
        t_, c_ = side & (T == 1), side & (T == 0)
        ups.append(Yb[t_].mean() - Yb[c_].mean())
    gain = (ups[0] - ups[1]).abs().item()
    if best is None or gain > best[0]:
        best = (gain, thr.item(), [u.item() for u in ups])
print("uplift split: thr %.1f, uplift left %.3f right %.3f" % (best[1], best[2][0], best[2][1]))

# logit by Newton-Raphson using autograd hessian
Xl = torch.cat([torch.ones(n, 1), X[:, :2]], 1).double()
Tl = T.double()


def negll(b):
    z = Xl @ b
    return (torch.nn.functional.softplus(z) - Tl * z).sum()


b = torch.zeros(3, dtype=torch.float64)
for it in range(6):
    g = jacobian(negll, b)
    H = hessian(negll, b)
    b = b - torch.linalg.solve(H, g)
    print(f"newton {it}: |grad| = {g.norm().item():.3e}" if it < 2 else f"newton {it}: nll {negll(b).item():.6f}")
cov = torch.linalg.inv(hessian(negll, b))
print("logit coef:", b)
print("logit se:  ", cov.diagonal().sqrt())


def ame(bb):
    s = torch.sigmoid(Xl @ bb)
    return (s * (1 - s)).mean() * bb[1:]


me = ame(b)
Jm = jacobian(ame, b)
se_me = torch.sqrt(torch.diagonal(Jm @ cov @ Jm.T))
for name, v, s in zip(["x0", "x1"], me, se_me):
    print(f"  AME {name}: {v.item():+.4f} ({s.item():.4f})  z={v.item() / s.item():+.2f}")
print("jacobian shape:", tuple(Jm.shape), Jm.dtype)
try:
    hessian(lambda v: Xl @ v, b)
except RuntimeError as err:
    print("hessian error:", err)
