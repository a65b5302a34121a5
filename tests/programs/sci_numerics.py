"""Numerical recipes with tensors: Monte-Carlo integration, quadrature, numerically stable tricks,
special functions, histograms and binning, as in scientific-computing course notes."""
import math

import torch

torch.manual_seed(2024)

# --- Monte-Carlo estimates ------------------------------------------------------------------------------
n = 100_000
pts = torch.rand(n, 2)
inside = (pts ** 2).sum(dim=1) <= 1.0
pi_hat = 4 * inside.float().mean()
print(f"pi ~ {pi_hat.item():.5f}  (error {abs(pi_hat.item() - math.pi):.5f})", inside.dtype, inside.sum())
# running estimate, the way a course plots convergence
running = 4 * torch.cumsum(inside.float(), 0) / torch.arange(1, n + 1)
print(running[[9, 99, 999, 9999, 99999]])

# integral of exp(-x^2) over [0, 2] by plain and importance sampling
f = lambda x: torch.exp(-x ** 2)
exact = math.sqrt(math.pi) / 2 * math.erf(2.0)
u = 2 * torch.rand(50_000, dtype=torch.float64)
est = 2 * f(u).mean()
se = 2 * f(u).std() / math.sqrt(len(u))
print(f"plain MC {est.item():.5f} +- {se.item():.5f}   exact {exact:.5f}")
lam = 1.0
e = torch.distributions.Exponential(torch.tensor(lam, dtype=torch.float64)).sample((50_000,))
e = e[e < 2]
w = f(e) / (lam * torch.exp(-lam * e)) * (1 - math.exp(-2 * lam))
print(f"importance {w.mean().item():.4f}", e.shape[0] < 50_000, e.dtype)

# --- quadrature ---------------------------------------------------------------------------------------------
x = torch.linspace(0, 2, 201, dtype=torch.float64)
y = f(x)
print(f"trapezoid {torch.trapezoid(y, x).item():.8f}")
h = x[1] - x[0]
simpson = h / 3 * (y[0] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum() + y[-1])
print(f"simpson   {simpson.item():.8f}  exact {exact:.8f}")
cum = torch.cumulative_trapezoid(y, x)
print(cum.shape, cum[[49, 99, 199]].numpy().round(6))
for npts in [5, 9, 17, 33]:
    xs = torch.linspace(0, 2, npts, dtype=torch.float64)
    err = abs(torch.trapezoid(f(xs), xs).item() - exact)
    print(npts, f"{err:.3e}")
xg, wg = torch.tensor([-0.7745966692414834, 0.0, 0.7745966692414834], dtype=torch.float64), \
    torch.tensor([5 / 9, 8 / 9, 5 / 9], dtype=torch.float64)
print(f"gauss-legendre-3 {(wg * f(xg + 1)).sum().item():.6f}")

# --- finite differences ---------------------------------------------------------------------------------------
t = torch.linspace(0, 2 * math.pi, 50)
s = torch.sin(t)
ds = torch.diff(s) / torch.diff(t)
print(ds.shape, f"{(ds - torch.cos(t[:-1] + (t[1] - t[0]) / 2)).abs().max():.4f}")
g, = torch.gradient(s, spacing=(t,))
print(g.shape, f"{(g - torch.cos(t)).abs().max():.4f}")
print(torch.diff(torch.tensor([1, 4, 9, 16, 25]), n=2), torch.diff(torch.arange(6).view(2, 3), dim=0))
print(torch.diff(torch.tensor([1.0, 2.0]), append=torch.tensor([4.0, 8.0])))

# --- numerically stable tricks ------------------------------------------------------------------------------
logits = torch.tensor([1000.0, 1001.0, 1002.0])
print(torch.exp(logits).sum().log(), torch.logsumexp(logits, dim=0))
print(torch.softmax(logits, 0), torch.log_softmax(logits, 0))
m = torch.randn(4, 6) * 30
print(torch.allclose(torch.logsumexp(m, dim=1), m.max(1).values + (m - m.max(1, keepdim=True).values).exp().sum(1).log()))
print(torch.logsumexp(torch.tensor([-math.inf, -math.inf]), 0), torch.logsumexp(torch.tensor([]), 0))
print(torch.log1p(torch.tensor([1e-10])), torch.log(1 + torch.tensor([1e-10])))
print(torch.expm1(torch.tensor([1e-10])), torch.exp(torch.tensor([1e-10])) - 1)
print(torch.logaddexp(torch.tensor([-1000.0]), torch.tensor([-1000.0])), torch.logaddexp2(torch.tensor(3.0), torch.tensor(3.0)))
p = torch.tensor([0.0, 0.2, 0.5, 1.0])
print(torch.xlogy(p, p), torch.special.entr(p), -(p * p.log()))
print(torch.special.xlog1py(p, p), torch.special.log1p(p))
probs = torch.tensor([0.1, 0.2, 0.7])
print(torch.distributions.Categorical(probs=probs).entropy(), -(probs * probs.log()).sum())
print(torch.cumprod(torch.tensor([0.9, 0.8, 0.5, 0.25]), 0), torch.exp(torch.cumsum(torch.log(torch.tensor([0.9, 0.8, 0.5, 0.25])), 0)))
print(torch.logcumsumexp(torch.tensor([0.0, 1.0, 2.0]), 0))

# --- special functions --------------------------------------------------------------------------------------
z = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
print(torch.special.expit(z), torch.special.logit(torch.special.expit(z)))
print(torch.special.erf(z), torch.special.erfc(z))
print(torch.special.erfinv(torch.tensor([-0.9, 0.0, 0.5])), torch.special.erfcx(torch.tensor([0.0, 1.0, 10.0])))
print(torch.special.ndtr(z), torch.special.log_ndtr(torch.tensor([-10.0, 0.0, 3.0])))
print(torch.special.ndtri(torch.tensor([0.025, 0.5, 0.975])))
print(torch.special.gammaln(torch.tensor([0.5, 1.0, 10.0])), math.lgamma(10.0))
print(torch.special.digamma(torch.tensor([1.0, 2.0, 0.5])), torch.special.psi(torch.tensor(1.0)))
print(torch.special.polygamma(1, torch.tensor([1.0, 2.0])), math.pi ** 2 / 6)
print(torch.special.multigammaln(torch.tensor([2.5, 3.0]), 2))
print(torch.special.i0(torch.tensor([0.0, 1.0, 5.0])), torch.special.i0e(torch.tensor([0.0, 1.0, 5.0])))
print(torch.special.i1(torch.tensor([0.0, 1.0])), torch.special.i1e(torch.tensor([1.0])))
print(torch.special.sinc(torch.tensor([0.0, 0.5, 1.0])), torch.special.exp2(torch.tensor([3.0])))
print(torch.special.gammainc(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0])),
      torch.special.gammaincc(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0])))
print(torch.special.zeta(torch.tensor([2.0, 4.0]), torch.tensor(1.0)), math.pi ** 4 / 90)
print(torch.special.softmax(torch.tensor([1.0, 2.0]), dim=0), torch.special.logsumexp(torch.tensor([1.0, 2.0]), 0))
print(torch.special.round(torch.tensor([0.5, 1.5, 2.5])), torch.lgamma(torch.tensor([0.5])).exp() ** 2)
xg = torch.tensor([0.5, 1.5], requires_grad=True)
for fn in [torch.special.ndtr, torch.special.log_ndtr, torch.special.erfcx, torch.special.i0, torch.special.entr,
           torch.special.gammaln, torch.special.xlog1py.__name__ and (lambda v: torch.special.xlog1py(v, v))]:
    out = fn(xg)
    gr, = torch.autograd.grad(out.sum(), xg)
    print(type(out.grad_fn).__name__, gr)

# --- histograms and binning ---------------------------------------------------------------------------------
samples = torch.randn(10_000)
hist = torch.histc(samples, bins=10, min=-3, max=3)
print(hist, hist.sum())
counts, edges = torch.histogram(samples, bins=5, range=(-2.0, 2.0))
print(counts, edges)
counts, edges = torch.histogram(samples.double(), bins=torch.tensor([-4.0, -1.0, 0.0, 1.0, 4.0], dtype=torch.float64),
                                density=True)
print(counts, (counts * edges.diff()).sum())
boundaries = torch.tensor([-1.0, 0.0, 1.0])
idx = torch.bucketize(samples[:8], boundaries)
print(samples[:8], idx, torch.bincount(torch.bucketize(samples, boundaries), minlength=4))
print(torch.bucketize(torch.tensor([-1.0, 0.0, 1.0]), boundaries, right=True), torch.bucketize(torch.tensor(0.5), boundaries))
sorted_seq = torch.sort(torch.rand(10)).values
print(torch.searchsorted(sorted_seq, torch.tensor([0.0, 0.5, 1.0])), torch.searchsorted(sorted_seq, 0.5, side="right"))
cdf = torch.cumsum(torch.tensor([0.1, 0.2, 0.3, 0.4]), 0)
u = torch.rand(8)
print(cdf, torch.searchsorted(cdf, u), u)           # inverse-CDF sampling
print(torch.searchsorted(torch.tensor([[1, 3, 5], [2, 4, 6]]), torch.tensor([[3], [5]]), out_int32=True))
# empirical CDF and quantiles
srt = samples.sort().values
print(f"{srt[len(srt) // 2]:.4f}", torch.quantile(samples, torch.tensor([0.05, 0.5, 0.95])))
ecdf = torch.arange(1, len(srt) + 1) / len(srt)
print(f"{ecdf[torch.searchsorted(srt, torch.tensor(0.0))]:.4f}", f"{torch.special.ndtr(torch.tensor(0.0)):.4f}")
print(torch.linspace(-1, 1, 5), torch.logspace(0, 3, 4), torch.linspace(0, 1, 1), torch.linspace(0, 1, steps=3, dtype=torch.float64))
print(torch.arange(0, 1, 0.25), torch.linspace(3, -3, 4), torch.logspace(0, 2, 3, base=2))
