"""A tour of torch.distributions.constraints as written in probabilistic-programming notes: print
each constraint, .check() valid and invalid values (positive, unit_interval, simplex, lower_cholesky,
corr_cholesky, positive_definite, real_vector, interval, greater_than, integer_interval,
independent, cat and stack), is_discrete / event_dim, and the support of common distributions."""
import torch
from torch.distributions import constraints
import torch.distributions as dist

torch.manual_seed(0)

print("=== printing constraints ===")
cons = [
    constraints.real, constraints.positive, constraints.nonnegative, constraints.unit_interval,
    constraints.simplex, constraints.lower_cholesky, constraints.corr_cholesky,
    constraints.positive_definite, constraints.real_vector, constraints.boolean,
    constraints.nonnegative_integer, constraints.positive_integer,
    constraints.interval(-1.0, 2.0), constraints.half_open_interval(0.0, 1.0),
    constraints.greater_than(3.0), constraints.greater_than_eq(0.5), constraints.less_than(-2.0),
    constraints.integer_interval(0, 5), constraints.independent(constraints.positive, 1),
    constraints.positive_semidefinite, constraints.square, constraints.symmetric,
    constraints.lower_triangular, constraints.one_hot,
]
for c in cons:
    print(f"{str(c):<50} discrete={c.is_discrete!s:<5} event_dim={c.event_dim}")

print("=== check ===")
x = torch.tensor([-1.0, 0.0, 0.5, 1.0, 2.5])
for name in ["real", "positive", "nonnegative", "unit_interval"]:
    print(name, getattr(constraints, name).check(x))
print("interval(-1,2)", constraints.interval(-1.0, 2.0).check(x))
print("half_open(0,1)", constraints.half_open_interval(0.0, 1.0).check(x))
print("greater_than(0)", constraints.greater_than(0.0).check(x))
print("greater_than_eq(0)", constraints.greater_than_eq(0.0).check(x))
print("less_than(1)", constraints.less_than(1.0).check(x))
k = torch.tensor([-1.0, 0.0, 2.0, 5.0, 6.0, 2.5])
print("integer_interval(0,5)", constraints.integer_interval(0, 5).check(k))
print("nonnegative_integer", constraints.nonnegative_integer.check(k))
print("boolean", constraints.boolean.check(torch.tensor([0.0, 1.0, 0.5])))

p = torch.softmax(torch.randn(3, 4), -1)
print("simplex ok", constraints.simplex.check(p))
bad = p.clone()
bad[1, 0] = -0.1
print("simplex bad", constraints.simplex.check(bad))
print("simplex shape", constraints.simplex.check(torch.rand(2, 3, 4)).shape)

A = torch.randn(3, 3)
spd = A @ A.T + 3 * torch.eye(3)
L = torch.linalg.cholesky(spd)
print("lower_cholesky", constraints.lower_cholesky.check(L), constraints.lower_cholesky.check(spd))
print("lower_triangular", constraints.lower_triangular.check(L), constraints.lower_triangular.check(A))
print("positive_definite", constraints.positive_definite.check(spd), constraints.positive_definite.check(-spd))
print("positive_semidefinite", constraints.positive_semidefinite.check(torch.zeros(2, 2)))
print("symmetric", constraints.symmetric.check(spd), constraints.symmetric.check(A))
print("square", constraints.square.check(A), constraints.square.check(torch.randn(2, 3)))
Lc = L / L.norm(dim=-1, keepdim=True)
print("corr_cholesky", constraints.corr_cholesky.check(Lc), constraints.corr_cholesky.check(L))
batch = torch.stack([spd, -spd, torch.eye(3)])
print("pd batch", constraints.positive_definite.check(batch))
print("real_vector", constraints.real_vector.check(torch.tensor([[1.0, float("nan")], [0.0, 1.0]])))
print("one_hot", constraints.one_hot.check(torch.tensor([[0.0, 1.0, 0.0], [1.0, 1.0, 0.0]])))

ind = constraints.independent(constraints.positive, 1)
print("independent", ind.check(torch.tensor([[1.0, 2.0], [1.0, -2.0]])))
ind2 = constraints.independent(constraints.unit_interval, 2)
print("independent2", ind2.check(torch.rand(4, 2, 3)), ind2.event_dim)

cat = constraints.cat([constraints.positive, constraints.interval(0.0, 1.0)], dim=0, lengths=[2, 3])
print("cat", cat.check(torch.tensor([1.0, 2.0, 0.2, 0.9, 1.5])))
print("cat discrete", cat.is_discrete, "event_dim", cat.event_dim)
st = constraints.stack([constraints.positive, constraints.real, constraints.unit_interval], dim=-1)
print("stack", st.check(torch.tensor([[1.0, -5.0, 0.5], [-1.0, 0.0, 2.0]])))
print("stack event_dim", st.event_dim)

print("=== supports ===")
ds = [dist.Normal(0.0, 1.0), dist.Gamma(2.0, 1.0), dist.Beta(2.0, 2.0), dist.Dirichlet(torch.ones(3)),
      dist.Uniform(-1.0, 3.0), dist.Poisson(2.0), dist.Binomial(10, 0.3), dist.Categorical(torch.ones(4)),
      dist.Exponential(1.0), dist.LogNormal(0.0, 1.0), dist.HalfNormal(1.0),
      dist.MultivariateNormal(torch.zeros(2), torch.eye(2)), dist.Pareto(1.0, 2.0)]
for d in ds:
    print(f"{type(d).__name__:<20} support={d.support}  arg_constraints={ {k: str(v) for k, v in d.arg_constraints.items()} }")

print("=== validate_args ===")
for fn in [lambda: dist.Normal(0.0, -1.0), lambda: dist.Beta(torch.tensor([1.0, -1.0]), 1.0),
           lambda: dist.Dirichlet(torch.tensor([1.0, 0.0])), lambda: dist.Normal(0.0, 1.0).log_prob(torch.tensor(float("nan")))]:
    try:
        fn()
        print("no error")
    except ValueError as e:
        print("ValueError:", str(e).splitlines()[0][:120])
try:
    dist.Gamma(2.0, 1.0).log_prob(torch.tensor([-1.0, 1.0]))
except ValueError as e:
    print("ValueError:", e)
print("sample in support", dist.Gamma(2.0, 1.0).support.check(dist.Gamma(2.0, 1.0).sample((5,))).all().item())

print("=== discrete / dependent / enumeration ===")
ii = constraints.independent(constraints.integer_interval(0, 5), 1)
print(ii, "discrete", ii.is_discrete, "event_dim", ii.event_dim)
print("binomial support discrete", dist.Binomial(10, 0.3).support.is_discrete)
for attr in ["is_discrete", "event_dim"]:
    try:
        getattr(constraints.dependent, attr)
    except NotImplementedError as e:
        print("dependent", attr, "->", e)
print("dependent(event_dim=1).event_dim", constraints.dependent(event_dim=1).event_dim)
try:
    constraints.real_vector.check(torch.tensor(3.0))
except ValueError as e:
    print("ValueError:", e)
coins = dist.Independent(dist.Bernoulli(torch.tensor([[0.2, 0.7], [0.5, 0.5]])), 0)
print("enumerate", coins.enumerate_support(expand=False).shape, coins.has_enumerate_support)
try:
    dist.Independent(dist.Bernoulli(torch.tensor([0.2, 0.7])), 1).enumerate_support()
except NotImplementedError as e:
    print("NotImplementedError:", e)
