"""The gamma family in a Bayesian-statistics notebook: lgamma / gammaln, digamma (psi), polygamma of
orders 1..3, multigammaln for Wishart normalisers, Hurwitz zeta (and polygamma through it), the
regularised incomplete gammas, Dirichlet / Gamma / Student-t log densities written by hand and
checked against torch.distributions, Stirling's series against lgamma, a Gamma maximum-likelihood
fit by Newton's method on digamma / trigamma, and entropies via xlogy / entr."""
import math

import torch
import torch.special as sp
from torch.distributions import Dirichlet, Gamma, StudentT

torch.manual_seed(0)
torch.set_printoptions(precision=5, linewidth=100)

for dtype in (torch.float32, torch.float64):
    print(f"##### {dtype}")
    x = torch.tensor([1e-8, 0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 123.4, 1e6], dtype=dtype)
    print("gammaln ", sp.gammaln(x))
    print("digamma ", sp.digamma(x))
    print("psi==digamma", torch.equal(sp.psi(x), torch.digamma(x)))
    for n in (1, 2, 3):
        print(f"polygamma({n})", sp.polygamma(n, x))
    neg = torch.tensor([-0.5, -1.0, -2.0, -2.5, 0.0, -0.0, float("inf"), -float("inf"), float("nan")], dtype=dtype)
    print("lgamma neg ", torch.lgamma(neg))
    print("digamma neg", torch.digamma(neg))
    print("trigamma neg", sp.polygamma(1, neg))
    print("multigammaln p=3", sp.multigammaln(torch.tensor([1.5, 2.0, 5.0, 30.0], dtype=dtype), 3))
    print("zeta(s, 1) ", sp.zeta(torch.tensor([2.0, 3.0, 4.0, 1.0, 0.5, 10.0], dtype=dtype), 1.0))
    print("zeta(2, q) ", sp.zeta(2.0, torch.tensor([0.5, 1.0, 2.0, 10.0, -1.0, -1.5, 0.0], dtype=dtype)))
    a = torch.tensor([0.5, 1.0, 2.0, 5.0, 30.0], dtype=dtype)
    xx = torch.tensor([0.1, 1.0, 2.0, 7.0, 25.0], dtype=dtype)
    print("gammainc ", sp.gammainc(a, xx))
    print("gammaincc", sp.gammaincc(a, xx))
    print("sum==1", torch.allclose(sp.gammainc(a, xx) + sp.gammaincc(a, xx), torch.ones(5, dtype=dtype)))

# Stirling's series vs lgamma (float64)
z = torch.tensor([2.0, 5.0, 10.0, 50.0, 200.0], dtype=torch.float64)
stirling = (z - 0.5) * torch.log(z) - z + 0.5 * math.log(2 * math.pi) + 1 / (12 * z) - 1 / (360 * z ** 3)
print("stirling err", ["%.2e" % v for v in (stirling - torch.lgamma(z)).abs().tolist()])
print("digamma asym err", ["%.2e" % v for v in (torch.log(z) - 1 / (2 * z) - 1 / (12 * z ** 2) -
                                                torch.digamma(z)).abs().tolist()])

# hand-written log densities vs torch.distributions
alpha = torch.tensor([0.7, 2.0, 3.5], dtype=torch.float64)
p = Dirichlet(alpha).sample((4,))
lp_hand = (torch.xlogy(alpha - 1, p).sum(-1) + torch.lgamma(alpha.sum()) - torch.lgamma(alpha).sum())
print("dirichlet", torch.allclose(lp_hand, Dirichlet(alpha).log_prob(p)), lp_hand)
print("dirichlet entropy", Dirichlet(alpha).entropy())
k, theta = torch.tensor(2.5, dtype=torch.float64), torch.tensor(1.5, dtype=torch.float64)
g = Gamma(k, 1 / theta).sample((5,))
lp = (k - 1) * g.log() - g / theta - torch.lgamma(k) - k * torch.log(theta)
print("gamma", torch.allclose(lp, Gamma(k, 1 / theta).log_prob(g)), Gamma(k, 1 / theta).entropy())
nu = torch.tensor([1.0, 3.0, 30.0], dtype=torch.float64)
t = torch.tensor([0.5, -2.0, 4.0], dtype=torch.float64)
lp_t = (torch.lgamma((nu + 1) / 2) - torch.lgamma(nu / 2) - 0.5 * torch.log(nu * math.pi)
        - (nu + 1) / 2 * torch.log1p(t ** 2 / nu))
print("student-t", lp_t, torch.allclose(lp_t, StudentT(nu).log_prob(t)))

# Gamma MLE by Newton on the shape (Minka's fixed point / Newton on digamma)
data = Gamma(torch.tensor(3.0), torch.tensor(2.0)).sample((500,)).double()
mean, mean_log = data.mean(), data.log().mean()
s = torch.log(mean) - mean_log
shape = (3 - s + torch.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
for it in range(5):
    num = torch.log(shape) - torch.digamma(shape) - s
    den = 1 / shape - sp.polygamma(1, shape)
    shape = shape - num / den
    print(f"newton {it}: shape {shape.item():.6f}")
print(f"rate {(shape / mean).item():.4f}")

# gradients of the gamma family (float64), including poles
w = torch.tensor([0.3, 1.0, 4.5, -0.5, -1.0, 0.0], dtype=torch.float64, requires_grad=True)
for name, fn in [("lgamma", torch.lgamma), ("digamma", torch.digamma), ("trigamma", lambda v: sp.polygamma(1, v)),
                 ("multigammaln", lambda v: sp.multigammaln(v.abs() + 2, 2))]:
    (gw,) = torch.autograd.grad(fn(w).sum(), w)
    print(f"d {name}", gw)
aa = torch.tensor([0.5, 2.0], dtype=torch.float64, requires_grad=True)
xg = torch.tensor([1.0, 3.0], dtype=torch.float64, requires_grad=True)
try:
    sp.gammainc(aa, xg).sum().backward()
except RuntimeError as e:
    print("gammainc backward:", str(e).splitlines()[0])
print("grad wrt x only:", torch.autograd.grad(sp.gammainc(aa.detach(), xg).sum(), xg)[0])
try:
    sp.multigammaln(torch.tensor([0.5, 3.0]), 3)
except RuntimeError as e:
    print("multigammaln:", e)

# entropies
probs = torch.softmax(torch.randn(3, 5, dtype=torch.float64), dim=-1)
probs[0, 0] = 0.0
print("entropy xlogy", -torch.special.xlogy(probs, probs).sum(-1))
print("entropy entr ", sp.entr(probs).sum(-1))
print("log_softmax dtype", sp.log_softmax(torch.randn(2, 3), dim=-1, dtype=torch.float64).dtype,
      sp.softmax(torch.tensor([[1.0, 2.0, 3.0]]), 1, dtype=torch.float64))
print("logsumexp", sp.logsumexp(torch.tensor([[1.0, 2.0], [3.0, -float("inf")]]), dim=1))
