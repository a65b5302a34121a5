"""``torch.special``: the special functions under their SciPy-style names."""
import math

from .ops.special_fns import lgamma as gammaln, digamma, polygamma, logit, sinc
from .ops.pointwise import erf, erfc, erfinv, expm1, exp2, log1p
from .ops.binary_more import xlogy
from .ops.unary import sigmoid as expit
from .ops.softmax import softmax, log_softmax
from .ops.reduce_more import logsumexp
from .ops.pointwise import round  # noqa: F401
from .ops.special_more import (i0, i0e, i1, i1e, erfcx, log_ndtr, ndtri, gammainc, gammaincc, zeta, xlog1py,
                                entr)
from .ops.special_bessel import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0,  # noqa: F401
                                 modified_bessel_i1, modified_bessel_k0, modified_bessel_k1, scaled_modified_bessel_k0,
                                 scaled_modified_bessel_k1, spherical_bessel_j0)
from .ops.special_poly import (chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v,  # noqa: F401
                               chebyshev_polynomial_w, shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u,
                               shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w, hermite_polynomial_h,
                               hermite_polynomial_he, laguerre_polynomial_l, legendre_polynomial_p)

psi = digamma

__all__ = ["gammaln", "digamma", "psi", "polygamma", "logit", "sinc", "erf", "erfc", "erfinv", "expm1", "exp2",
           "log1p", "xlogy", "expit", "softmax", "log_softmax", "logsumexp", "round", "ndtr", "entr",
           "multigammaln", "i0", "i0e", "i1", "i1e", "erfcx", "log_ndtr", "ndtri", "gammainc", "gammaincc", "zeta",
           "xlog1py", "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
           "scaled_modified_bessel_k1", "spherical_bessel_j0", "chebyshev_polynomial_t", "chebyshev_polynomial_u",
           "chebyshev_polynomial_v", "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
           "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w",
           "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]


def ndtr(input, *, out=None):
    """The standard normal CDF: (1 + erf(x / sqrt 2)) / 2, through the .Scalar ops as torch's composite,
    which multiplies by M_SQRT1_2 (sqrt(0.5) rounded once; 1 / sqrt(2) rounds twice, one ulp lower).
    (``out``: see _wrap_out below.)"""
    from .ops.scalar_arith import add_scalar, mul_scalar
    return mul_scalar(add_scalar(erf(mul_scalar(input, math.sqrt(0.5))), 1), 0.5)


def multigammaln(input, p, *, out=None):
    """log of the multivariate gamma function of dimension p (torch.mvlgamma, MvlgammaBackward0).
    (``out``: see _wrap_out below.)"""
    from ._api_leftovers import mvlgamma
    return mvlgamma(input, p)


multigammaln.__name__ = "mvlgamma"     # the op torch runs, which its out= messages name


def _wrap_out(ns):
    """``out=`` for the functions that take it, as torch's namespace functions (ops/_out.py): the
    ops imported here are the plain ones.  Messages name the op torch runs: the shared one for an
    alias (``expit`` -> sigmoid, ``gammaln`` -> lgamma), ``special_<name>`` for torch.special's own."""
    import inspect
    from ._fn_names import _renamed
    from .ops._out import with_out, HANDLED
    shared = {"gammaln", "digamma", "psi", "polygamma", "logit", "sinc", "erf", "erfc", "erfinv", "expm1", "exp2",
              "log1p", "xlogy", "expit", "logsumexp", "round", "multigammaln", "i0"}
    aliases = {"gammainc": "igamma", "gammaincc": "igammac"}
    for n in __all__:
        fn = ns.get(n)
        if not inspect.isfunction(fn) or fn.__module__ in HANDLED or getattr(fn, "_handles_out", False) \
                or "out" not in inspect.signature(fn).parameters:
            continue
        ns[n] = with_out(fn if n in shared else _renamed(fn, aliases.get(n, "special_" + n)))


_wrap_out(globals())
_xlogy_shared = xlogy


def xlogy(input, other, *, out=None):
    """torch.xlogy's values; two numbers are refused under torch.special's name (special_xlogy)."""
    from .ops._inputs import not_two_numbers
    not_two_numbers("xlogy", input, other, special=True, out=out)
    return _xlogy_shared(input, other, out=out)


from ._fn_names import prefixed as _prefixed  # noqa: E402
_prefixed(globals(), "special_", __all__)      # torch.special.erf.__name__ == 'special_erf'
# a call Python cannot bind is refused with torch's parser error (special_<name>)
from ._bind_errors import install as _bind_errors  # noqa: E402
_bind_errors(globals(), "special_", __all__)

from ._pickle_paths import settle as _settle_pickle_paths  # noqa: E402  (pickle finds each function)
_settle_pickle_paths(globals())
