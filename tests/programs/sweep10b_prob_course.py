"""A probabilistic-programming / statistics course notebook: the torch.distributions zoo, sampling,
log densities, moments, entropies, cdf/icdf, shapes, reprs, KL divergences, transformed
distributions, mixtures and argument validation."""
import torch
import torch.distributions as D
from torch.distributions import transforms as T

torch.manual_seed(0)


def show(name, d, n=(3,)):
    s = d.sample(n)
    print(f"{name:18s} batch={tuple(d.batch_shape)} event={tuple(d.event_shape)} sample={tuple(s.shape)} {s.dtype}")
    print("   lp", d.log_prob(s).round(decimals=4).flatten()[:6])
    try:
        print("   mean", d.mean.round(decimals=4), "var", d.variance.round(decimals=4))
    except Exception as e:
        print("   moments:", type(e).__name__, e)
    try:
        print("   entropy", d.entropy().round(decimals=4))
    except NotImplementedError as e:
        print("   entropy: NotImplementedError")


# ---- continuous univariate -----------------------------------------------------------------------
show("Beta", D.Beta(torch.tensor([2.0, 0.5]), torch.tensor([3.0, 0.5])))
show("Gamma", D.Gamma(torch.tensor([2.0, 5.0]), torch.tensor([1.0, 2.0])))
show("Exponential", D.Exponential(torch.tensor([0.5, 2.0])))
show("Laplace", D.Laplace(torch.tensor(1.0), torch.tensor(2.0)))
show("StudentT", D.StudentT(torch.tensor([3.0, 10.0]), 0.0, 1.0))
show("LogNormal", D.LogNormal(torch.tensor(0.0), torch.tensor(0.5)))
show("Cauchy", D.Cauchy(torch.tensor([0.0]), torch.tensor([1.0])))
# ---- discrete ------------------------------------------------------------------------------------
show("Poisson", D.Poisson(torch.tensor([1.0, 4.0, 10.0])))
show("Binomial", D.Binomial(10, probs=torch.tensor([0.2, 0.7])))
show("NegativeBinomial", D.NegativeBinomial(torch.tensor(5.0), probs=torch.tensor(0.4)))
show("Geometric", D.Geometric(probs=torch.tensor([0.3, 0.8])))
show("Multinomial", D.Multinomial(8, probs=torch.tensor([0.2, 0.3, 0.5])))
show("OneHotCategorical", D.OneHotCategorical(logits=torch.tensor([0.1, -0.5, 1.2])))
# ---- multivariate --------------------------------------------------------------------------------
show("Dirichlet", D.Dirichlet(torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]])))
cov = torch.tensor([[2.0, 0.6, 0.1], [0.6, 1.0, 0.3], [0.1, 0.3, 0.5]])
mvn_c = D.MultivariateNormal(torch.zeros(3), covariance_matrix=cov)
mvn_t = D.MultivariateNormal(torch.ones(3), scale_tril=torch.linalg.cholesky(cov))
show("MVN(cov)", mvn_c)
show("MVN(tril)", mvn_t, n=(2, 2))
print(mvn_c.scale_tril.round(decimals=4), mvn_t.precision_matrix.round(decimals=4))
lr = D.LowRankMultivariateNormal(torch.zeros(3), cov_factor=torch.tensor([[1.0], [0.5], [-0.5]]),
                                 cov_diag=torch.tensor([0.5, 0.5, 0.5]))
show("LowRankMVN", lr)
print(lr.covariance_matrix.round(decimals=4))

# ---- relaxed / reparameterized ------------------------------------------------------------------
relaxed = D.RelaxedOneHotCategorical(torch.tensor(0.5), logits=torch.tensor([1.0, 0.0, -1.0]))
y = relaxed.rsample((4,))
print("relaxed", y.shape, y.sum(-1).round(decimals=4), relaxed.log_prob(y).round(decimals=3))
print("has_rsample", [c.has_rsample for c in (D.Normal, D.Gamma, D.Poisson, D.Dirichlet, D.Binomial)])
loc = torch.tensor([0.5, -0.5], requires_grad=True)
z = D.Normal(loc, 1.0).rsample((5,))
z.pow(2).mean().backward()
print("rsample grad", loc.grad.round(decimals=4), type(z.grad_fn).__name__)

# ---- cdf / icdf ----------------------------------------------------------------------------------
x = torch.tensor([0.1, 0.5, 2.0])
for d in (D.Normal(0.0, 1.0), D.Exponential(1.5), D.Laplace(0.0, 1.0), D.Cauchy(0.0, 1.0), D.Uniform(0.0, 3.0)):
    c = d.cdf(x)
    print(type(d).__name__, c.round(decimals=4), d.icdf(c).round(decimals=4))
try:
    D.Gamma(2.0, 1.0).icdf(torch.tensor(0.5))
except NotImplementedError as e:
    print("Gamma.icdf NotImplementedError", e)

# ---- reprs ---------------------------------------------------------------------------------------
for d in (D.Normal(0.0, 1.0), D.Beta(torch.tensor([2.0]), torch.tensor([3.0])), mvn_c, lr,
          D.Binomial(10, probs=torch.tensor([0.2, 0.7])), D.Poisson(torch.tensor(3.0)),
          D.Independent(D.Normal(torch.zeros(2, 3), 1.0), 1), relaxed):
    print(repr(d))

# ---- Independent, mixtures, transforms -----------------------------------------------------------
base = D.Normal(torch.zeros(4, 2), torch.ones(4, 2))
ind = D.Independent(base, 1)
print(base.batch_shape, base.event_shape, ind.batch_shape, ind.event_shape, ind.log_prob(torch.zeros(4, 2)))
mix = D.MixtureSameFamily(D.Categorical(torch.tensor([0.3, 0.7])),
                          D.Normal(torch.tensor([-2.0, 2.0]), torch.tensor([0.5, 1.0])))
s = mix.sample((6,))
print("mixture", s.shape, mix.log_prob(s).round(decimals=4), mix.mean.round(decimals=4), mix.variance.round(decimals=4))
print(mix.cdf(torch.tensor([-2.0, 0.0, 2.0])).round(decimals=4))
gmm2 = D.MixtureSameFamily(D.Categorical(logits=torch.zeros(3)),
                           D.Independent(D.Normal(torch.randn(3, 2), torch.ones(3, 2)), 1))
print(gmm2.batch_shape, gmm2.event_shape, gmm2.sample((2,)).shape)
lognorm = D.TransformedDistribution(D.Normal(0.0, 0.5), [T.ExpTransform()])
v = torch.tensor([0.5, 1.0, 2.0])
print("exp(N)", lognorm.log_prob(v).round(decimals=4), D.LogNormal(0.0, 0.5).log_prob(v).round(decimals=4))
affine = D.TransformedDistribution(D.Uniform(0.0, 1.0), [T.AffineTransform(loc=2.0, scale=3.0)])
print("affine", affine.log_prob(torch.tensor([2.5, 4.0])), affine.sample((3,)).round(decimals=4))
logit_normal = D.TransformedDistribution(D.Normal(0.0, 1.0), [T.SigmoidTransform()])
u = logit_normal.rsample((4,))
print("sigmoid", u.round(decimals=4), logit_normal.log_prob(u).round(decimals=4))
chain = T.ComposeTransform([T.AffineTransform(1.0, 2.0), T.ExpTransform()])
print(chain(torch.tensor([0.0, 1.0])).round(decimals=4), chain.inv(torch.tensor([1.0, 3.0])).round(decimals=4))
print(chain.log_abs_det_jacobian(torch.tensor(0.5), chain(torch.tensor(0.5))).round(decimals=4))

# ---- KL divergences ------------------------------------------------------------------------------
pairs = [(D.Normal(0.0, 1.0), D.Normal(1.0, 2.0)),
         (D.Beta(torch.tensor(2.0), torch.tensor(3.0)), D.Beta(torch.tensor(1.0), torch.tensor(1.0))),
         (D.Gamma(torch.tensor(2.0), torch.tensor(1.0)), D.Gamma(torch.tensor(3.0), torch.tensor(2.0))),
         (D.Dirichlet(torch.tensor([1.0, 2.0])), D.Dirichlet(torch.tensor([2.0, 2.0]))),
         (D.Poisson(torch.tensor(2.0)), D.Poisson(torch.tensor(3.0))),
         (D.Exponential(torch.tensor(1.0)), D.Exponential(torch.tensor(2.0))),
         (D.Laplace(0.0, 1.0), D.Laplace(1.0, 2.0)),
         (mvn_c, mvn_t), (lr, mvn_c),
         (D.Geometric(torch.tensor(0.3)), D.Geometric(torch.tensor(0.6))),
         (D.Categorical(torch.tensor([0.2, 0.8])), D.Categorical(torch.tensor([0.5, 0.5]))),
         (ind, D.Independent(D.Normal(torch.ones(4, 2), 2.0 * torch.ones(4, 2)), 1)),
         # cross-family pairs with closed forms
         (D.Beta(torch.tensor(2.0), torch.tensor(3.0)), D.Normal(0.0, 1.0)),
         (D.Gamma(torch.tensor(2.0), torch.tensor(1.0)), D.Normal(1.0, 2.0)),
         (D.Exponential(torch.tensor(1.0)), D.Gamma(torch.tensor(2.0), torch.tensor(1.0))),
         (D.Uniform(torch.tensor(0.2), torch.tensor(0.7)), D.Beta(torch.tensor(2.0), torch.tensor(3.0))),
         (D.Uniform(torch.tensor([-1.0, 1.0]), torch.tensor([2.0, 3.0])), D.Exponential(torch.tensor(1.0))),
         (D.Exponential(torch.tensor(1.0)), D.Uniform(0.0, 5.0))]
for p, q in pairs:
    print("KL", type(p).__name__, type(q).__name__, D.kl_divergence(p, q).round(decimals=4))
try:
    D.kl_divergence(D.Beta(torch.tensor(2.0), torch.tensor(2.0)), D.Poisson(torch.tensor(1.0)))
except NotImplementedError as e:
    print("NotImplementedError", e)

# ---- validation ----------------------------------------------------------------------------------
bad = [lambda: D.Normal(0.0, -1.0), lambda: D.Beta(torch.tensor(-1.0), torch.tensor(1.0)),
       lambda: D.Poisson(torch.tensor(-2.0)), lambda: D.Categorical(probs=torch.tensor([[-0.1, 1.1]])),
       lambda: D.Normal(0.0, 1.0).log_prob(torch.tensor([[float("nan")]])) if False else D.Exponential(0.0),
       lambda: D.Bernoulli(probs=torch.tensor(1.5)),
       lambda: D.Poisson(torch.tensor(2.0)).log_prob(torch.tensor(1.5)),
       lambda: D.Dirichlet(torch.tensor([1.0, 2.0])).log_prob(torch.tensor([0.3, 0.3])),
       lambda: D.MultivariateNormal(torch.zeros(2), covariance_matrix=torch.tensor([[1.0, 2.0], [2.0, 1.0]])),
       lambda: D.Binomial(10, probs=torch.tensor(0.5)).log_prob(torch.tensor(11.0))]
for f in bad:
    try:
        f()
        print("no error")
    except (ValueError, RuntimeError) as e:
        print(type(e).__name__, e)
print(D.Normal(0.0, -1.0, validate_args=False).scale)
print(D.Normal(0.0, 1.0).support, D.Beta(2.0, 2.0).support, D.Poisson(1.0).support, D.Dirichlet(torch.ones(2)).support)
print(D.Normal.arg_constraints)
print([isinstance(d, D.ExponentialFamily) for d in (D.Normal(0.0, 1.0), D.Beta(2.0, 2.0), D.Laplace(0.0, 1.0), D.Poisson(1.0))])
