"""A simple CMA-ES written with torch tensors, the way course notebooks write it: sampling
x = m + sigma * B D z with torch.randn, log-weighted recombination, evolution paths, rank-one and
rank-mu covariance updates, sampling through the Cholesky factor of C (torch.linalg.cholesky),
C^-1/2 and the condition number through torch.linalg.eigh,
plus a (1+1)-ES with the 1/5th success rule."""
import math

import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def rosenbrock(x):
    return (100 * (x[..., 1:] - x[..., :-1] ** 2) ** 2 + (1 - x[..., :-1]) ** 2).sum(-1)


def sphere(x):
    return (x ** 2).sum(-1)


def ellipsoid(x):
    n = x.shape[-1]
    scales = 10 ** (6 * torch.arange(n) / (n - 1))
    return (scales * x ** 2).sum(-1)


class CMAES:
    def __init__(self, mean, sigma, popsize=None):
        self.n = n = mean.numel()
        self.mean = mean.clone()
        self.sigma = sigma
        self.lam = popsize or 4 + int(3 * math.log(n))
        self.mu = self.lam // 2
        w = math.log(self.mu + 0.5) - torch.log(torch.arange(1, self.mu + 1, dtype=torch.float64))
        self.weights = w / w.sum()
        self.mueff = 1.0 / (self.weights ** 2).sum().item()
        self.cc = (4 + self.mueff / n) / (n + 4 + 2 * self.mueff / n)
        self.cs = (self.mueff + 2) / (n + self.mueff + 5)
        self.c1 = 2 / ((n + 1.3) ** 2 + self.mueff)
        self.cmu = min(1 - self.c1, 2 * (self.mueff - 2 + 1 / self.mueff) / ((n + 2) ** 2 + self.mueff))
        self.damps = 1 + 2 * max(0, math.sqrt((self.mueff - 1) / (n + 1)) - 1) + self.cs
        self.chiN = n ** 0.5 * (1 - 1 / (4 * n) + 1 / (21 * n ** 2))
        self.pc = torch.zeros(n)
        self.ps = torch.zeros(n)
        self.C = torch.eye(n)
        self.B = torch.eye(n)
        self.D = torch.ones(n)
        self.L = torch.eye(n)
        self.invsqrtC = torch.eye(n)
        self.gen = 0

    def ask(self):
        z = torch.randn(self.lam, self.n)
        y = z @ self.L.T
        return self.mean + self.sigma * y

    def tell(self, xs, fit):
        self.gen += 1
        idx = torch.argsort(fit)
        xs = xs[idx[: self.mu]]
        old = self.mean
        self.mean = self.weights @ xs
        ymean = (self.mean - old) / self.sigma
        self.ps = (1 - self.cs) * self.ps + math.sqrt(self.cs * (2 - self.cs) * self.mueff) * (self.invsqrtC @ ymean)
        hsig = (self.ps.norm() / math.sqrt(1 - (1 - self.cs) ** (2 * self.gen)) / self.chiN
                < 1.4 + 2 / (self.n + 1))
        self.pc = (1 - self.cc) * self.pc + hsig * math.sqrt(self.cc * (2 - self.cc) * self.mueff) * ymean
        artmp = (xs - old) / self.sigma
        self.C = ((1 - self.c1 - self.cmu) * self.C
                  + self.c1 * (torch.outer(self.pc, self.pc) + (~hsig) * self.cc * (2 - self.cc) * self.C)
                  + self.cmu * artmp.T @ torch.diag(self.weights) @ artmp)
        self.sigma *= math.exp((self.cs / self.damps) * (self.ps.norm().item() / self.chiN - 1))
        self.C = torch.triu(self.C) + torch.triu(self.C, 1).T  # enforce symmetry
        evals, self.B = torch.linalg.eigh(self.C)
        self.D = evals.clamp_min(1e-20).sqrt()
        self.invsqrtC = self.B @ torch.diag(1 / self.D) @ self.B.T
        self.L = torch.linalg.cholesky(self.C)


for name, fn, dim in [("sphere", sphere, 4), ("ellipsoid", ellipsoid, 4), ("rosenbrock", rosenbrock, 3)]:
    torch.manual_seed(1)
    es = CMAES(torch.full((dim,), 1.5), 0.5)
    print(name, "lambda", es.lam, "mu", es.mu, f"mueff {es.mueff:.4f}", "weights", es.weights.round(decimals=4))
    best = float("inf")
    for g in range(60):
        xs = es.ask()
        fit = fn(xs)
        best = min(best, fit.min().item())
        es.tell(xs, fit)
        if g % 15 == 0:
            print(f"  gen {g:2d}  best {best:.3e}  sigma {es.sigma:.3e}  cond {(es.D.max() / es.D.min()).item() ** 2:.2e}")
    print(f"  final best {best:.2e}  mean {es.mean.round(decimals=2).tolist()}")
    print("  C symmetric:", torch.allclose(es.C, es.C.T), " C pos-def:", bool((torch.linalg.eigvalsh(es.C) > 0).all()))

# --- Cholesky-based sampling variant -------------------------------------------------------------
torch.manual_seed(3)
C = torch.tensor([[2.0, 0.6, 0.2], [0.6, 1.0, 0.3], [0.2, 0.3, 0.5]])
L = torch.linalg.cholesky(C)
print("L", L.round(decimals=4))
print("L L^T == C:", torch.allclose(L @ L.T, C))
samples = torch.randn(4000, 3) @ L.T + torch.tensor([1.0, -1.0, 0.0])
emp = torch.cov(samples.T)
print("empirical cov", emp.round(decimals=1))
print("mean", samples.mean(0).round(decimals=1))
Lc, info = torch.linalg.cholesky_ex(C)
print("info", info.item(), torch.allclose(Lc, L))
mvn = torch.distributions.MultivariateNormal(torch.zeros(3), scale_tril=L)
print("log_prob", mvn.log_prob(torch.tensor([0.1, 0.2, -0.3])).item().__round__(6))
try:
    torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
except Exception as e:
    print(type(e).__name__, str(e)[:80])

# --- (1+1)-ES with the 1/5th success rule --------------------------------------------------------
torch.set_default_dtype(torch.float32)
torch.manual_seed(5)
x = torch.randn(6)
fx = sphere(x)
step = 1.0
successes = []
for t in range(200):
    y = x + step * torch.randn_like(x)
    fy = sphere(y)
    ok = bool(fy < fx)
    successes.append(ok)
    if ok:
        x, fx = y, fy
    if len(successes) == 10:
        rate = sum(successes) / 10
        step *= 1.5 if rate > 0.2 else 0.82
        successes.clear()
    if t % 40 == 0:
        print(f"t {t:3d}  f {fx.item():.4e}  step {step:.4f}")
print(f"(1+1)-ES final f {fx.item():.2e}", x.dtype)
