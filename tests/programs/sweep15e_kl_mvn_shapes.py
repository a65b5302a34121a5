"""Lecture notes from a "probability for deep learning" course: the batch_shape / event_shape /
sample_shape triple, Independent, the three ways to parametrize a MultivariateNormal, the low-rank
variant, and a table of closed-form KL divergences checked against Monte Carlo estimates."""
import torch
from torch import distributions as D
from torch.distributions import kl_divergence

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


def shapes(name, d, sample_shape=(2,)):
    x = d.sample(sample_shape)
    print(f"{name:34s} batch {str(d.batch_shape):16s} event {str(d.event_shape):16s} "
          f"sample {str(x.shape):24s} log_prob {d.log_prob(x).shape}")


# --- shapes --------------------------------------------------------------------------------------
shapes("Normal(0,1)", D.Normal(0.0, 1.0))
shapes("Normal(zeros(3,2), 1)", D.Normal(torch.zeros(3, 2), 1.0))
shapes("Independent(.., 1)", D.Independent(D.Normal(torch.zeros(3, 2), 1.0), 1))
shapes("Independent(.., 2)", D.Independent(D.Normal(torch.zeros(3, 2), 1.0), 2))
shapes("Categorical(probs (4,5))", D.Categorical(probs=torch.ones(4, 5) / 5))
shapes("OneHotCategorical(logits (4,5))", D.OneHotCategorical(logits=torch.zeros(4, 5)))
shapes("Dirichlet(ones(2,3))", D.Dirichlet(torch.ones(2, 3)), (4, 1))
shapes("Bernoulli(0.3 * ones(2))", D.Bernoulli(0.3 * torch.ones(2)))
shapes("MVN(loc (2,3), eye)", D.MultivariateNormal(torch.zeros(2, 3), torch.eye(3)))
ind = D.Independent(D.Normal(torch.zeros(3, 2), torch.ones(3, 2)), 1)
print(ind)
print("reinterpreted", ind.reinterpreted_batch_ndims, "base", ind.base_dist)
print("mean", ind.mean.shape, "entropy", ind.entropy())
exp = ind.expand(torch.Size([4, 3]))
print("expanded", exp.batch_shape, exp.event_shape)

# --- MultivariateNormal, three parametrizations ---------------------------------------------------
A = torch.tensor([[2.0, 0.0, 0.0], [0.6, 1.0, 0.0], [-0.4, 0.3, 0.5]])
cov = A @ A.T
loc = torch.tensor([1.0, -1.0, 0.5])
m1 = D.MultivariateNormal(loc, covariance_matrix=cov)
m2 = D.MultivariateNormal(loc, scale_tril=A)
m3 = D.MultivariateNormal(loc, precision_matrix=torch.linalg.inv(cov))
print(m1)
x = torch.tensor([[0.0, 0.0, 0.0], [1.0, -1.0, 0.5], [2.0, 1.0, -1.0]])
for name, m in [("cov", m1), ("tril", m2), ("prec", m3)]:
    print(f"{name:5s} lp {m.log_prob(x)} ent {m.entropy().item():.4f}")
print("scale_tril\n", m1.scale_tril)
print("variance", m2.variance, "stddev", m2.stddev)
print("precision\n", m2.precision_matrix)
m4 = m3.expand([4])
print(m4, m4.batch_shape, m4.log_prob(x[1]))
torch.manual_seed(3)
big = m2.sample((4000,))
print("empirical mean", big.mean(0).round(decimals=1))
print("empirical cov\n", torch.cov(big.T).round(decimals=1))
try:
    D.MultivariateNormal(loc, covariance_matrix=cov, scale_tril=A)
except ValueError as e:
    print(type(e).__name__, e)
try:
    D.MultivariateNormal(loc, covariance_matrix=torch.tensor([[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
except ValueError as e:
    print(type(e).__name__, str(e)[:90])
try:
    D.MultivariateNormal(torch.tensor(0.0), torch.eye(2))
except ValueError as e:
    print(type(e).__name__, e)

# --- low-rank plus diagonal ------------------------------------------------------------------------
W = torch.tensor([[1.0], [0.5], [-0.5]])
diag = torch.tensor([0.5, 0.2, 0.3])
lr = D.LowRankMultivariateNormal(loc, cov_factor=W, cov_diag=diag)
print(lr)
full = D.MultivariateNormal(loc, covariance_matrix=W @ W.T + torch.diag(diag))
print("lowrank lp", lr.log_prob(x), "\nfull    lp", full.log_prob(x))
print("entropy", f"{lr.entropy().item():.4f}", f"{full.entropy().item():.4f}")
print("covariance\n", lr.covariance_matrix)
print("KL(lowrank || full) ~ 0:", f"{abs(kl_divergence(lr, full).item()):.4f}")

# --- a table of KL divergences ------------------------------------------------------------------
pairs = [
    ("Normal", D.Normal(0.0, 1.0), D.Normal(1.0, 2.0)),
    ("Bernoulli", D.Bernoulli(0.3), D.Bernoulli(0.6)),
    ("Categorical", D.Categorical(torch.tensor([0.2, 0.3, 0.5])), D.Categorical(logits=torch.zeros(3))),
    ("Beta", D.Beta(2.0, 3.0), D.Beta(1.0, 1.0)),
    ("Gamma", D.Gamma(2.0, 1.0), D.Gamma(3.0, 2.0)),
    ("Exponential", D.Exponential(1.5), D.Exponential(0.5)),
    ("Dirichlet", D.Dirichlet(torch.tensor([1.0, 2.0, 3.0])), D.Dirichlet(torch.ones(3))),
    ("Uniform", D.Uniform(0.0, 1.0), D.Uniform(-1.0, 2.0)),
    ("Exponential||Gamma", D.Exponential(1.0), D.Gamma(2.0, 2.0)),
    ("Uniform||Normal", D.Uniform(0.0, 1.0), D.Normal(0.0, 1.0)),
    ("Beta||Uniform", D.Beta(2.0, 2.0), D.Uniform(0.0, 1.0)),
    ("Gamma||Exponential", D.Gamma(2.0, 1.0), D.Exponential(1.0)),
    ("MVN", m2, D.MultivariateNormal(torch.zeros(3), torch.eye(3))),
    ("Independent", ind, D.Independent(D.Normal(torch.ones(3, 2), 2 * torch.ones(3, 2)), 1)),
]
torch.manual_seed(7)
for name, p, q in pairs:
    kl = kl_divergence(p, q)
    s = p.sample((4000,))
    mc = (p.log_prob(s) - q.log_prob(s)).mean(0)
    print(f"{name:20s} closed {kl.flatten()[:3]}  mc {mc.flatten()[:3].round(decimals=1)}")

for p, q in [(D.Uniform(-1.0, 2.0), D.Uniform(0.0, 1.0)), (D.Normal(0.0, 1.0), D.Uniform(0.0, 1.0))]:
    print("infinite KL:", kl_divergence(p, q))
try:
    kl_divergence(D.Normal(0.0, 1.0), D.Categorical(torch.ones(2)))
except NotImplementedError as e:
    print(type(e).__name__, e)
print("batched KL", kl_divergence(D.Normal(torch.zeros(2, 3), 1.0), D.Normal(torch.arange(3.0), 2.0)))
