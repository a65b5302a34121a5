"""A normalizing-flows blog post, part 1: building densities by pushing a simple base distribution
through bijections with torch.distributions.transforms, checking change-of-variables by hand, looking
at constraints and biject_to / transform_to, then fitting a tiny learnable affine+tanh flow by
maximum likelihood."""
import math

import torch
import torch.distributions as dist
from torch.distributions import constraints, transforms as T
from torch.distributions import biject_to, transform_to

torch.manual_seed(0)
torch.set_printoptions(precision=4)

# --- a log-normal two ways ---------------------------------------------------------------------
base = dist.Normal(torch.tensor(0.5), torch.tensor(0.75))
lognormal = dist.TransformedDistribution(base, [T.ExpTransform()])
ref = dist.LogNormal(torch.tensor(0.5), torch.tensor(0.75))
print(lognormal)
print(ref)
x = torch.tensor([0.3, 1.0, 2.5, 7.0])
print("log_prob flow   ", lognormal.log_prob(x))
print("log_prob builtin", ref.log_prob(x))
print("support:", lognormal.support, "| has_rsample:", lognormal.has_rsample)
s = lognormal.rsample((5,))
print("samples", s, s.shape, s.dtype)

# --- change of variables by hand ---------------------------------------------------------------
affine = T.AffineTransform(loc=torch.tensor(1.0), scale=torch.tensor(3.0))
sig = T.SigmoidTransform()
chain = T.ComposeTransform([affine, sig])
print(chain)
print("domain", chain.domain, "codomain", chain.codomain, "bijective", chain.bijective, "sign", chain.sign)
z = torch.linspace(-2, 2, 5)
y = chain(z)
print("y", y)
print("inverse(y)", chain.inv(y))
print("log|det J|", chain.log_abs_det_jacobian(z, y))
manual = torch.log(torch.tensor(3.0)) + torch.log(y * (1 - y))
print("manual    ", manual)
flow = dist.TransformedDistribution(dist.Normal(0.0, 1.0), chain)
print("flow log_prob", flow.log_prob(y))
print("by hand      ", dist.Normal(0.0, 1.0).log_prob(z) - manual)

tanh = T.TanhTransform(cache_size=1)
u = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0])
t = tanh(u)
print("tanh", t, "ladj", tanh.log_abs_det_jacobian(u, t))
print("inv is cached:", tanh.inv(t) is u)
print("repr inverse:", tanh.inv, "| inv.inv is tanh:", tanh.inv.inv is tanh)
print("event_dim", T.ExpTransform().event_dim, T.StickBreakingTransform().event_dim)
print("equal?", T.ExpTransform() == T.ExpTransform(), T.ExpTransform() == T.SigmoidTransform())

# --- constraints, biject_to and transform_to -----------------------------------------------------
for c in [constraints.positive, constraints.unit_interval, constraints.simplex,
          constraints.greater_than(2.0), constraints.interval(-1.0, 3.0), constraints.real,
          constraints.lower_cholesky]:
    tb = biject_to(c) if c is not constraints.lower_cholesky else transform_to(c)
    print(f"{str(c):45s} -> {tb}")
print(constraints.positive.check(torch.tensor([-1.0, 0.0, 2.0])))
print(constraints.simplex.check(torch.tensor([[0.2, 0.8], [0.5, 0.6]])))
print(constraints.interval(0.0, 1.0).check(torch.tensor([0.0, 0.5, 1.0, 1.5])))
print("is_discrete", constraints.nonnegative_integer.is_discrete, constraints.positive.is_discrete)
print("Uniform.support on the class:", dist.Uniform.support, constraints.is_dependent(dist.Uniform.support))

raw = torch.tensor([0.3, -1.2, 2.0])
to_simplex = transform_to(constraints.simplex)
p = to_simplex(raw)
print("simplex", p, p.sum().item() == 1.0 or round(p.sum().item(), 6), p.shape)
print("back", to_simplex.inv(p))
sb = biject_to(constraints.simplex)
print("stick-breaking ladj", sb.log_abs_det_jacobian(raw, sb(raw)))
L = transform_to(constraints.lower_cholesky)(torch.tensor([[0.1, 2.0], [-0.7, -0.3]]))
print("lower cholesky\n", L)

try:
    biject_to(constraints.integer_interval(0, 3))
except NotImplementedError as e:
    print(type(e).__name__, e)

# --- a learnable flow fit by maximum likelihood -------------------------------------------------
torch.manual_seed(1)
data = torch.tanh(0.8 * torch.randn(256) + 0.6) * 0.9


class AffineTanhFlow(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.loc = torch.nn.Parameter(torch.zeros(()))
        self.log_scale = torch.nn.Parameter(torch.zeros(()))

    def dist(self):
        ts = [T.AffineTransform(self.loc, self.log_scale.exp()), T.TanhTransform()]
        return dist.TransformedDistribution(dist.Normal(0.0, 1.0), ts)


model = AffineTanhFlow()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(101):
    opt.zero_grad()
    nll = -model.dist().log_prob(data).mean()
    nll.backward()
    opt.step()
    if step % 25 == 0:
        print(f"step {step:3d} nll {nll.item():.4f} loc {model.loc.item():.4f} "
              f"scale {model.log_scale.exp().item():.4f}")
d = model.dist()
print(d.base_dist, d.transforms, d.batch_shape, d.event_shape)
print("nll grad_fn:", type(nll.grad_fn).__name__)
with torch.no_grad():
    print("sampled mean", f"{d.sample((2000,)).mean().item():.2f}", "data mean", f"{data.mean().item():.2f}")
print(f"pi check {math.pi:.4f}")
