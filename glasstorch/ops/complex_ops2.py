"""More complex-number kernels, reached from the real ops' non-float branches (so real tensors pay
nothing): Python numbers from complex tensors, ``silu``, ``logcumsumexp``, and ``linalg.eig`` /
``eigvals``.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1


# ---- float() / int() of a one-element complex tensor ------------------------------------------------
def complex_to_number(v, kind):
    """torch converts through its scalar type, refusing a value with an imaginary part (or, for int, a
    real part that is not finite) as an overflow."""
    ok = v.imag == 0 and (kind is float or np.isfinite(v.real))
    if not ok:
        target = "double" if kind is float else "int64_t"
        raise RuntimeError(f"value cannot be converted to type {target} without overflow")
    return kind(v.real)


# ---- silu -------------------------------------------------------------------------------------------
def silu(input):
    """x / (1 + exp(-x)) in complex arithmetic, as torch's kernel; torch records no derivative for it."""
    if GRAD.enabled and input._rg:
        raise RuntimeError("silu does not support automatic differentiation for outputs with complex dtype.")
    x = input._data
    with np.errstate(all="ignore"):
        return _wrap(np.asarray(x / (1 + np.exp(-x)), x.dtype))


# ---- logcumsumexp -----------------------------------------------------------------------------------
def _log_add_exp(acc, x):
    """torch's complex step: nan if a real part is nan; equal infinite real parts: -inf keeps acc,
    +inf gives log(exp(acc) + exp(x)); otherwise hi + log1p(exp(lo - hi)), hi the operand of larger
    real part (x on a tie)."""
    lo_r, hi_r = np.minimum(acc.real, x.real), np.maximum(acc.real, x.real)
    first = x.real < acc.real
    lo, hi = np.where(first, x, acc), np.where(first, acc, x)
    with np.errstate(all="ignore"):
        r = log1p(np.exp(lo - hi)) + hi
        inf = ~np.isfinite(lo_r) & (lo_r == hi_r)
        if inf.any():
            r = np.where(inf, np.where(lo_r < 0, acc, np.log(np.exp(acc) + np.exp(x))), r)
    nan = np.isnan(lo_r) | np.isnan(hi_r)
    return np.where(nan, np.complex128(complex(np.nan, np.nan)), r)


def log1p(z):
    """c10's complex log1p: (log1p(x (2 + x) + y^2) / 2, atan2(y, 1 + x)) for |z| < 0.5 (x + i0 when
    that sum underflows to 0), (log hypot(1 + x, y), atan2(y, 1 + x)) otherwise."""
    x, y = z.real, z.imag
    with np.errstate(all="ignore"):
        theta = np.arctan2(y, x + 1)
        r = x * (2 + x) + y * y
        small = np.abs(z) < 0.5
        re = np.where(small, np.where(r == 0, x, np.log1p(r) / 2), np.log(np.hypot(x + 1, y)))
    out = np.empty(np.shape(z), np.result_type(z, np.complex64))
    out.real, out.imag = re, theta
    return out


def _logcumsumexp(x, d):
    xm = np.moveaxis(x, d, -1)
    out = np.empty_like(xm)
    acc = np.full(xm.shape[:-1], complex(-np.inf, 0), np.complex128)    # the kernel's accumulator type
    for k in range(xm.shape[-1]):
        acc = _log_add_exp(acc, xm[..., k].astype(np.complex128))
        out[..., k] = acc
    return np.moveaxis(out, -1, d)


class LogcumsumexpBackward0(Node):
    """y = logcumsumexp(x, d)   ->   dx = conj(exp(x + revlcse(log conj(g) - y))), revlcse the reversed
    running log-sum-exp (torch's complex formula: no split of g by sign)"""
    __slots__ = ("dim",)
    _complex_ready = True

    def backward(self, g):
        import glasstorch as m
        x, y = self.saved()
        plain = isinstance(g, np.ndarray)
        if plain:
            g, x, y = _wrap(g), _wrap(x), _wrap(y)
        d = self.dim
        t = (g.conj().log() - y).flip(d)
        r = (m.logcumsumexp(t, d).flip(d) + x).exp().conj()
        return (r._data if plain else r,)


def logcumsumexp_values(x, d):
    """The complex forward of ops.cumulative_more.logcumsumexp (which records the node)."""
    with np.errstate(all="ignore"):
        return _logcumsumexp(x, d).astype(x.dtype)
