"""More of ``torch.special``: Bessel I0/I1 (plain and exponentially scaled), ``erfcx``, ``log_ndtr``,
``ndtri``, the regularized incomplete gamma functions, Hurwitz ``zeta``, ``xlog1py``, ``logaddexp2``.

Values are computed in float64 with NumPy and rounded once to the input's dtype, except I0 / I1.  Methods:
* i0, i0e, i1, i1e: torch's Cephes Chebyshev sums in the input's own precision (``_i_cephes.py``);
* erfcx(x) = exp(x^2) erfc(x): directly while both factors are finite, its asymptotic series to 50,
  torch's continued fraction beyond (``_special_kernels.py``);
* log_ndtr(x) = log(erfcx(-x/sqrt 2) / 2) - x^2/2 below -1, log1p(-erfc(x/sqrt 2)/2) above (``_log_ndtr_libm.py``);
* ndtri: Cephes' rational approximations in the input's precision, as torch (``_ndtri_cephes.py``);
* gammainc / gammaincc: Cephes' series (x < a + 1) and continued fraction (otherwise);
* zeta(x, q): Cephes' Euler-Maclaurin sum with Bernoulli-number corrections.
"""
import math

import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1, unary_float_input
from ._common import tensors_only
from ._common import check_pair
from ._inputs import not_two_numbers
from ._layout import ti as _ti
from ._complex_refuse import not_implemented, refuse
from . import _grad_scalars as _gs
from .binary_more import _float_pair
from ._log_ndtr_libm import log_ndtr_libm
from ._ndtri_cephes import ndtri_cephes
from ._i_cephes import i0e_cephes, i1_cephes, i1e_cephes
from ._special_kernels import _SQRT2PI, _erfcx64, _igam64, _is_array, _lgamma64, _ndtri64, _zeta64


# ---- ops and their nodes ----------------------------------------------------------------------------
def _unary(fn64, node, input, kernel, own_dtype=False, half=True):
    """``own_dtype``: fn64 takes x in its own dtype (a kernel that computes in float32 as torch does);
    ``half=False``: torch's kernel has no float16 instance either."""
    x = unary_float_input(input)
    refuse(kernel, x)                          # torch has no complex kernel for these
    if not half and x.dtype == np.float16:
        raise not_implemented(kernel, x.dtype)
    # the kernels may hand back a row-major array: TensorIterator's layout follows the input
    r = _wrap(_ti(np.asarray(fn64(x if own_dtype else x.astype(np.float64)), x.dtype), input._data))
    if GRAD.enabled and input._rg:
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


def _special(name):
    import glasstorch
    return getattr(glasstorch.special, name)


class I0Backward0(Node):
    """y = I0(x)   ->   dx = g I1(x)"""
    __slots__ = ()

    def backward(self, g):
        x, _ = self.saved()
        return (g * (i1_cephes(x) if _is_array(g) else _special("i1")(x)),)


class SpecialI0EBackward0(Node):
    """y = I0(x) e^-|x|   ->   dx = g (I1e(x) - sgn(x) y)"""
    __slots__ = ()

    def backward(self, g):
        x, y = self.saved()
        i1e = i1e_cephes(x) if _is_array(g) else _special("i1e")(x)
        return (g * (i1e - self.m.sign(x) * y),)


def _not_tiny(x, m):
    """|x| > eps of x's dtype: torch's i1 / i1e backward sends the rest (nan included) the limit 1/2."""
    import glasstorch
    eps = np.finfo(x.dtype).eps if isinstance(x, np.ndarray) else glasstorch.finfo(x.dtype).eps
    return m.abs(x) > eps


class SpecialI1Backward0(Node):
    """y = I1(x)   ->   dx = g (I0(x) - y (1/x)), g / 2 where |x| <= eps or x is nan"""
    __slots__ = ()

    def backward(self, g):
        x, y = self.saved()
        m = self.m
        i0 = _i0_cephes(x) if _is_array(g) else _special("i0")(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g * m.where(_not_tiny(x, m), i0 - y * (1 / x), 0.5),)


class SpecialI1EBackward0(Node):
    """y = I1(x) e^-|x|   ->   dx = g (I0e(x) - y (sgn(x) + 1/x)), g / 2 where |x| <= eps or x is nan"""
    __slots__ = ()

    def backward(self, g):
        x, y = self.saved()
        m = self.m
        i0e = i0e_cephes(x) if _is_array(g) else _special("i0e")(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g * m.where(_not_tiny(x, m), i0e - y * (m.sign(x) + 1 / x), 0.5),)


class SpecialErfcxBackward0(Node):
    """y = exp(x^2) erfc(x)   ->   dx = g (2 x y - 2/sqrt(pi))"""
    __slots__ = ()

    def backward(self, g):
        x, y = self.saved()
        if not isinstance(x, np.ndarray):     # create_graph: C++'s 2.0 * self (mul.Scalar), - c (sub.Scalar)
            return (_gs.minus(_gs.times(x, 2.0) * y, 2.0 / math.sqrt(math.pi)) * g,)
        return ((2.0 * x * y - 2.0 / math.sqrt(math.pi)) * g,)


class SpecialLogNdtrBackward0(Node):
    """y = log(ndtr(x))   ->   dx = g exp(-(y + x^2/2)) / sqrt(2 pi)"""
    __slots__ = ()

    def backward(self, g):
        x, y = self.saved()
        return (g / _SQRT2PI * self.m.exp(-(y + x * x / 2)),)


class SpecialNdtriBackward0(Node):
    """y = ndtri(p)   ->   dp = g sqrt(2 pi) exp(y^2 / 2)"""
    __slots__ = ()

    def backward(self, g):
        _, y = self.saved()
        return (g * _SQRT2PI * self.m.exp(y * y / 2),)


def _i0_cephes(x):
    """I0 as torch's calc_i0 takes it: Cephes' Chebyshev sums in the input's own precision (the
    kernel of torch.special.modified_bessel_i0, bit for bit); half precision goes through float32."""
    from .special_bessel import _i0 as cephes_i0
    flat = x.reshape(-1) if x.dtype.char in "fd" else x.reshape(-1).astype(np.float32)
    return cephes_i0(flat).reshape(x.shape)


def i0(input, *, out=None):
    return _unary(_i0_cephes, I0Backward0(), input, "i0_vml_cpu", own_dtype=True)


def i0e(input, *, out=None):
    return _unary(i0e_cephes, SpecialI0EBackward0(), input, "i0e_cpu", own_dtype=True)


def i1(input, *, out=None):
    return _unary(i1_cephes, SpecialI1Backward0(), input, "i1_cpu", own_dtype=True)


def i1e(input, *, out=None):
    return _unary(i1e_cephes, SpecialI1EBackward0(), input, "i1e_cpu", own_dtype=True)


def erfcx(input, *, out=None):
    return _unary(_erfcx64, SpecialErfcxBackward0(), input, "erfcx_cpu", half=False)


def log_ndtr(input, *, out=None):
    return _unary(log_ndtr_libm, SpecialLogNdtrBackward0(), input, "log_ndtr_cpu", own_dtype=True, half=False)


def _ndtri(x):
    """Cephes' ndtri in float32 / float64 as torch runs it; other dtypes from the float64 kernel."""
    if x.dtype.char in "fd":
        return ndtri_cephes(x)
    return _ndtri64(x.astype(np.float64))


def ndtri(input, *, out=None):
    return _unary(_ndtri, SpecialNdtriBackward0(), input, "ndtri_cpu", own_dtype=True, half=False)


class SpecialEntrBackward0(Node):
    """y = -x log x   ->   dx = -g (1 + log x)"""
    __slots__ = ()

    def backward(self, g):
        x, _ = self.saved()
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g * -_gs.plus(self.m.log(x), 1),)      # C++'s 1 + log: add.Scalar under create_graph


def _entr(x):
    """torch's scalar kernel in the input's dtype: -x * std::log(x) (glibc's logf for float32; for
    float16 c10's log rounds to half and the product is float, rounded to half), 0 at 0, -inf below,
    nan kept."""
    from .special_fns import _log_as_libm
    xf = x.astype(np.float32) if x.dtype == np.float16 else x
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = _log_as_libm(np.where(xf > 0, xf, xf.dtype.type(1)), xf.dtype.type)
        if x.dtype == np.float16:
            lg = lg.astype(np.float16).astype(np.float32)
        r = np.where(xf > 0, -xf * lg, np.where(xf == 0, 0.0, np.where(xf < 0, -np.inf, xf)))
    return r.astype(x.dtype)


def entr(input, *, out=None):
    return _unary(_entr, SpecialEntrBackward0(), input, "entr_cpu", own_dtype=True)


def _igamma_weight(a, x, m):
    """d P(a, x) / dx = x^(a-1) e^-x / Gamma(a)"""
    # lgamma(a) in a's own dtype, as torch's formula runs on the saved (unpromoted) a: a float32 a
    # with a float64 x gives a float32-rounded log Gamma(a)
    return m.exp((a - 1) * m.log(x) - x - (np.asarray(_lgamma64(a), np.float64).astype(a.dtype)
                                          if m is np else m.lgamma(a)))


class IgammaBackward0(Node):
    """y = P(a, x)   ->   dx = g x^(a-1) e^-x / Gamma(a);  da: not implemented in torch"""
    __slots__ = ("sign",)

    def backward(self, g):
        a, x = self.saved()
        if self.next_functions[0][0] is not None:
            raise NotImplementedError(f"the derivative for '{'igammac' if self.sign < 0 else 'igamma'}: input' "
                                      "is not implemented.")
        return None, self.sign * g * _igamma_weight(a, x, self.m)


class IgammacBackward0(IgammaBackward0):
    """y = Q(a, x) = 1 - P(a, x)   ->   dx = -g x^(a-1) e^-x / Gamma(a);  da: not implemented in torch"""
    __slots__ = ()


class SpecialZetaBackward0(Node):
    """y = zeta(x, q)   ->   dq = -g x zeta(x + 1, q);  dx: not implemented in torch"""
    __slots__ = ()

    def backward(self, g):
        x, q = self.saved()
        if self.next_functions[0][0] is not None:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        if _is_array(g):
            from ._special_kernels import _zeta_as
            z = _zeta_as(x + 1, q, g.dtype).astype(np.result_type(x, q))
        else:
            z = _special("zeta")(x + 1, q)
        return None, g * -x * z


class SpecialXlog1PyBackward0(Node):
    """z = x log1p(y) (0 where x = 0)   ->   dx = g log1p(y) (0 where g = 0, or x = 0 and y <= -1),
    dy = g x / (1 + y)"""
    __slots__ = ()

    def backward(self, g):
        x, y = self.saved()
        m = self.m
        if not _is_array(g):     # create_graph: torch's xlog1py(grad, other).masked_fill(...) (MaskedFillBackward0)
            return m.special.xlog1py(g, y).masked_fill((x == 0) & (y <= -1), 0.0), g * x / _gs.plus(y, 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            dx = m.where(((g == 0) & (y == y)) | ((x == 0) & (y <= -1)), 0.0, g * m.log1p(y))
            return dx, g * x / (y + 1)


class Logaddexp2Backward0(Node):
    """z = log2(2^a + 2^b)   ->   da = g / (1 + 2^(b - a)),   db = g / (1 + 2^(a - b))"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        m = self.m
        p = (lambda v: np.exp2(v)) if m is np else (lambda v: m.pow(2.0, v))
        return g / (1 + p(b - a)), g / (1 + p(a - b))


class SpecialXlog1PyBackward1(SpecialXlog1PyBackward0):
    """xlog1py(x, y) with x a number: as SpecialXlog1PyBackward0"""
    __slots__ = ()


class SpecialXlog1PyBackward2(SpecialXlog1PyBackward0):
    """xlog1py(x, y) with y a number: as SpecialXlog1PyBackward0"""
    __slots__ = ()


class SpecialZetaBackward1(SpecialZetaBackward0):
    """zeta(x, q) with x a number: as SpecialZetaBackward0"""
    __slots__ = ()


class SpecialZetaBackward2(SpecialZetaBackward0):
    """zeta(x, q) with q a number: as SpecialZetaBackward0"""
    __slots__ = ()


def _pair(fn64, node, input, other, kernel, scalar_nodes=None):
    """A binary special function; torch names the node ...Backward1 / ...Backward2 when the first /
    second argument is a Python number."""
    def ufunc(x, y):
        return np.asarray(fn64(x, y), np.result_type(x, y))
    check_pair(input, other)
    if isinstance(node, IgammaBackward0):       # torch's igamma kernels are floating only
        from .._dtype import result_type
        from ._complex_refuse import not_implemented
        dt = result_type(input, other)
        if dt._cat < 2:
            raise not_implemented(kernel, dt.np)
    if isinstance(node, (IgammaBackward0, SpecialZetaBackward0)):    # no forward formula in derivatives.yaml
        from ..autograd._no_forward_ad import refuse_forward_ad
        refuse_forward_ad({"igamma_cpu": "igamma", "igammac_cpu": "igammac"}.get(kernel, "special_zeta"),
                          input, other)
    r = _float_pair(ufunc, type(node), input, other, kernel=kernel)
    fn = r.grad_fn
    if fn is not None:
        if isinstance(node, IgammaBackward0):
            fn.sign = node.sign
        elif scalar_nodes is not None and isinstance(input, (int, float)):
            fn.__class__ = scalar_nodes[0]
        elif scalar_nodes is not None and isinstance(other, (int, float)):
            fn.__class__ = scalar_nodes[1]
    return r


def gammainc(input, other, *, out=None):
    tensors_only("special_gammainc", input, other)
    node = IgammaBackward0()
    node.sign = 1
    return _pair(lambda a, x: _igam64(a, x, False), node, input, other, "igamma_cpu")


def gammaincc(input, other, *, out=None):
    tensors_only("special_gammaincc", input, other)
    node = IgammacBackward0()
    node.sign = -1
    return _pair(lambda a, x: _igam64(a, x, True), node, input, other, "igammac_cpu")


def zeta(input, other, *, out=None):
    not_two_numbers("zeta", input, other, special=True, out=out)
    from .._dtype import DEFAULT, result_type
    from ._special_kernels import _zeta_as
    dt = result_type(input, other)      # integers (tensors or numbers) compute in the default float's kernel
    dt = dt.np if dt._cat >= 2 else DEFAULT.float.np
    return _pair(lambda x, q: _zeta_as(x, q, dt), SpecialZetaBackward0(), input, other, "zeta_cpu",
                 (SpecialZetaBackward1, SpecialZetaBackward2))


def _xlog1py64(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((x == 0) & ~np.isnan(y), 0.0, x * np.log1p(y))


def xlog1py(input, other, *, out=None):
    not_two_numbers("xlog1py", input, other, special=True, out=out)
    return _pair(_xlog1py64, SpecialXlog1PyBackward0(), input, other, "xlog1py_cpu",
                 (SpecialXlog1PyBackward1, SpecialXlog1PyBackward2))


def logaddexp2(input, other, *, out=None):
    from .binary_more import tensors_only
    tensors_only("logaddexp2", input, other)
    return _float_pair(np.logaddexp2, Logaddexp2Backward0, input, other)


def igamma(input, other, *, out=None):
    tensors_only("igamma", input, other)            # (torch names the function its error is about)
    return gammainc(input, other)


def igammac(input, other, *, out=None):
    tensors_only("igammac", input, other)
    return gammaincc(input, other)

__all__ = ["entr", "i0", "i0e", "i1", "i1e", "erfcx", "log_ndtr", "ndtri", "gammainc", "gammaincc", "igamma", "igammac",
           "zeta", "xlog1py", "logaddexp2"]
