"""Reparameterised ("implicit") gradients of the Gamma and Dirichlet samplers, as torch's CPU kernels
compute them: ``torch._standard_gamma_grad`` and ``torch._dirichlet_grad``, and the backward of
``torch._standard_gamma`` (what ``Gamma.rsample`` / ``Beta.rsample`` / ``Dirichlet.rsample``
differentiate).

For x ~ Gamma(alpha, 1) with cdf F(x; alpha) and pdf f(x; alpha), holding the uniform noise fixed,

    dx/dalpha = -(dF/dalpha)(x; alpha) / f(x; alpha)

which has no closed form; torch approximates it piecewise (Jankowiak & Obermeyer, "Pathwise
derivatives beyond the reparameterization trick", 2018): a Taylor series for x < 0.8, a Rice saddle
point expansion for alpha > 8, a bivariate rational fit otherwise.  The Dirichlet gradient is the
same quantity for x ~ Beta(alpha, total - alpha), scaled by 1 / (1 - x).

Both kernels run element by element, as torch's ``cpu_serial_kernel`` does.  The Gamma one works in
double throughout (``standard_gamma_grad_one<scalar_t, double>``).  The Dirichlet one mixes: its
small-x and x-near-1 series are in the tensor's own precision (float32 arithmetic is emulated by
rounding each double operation, exact for + - * /; ``logf`` / ``powf`` are the C library's own, as
torch calls them: glibc's are not always correctly rounded, and a series that cancels shows their
last bit), its saddle point and rational branches in double.
"""
import ctypes
import math

import numpy as np

from ._tensor import _wrap
from .autograd.graph import Node
from .ops._common import GRAD, record

__all__ = ["_standard_gamma_grad", "_dirichlet_grad"]

_PSI_10 = 2.25175258906672110764
_DIGAMMA_A = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
              -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
              8.33333333333333333333E-2)
_F32 = np.float32


def _lit(v):
    """A C float literal (``0.8f``) as the double it becomes in double arithmetic."""
    return float(_F32(v))


_0_8F, _0_9F, _1_1F, _1E17F = _lit(0.8), _lit(0.9), _lit(1.1), _lit(1.0e17)


def _polevl(x, coefs):
    r = 0.0
    for c in coefs:
        r = r * x + c
    return r


def _digamma_one(x, rnd):
    """torch's ``digamma_one<scalar_t, double>``: ``x`` and the steps on it in scalar_t (``rnd`` rounds
    to it), the sum in double, the result rounded to scalar_t."""
    if x == 0:
        return math.inf
    extra = 0.0
    if x < 0:
        if x == math.floor(x):
            return math.inf
        extra = -math.pi / math.tan(math.pi * x)
        x = rnd(1 - x)
    result = 0.0
    while x < 10:
        result -= rnd(1 / x)
        x = rnd(x + 1)
    if x == 10:
        return rnd(result + _PSI_10 + extra)
    y = 0.0
    if x < _1E17F:
        z = 1.0 / rnd(x * x)
        y = z * _polevl(z, _DIGAMMA_A)
    return rnd(result + _log_as(rnd)(x) - rnd(0.5 / x) - y + extra)


def _pow(x, y):
    """C's pow: inf on overflow, nan where the real result is undefined (Python raises instead)."""
    try:
        return math.pow(x, y)
    except OverflowError:
        return math.inf
    except ValueError:
        return math.nan


def _div(a, b):
    """IEEE division: a / 0 is +-inf, 0 / 0 nan."""
    if b == 0:
        return math.nan if a == 0 or a != a else math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _same(v):
    return v


def _round32(v):
    return float(_F32(v))


def _c_float_fns():
    """The C library's logf and powf (what torch's float kernels call), or, where there is none to
    load, the correctly rounded float32 of the double result (it differs in about 0.1% of cases)."""
    try:
        libm = ctypes.CDLL("libm.so.6")
        logf, powf = libm.logf, libm.powf
        logf.restype, logf.argtypes = ctypes.c_float, [ctypes.c_float]
        powf.restype, powf.argtypes = ctypes.c_float, [ctypes.c_float, ctypes.c_float]
        return logf, powf
    except (OSError, AttributeError):
        return (lambda x: _round32(math.log(x))), (lambda x, y: _round32(_pow(x, y)))


_logf, _powf = _c_float_fns()


def _log_as(r):
    """log in scalar_t: logf for float32 (``r`` is _round32), log for double."""
    return _logf if r is _round32 else math.log


def _pow_as(r):
    return _powf if r is _round32 else _pow


# --------------------------------------------------------------------------------- Gamma(alpha, 1)
_GAMMA_UV = ((0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084),
             (0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915,
              -0.00058392623),
             (0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326,
              0.00085092367, -1.5247877e-07))


def _gamma_grad_one(alpha, x):
    """dx/dalpha for x ~ Gamma(alpha, 1), in double."""
    if x < _0_8F:                       # Taylor series of the incomplete gamma function in x
        numer, denom = 1.0, alpha
        series1 = numer / denom
        series2 = numer / (denom * denom)
        for i in range(1, 6):
            numer *= -x / i
            denom += 1
            series1 += numer / denom
            series2 += numer / (denom * denom)
        pow_x_alpha = _pow(x, alpha)
        gamma_pdf = _pow(x, alpha - 1) * math.exp(-x)
        gamma_cdf = pow_x_alpha * series1
        gamma_cdf_alpha = (math.log(x) - _digamma_one(alpha, _same)) * gamma_cdf - pow_x_alpha * series2
        result = _div(-gamma_cdf_alpha, gamma_pdf)
        return 0.0 if math.isnan(result) else result
    if alpha > 8.0:                     # Rice saddle point expansion for large alpha
        if _0_9F * alpha <= x <= _1_1F * alpha:
            numer_1 = 1 + 24 * alpha * (1 + 12 * alpha)
            numer_2 = 1440 * (alpha * alpha) + 6 * x * (53 - 120 * x) - 65 * x * x / alpha + alpha * (107 + 3600 * x)
            denom = 1244160 * (alpha * alpha) * (alpha * alpha)
            return numer_1 * numer_2 / denom
        denom = math.sqrt(8 * alpha)
        term2 = denom / (alpha - x)
        term3 = _pow(x - alpha - alpha * math.log(x / alpha), -1.5)
        term23 = term2 - term3 if x < alpha else term2 + term3
        term1 = math.log(x / alpha) * term23 - math.sqrt(2 / alpha) * (alpha + x) / ((alpha - x) * (alpha - x))
        stirling = 1 + 1 / (12 * alpha) * (1 + 1 / (24 * alpha))
        numer = x * term1
        return -stirling * numer / denom
    u = math.log(x / alpha)             # a bivariate rational approximation in log(x/alpha), log(alpha)
    v = math.log(alpha)
    c0, c1, c2 = _GAMMA_UV
    cv = [c0[i] + u * (c1[i] + u * c2[i]) for i in range(8)]
    p = cv[0] + v * (cv[1] + v * (cv[2] + v * cv[3]))
    q = cv[4] + v * (cv[5] + v * (cv[6] + v * cv[7]))
    return math.exp(p / q)


# ------------------------------------------------------------------ Beta(alpha, beta), for Dirichlet
def _beta_grad_alpha_small(x, alpha, beta, r):
    """Taylor expansion for x near 0, in scalar_t (``r`` rounds to it)."""
    factor = r(r(_digamma_one(alpha, r) - _digamma_one(r(alpha + beta), r)) - _log_as(r)(x))
    numer = 1.0
    series = r(r(numer / alpha) * r(factor + r(1 / alpha)))
    for i in range(1, 11):
        numer = r(numer * r(r(r(i - beta) * x) / i))
        denom = r(alpha + i)
        series = r(series + r(r(numer / denom) * r(factor + r(1 / denom))))
    result = r(r(x * _pow_as(r)(r(1 - x), -beta)) * series)
    return 0.0 if math.isnan(result) else result


def _beta_grad_beta_small(x, alpha, beta, r):
    """Taylor expansion (of the gradient wrt beta) for x near 0, in scalar_t."""
    factor = r(_digamma_one(r(alpha + beta), r) - _digamma_one(beta, r))
    numer, betas, dbetas = 1.0, 1.0, 0.0
    series = r(factor / alpha)
    for i in range(1, 9):
        numer = r(numer * r(-x / i))
        dbetas = r(r(dbetas * r(beta - i)) + betas)
        betas = r(betas * r(beta - i))
        series = r(series + r(r(numer / r(alpha + i)) * r(dbetas + r(factor * betas))))
    result = r(-_pow_as(r)(r(1 - x), r(1 - beta)) * series)
    return 0.0 if math.isnan(result) else result


def _beta_grad_alpha_mid(x, alpha, beta):
    """Rice saddle point expansion when alpha and beta are both large, in double."""
    total = alpha + beta
    mean = alpha / total
    std = math.sqrt(alpha * beta / (total + 1)) / total
    if mean - 0.1 * std <= x <= mean + 0.1 * std:       # avoid the singularity at x = mean
        poly = 47 * x * (beta * beta) * (beta * beta) + alpha * (
            (43 + 20 * (16 + 27 * beta) * x) * (beta * beta) * beta + alpha * (
                3 * (59 + 180 * beta - 90 * x) * (beta * beta) + alpha * (
                    (453 + 1620 * beta * (1 - x) - 455 * x) * beta + alpha * (
                        8 * (1 - x) * (135 * beta - 11)))))
        prefactor_num = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total)
        prefactor_den = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total)
        return prefactor_num / (1 - x) * poly / prefactor_den
    prefactor = -x / math.sqrt(2 * alpha * beta / total)
    stirling = ((1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha)) * (1 + 1 / (12 * beta) + 1 / (288 * beta * beta))
                / (1 + 1 / (12 * total) + 1 / (288 * total * total)))
    term1_num = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * (beta * beta)
    axbx = alpha * (x - 1) + beta * x
    term1_den = math.sqrt(2 * alpha / beta) * math.pow(total, 1.5) * axbx * axbx
    term1 = term1_num / term1_den
    term2 = 0.5 * math.log(alpha / (total * x))
    term3 = math.sqrt(8 * alpha * beta / total) / (beta * x + alpha * (x - 1))
    term4 = _pow(beta * math.log(beta / (total * (1 - x))) + alpha * math.log(alpha / (total * x)), -1.5)
    term1234 = term1 + term2 * (term3 + (term4 if x < mean else -term4))
    return stirling * prefactor * term1234


_DIRICHLET_C = (
    (((1.003668233, -0.01061107488, -0.0657888334, 0.01201642863),
      (0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033),
      (-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013)),
     ((0.221950385, -0.3187676331, 0.01799915743, 0.01074823814),
      (-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057),
      (0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05)),
     ((-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565),
      (0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181),
      (0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05))),
    (((1, -0.02924021934, -0.04438342661, 0.007285809825),
      (0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521),
      (-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149)),
     ((0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273),
      (0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956),
      (-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05)),
     ((0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05),
      (0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05),
      (-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06))))


def _dirichlet_grad_one(x, alpha, total, r):
    """-(dF/dalpha) / f / (1 - x) for x ~ Beta(alpha, total - alpha); ``r`` rounds to scalar_t."""
    beta = r(total - alpha)
    boundary = r(r(total * x) * r(1 - x))
    if x <= 0.5 and boundary < 2.5:
        return _beta_grad_alpha_small(x, alpha, beta, r)
    if x >= 0.5 and boundary < 0.75:
        return -_beta_grad_beta_small(r(1 - x), beta, alpha, r)
    if alpha > 6 and beta > 6:
        return _beta_grad_alpha_mid(x, alpha, total - alpha)
    u = math.log(x)                     # a rational correction to an analytic approximation
    a = math.log(alpha) - u
    b = math.log(total) - a
    pow_u, pow_a = (1.0, u, u * u), (1.0, a, a * a)
    p = q = 0.0
    cp, cq = _DIRICHLET_C
    for i in range(3):
        for j in range(3):
            ua = pow_u[i] * pow_a[j]
            c, d = cp[i][j], cq[i][j]
            p += ua * (c[0] + b * (c[1] + b * (c[2] + b * c[3])))
            q += ua * (d[0] + b * (d[1] + b * (d[2] + b * d[3])))
    approx = x * r(_digamma_one(r(total), r) - _digamma_one(r(alpha), r)) / (total - alpha)
    return p / q * approx


# ----------------------------------------------------------------------------------- torch functions
def _float_inputs(name, *ts):
    dt = ts[0]._data.dtype
    if dt.kind != "f" or dt == np.float16:
        from .ops.inplace import type_name
        raise NotImplementedError(f'"{name}" not implemented for \'{type_name(dt)}\'')
    for t in ts[1:]:
        if t._data.dtype != dt:
            raise RuntimeError(f"Found dtype {_title(t._data.dtype)} but expected {_title(dt)}")
    return dt, np.broadcast_arrays(*[t._data for t in ts])


def _title(dt):
    return {"float32": "Float", "float64": "Double", "float16": "Half"}.get(dt.name, dt.name.capitalize())


class StandardGammaGradBackward0(Node):
    """torch has no derivative for the gradient kernels: backward raises."""
    __slots__ = ("op",)

    def backward(self, g):
        raise NotImplementedError(f"the derivative for '{self.op}' is not implemented.")


def _no_grad_of_grad(op, out, *inputs):
    if GRAD.enabled and any(t._rg for t in inputs):
        node = StandardGammaGradBackward0() if op == "_standard_gamma_grad" else DirichletGradBackward0()
        node.op = op
        record(node, out, *inputs)
    return out


class DirichletGradBackward0(StandardGammaGradBackward0):
    __slots__ = ()


def standard_gamma_grad_array(alpha, x):
    """dx/dalpha for arrays of Gamma(alpha, 1) draws ``x``, in alpha's dtype."""
    out = [_gamma_grad_one(a, v) for a, v in zip(alpha.reshape(-1).tolist(), x.reshape(-1).tolist())]
    return np.array(out, np.float64).astype(alpha.dtype).reshape(alpha.shape)


def _standard_gamma_grad(self, output):
    """``torch._standard_gamma_grad(alpha, x)``: dx/dalpha for x ~ Gamma(alpha, 1), elementwise."""
    dt, (a, x) = _float_inputs("_standard_gamma_grad_cpu", self, output)
    return _no_grad_of_grad("_standard_gamma_grad", _wrap(standard_gamma_grad_array(a, x)), self, output)


def _dirichlet_grad(x, alpha, total):
    """``torch._dirichlet_grad(x, alpha, total)``: the scaled Beta(alpha, total - alpha) gradient."""
    dt, (xs, a, t) = _float_inputs("_dirichlet_grad_cpu", x, alpha, total)
    r = _round32 if dt == np.float32 else _same
    out = [_dirichlet_grad_one(*v, r) for v in zip(xs.reshape(-1).tolist(), a.reshape(-1).tolist(),
                                                    t.reshape(-1).tolist())]
    res = _wrap(np.array(out, np.float64).astype(dt).reshape(xs.shape))
    return _no_grad_of_grad("_dirichlet_grad", res, x, alpha, total)


class StandardGammaBackward0(Node):
    """x = _standard_gamma(alpha)   ->   dalpha = g * _standard_gamma_grad(alpha, x)"""
    __slots__ = ()
    _saved_names = ("self", "result")

    def backward(self, g):
        alpha, x = self.saved()
        if isinstance(g, (np.ndarray, np.generic)):
            return (g * standard_gamma_grad_array(np.asarray(alpha), np.asarray(x)),)
        return (g * _standard_gamma_grad(alpha, x),)


def record_standard_gamma(out, alpha):
    """Attach StandardGammaBackward0 to ``out`` = _standard_gamma(alpha) when alpha requires grad."""
    if GRAD.enabled and alpha._rg:
        node = StandardGammaBackward0()
        node.save(alpha, out, result_at=1)
        record(node, out, alpha)
    return out
