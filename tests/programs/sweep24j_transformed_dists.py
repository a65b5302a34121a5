"""Building distributions by hand as in a probabilistic-ML course: LogNormal as
TransformedDistribution(Normal, ExpTransform), a logit-normal, a scaled Beta through AffineTransform,
a Tanh-squashed Gaussian policy (SAC-style), batch and event shapes with Independent and expand,
sample / rsample / log_prob, and a Gaussian mixture via MixtureSameFamily fitted by max likelihood."""
import math

import torch
import torch.distributions as D
from torch.distributions.transforms import (AffineTransform, ExpTransform, SigmoidTransform,
                                            TanhTransform, ComposeTransform, StickBreakingTransform)

torch.manual_seed(3)


def describe(name, d):
    print(f"{name}: batch_shape={tuple(d.batch_shape)} event_shape={tuple(d.event_shape)}")


print("=== LogNormal by hand ===")
base = D.Normal(torch.tensor([0.0, 0.5]), torch.tensor([1.0, 0.25]))
ln = D.TransformedDistribution(base, [ExpTransform()])
ref = D.LogNormal(torch.tensor([0.0, 0.5]), torch.tensor([1.0, 0.25]))
describe("lognormal", ln)
print(ln)
x = torch.tensor([[0.5, 1.5], [2.0, 1.0]])
print("log_prob", ln.log_prob(x).round(decimals=4))
print("ref     ", ref.log_prob(x).round(decimals=4))
print("support", ln.support, "has_rsample", ln.has_rsample)
torch.manual_seed(0)
s1 = ln.sample((3,))
torch.manual_seed(0)
s2 = ref.sample((3,))
print("same samples", torch.allclose(s1, s2), tuple(s1.shape))
print("cdf", ln.cdf(x).round(decimals=4))
print("icdf", ln.icdf(torch.tensor([0.25, 0.75])).round(decimals=4))

print("=== logit-normal and scaled beta ===")
ln2 = D.TransformedDistribution(D.Normal(0.0, 1.5), SigmoidTransform())
v = torch.tensor([0.1, 0.5, 0.95])
print("logit-normal log_prob", ln2.log_prob(v).round(decimals=4))
sb = D.TransformedDistribution(D.Beta(2.0, 5.0), [AffineTransform(loc=-1.0, scale=4.0)])
print("scaled beta support", sb.support)
print("scaled beta log_prob", sb.log_prob(torch.tensor([0.0, 1.0, 2.5])).round(decimals=4))
print("scaled beta mean by MC", f"{sb.sample((4000,)).mean().item():.1f}")

print("=== tanh-squashed Gaussian policy ===")
mu = torch.zeros(4, 2, requires_grad=True)
log_std = torch.full((4, 2), -0.5, requires_grad=True)
pi = D.Independent(D.TransformedDistribution(D.Normal(mu, log_std.exp()),
                                             [TanhTransform(cache_size=1)]), 1)
describe("policy", pi)
a = pi.rsample()
logp = pi.log_prob(a)
print("action", tuple(a.shape), "in (-1,1):", bool((a.abs() < 1).all()))
print("logp shape", tuple(logp.shape))
(-logp.mean() + a.pow(2).sum()).backward()
print("grad mu shape", tuple(mu.grad.shape), "grad log_std finite", bool(torch.isfinite(log_std.grad).all()))
manual = D.Normal(mu, log_std.exp()).log_prob(torch.atanh(a)) - 2 * (math.log(2) - torch.atanh(a) - torch.nn.functional.softplus(-2 * torch.atanh(a)))
print("manual matches", torch.allclose(manual.sum(-1), logp, atol=1e-4))

print("=== Independent / expand ===")
n = D.Normal(torch.zeros(3, 2), torch.ones(3, 2))
describe("normal", n)
describe("indep1", D.Independent(n, 1))
describe("indep2", D.Independent(n, 2))
e = D.Normal(0.0, 1.0).expand([5, 2])
describe("expanded", e)
ie = D.Independent(e, 1)
print(ie)
print("log_prob", ie.log_prob(torch.zeros(5, 2)).round(decimals=4))
describe("expand indep", D.Independent(n, 1).expand([4, 3]))
d = D.Dirichlet(torch.ones(3)).expand([2])
describe("dirichlet expand", d)
print("dirichlet sample sums", d.sample((2,)).sum(-1).round(decimals=4))
sbd = D.TransformedDistribution(D.Independent(D.Normal(torch.zeros(2), torch.ones(2)), 1), StickBreakingTransform())
describe("stickbreaking-normal", sbd)
print("stickbreaking sample", sbd.sample().round(decimals=4))
try:
    D.Independent(n, 3)
except ValueError as err:
    print("ValueError", err)

print("=== MixtureSameFamily ===")
torch.manual_seed(4)
data = torch.cat([torch.randn(60) * 0.5 - 2.0, torch.randn(40) * 0.8 + 1.5])
logits = torch.zeros(2, requires_grad=True)
locs = torch.tensor([-0.5, 0.5], requires_grad=True)
raw_scales = torch.zeros(2, requires_grad=True)
opt = torch.optim.Adam([logits, locs, raw_scales], lr=0.05)
for it in range(80):
    gmm = D.MixtureSameFamily(D.Categorical(logits=logits),
                              D.Normal(locs, torch.nn.functional.softplus(raw_scales)))
    nll = -gmm.log_prob(data).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    if it % 20 == 0 or it == 79:
        print(f"iter {it:2d} nll {nll.item():.4f}")
print(gmm)
describe("gmm", gmm)
print("weights", torch.softmax(logits, 0).detach().round(decimals=3))
print("locs", locs.detach().round(decimals=3))
print("mean", f"{gmm.mean.item():.3f}", "var", f"{gmm.variance.item():.3f}")
print("cdf(0)", f"{gmm.cdf(torch.tensor(0.0)).item():.4f}")
print("sample shape", tuple(gmm.sample((7,)).shape))
mv = D.MixtureSameFamily(D.Categorical(torch.ones(3, 4)), D.Independent(D.Normal(torch.randn(3, 4, 2), torch.ones(3, 4, 2)), 1))
describe("mv mixture", mv)
print("mv log_prob", mv.log_prob(torch.zeros(3, 2)).round(decimals=4))
