"""``torch.special``: the special functions under their SciPy-style names."""
import math

from .ops.special_fns import lgamma as gammaln, digamma, polygamma, logit, sinc
from .ops.pointwise import erf, erfc, erfinv, expm1, exp2, log1p
from .ops.binary_more import xlogy
from .ops.unary import sigmoid as expit
from .ops.softmax import softmax, log_softmax
from .ops.reduce_more import logsumexp
from .ops.pointwise import round  # noqa: F401

psi = digamma

__all__ = ["gammaln", "digamma", "psi", "polygamma", "logit", "sinc", "erf", "erfc", "erfinv", "expm1", "exp2",
           "log1p", "xlogy", "expit", "softmax", "log_softmax", "logsumexp", "round", "ndtr", "entr",
           "multigammaln"]


def ndtr(input):
    """The standard normal CDF: (1 + erf(x / sqrt 2)) / 2."""
    return (1 + erf(input * (1 / math.sqrt(2)))) * 0.5


def entr(input):
    """-x log x, 0 at x = 0, -inf below 0."""
    import glasstorch
    x = input
    return glasstorch.where(x > 0, -x * glasstorch.log(x), glasstorch.where(x == 0, 0 * x, 0 * x - math.inf))


def multigammaln(input, p):
    """log of the multivariate gamma function of dimension p."""
    import glasstorch
    c = (p * (p - 1) / 4) * math.log(math.pi)
    return c + glasstorch.lgamma(input.unsqueeze(-1) - glasstorch.arange(p, dtype=input.dtype) / 2).sum(-1)
