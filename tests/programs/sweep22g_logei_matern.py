"""GP model selection and numerically stable acquisition values in plain torch, after BoTorch's
LogEI paper and GPyTorch's kernel zoo: Matern-1/2, 3/2 and 5/2 plus RBF kernels with ARD
lengthscales, a batch of independent GPs (one per kernel, batched cholesky_ex and
cholesky_solve), hyperparameters fitted jointly with LBFGS over softplus-constrained raw
parameters, comparison by marginal log-likelihood (slogdet check, cholesky_inverse), then
log expected improvement from torch.special.log_ndtr / erfcx / ndtr / ndtri compared with the
naive log(EI) far in the tail."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(5)
torch.set_default_dtype(torch.float64)

n, d = 16, 3
X = torch.rand(n, d)
X_min, X_max = X.min(0).values, X.max(0).values
Xn = (X - X_min) / (X_max - X_min)
y_raw = (Xn[:, 0] - 0.3) ** 2 + torch.sin(4 * Xn[:, 1]) - 0.5 * Xn[:, 2] + 0.02 * torch.randn(n)
y = (y_raw - y_raw.mean()) / y_raw.std(unbiased=True)
print("standardized y:", y[:6].round(decimals=3), f"std {y.std().item():.4f}")


def scaled_dist(x1, x2, ls):
    return torch.cdist(x1 / ls.unsqueeze(-2), x2 / ls.unsqueeze(-2)).clamp_min(1e-12)


def kernel_matrix(kind, x1, x2, ls, os_):
    r = scaled_dist(x1, x2, ls)
    if kind == "matern12":
        k = torch.exp(-r)
    elif kind == "matern32":
        s = math.sqrt(3) * r
        k = (1 + s) * torch.exp(-s)
    elif kind == "matern52":
        s = math.sqrt(5) * r
        k = (1 + s + s ** 2 / 3) * torch.exp(-s)
    else:
        k = torch.exp(-0.5 * r ** 2)
    return os_.view(-1, 1, 1) * k


kinds = ["matern12", "matern32", "matern52", "rbf"]
B = len(kinds)
raw_ls = torch.zeros(B, d, requires_grad=True)
raw_os = torch.zeros(B, requires_grad=True)
raw_noise = torch.full((B,), -3.0, requires_grad=True)


def batched_nmll():
    ls = F.softplus(raw_ls)
    os_ = F.softplus(raw_os)
    noise = F.softplus(raw_noise) + 1e-5
    Ks = []
    for b, kind in enumerate(kinds):
        Ks.append(kernel_matrix(kind, Xn, Xn, ls[b:b + 1], os_[b:b + 1])[0])
    K = torch.stack(Ks) + noise.view(-1, 1, 1) * torch.eye(n)
    L, info = torch.linalg.cholesky_ex(K)
    yb = y.expand(B, n).unsqueeze(-1)
    alpha = torch.cholesky_solve(yb, L)
    quad = (yb * alpha).sum((-1, -2))
    logdet = 2 * L.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    return 0.5 * (quad + logdet) / n + 0.5 * math.log(2 * math.pi), K, L, info


opt = torch.optim.LBFGS([raw_ls, raw_os, raw_noise], lr=1, max_iter=25, line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    loss = batched_nmll()[0].sum()
    loss.backward()
    return loss


print(f"initial total nmll {closure().item():.4f}")
opt.step(closure)
with torch.no_grad():
    nmll, K, L, info = batched_nmll()
    print("cholesky info", info.tolist())
    sign, logabsdet = torch.linalg.slogdet(K)
    print("slogdet agrees", torch.allclose(logabsdet, 2 * L.diagonal(dim1=-2, dim2=-1).log().sum(-1)),
          sign.tolist())
    Kinv = torch.cholesky_inverse(L)
    print("cholesky_inverse ok", torch.allclose(Kinv @ K, torch.eye(n).expand(B, n, n), atol=1e-6))
    for b, kind in enumerate(kinds):
        print(f"{kind:9s} nmll {nmll[b].item():.3f} ls {[round(v, 2) for v in F.softplus(raw_ls[b]).tolist()]} "
              f"os {F.softplus(raw_os[b]).item():.3f} noise {F.softplus(raw_noise[b]).item() + 1e-5:.4f}")
    best = nmll.argmin().item()
    print("selected kernel:", kinds[best])


# log EI, stable in the tail
def log_ei_naive(u):
    n01 = torch.distributions.Normal(0.0, 1.0)
    return torch.log(torch.exp(n01.log_prob(u)) + u * n01.cdf(u))


def log_ei_stable(u):
    inv_sqrt2 = 1 / math.sqrt(2)
    log_phi = -0.5 * u ** 2 - 0.5 * math.log(2 * math.pi)
    small = u < -1
    w = torch.where(small, u, torch.zeros_like(u))
    tail = log_phi + torch.log1p(-(-w) * torch.special.erfcx(-w * inv_sqrt2) * math.sqrt(math.pi / 2))
    big = torch.where(small, torch.zeros_like(u), u)
    body = torch.log(torch.exp(-0.5 * big ** 2) / math.sqrt(2 * math.pi) + big * torch.special.ndtr(big))
    return torch.where(small, tail, body)


u = torch.tensor([-40.0, -12.0, -5.0, -1.5, -0.5, 0.0, 0.7, 3.0])
print("naive  ", [round(v, 4) if math.isfinite(v) else v for v in log_ei_naive(u).tolist()])
print("stable ", [round(v, 4) for v in log_ei_stable(u).tolist()])
print("log_ndtr", [round(v, 4) for v in torch.special.log_ndtr(u).tolist()])
print("ndtri   ", torch.special.ndtri(torch.tensor([0.025, 0.5, 0.975])).round(decimals=4))
ug = u.clone().requires_grad_(True)
log_ei_stable(ug).sum().backward()
print("d logEI / du", [round(v, 4) for v in ug.grad.tolist()])

# posterior of the selected model at a few Sobol test points, with log EI there
sob = torch.quasirandom.SobolEngine(d, scramble=True, seed=4).draw(5)
with torch.no_grad():
    ls, os_ = F.softplus(raw_ls[best:best + 1]), F.softplus(raw_os[best:best + 1])
    Ks = kernel_matrix(kinds[best], Xn, sob, ls, os_)[0]
    Lb = L[best]
    mean = Ks.T @ torch.cholesky_solve(y.unsqueeze(-1), Lb)
    v = torch.linalg.solve_triangular(Lb, Ks, upper=False)
    var = (os_ - (v ** 2).sum(0)).clamp_min(1e-10)
    sd = var.sqrt()
    z = (mean.squeeze(-1) - y.max()) / sd
    lei = log_ei_stable(z) + sd.log()
    for p, m, s_, l in zip(sob, mean.squeeze(-1), sd, lei):
        print(f"x={[round(c, 3) for c in p.tolist()]} mean {m.item():+.3f} sd {s_.item():.3f} logEI {l.item():.3f}")
