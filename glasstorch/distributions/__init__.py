"""``torch.distributions``: Normal, Uniform, Bernoulli, Categorical, Gamma, Exponential, Beta, Dirichlet,
MultivariateNormal and Independent, and ``kl_divergence`` between them.

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
from .multivariate_normal import MultivariateNormal
from .independent import Independent
from .kl import kl_divergence, register_kl

__all__ = ["constraints", "Distribution", "Normal", "Uniform", "Bernoulli", "Categorical", "Gamma", "Exponential",
           "Dirichlet", "Beta", "MultivariateNormal", "Independent", "kl_divergence", "register_kl"]
