"""Float64 NumPy kernels for ``ops/special_more.py`` (see its docstring for the methods used)."""

import math

import numpy as np

from .pointwise import _erfc64

_EPS = np.finfo(np.float64).eps / 2          # Cephes' MACHEP
_SQRT2PI = math.sqrt(2 * math.pi)


def _is_array(g):
    return isinstance(g, (np.ndarray, np.generic))


def _bessel_i(nu, x):
    """(I_nu(|x|) e^-|x|) for nu in (0, 1), in float64."""
    ax = np.abs(x)
    out = np.empty_like(ax)
    small = ax <= 30
    if small.any():
        xs = ax[small]
        q = xs * xs / 4
        term = np.ones_like(xs)
        total = term.copy()
        for k in range(1, 160):
            term = term * q / (k * (k + nu))
            total += term
        out[small] = total * (xs / 2) ** nu * np.exp(-xs)
    if (~small).any():
        xl = ax[~small]
        term = np.ones_like(xl)
        total = term.copy()
        for k in range(1, 30):
            term = term * -(4 * nu * nu - (2 * k - 1) ** 2) / (k * 8 * xl)
            total += term
        out[~small] = total / np.sqrt(2 * np.pi * xl)
    return out


def _i0e64(x):
    return _bessel_i(0, x)


def _i1e64(x):
    return np.sign(x) * _bessel_i(1, x)


def _i0_64(x):
    # torch's I0 and I1 give nan at +-inf (inf * 0 inside its Chebyshev evaluation), inf only for finite x
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.isinf(x), np.nan, _i0e64(x) * np.exp(np.abs(x)))


def _i1_64(x):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.isinf(x), np.nan, _i1e64(x) * np.exp(np.abs(x)))


_ISPI = 0.56418958354775628694807945156      # 1 / sqrt(pi)


def _erfcx_pos(x):
    """erfcx for x >= 0; above 50 the continued fraction torch's kernel (Johnson's Faddeeva code) uses."""
    out = np.empty_like(x)
    near = x < 25
    xn = x[near]
    out[near] = np.exp(xn * xn) * np.asarray(_erfc64(xn), np.float64)
    far = x > 50
    xc = x[far]
    with np.errstate(over="ignore", invalid="ignore"):
        # 5 terms of ispi / (x + 0.5/(x + 1/(x + 1.5/(x + 2/x)))), 1 term past 5e7; the compiled kernel
        # fuses x^2 (x^2 + 4.5) + 2 and x^2 (x^2 + 5) + 3.75 into multiply-adds
        from .._rng_fma import fma64
        x2 = np.where(xc > 5e7, 1.0, xc * xc)
        num, den = fma64(x2, x2 + 4.5, np.full_like(x2, 2.0)), fma64(x2, x2 + 5, np.full_like(x2, 3.75))
        out[far] = np.where(xc > 5e7, _ISPI / xc, _ISPI * num / (xc * den))
    near |= far
    xf = x[~near]
    inv = 1 / (2 * xf * xf)
    term, total = np.ones_like(xf), np.ones_like(xf)
    for n in range(1, 12):                      # sum_n (-1)^n (2n-1)!! / (2x^2)^n
        term = term * -(2 * n - 1) * inv
        total += term
    with np.errstate(divide="ignore"):
        out[~near] = np.where(np.isinf(xf), 0.0, total / (xf * math.sqrt(math.pi)))
    return out


def _erfcx64(x):
    with np.errstate(over="ignore", invalid="ignore"):
        pos = _erfcx_pos(np.abs(x))
        # below -6.1 erfcx(-x) no longer shows in 2 exp(x^2), below -26.7 that overflows: torch's branches
        neg = np.where(x < -26.7, np.inf, np.where(x < -6.1, 2 * np.exp(x * x), 2 * np.exp(x * x) - pos))
        return np.where(x >= 0, pos, neg) if x.size else x.copy()


def _log_ndtr64(x):
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        z = x / math.sqrt(2)
        neg = np.log(_erfcx64(np.maximum(-z, 0)) / 2) - x * x / 2
        pos = np.log1p(-np.asarray(_erfc64(np.maximum(z, 0)), np.float64) / 2)
        return np.where(x <= 0, neg, pos)


_ACKLAM = ((-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00),
           (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01, 1.0),
           (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00),
           (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00, 1.0))


def _ndtri64(p):
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.minimum(p, 1 - p)                 # work in the lower tail, flip the sign for p > 1/2
        a, b, c, d = _ACKLAM
        r = q - 0.5
        central = r * np.polyval(a, r * r) / np.polyval(b, r * r)
        t = np.sqrt(-2 * np.log(np.where(q > 0, q, 1.0)))
        tail = np.polyval(c, t) / np.polyval(d, t)
        x = np.where(q < 0.02425, tail, central)
        for _ in range(3):                       # Newton on ndtr(x) = q, ndtr from erfc (no cancellation)
            f = np.asarray(_erfc64(-x / math.sqrt(2)), np.float64) / 2 - q
            x = x - f * _SQRT2PI * np.exp(x * x / 2)
        x = np.where(p > 0.5, -x, x)
        x = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, x))
        return np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)


_lgamma64 = np.frompyfunc(lambda v: math.lgamma(v) if v > 0 else math.inf, 1, 1)


def _igam64(a, x, upper):
    """Regularized P(a, x) (upper=False) or Q(a, x) (upper=True), Cephes' igam / igamc."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.full(a.shape, np.nan)
    with np.errstate(all="ignore"):
        ax = np.exp(a * np.log(x) - x - np.asarray(_lgamma64(a), np.float64)) if a.size else a
        series = (x <= 1) | (x <= a)
        # series: P = ax / a * sum_n x^n / ((a+1)...(a+n))
        r, c, s = a.copy(), np.ones_like(a), np.ones_like(a)
        for _ in range(2000):
            r = r + 1
            c = c * x / r
            s = s + c
            if not np.any(series & (c > s * _EPS)):
                break
        p_series = s * ax / a
        # continued fraction for Q
        y, z = 1 - a, x + 2 - a
        pkm2, qkm2, pkm1, qkm1 = np.ones_like(a), x, x + 1, z * x
        ans, cc = pkm1 / qkm1, 0.0
        for _ in range(2000):
            cc += 1
            y, z = y + 1, z + 2
            yc = y * cc
            pk, qk = pkm1 * z - pkm2 * yc, qkm1 * z - qkm2 * yc
            ok = qk != 0
            rr = np.where(ok, pk / np.where(ok, qk, 1), ans)
            t = np.where(ok, np.abs((ans - rr) / rr), 1.0)
            ans = rr
            pkm2, pkm1, qkm2, qkm1 = pkm1, pk, qkm1, qk
            big = np.abs(pk) > 2.0 ** 52
            pkm2, pkm1, qkm2, qkm1 = (np.where(big, v * 2.0 ** -52, v) for v in (pkm2, pkm1, qkm2, qkm1))
            if not np.any(~series & (t > _EPS)):
                break
        q_frac = ans * ax
        lower = np.where(series, p_series, 1 - q_frac)
        res = 1 - lower if upper else lower
        res = np.where(series & upper, 1 - p_series, np.where(~series & upper, q_frac, res))
        zero_x = (x == 0) & (a > 0)
        res = np.where(zero_x, 1.0 if upper else 0.0, res)
        res = np.where((a == 0) & (x > 0), 0.0 if upper else 1.0, res)
        res = np.where(np.isinf(x) & (x > 0) & (a > 0), 0.0 if upper else 1.0, res)
        out = np.where((a < 0) | (x < 0) | np.isnan(a) | np.isnan(x) | ((a == 0) & (x == 0)), np.nan, res)
    return out


# (2k)! / B_2k for k = 1..12, from the Bernoulli numbers
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)


def _zeta_as(x, q, dtype=None):
    """zeta(x, q) as torch's kernel for the result's dtype (``dtype``, else the operands') computes it:
    zeta<float> sums in double (its acc_type) from a first term q^-x taken with powf, then rounds to
    float; other dtypes in double."""
    x, q = np.asarray(x), np.asarray(q)
    if (dtype or np.result_type(x, q)) != np.float32:
        return _zeta64(x, q)
    from .pdist import _cpow
    x, q = np.broadcast_arrays(x.astype(np.float32), q.astype(np.float32))
    with np.errstate(all="ignore"):
        first = _cpow(np.array(q), -x)
        return _zeta64(x, q, first=first).astype(np.float32)


def _zeta64(x, q, first=None):
    """Hurwitz zeta, Cephes' algorithm as torch runs it, element by element: the domain checks in
    their order (x == 1, x < 1, then q's poles), terms summed until one is below MACHEP of the sum
    (at least 9 terms, and until a > 9), then the Euler-Maclaurin tail until its term is that small.
    ``first`` is the sum's first term q^-x where the caller has it (float32 zeta: powf in float)."""
    x, q = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(q, np.float64))
    res = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        done = x == 1
        res[done] = np.inf
        done |= x < 1                                       # (res is nan there already)
        nonpos = ~done & (q <= 0)
        pole = nonpos & (q == np.floor(q))
        res[pole] = np.inf
        done |= pole | (nonpos & (x != np.floor(x)))
        live = ~done
        s = q ** -x if first is None else np.array(np.broadcast_to(first, x.shape), np.float64)
        a, b = q.copy(), np.zeros(x.shape)
        for i in range(10 ** 6 + 9):                        # torch loops until a > 9 (q far below 0: long)
            step = live & ((i < 9) | (a <= 9))
            if not step.any():
                break
            a = np.where(step, a + 1, a)
            b = np.where(step, a ** -x, b)
            s = np.where(step, s + b, s)
            hit = step & (-_EPS * s < b) & (b < _EPS * s)
            res[hit] = s[hit]
            live &= ~hit
        w = a
        s = s + b * w / (x - 1) - 0.5 * b
        fac, k = np.ones(x.shape), 0.0
        for A in _ZETA_A:
            fac = fac * (x + k)
            b = b / w
            t = fac * b / A
            s = s + t
            hit = live & (np.abs(t / s) < _EPS)
            res[hit] = s[hit]
            live &= ~hit
            k += 1
            fac = fac * (x + k)
            b = b / w
            k += 1
        res[live] = s[live]
    return res
