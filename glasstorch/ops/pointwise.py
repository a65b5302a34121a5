"""More pointwise functions of one tensor, each with its derivative: logs and exps, roots, trig and
hyperbolic functions and their inverses, erf family, rounding.  Integer inputs are computed in the
default float dtype, as torch does (rounding ops keep integers as they are).
"""
import math

import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, as_array, record1
from . import _half_math as _hg, _libm, _sleef_loop
from . import _inverse_trig_grad as _itg, _grad_scalars as _gs
from .unary import _unary, _sqrt, nan_signed
from .inplace import commit, type_name
from .inplace_more import original
from ._complex_refuse import refuse
from .._not_given import NO_DECIMALS      # 0, marking round's decimals as not passed

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_LN2 = math.log(2.0)
_LN10 = 2.3025850929940456      # derivatives.yaml's literal, one ulp below math.log(10.0)
_2_SQRTPI = 2.0 / math.sqrt(math.pi)


# ---- logs and exponentials -------------------------------------------------------------------------
class Log2Backward0(Node):
    """y = log2(x)   ->   dx = g / (x ln 2)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        return (g / _gs.times(x, _LN2),)       # C++'s self * ln2: mul.Scalar under create_graph


class Log10Backward0(Node):
    """y = log10(x)   ->   dx = g / (x ln 10)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        return (g / _gs.times(x, _LN10),)


class Log1PBackward0(Node):
    """y = log(1 + x)   ->   dx = g / (1 + x)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        return (g / _gs.plus(x, 1),)


class Expm1Backward0(Node):
    """y = exp(x) - 1   ->   dx = g * (y + 1)"""
    __slots__ = ()

    def backward(self, g):
        y, = self.saved()
        return (g * _gs.plus(y, 1),)


class Exp2Backward0(Node):
    """y = 2^x   ->   dx = g * y ln 2"""
    __slots__ = ()

    def backward(self, g):
        y, = self.saved()
        return (_gs.times(g * y, _LN2),)        # derivatives.yaml's grad * result * M_LN2, left to right


class RsqrtBackward0(Node):
    """y = x^(-1/2)   ->   dx = -g y^3 / 2"""
    __slots__ = ()

    def backward(self, g):
        y, = self.saved()
        if _hg.is_half(y):
            return (_hg.rsqrt_grad(g, y),)
        if self.m is not np:                        # create_graph: torch's mul.Scalar and PowBackward0
            return (_gs.times(g, -0.5) * y.pow(3),)
        return ((-0.5 * g) * (y * y * y),)          # torch's -0.5 * grad * result.pow(3), pow(3) = (y y) y


_log2, _log10 = nan_signed(_libm.log2, False), nan_signed(_libm.log10, False)    # (MKL's: see _libm)


def log2(input, *, out=None):
    return _unary(_log2, Log2Backward0, input, "self")


def log10(input, *, out=None):
    return _unary(_log10, Log10Backward0, input, "self")


def _in_loop(name, fallback):
    """torch's float32 / float64 kernel: its VML-style loop maps ``Vectorized::<name>`` over contiguous
    buffers (strided inputs copied in, a partial last vector included), so SLEEF's on every element
    whatever the layout (measured)."""
    def kernel(x):
        if x.dtype.char in "fd":
            return np.asarray(_sleef_loop.by_path(name, x, True))
        return fallback(x)
    return kernel


def _vec_loop(name, fallback):
    """torch's float32 / float64 ``cpu_kernel_vec`` kernel (sinh, cosh, atanh, exp2): SLEEF's
    ``Vectorized::<name>`` in the loop's vector blocks of the input's layout, glibc's (NumPy's ufunc) in
    the rest (``_sleef_loop.in_loop``; measured).  Other dtypes: ``fallback``."""
    def kernel(x):
        if x.dtype.char in "fd":
            with np.errstate(all="ignore"):
                return np.asarray(_sleef_loop.in_loop(name, x, x))
        return fallback(x)
    return kernel


_sinh, _cosh, _atanh = _vec_loop("sinh", np.sinh), _vec_loop("cosh", np.cosh), _vec_loop("atanh", np.arctanh)


def log1p(input, *, out=None):
    return _unary(_in_loop("log1p", _libm.log1p_vec), Log1PBackward0, input, "self")


def expm1(input, *, out=None):
    return _unary(_in_loop("expm1", _libm.expm1), Expm1Backward0, input, "result")


def exp2(input, *, out=None):
    return _unary(_vec_loop("exp2", np.exp2), Exp2Backward0, input, "result")


def _rsqrt(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        if x.dtype == np.float16:            # computed in float, rounded to half once
            return (np.float32(1) / np.sqrt(x.astype(np.float32))).astype(np.float16)
        return x.dtype.type(1) / np.sqrt(x)


def rsqrt(input, *, out=None):
    return _unary(_rsqrt, RsqrtBackward0, input, "result")


def square(input, *, out=None):
    from .arithmetic import pow
    input._data                 # a non-tensor is torch's parser error (the out wrapper reports it)
    return pow(input, 2)


# ---- trigonometry ----------------------------------------------------------------------------------
def _simple(name, fn, formula, save):
    """One node class and its forward from a derivative ``formula(g, saved, m)``."""
    cls = type(name, (Node,), {"__slots__": (), "__doc__": formula.__doc__,
                               "backward": lambda self, g: (formula(g, self.saved()[0] if self._saved else None, self.m),)})

    def forward(input, *, out=None):
        return _unary(fn, cls, input, save)
    forward.__name__ = forward.__qualname__ = name[:-len("Backward0")].lower()     # torch's name, for its errors
    return cls, forward


def _d_tan(g, y, m):
    """y = tan(x)   ->   dx = g (1 + y^2)"""
    return g * _gs.plus(_gs.square(y), 1)


def _d_asin(g, x, m):
    """y = asin(x)   ->   dx = g (1 - x^2)^(-1/2)  (torch's rsqrt form: _inverse_trig_grad)"""
    return _itg.d_asin(g, x, m)


def _d_acos(g, x, m):
    """y = acos(x)   ->   dx = -g (1 - x^2)^(-1/2)"""
    return _itg.d_acos(g, x, m)


def _d_atan(g, x, m):
    """y = atan(x)   ->   dx = g / (1 + x^2)"""
    return g / _gs.plus(x * x, 1)


def _d_sinh(g, x, m):
    """y = sinh(x)   ->   dx = g cosh(x)"""
    if m is np:                     # (torch's cosh kernel on the saved input: SLEEF's in its vector blocks)
        return g * _cosh(x)
    return g * m.cosh(x)


def _d_cosh(g, x, m):
    """y = cosh(x)   ->   dx = g sinh(x)"""
    if m is np:
        return g * _sinh(x)
    return g * m.sinh(x)


def _d_asinh(g, x, m):
    """y = asinh(x)   ->   dx = g (x^2 + 1)^(-1/2)"""
    return _itg.d_asinh(g, x, m)


def _d_acosh(g, x, m):
    """y = acosh(x)   ->   dx = g (x^2 - 1)^(-1/2)"""
    return _itg.d_acosh(g, x, m)


def _d_atanh(g, x, m):
    """y = atanh(x)   ->   dx = g / (1 - x^2)"""
    return _gs.times(g, 1) / _gs.number_minus(1, _gs.square(x))     # derivatives.yaml's grad * 1 / (1 - x^2)


def _d_erf(g, x, m):
    """y = erf(x)   ->   dx = g 2/sqrt(pi) exp(-x^2)"""
    if m is not np:         # create_graph: torch's 2 / sqrt(pi) * exp(-(x.pow(2))) * grad
        return _gs.times(_libm.exp(-x.pow(2)), _2_SQRTPI) * g
    return g * (_2_SQRTPI * _libm.exp(-(x * x)))      # (float32 exp rounded once, as SLEEF's)


def _d_erfc(g, x, m):
    """y = erfc(x)   ->   dx = -g 2/sqrt(pi) exp(-x^2)"""
    if m is not np:
        return _gs.times(_libm.exp(-x.pow(2)), -_2_SQRTPI) * g
    return g * (-_2_SQRTPI * _libm.exp(-(x * x)))


def _d_erfinv(g, y, m):
    """y = erfinv(x)   ->   dx = g sqrt(pi)/2 exp(y^2)"""
    if m is not np:
        return _gs.times(_libm.exp(y.pow(2)), 0.5 * math.sqrt(math.pi)) * g
    return g * (0.5 * math.sqrt(math.pi) * _libm.exp(y * y))


def _d_zero(g, x, m):
    """y = floor/ceil/round/trunc(x)   ->   dx = 0"""
    return g * 0


def _d_one(g, x, m):
    """y = frac(x) = x - trunc(x)   ->   dx = g"""
    return g


def _d_deg2rad(g, x, m):
    """y = x pi / 180   ->   dx = g pi / 180"""
    return g * (math.pi / 180)


def _d_rad2deg(g, x, m):
    """y = x 180 / pi   ->   dx = g 180 / pi"""
    return g * (180 / math.pi)


_erf64 = np.frompyfunc(math.erf, 1, 1)
_erfc64 = np.frompyfunc(math.erfc, 1, 1)


def _erf(x):
    refuse("erf_vml_cpu", x)
    # np.asarray: a frompyfunc ufunc returns a bare Python float for a 0-d input
    return np.asarray(_erf64(x.astype(np.float64))).astype(x.dtype) if x.size else x.copy()


def _erfc(x):
    refuse("erfc_vml_cpu", x)
    return np.asarray(_erfc64(x.astype(np.float64))).astype(x.dtype) if x.size else x.copy()


def _erfinv(x):
    """Inverse error function: Giles' single-precision approximation, then Newton steps in float64."""
    refuse("erfinv_vml_cpu", x)
    z = x.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1.0 - z) * (1.0 + z))
        small = w < 5.0
        ws = w - 2.5
        wl = np.sqrt(w) - 3.0
        ps = np.polyval([2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                         -0.00125372503, -0.00417768164, 0.246640727, 1.50140941], ws)
        pl = np.polyval([-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                         -0.0076224613, 0.00943887047, 1.00167406, 2.83297682], wl)
        y = np.where(small, ps, pl) * z
        for _ in range(2):
            ok = np.isfinite(y)
            err = np.asarray(_erf64(np.where(ok, y, 0.0))).astype(np.float64) - z
            y = np.where(ok, y - err / (_2_SQRTPI * np.exp(-y * y)), y)
        y = np.where(z == 1, np.inf, np.where(z == -1, -np.inf, y))
        y = np.where(np.abs(z) > 1, np.nan, y)
    return y.astype(x.dtype)


TanBackward0, tan = _simple("TanBackward0", np.tan, _d_tan, "result")
AsinBackward0, asin = _simple("AsinBackward0", nan_signed(np.arcsin, True), _d_asin, "self")
AcosBackward0, acos = _simple("AcosBackward0", nan_signed(np.arccos, True), _d_acos, "self")
AtanBackward0, atan = _simple("AtanBackward0", np.arctan, _d_atan, "self")
SinhBackward0, sinh = _simple("SinhBackward0", _sinh, _d_sinh, "self")
CoshBackward0, cosh = _simple("CoshBackward0", _cosh, _d_cosh, "self")
AsinhBackward0, asinh = _simple("AsinhBackward0", np.arcsinh, _d_asinh, "self")
AcoshBackward0, acosh = _simple("AcoshBackward0", np.arccosh, _d_acosh, "self")
AtanhBackward0, atanh = _simple("AtanhBackward0", _atanh, _d_atanh, "self")
ErfBackward0, erf = _simple("ErfBackward0", _erf, _d_erf, "self")
ErfcBackward0, erfc = _simple("ErfcBackward0", _erfc, _d_erfc, "self")
ErfinvBackward0, erfinv = _simple("ErfinvBackward0", _erfinv, _d_erfinv, "result")
def _scaled(c, name):
    """torch's deg2rad / rad2deg: one multiply by the constant rounded to the input's float type
    (half computes in float)."""
    def fn(x):
        dt = x.dtype
        if dt is _F32 or dt is _F64:
            return x * dt.type(c)
        if dt == np.float16:
            return (x.astype(np.float32) * np.float32(c)).astype(np.float16)
        if dt.kind == "c":
            raise RuntimeError(f"{name} is not supported for complex tensors.")
        return x * dt.type(c)
    fn.__name__ = name
    return fn


Deg2RadBackward0, deg2rad = _simple("Deg2RadBackward0", _scaled(math.pi / 180, "deg2rad"), _d_deg2rad, None)
Rad2DegBackward0, rad2deg = _simple("Rad2DegBackward0", _scaled(180 / math.pi, "rad2deg"), _d_rad2deg, None)
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


# ---- rounding: integers pass through unchanged -----------------------------------------------------
FloorBackward0 = type("FloorBackward0", (Node,), {"__slots__": (), "__doc__": "y = floor(x)   ->   dx = 0",
                                                  "backward": lambda self, g: (self.m.zeros_like(g),)})
CeilBackward0 = type("CeilBackward0", (Node,), {"__slots__": (), "__doc__": "y = ceil(x)   ->   dx = 0",
                                                "backward": lambda self, g: (self.m.zeros_like(g),)})
TruncBackward0 = type("TruncBackward0", (Node,), {"__slots__": (), "__doc__": "y = trunc(x)   ->   dx = 0",
                                                  "backward": lambda self, g: (self.m.zeros_like(g),)})
RoundBackward0 = type("RoundBackward0", (Node,), {"__slots__": (), "__doc__": "y = round(x)   ->   dx = 0",
                                                  "backward": lambda self, g: (self.m.zeros_like(g),)})
RoundBackward1 = type("RoundBackward1", (Node,), {"__slots__": (),
                                                  "__doc__": "y = round(x, decimals)   ->   dx = 0",
                                                  "backward": lambda self, g: (self.m.zeros_like(g),)})
FracBackward0 = type("FracBackward0", (Node,), {"__slots__": (), "__doc__": "y = x - trunc(x)   ->   dx = g",
                                                "backward": lambda self, g: (g,)})


def _rounding(fn, node_cls, input):
    x = input._data
    if x.dtype.kind in "biuc":
        if x.dtype.kind == "c":     # (round has no complex kernel; floor, ceil and trunc say so themselves)
            if fn is np.round:
                raise NotImplementedError(f"\"round_vml_cpu\" not implemented for '{type_name(x.dtype)}'")
            raise NotImplementedError(f"{fn.__name__} is not supported for complex inputs")
        if x.dtype.kind == "b":     # torch's integer fast path skips bool, whose float kernel refuses it
            raise NotImplementedError(f"\"{fn.__name__}_vml_cpu\" not implemented for 'Bool'")
        return _wrap(x.copy())
    return _unary(fn, node_cls, input, None, x)


def floor(input, *, out=None):
    return _rounding(np.floor, FloorBackward0, input)


def ceil(input, *, out=None):
    return _rounding(np.ceil, CeilBackward0, input)


def trunc(input, *, out=None):
    return _rounding(np.trunc, TruncBackward0, input)


fix = trunc


def _round_decimals(decimals):
    # torch scales by 10^d, rounds half to even, and scales back (so does NumPy's np.round)
    # (a half tensor is scaled and rounded in float32, torch's opmath type, then cast back)
    def fn(x):
        if x.dtype == np.float16:
            return np.round(x.astype(np.float32), decimals).astype(np.float16)
        return np.round(x, decimals)
    fn.__name__ = "round"
    return fn


def round(input, *, decimals=NO_DECIMALS, out=None):
    if decimals is NO_DECIMALS:      # round(Tensor): integer tensors come back unchanged
        return _rounding(np.round, RoundBackward0, input)
    if decimals.__class__ is not int:
        from .._arg_refuse import int_arg
        decimals = int_arg(decimals, "decimals")
    x = input._data
    if x.dtype.kind in "biuc":       # round(Tensor, *, decimals): no integer fast path, even for 0
        kernel = "round_vml_cpu" if decimals == 0 else "round_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(x.dtype)}'")
    return _unary(_round_decimals(decimals), RoundBackward1, input, None, x)


def frac(input, *, out=None):
    x = input._data
    if x.dtype.kind in "biuc":
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{type_name(x.dtype)}'")
    return _unary(lambda a: a - np.trunc(a), FracBackward0, input, None, x)


# ---- in-place forms ------------------------------------------------------------------------------
from ._inplace_forms import inplace_form as _inplace  # noqa: E402  (no out=, as torch's in-place forms)


log2_, log10_, log1p_, expm1_, exp2_, rsqrt_, square_ = map(_inplace, (log2, log10, log1p, expm1, exp2, rsqrt,
                                                                      square))
tan_, asin_, acos_, atan_, sinh_, cosh_ = map(_inplace, (tan, asin, acos, atan, sinh, cosh))


def _inplace_node(cls, fn, name):
    """An in-place form whose node torch names differently from the out-of-place one (its
    derivatives.yaml has a separate ``asinh_`` entry, without a formula: ``...Backward1`` raises)."""
    def method(self):
        return commit(self, lambda: _unary(fn, cls, original(self), "self"), name)
    method.__name__ = name + "_"
    return method


def _no_derivative(name):
    """torch's node for the in-place form, which has no derivative formula: backward refuses."""
    def backward(self, g):
        raise NotImplementedError(f"the derivative for 'inplace version of {name[:5].lower()}' is not implemented.")
    return type(name, (Node,), {"__slots__": (), "backward": backward,
                                "__doc__": "y = x." + name[:5].lower() + "_()   ->   no derivative (torch has none)"})


AsinhBackward1, AcoshBackward1, AtanhBackward1 = map(_no_derivative, ("AsinhBackward1", "AcoshBackward1",
                                                                      "AtanhBackward1"))
asinh_ = _inplace_node(AsinhBackward1, np.arcsinh, "asinh")
acosh_ = _inplace_node(AcoshBackward1, np.arccosh, "acosh")
atanh_ = _inplace_node(AtanhBackward1, _atanh, "atanh")
erf_, erfc_, erfinv_, floor_, ceil_, trunc_, round_, frac_ = map(_inplace, (erf, erfc, erfinv, floor, ceil, trunc,
                                                                            round, frac))
deg2rad_, rad2deg_ = map(_inplace, (deg2rad, rad2deg))

__all__ = ["log2", "log10", "log1p", "expm1", "exp2", "rsqrt", "square", "tan", "asin", "acos", "atan", "sinh",
           "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "erf",
           "erfc", "erfinv", "deg2rad", "rad2deg", "floor", "ceil", "trunc", "fix", "round", "frac", "log2_",
           "log10_", "log1p_", "expm1_", "exp2_", "rsqrt_", "square_", "tan_", "asin_", "acos_", "atan_", "sinh_",
           "cosh_", "asinh_", "acosh_", "atanh_", "erf_", "erfc_", "erfinv_", "floor_", "ceil_", "trunc_", "round_",
           "frac_", "deg2rad_", "rad2deg_"]
