"""``torch.distributions``: the common families (Normal, Uniform, Bernoulli, Categorical, the gamma
family, Dirichlet, MultivariateNormal, Laplace, Cauchy, Poisson, Binomial, ... ), distributions built
from transforms (LogNormal, Gumbel, HalfNormal, the relaxed ones, ...), the transforms themselves
with ``biject_to`` / ``transform_to``, and ``kl_divergence`` between them.

Sampling goes through the same generator functions as ``torch.normal`` / ``torch.rand`` /
``torch.bernoulli`` / ``torch.multinomial``, in torch's order, so samples are bit-identical to
torch's. ``log_prob``, ``entropy`` and the moments are built from glasstorch ops, so gradients
flow to the parameters.
"""
from . import constraints
from .distribution import Distribution
from .normal import Normal
from .uniform import Uniform
from .bernoulli import Bernoulli
from .categorical import Categorical
from .gamma import Gamma, Exponential
from .dirichlet import Dirichlet, Beta
from . import beta, exponential  # noqa: F401  (attributes in torch: code spells torch.distributions.beta.Beta)
from .multivariate_normal import MultivariateNormal
from .independent import Independent
from .kl import kl_divergence, register_kl
from . import transforms
from .transforms import *  # noqa: F401,F403
from .constraint_registry import biject_to, transform_to
from .exp_family import ExponentialFamily
from .transformed_distribution import TransformedDistribution
from .laplace import Laplace
from .cauchy import Cauchy
from .log_normal import LogNormal
from .gumbel import Gumbel
from .half_normal import HalfNormal
from .half_cauchy import HalfCauchy
from .chi2 import Chi2
from .studentT import StudentT
from .poisson import Poisson
from .geometric import Geometric
from .binomial import Binomial
from .multinomial import Multinomial
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
# only the public two: torch.distributions has no LogitRelaxedBernoulli / ExpRelaxedCategorical attribute (pyro
# wraps every Distribution class it finds in that namespace)
from .relaxed_bernoulli import RelaxedBernoulli
from .relaxed_categorical import RelaxedOneHotCategorical
from .logistic_normal import LogisticNormal
from .mixture_same_family import MixtureSameFamily
from .continuous_bernoulli import ContinuousBernoulli
from .lowrank_multivariate_normal import LowRankMultivariateNormal
from .weibull import Weibull
from .pareto import Pareto
from .kumaraswamy import Kumaraswamy
from .inverse_gamma import InverseGamma
from .fishersnedecor import FisherSnedecor
from .negative_binomial import NegativeBinomial
from .generalized_pareto import GeneralizedPareto
from .von_mises import VonMises
from .lkj_cholesky import LKJCholesky
from .wishart import Wishart

# torch's __all__ names neither the submodules nor LogitRelaxedBernoulli / ExpRelaxedCategorical, so a
# star import does not overwrite a program's own ``transforms`` (e.g. torchvision's)
__all__ = ["Distribution", "Normal", "Uniform", "Bernoulli", "Categorical", "Gamma", "Exponential",
           "Dirichlet", "Beta", "MultivariateNormal", "Independent", "kl_divergence", "register_kl",
           "biject_to", "transform_to", "ExponentialFamily", "TransformedDistribution", "Laplace",
           "Cauchy", "LogNormal", "Gumbel", "HalfNormal", "HalfCauchy", "Chi2", "StudentT", "Poisson", "Geometric",
           "Binomial", "Multinomial", "OneHotCategorical", "OneHotCategoricalStraightThrough",
           "RelaxedBernoulli", "RelaxedOneHotCategorical",
           "LogisticNormal", "MixtureSameFamily", "ContinuousBernoulli", "LowRankMultivariateNormal", "Weibull", "Pareto", "Kumaraswamy", "InverseGamma",
           "FisherSnedecor", "NegativeBinomial", "GeneralizedPareto", "VonMises", "LKJCholesky", "Wishart"] + transforms.__all__
