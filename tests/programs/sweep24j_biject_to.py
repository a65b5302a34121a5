"""Unconstrained parameterization as in HMC / NUTS implementations written in plain torch: for each
constraint, look up biject_to(c) and transform_to(c), map unconstrained noise into the support, check
the support, invert, and accumulate the log|det J| potential correction; then a tiny MAP fit of a
Dirichlet / LKJ-free covariance model through transform_to with gradient steps."""
import torch
from torch.distributions import biject_to, transform_to, constraints
import torch.distributions as dist

torch.manual_seed(2)

cases = [
    (constraints.real, (3,)),
    (constraints.positive, (3,)),
    (constraints.nonnegative, (3,)),
    (constraints.unit_interval, (3,)),
    (constraints.interval(-2.0, 5.0), (3,)),
    (constraints.half_open_interval(1.0, 2.0), (3,)),
    (constraints.greater_than(4.0), (3,)),
    (constraints.greater_than_eq(-1.0), (3,)),
    (constraints.less_than(0.5), (3,)),
    (constraints.simplex, (2, 3)),
    (constraints.real_vector, (2, 3)),
    (constraints.independent(constraints.positive, 1), (2, 3)),
    (constraints.lower_cholesky, (3, 3)),
    (constraints.corr_cholesky, (3,)),
    (constraints.positive_definite, (3, 3)),
    (constraints.positive_semidefinite, (3, 3)),
    (constraints.cat([constraints.positive, constraints.unit_interval], 0, [1, 2]), (3,)),
    (constraints.stack([constraints.real, constraints.positive], 0), (2, 2)),
]

for c, shape in cases:
    u = torch.randn(shape)
    line = f"{str(c)[:60]:<60}"
    for reg_name, reg in [("biject_to", biject_to), ("transform_to", transform_to)]:
        try:
            t = reg(c)
        except NotImplementedError as e:
            print(line, reg_name, "NotImplementedError", e)
            continue
        y = t(u)
        ok = c.check(y)
        back = t.inv(y)
        try:
            ladj = t.log_abs_det_jacobian(u, y).sum().item()
            ladj = f"{ladj:.4f}"
        except NotImplementedError:
            ladj = "n/a"
        print(line, reg_name, type(t).__name__, "in support:", bool(ok.all()),
              "y.shape", tuple(y.shape), "inv.shape", tuple(back.shape), "ladj", ladj)
    print("   transform:", str(transform_to(c)).replace("\n", " ").replace("    ", ""))

print("=== round trip of values in the support ===")
vals = {
    "positive": (constraints.positive, torch.tensor([0.1, 1.0, 7.5])),
    "unit_interval": (constraints.unit_interval, torch.tensor([0.1, 0.5, 0.9])),
    "simplex": (constraints.simplex, torch.tensor([0.2, 0.3, 0.5])),
    "interval": (constraints.interval(-2.0, 5.0), torch.tensor([-1.5, 0.0, 4.0])),
}
for name, (c, v) in vals.items():
    t = biject_to(c)
    u = t.inv(v)
    print(name, "unconstrained:", u.round(decimals=4), "back:", t(u).round(decimals=4))

print("=== registering a new constraint ===")


class _Odd(constraints.Constraint):
    def check(self, value):
        return value % 2 == 1


odd = _Odd()
try:
    biject_to(odd)
except NotImplementedError as e:
    print("NotImplementedError:", e)


@biject_to.register(_Odd)
def _odd_to(constraint):
    return torch.distributions.transforms.AffineTransform(1.0, 2.0)


print("registered:", biject_to(odd))

print("=== MAP through unconstrained params ===")
true_p = torch.tensor([0.6, 0.3, 0.1])
counts = torch.distributions.Multinomial(200, true_p).sample()
print("counts", counts)
true_cov = torch.tensor([[2.0, 0.6], [0.6, 1.0]])
data = dist.MultivariateNormal(torch.zeros(2), true_cov).sample((100,))
u_p = torch.zeros(2, requires_grad=True)
u_L = torch.zeros(1, requires_grad=True)
u_scale = torch.zeros(2, requires_grad=True)
opt = torch.optim.Adam([u_p, u_L, u_scale], lr=0.1)
t_p = biject_to(constraints.simplex)
t_L = biject_to(constraints.corr_cholesky)
t_s = biject_to(constraints.positive)
for step in range(40):
    opt.zero_grad()
    p = t_p(u_p)
    L = t_s(u_scale).unsqueeze(-1) * t_L(u_L)
    lp = dist.Multinomial(200, p).log_prob(counts) + dist.Dirichlet(torch.ones(3)).log_prob(p)
    lp = lp + t_p.log_abs_det_jacobian(u_p, p)
    lp = lp + dist.MultivariateNormal(torch.zeros(2), scale_tril=L).log_prob(data).sum()
    loss = -lp
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 39:
        print(f"step {step:2d} loss {loss.item():.2f}")
with torch.no_grad():
    p = t_p(u_p)
    L = t_s(u_scale).unsqueeze(-1) * t_L(u_L)
    print("p", p.round(decimals=3))
    print("cov", (L @ L.T).round(decimals=2))
