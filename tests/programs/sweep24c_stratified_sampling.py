"""Survey-sampling exercises from a statistics course, in torch: simple random samples and stratified
samples drawn with torch.multinomial(replacement=False) (proportional and Neyman allocation),
Horvitz-Thompson estimates, the finite-population correction, weighted resampling with torch.multinomial
over importance weights, a table of p-values printed with f-strings, and gradients of the statistics
(quantile, covariance, logsumexp, ndtri) for a sensitivity analysis."""
import torch

torch.manual_seed(123)
g = torch.Generator().manual_seed(5)

# a synthetic population of 1000 units in 4 strata
N = 1000
strata = torch.multinomial(torch.tensor([0.4, 0.3, 0.2, 0.1]), N, replacement=True, generator=g)
base = torch.tensor([10.0, 20.0, 35.0, 60.0])
spread = torch.tensor([2.0, 4.0, 8.0, 15.0])
values = base[strata] + spread[strata] * torch.randn(N, generator=g)
print("stratum sizes:", torch.bincount(strata))
print(f"population mean = {values.mean().item():.3f}")

# simple random sample without replacement
n = 80
idx = torch.multinomial(torch.ones(N), n, replacement=False, generator=g)
print("unique indices:", idx.unique().numel() == n, idx.dtype)
srs = values[idx]
fpc = 1 - n / N
se_srs = (srs.var() / n * fpc).sqrt()
print(f"SRS mean = {srs.mean().item():.3f} +/- {se_srs.item():.3f}")

# stratified: proportional and Neyman allocation
Nh = torch.bincount(strata).double()
Sh = torch.stack([values[strata == h].std() for h in range(4)]).double()
prop = torch.round(n * Nh / N).long()
neyman = torch.round(n * Nh * Sh / (Nh * Sh).sum()).long()
print("proportional:", prop.tolist(), "neyman:", neyman.tolist())
for name, alloc in [("proportional", prop), ("neyman", neyman)]:
    est, var = 0.0, 0.0
    for h in range(4):
        members = torch.nonzero(strata == h).squeeze(1)
        pick = torch.multinomial(torch.ones(members.numel()), int(alloc[h]), replacement=False, generator=g)
        sample = values[members[pick]]
        Wh = Nh[h].item() / N
        est += Wh * sample.mean().item()
        var += Wh ** 2 * sample.var().item() / alloc[h].item() * (1 - alloc[h].item() / Nh[h].item())
    print(f"{name:>12}: mean = {est:.3f}, se = {var ** 0.5:.3f}")

# unequal-probability sampling and Horvitz-Thompson
size = values.clamp(min=1.0)
pi = size / size.sum()
draw = torch.multinomial(pi, 50, replacement=True, generator=g)
ht_total = (values[draw] / (50 * pi[draw])).sum()
print(f"Hansen-Hurwitz total = {ht_total.item():.1f} (true {values.sum().item():.1f})")
w = torch.softmax(torch.randn(10, generator=g), 0)
print("weights:", w.round(decimals=3))
print("resample:", torch.multinomial(w, 10, replacement=True, generator=g))
print("no replacement:", torch.multinomial(w, 5, generator=g))
print("2-D:", torch.multinomial(torch.tensor([[0., 1., 2.], [3., 0., 1.]]), 2, generator=g))
# a stratum with fewer non-empty units than draws: the rest come from the zero-weight units
print("exhausting:", torch.multinomial(torch.tensor([0., 5., 0., 0., 2., 0.]), 4, generator=g))

# a report table
tests = {"mean>30 (z)": 0.0213, "var ratio": 0.4471, "KS": 1.3e-5, "chi2": 0.05, "perm": 0.9999}
for k, p in tests.items():
    star = "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""
    print(f"{k:<12} p = {p:<8.4g} {star}")
pt = torch.tensor(list(tests.values()))
print(pt)
print(pt.double())
torch.set_printoptions(precision=6)
print(pt)
torch.set_printoptions(sci_mode=False)
print(pt)
torch.set_printoptions(profile="default")
print(torch.tensor([1e-10, 0.5, 1.0]))
print(torch.tensor([0.001, 0.01, 0.049]))
print(f"{torch.tensor(0.0312)!s} {torch.tensor(0.0312).item():.2%}")

# sensitivity: gradients of statistics
x = (torch.randn(20, generator=g) * 2).requires_grad_()
for mode in ["linear", "lower", "higher", "nearest", "midpoint"]:
    q = torch.quantile(x, 0.3, interpolation=mode)
    (gq,) = torch.autograd.grad(q, x)
    print(f"{mode:>8}: q={q.item():.4f} grad nonzero at {gq.nonzero().flatten().tolist()} sum {gq.sum().item():.2f}")
M = torch.randn(3, 15, generator=g, requires_grad=True)
c = torch.cov(M, aweights=torch.rand(15, generator=g))
c.trace().backward()
print("cov grad norm:", round(M.grad.norm().item(), 4))
r = torch.corrcoef(M)
(gr,) = torch.autograd.grad(r[0, 1], M)
print("corr grad:", gr[:, :3].round(decimals=4))
p = torch.tensor([0.01, 0.5, 0.975], requires_grad=True)
zq = torch.special.ndtri(p)
zq.sum().backward()
print("ndtri:", zq.detach().round(decimals=4), "grad:", p.grad.round(decimals=3))
u = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
torch.special.ndtr(u).sum().backward()
print("ndtr grad:", u.grad)
lse = torch.logsumexp(x, 0)
lse.backward()
print(f"logsumexp = {lse.item():.4f}, grad sums to {x.grad.sum().item():.4f}")
print(zq, q, lse)
