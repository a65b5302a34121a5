"""A Bayesian-optimization loop in plain torch, in the style of the BoTorch "closed loop" tutorial
written without BoTorch: inputs normalized to the unit cube, outputs standardized, a Matern-5/2
GP fitted with LBFGS (strong Wolfe line search) over softplus-constrained log-parameters,
analytic expected improvement from torch.distributions.Normal (cdf and log_prob), raw candidates
from a scrambled, seeded SobolEngine, random restarts refined by Adam gradient ascent clamped to
the bounds, and the best point printed every iteration."""
import math

import torch
from torch.distributions import Normal
from torch.quasirandom import SobolEngine

torch.manual_seed(7)
dtype = torch.double

bounds = torch.tensor([[-5.0, 0.0], [10.0, 15.0]], dtype=dtype)


def branin(x):
    x1, x2 = x[..., 0], x[..., 1]
    b, c = 5.1 / (4 * math.pi ** 2), 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * torch.cos(x1) + 10


def objective(x):  # maximize the negative Branin
    return -branin(x)


def normalize(x, bounds):
    return (x - bounds[0]) / (bounds[1] - bounds[0])


def unnormalize(x, bounds):
    return x * (bounds[1] - bounds[0]) + bounds[0]


def matern52(x1, x2, lengthscale, outputscale):
    d = torch.cdist(x1 / lengthscale, x2 / lengthscale).clamp_min(1e-15)
    s5 = math.sqrt(5) * d
    return outputscale * (1 + s5 + 5.0 / 3.0 * d ** 2) * torch.exp(-s5)


class GP:
    def __init__(self, X, Y):
        self.X = X
        self.y_mean, self.y_std = Y.mean(), Y.std()
        self.y = (Y - self.y_mean) / self.y_std
        d = X.shape[-1]
        self.raw = {
            "lengthscale": torch.full((d,), -0.5, dtype=dtype, requires_grad=True),
            "outputscale": torch.tensor(0.5, dtype=dtype, requires_grad=True),
            "noise": torch.tensor(-4.0, dtype=dtype, requires_grad=True),
        }

    def params(self):
        ls = torch.nn.functional.softplus(self.raw["lengthscale"])
        os_ = torch.nn.functional.softplus(self.raw["outputscale"])
        noise = torch.nn.functional.softplus(self.raw["noise"]) + 1e-6
        return ls, os_, noise

    def nmll(self):
        ls, os_, noise = self.params()
        n = self.X.shape[0]
        K = matern52(self.X, self.X, ls, os_) + noise * torch.eye(n, dtype=dtype)
        L = torch.linalg.cholesky(K)
        alpha = torch.cholesky_solve(self.y.unsqueeze(-1), L)
        nll = 0.5 * (self.y.unsqueeze(-1) * alpha).sum() + torch.log(L.diagonal()).sum()
        return nll / n + 0.5 * math.log(2 * math.pi)

    def fit(self):
        opt = torch.optim.LBFGS(list(self.raw.values()), lr=0.5, max_iter=15,
                                line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = self.nmll()
            loss.backward()
            return loss

        opt.step(closure)
        with torch.no_grad():
            ls, os_, noise = self.params()
            K = matern52(self.X, self.X, ls, os_) + noise * torch.eye(self.X.shape[0], dtype=dtype)
            self.L = torch.linalg.cholesky(K)
            self.alpha = torch.cholesky_solve(self.y.unsqueeze(-1), self.L)
        return self.nmll().item()

    def posterior(self, x):
        ls, os_, _ = [p.detach() for p in self.params()]
        Ks = matern52(self.X, x, ls, os_)
        mean = (Ks.transpose(-1, -2) @ self.alpha).squeeze(-1)
        v = torch.linalg.solve_triangular(self.L, Ks, upper=False)
        var = (os_ - (v * v).sum(-2)).clamp_min(1e-12)
        return mean, var


def expected_improvement(gp, x, best_f):
    mean, var = gp.posterior(x)
    sigma = var.sqrt()
    u = (mean - best_f) / sigma
    normal = Normal(torch.zeros_like(u), torch.ones_like(u))
    ucdf = normal.cdf(u)
    updf = torch.exp(normal.log_prob(u))
    return sigma * (updf + u * ucdf)


def optimize_acqf(gp, best_f, sobol, num_raw=128, num_restarts=3, steps=15):
    raw = sobol.draw(num_raw).to(dtype)
    with torch.no_grad():
        vals = expected_improvement(gp, raw, best_f)
    idx = vals.topk(num_restarts).indices
    x = raw[idx].clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.03)
    for _ in range(steps):
        opt.zero_grad()
        loss = -expected_improvement(gp, x, best_f).sum()
        loss.backward()
        opt.step()
        with torch.no_grad():
            x.clamp_(0.0, 1.0)
    with torch.no_grad():
        vals = expected_improvement(gp, x, best_f)
    best = vals.argmax()
    return x[best].detach().unsqueeze(0), vals[best].item()


sobol = SobolEngine(dimension=2, scramble=True, seed=0)
X = sobol.draw(6).to(dtype)
Y = objective(unnormalize(X, bounds))
print("initial design (unit cube):")
print(X.round(decimals=4))
print("initial values:", Y.round(decimals=3))

acq_sobol = SobolEngine(dimension=2, scramble=True, seed=1)
for it in range(5):
    gp = GP(X, Y)
    nmll = gp.fit()
    ls, os_, noise = [p.detach() for p in gp.params()]
    best_f = gp.y.max()
    cand, ei = optimize_acqf(gp, best_f, acq_sobol)
    y_new = objective(unnormalize(cand, bounds))
    X = torch.cat([X, cand])
    Y = torch.cat([Y, y_new])
    i = Y.argmax()
    xb = unnormalize(X[i], bounds)
    print(f"iter {it}: nmll={nmll:.3f} ls=[{ls[0]:.3f}, {ls[1]:.3f}] os={os_:.3f} "
          f"ei={ei:.4f} new=({unnormalize(cand, bounds)[0, 0]:.3f}, "
          f"{unnormalize(cand, bounds)[0, 1]:.3f}) y={y_new.item():.3f} "
          f"best={Y.max().item():.3f} at ({xb[0]:.3f}, {xb[1]:.3f})")

print("num evaluations:", Y.numel())
print("regret:", round(-Y.max().item() - 0.397887, 3))
