"""``torch.special``'s orthogonal polynomials of degree n: chebyshev_polynomial_t/u/v/w, their shifted
forms on [0, 1], hermite_polynomial_h/he, laguerre_polynomial_l, legendre_polynomial_p.

Each takes (x, n), tensors or one of them a number, broadcast and promoted together (integers to the
default float dtype).  n is read as torch reads it: converted to x's float type, then truncated to an
integer (nan, inf and out-of-range values become the most negative int64, so the result is 0);
n < 0 gives 0.  The value comes from torch's kernel, step for step: special values at x = +-1 (or
0, 1 for the shifted forms), the closed forms cos(n acos x) ... for |x| < 1 and large n, and
otherwise the three-term recurrence p_{k+1} = a_k(x) p_k - b_k p_{k-1}, with GCC's fused multiply-add.
Where x is nan and n >= 2, torch's kernel returns an uninitialised value; here it is nan.
torch gives these functions no derivative: the result never requires grad.
"""
import numpy as np

from .._dtype import DEFAULT
from ._common import _wrap, binary_operands, broadcast_error, is_tensor
from ._complex_refuse import not_implemented
from ._layout import ti as _ti
from .special_bessel import _fma, _libm

_F32 = np.dtype(np.float32)
_INT64_MIN = np.iinfo(np.int64).min


def _degree(n, dt):
    """static_cast<int64_t>(n) of a float on x86: truncation, and INT64_MIN where it does not fit."""
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(n) & (np.abs(n) < 2.0 ** 63)
        return np.where(ok, np.trunc(np.where(ok, n, 0)), _INT64_MIN).astype(np.int64)


def _recur(x, n, q1, step):
    """p_0 = 1, p_1 = q1, then n - 1 steps p_{j+1} = step(j, p_{j-1}, p_j) (stopping at nan)."""
    dt = x.dtype
    p, q = np.ones_like(x), q1
    out = np.full_like(x, np.nan)
    live = np.flatnonzero(~np.isnan(q) & (n >= 2))
    xs, ps, qs, ns = x[live], p[live], q[live], n[live]
    j = 1
    while live.size:
        keep = (j <= ns - 1) & ~np.isnan(qs)
        if not keep.all():
            live, xs, ps, qs, ns = live[keep], xs[keep], ps[keep], qs[keep], ns[keep]
            if not live.size:
                break
        r = step(j, xs, ps, qs, dt)
        out[live] = r
        ps, qs = qs, r
        j += 1
    return out


def _ones(v, m, dt):
    return np.where(m, dt.type(1.0), dt.type(-1.0))


def _cheb_step(j, x, p, q, dt):
    """p_{k} = 2 x p_{k-1} - p_{k-2}"""
    return _fma(x + x, q, -p)


def _chebyshev(kind, x, n, dt):
    one = dt.type(1.0)
    odd, nf = (n % 2) != 0, n.astype(dt)
    q1 = {"t": x, "u": x + x, "v": x + x - one, "w": x + x + one}[kind]
    r = _recur(x, n, q1, _cheb_step)
    r = np.where(n == 1, q1, r)
    r = np.where(n == 0, one, r)
    inside = (np.abs(x) < one) & (n > (6 if kind == "t" else 8))
    if inside.any():
        t = _libm(np.arccos, x)
        if kind == "t":
            c = _libm(np.cos, nf * t)
        elif kind == "u":
            s = _libm(np.sin, t)
            c = np.where(s != 0, _libm(np.sin, (n + 1).astype(dt) * t) / s,
                         (n + 1).astype(dt) * _libm(np.cos, (n + 1).astype(dt) * t) / x)
        elif kind == "v":
            c = np.where(_libm(np.sin, t / dt.type(2.0)) != one,
                         _libm(np.cos, (nf + dt.type(0.5)) * t) / _libm(np.cos, t / dt.type(2.0)),
                         np.where(odd, -(n + n + 1), n + n + 1).astype(dt))
        else:
            c = np.where(_libm(np.cos, t / dt.type(2.0)) != one,
                         _libm(np.sin, (nf + dt.type(0.5)) * t) / _libm(np.sin, t / dt.type(2.0)),
                         np.where(x > 0, (n + n + 1).astype(dt), _ones(x, ~odd, dt)))
        r = np.where(inside, c, r)
    edge = np.abs(x) == one
    if edge.any():
        pos = x > 0
        e = {"t": _ones(x, pos | ~odd, dt),
             "u": np.where(pos | ~odd, n + 1, -(n + 1)).astype(dt),
             "v": np.where(pos, one, np.where(odd, -(n + n + 1), n + n + 1).astype(dt)),
             "w": np.where(pos, (n + n + 1).astype(dt), _ones(x, ~odd, dt))}[kind]
        r = np.where(edge, e, r)
    return r


def _shifted(kind, x, n, dt):
    """The Chebyshev polynomials of y = 2x - 1, as torch writes them (special values at x = 0 and 1)."""
    one = dt.type(1.0)
    y = x + x - one
    odd, nf = (n % 2) != 0, n.astype(dt)
    q1 = {"t": y, "u": y + y, "v": y + y - one, "w": y + y + one}[kind]
    r = _recur(y, n, q1, _cheb_step)
    r = np.where(n == 1, q1, r)
    r = np.where(n == 0, one, r)
    inside = (np.abs(y) < one) & (n > (4 if kind == "w" else 6))
    if inside.any():
        t = _libm(np.arccos, y)
        half = t / dt.type(2.0)
        if kind == "t":
            c = _libm(np.cos, nf * t)
        elif kind == "u":
            s, m = _libm(np.sin, t), (n + 1).astype(dt)
            c = np.where(s != 0, _libm(np.sin, m * t) / s, m * _libm(np.cos, m * t) / y)
        elif kind == "v":
            c = np.where(_libm(np.sin, half) != one, _libm(np.cos, (nf + dt.type(0.5)) * t) / _libm(np.cos, half),
                         np.where(odd, -(n + n + 1), n + n + 1).astype(dt))
        else:
            c = np.where(_libm(np.cos, half) != one, _libm(np.sin, (nf + dt.type(0.5)) * t) / _libm(np.sin, half),
                         _ones(x, ~odd, dt))
        r = np.where(inside, c, r)
    at0 = {"t": _ones(x, ~odd, dt), "u": np.where(odd, -(n + 1), n + 1).astype(dt),
           "v": np.where(odd, -(n + n + 1), n + n + 1).astype(dt), "w": _ones(x, ~odd, dt)}[kind]
    at1 = {"t": np.ones_like(x), "u": (n + 1).astype(dt), "v": np.ones_like(x), "w": (n + n + 1).astype(dt)}[kind]
    return np.where(x == one, at1, np.where(x == 0, at0, r))


def _hermite_h(x, n, dt):
    """H_{k+1} = 2x H_k - 2k H_{k-1}; nan above degree 512 (float64) / 128 (float32)."""
    r = _recur(x, n, x + x, lambda j, x, p, q, dt: _fma(x + x, q, -(dt.type(2 * j) * p)))
    r = np.where(n > (128 if dt == _F32 else 512), dt.type(np.nan), r)
    return np.where(n == 1, x + x, np.where(n == 0, dt.type(1.0), r))


def _hermite_he(x, n, dt):
    """He_{k+1} = x He_k - k He_{k-1}; nan above degree 512 (float64) / 128 (float32)."""
    r = _recur(x, n, x.copy(), lambda j, x, p, q, dt: _fma(x, q, -(dt.type(j) * p)))
    r = np.where(n > (128 if dt == _F32 else 512), dt.type(np.nan), r)
    return np.where(n == 1, x, np.where(n == 0, dt.type(1.0), r))


def _laguerre(x, n, dt):
    """(k+1) L_{k+1} = (2k + 1 - x) L_k - k L_{k-1}; 1 at x = 0."""
    one = dt.type(1.0)
    r = _recur(x, n, one - x, lambda j, x, p, q, dt: _fma(dt.type(2 * j) + (one - x), q, -(dt.type(j) * p))
               / dt.type(j + 1))
    r = np.where(n == 1, one - x, np.where(n == 0, one, r))
    return np.where(np.abs(x) == 0, one, r)


def _legendre(x, n, dt):
    """(k+1) P_{k+1} = (2k+1) x P_k - k P_{k-1}; +-1 at x = +-1."""
    r = _recur(x, n, x.copy(), lambda j, x, p, q, dt: _fma(dt.type(2 * j + 1) * x, q, -(dt.type(j) * p))
               / dt.type(j + 1))
    r = np.where(n == 1, x, np.where(n == 0, dt.type(1.0), r))
    return np.where(np.abs(x) == 1, _ones(x, (x > 0) | (n % 2 == 0), dt), r)


# ---- the ops ---------------------------------------------------------------------------------------------
def _bad_args(name, x, n):
    def kind(v):
        return "Tensor" if is_tensor(v) else type(v).__name__
    return TypeError(f"special_{name}() received an invalid combination of arguments - got ({kind(x)}, {kind(n)}), "
                     "but expected one of:\n * (Tensor x, Tensor n, *, Tensor out = None)\n"
                     " * (Number x, Tensor n, *, Tensor out = None)\n * (Tensor x, Number n, *, Tensor out = None)\n")


def _op(name, fn):
    def op(x, n, *, out=None):
        numbers = (bool, int, float, complex)
        if not ((is_tensor(x) or isinstance(x, numbers)) and (is_tensor(n) or isinstance(n, numbers))) or \
                not (is_tensor(x) or is_tensor(n)):
            raise _bad_args(name, x, n)
        from ._common import check_pair         # the sizes before the Half refusal, as TensorIterator
        check_pair(x, n)
        a, b, dt = binary_operands(x, n)
        if dt._cat in (0, 1):
            dt = DEFAULT.float
        npdt = dt.np
        if npdt not in (np.float32, np.float64):
            raise not_implemented(f"{name}_cpu", npdt)
        a, b = np.asarray(a, npdt), np.asarray(b, npdt)
        try:
            a, b = np.broadcast_arrays(a, b)
        except ValueError:
            raise broadcast_error(a.shape, b.shape) from None
        with np.errstate(all="ignore"):
            xf, nf = a.reshape(-1), _degree(b.reshape(-1), npdt)
            r = fn(xf, nf, npdt)
            r = np.where(nf < 0, npdt.type(0.0), r).astype(npdt).reshape(a.shape)
        # TensorIterator's layout, the operands as given (a number is a 0-d operand)
        r = _wrap(_ti(np.asarray(r), *(v._data if is_tensor(v) else v for v in (x, n))))
        if out is not None:
            from ._out import write_out
            return write_out(f"special_{name}", r, out)
        return r
    op.__name__ = op.__qualname__ = f"special_{name}"
    op.__doc__ = f"torch.special.{name}(x, n): {fn.__doc__ or ''}  (no derivative in torch)"
    return op


def _named(kind, shifted):
    f = (lambda x, n, dt: _shifted(kind, x, n, dt)) if shifted else (lambda x, n, dt: _chebyshev(kind, x, n, dt))
    which = dict(t="first", u="second", v="third", w="fourth")[kind]
    f.__doc__ = f"the {'shifted ' if shifted else ''}Chebyshev polynomial of the {which} kind"
    return f


chebyshev_polynomial_t = _op("chebyshev_polynomial_t", _named("t", False))
chebyshev_polynomial_u = _op("chebyshev_polynomial_u", _named("u", False))
chebyshev_polynomial_v = _op("chebyshev_polynomial_v", _named("v", False))
chebyshev_polynomial_w = _op("chebyshev_polynomial_w", _named("w", False))
shifted_chebyshev_polynomial_t = _op("shifted_chebyshev_polynomial_t", _named("t", True))
shifted_chebyshev_polynomial_u = _op("shifted_chebyshev_polynomial_u", _named("u", True))
shifted_chebyshev_polynomial_v = _op("shifted_chebyshev_polynomial_v", _named("v", True))
shifted_chebyshev_polynomial_w = _op("shifted_chebyshev_polynomial_w", _named("w", True))
hermite_polynomial_h = _op("hermite_polynomial_h", _hermite_h)
hermite_polynomial_he = _op("hermite_polynomial_he", _hermite_he)
laguerre_polynomial_l = _op("laguerre_polynomial_l", _laguerre)
legendre_polynomial_p = _op("legendre_polynomial_p", _legendre)

__all__ = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
           "legendre_polynomial_p"]
