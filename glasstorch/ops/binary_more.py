"""More pointwise functions of two tensors: minimum, maximum, fmin, fmax, fmod, remainder (``%``),
atan2, hypot, copysign, logaddexp, xlogy.  clamp and its kin live in ``clamp.py``, lerp, addcmul
and addcdiv in ``ternary.py`` (re-exported here, where they used to be).

At kinks torch's choices hold: maximum/minimum split the gradient in half between equal inputs.
"""
import numpy as np
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

from .._dtype import result_type
from ..autograd.graph import Node
from ._common import (GRAD, _wrap, as_array, is_tensor, record, record1, needs_grad, binary_operands, compute,
                      ints_in_float, tensors_only)
from ._common import tensor_input
from ._common import check_pair
from ._inputs import not_two_numbers
from ._complex_refuse import refuse_dt
from . import _grad_scalars as _gs
from .inplace import commit
from .inplace_more import original
from .clamp import clamp, clip, clamp_min, clamp_max, clamp_, clip_, clamp_min_, clamp_max_  # noqa: F401
from .ternary import lerp, addcmul, addcdiv, lerp_, addcmul_, addcdiv_                       # noqa: F401
from .._arg_parser import tp_name


# ---- maximum / minimum ---------------------------------------------------------------------------
class MaximumBackward0(Node):
    """z = max(a, b)   ->   da = g where a > b, db = g where b > a, g/2 each where a == b"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        if self.m is not np:                # create_graph: torch's formula's nodes (_grad_scalars)
            return _gs.max_min_grads(g, a, b, a < b, a > b)
        w = self.m.where
        half = g / 2
        return w(a == b, half, w(a < b, 0.0, g)), w(a == b, half, w(a > b, 0.0, g))


class MinimumBackward0(Node):
    """z = min(a, b)   ->   da = g where a < b, db = g where b < a, g/2 each where a == b"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        if self.m is not np:
            return _gs.max_min_grads(g, a, b, a > b, a < b)
        w = self.m.where
        half = g / 2
        return w(a == b, half, w(a > b, 0.0, g)), w(a == b, half, w(a < b, 0.0, g))


class FmaxBackward0(Node):
    """z = fmax(a, b) (nan-ignoring)   ->   da = g where a won (or b is nan),   db = g elsewhere"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        w = self.m.where
        pick_a = (a >= b) | (b != b)
        if self.m is not np:
            return _gs.fmax_fmin_grads(g, pick_a)
        return w(pick_a, g, 0.0), w(pick_a, 0.0, g)


class FminBackward0(Node):
    """z = fmin(a, b) (nan-ignoring)   ->   da = g where a won (or b is nan),   db = g elsewhere"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        w = self.m.where
        pick_a = (a <= b) | (b != b)
        if self.m is not np:
            return _gs.fmax_fmin_grads(g, pick_a)
        return w(pick_a, g, 0.0), w(pick_a, 0.0, g)


def _pair(ufunc, node_cls, input, other):
    tensors_only(ufunc.__name__, input, other)
    x, y, dt = binary_operands(input, other)
    if dt._cat == 3:             # NumPy would order complex numbers lexicographically
        raise RuntimeError(f"{ufunc.__name__} not implemented for complex tensors.")
    r = _wrap(compute(ufunc, x, y, dt))
    if needs_grad(input, other):
        node = node_cls()
        node.save(input, other)
        record(node, r, input, other)
    return r


def maximum(input, other, *, out=None):
    return _pair(np.maximum, MaximumBackward0, input, other)


def minimum(input, other, *, out=None):
    return _pair(np.minimum, MinimumBackward0, input, other)


def fmax(input, other, *, out=None):
    return _pair(np.fmax, FmaxBackward0, input, other)


def fmin(input, other, *, out=None):
    return _pair(np.fmin, FminBackward0, input, other)


# ---- fmod / remainder ----------------------------------------------------------------------------
class FmodBackward0(Node):
    """z = fmod(a, c) (c a number)   ->   da = g"""
    __slots__ = ()

    def backward(self, g):
        return (g,)


class FmodBackward1(Node):
    """z = fmod(a, b)   ->   da = g,   db = -g * trunc(a / b)"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        return g, -g * self.m.trunc(a / b)


class RemainderBackward0(FmodBackward0):
    """z = a mod c (c a number)   ->   da = g"""
    __slots__ = ()


class RemainderBackward1(Node):
    """z = a - b * floor(a / b)   ->   da = g,   db = -g * floor_divide(a, b)"""
    __slots__ = ()

    def backward(self, g):
        # torch's div(rounding_mode="floor"), Python's floor division: 1 // -inf is -1, where
        # floor(1 / -inf) is -0
        a, b = self.saved()
        m = self.m
        if m is np:
            with np.errstate(divide="ignore", invalid="ignore"):
                return g, -g * np.floor_divide(a, b)
        return g, -g * m.div(a, b, rounding_mode="floor")


def _torch_remainder(x, y):
    """torch's float kernel: fmod, then move into the divisor's sign (keeps -0.0, unlike NumPy)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.fmod(x, y)
        fix = (m != 0) & ((np.asarray(y) < 0) != (m < 0))
        return as_array(np.where(fix, m + y, m).astype(m.dtype, copy=False))


def _modulo(kind, input, other):
    if not is_tensor(input):                          # 5 % t
        input = _wrap(np.asarray(input).astype(result_type(input, other).np))   # (wraps as torch's cast: -300 -> 212)
    check_pair(input, other)
    x, y, dt = binary_operands(input, other)
    if dt._cat != 2:
        refuse_dt(kind + "_cpu", dt, bools=True)
        if np.any(np.asarray(y) == 0):
            raise RuntimeError("ZeroDivisionError")
    if dt._cat == 2:
        fn = np.fmod if kind == "fmod" else _torch_remainder
        if dt.np == np.float16:         # torch's kernel takes a number cast to float16 (ops/_half_scalar.py)
            from ._half_scalar import rounded
            x, y = rounded(x), rounded(y)
        r = compute(fn, x, y, dt) if dt.np == np.float16 else as_array(fn(x, y)).astype(dt.np, copy=False)
        r = _wrap(_ti(r, x, y))
    else:
        r = _wrap(_ti(as_array((np.fmod if kind == "fmod" else np.remainder)(x, y)).astype(dt.np, copy=False), x, y))
    if is_tensor(other):
        if needs_grad(input, other):
            node = (FmodBackward1 if kind == "fmod" else RemainderBackward1)()
            node.save(input, other)
            record(node, r, input, other)
    elif GRAD.enabled and input._rg:
        record1((FmodBackward0 if kind == "fmod" else RemainderBackward0)(), r, input)
    return r


def fmod(input, other, *, out=None):
    tensor_input("fmod", input)
    return _modulo("fmod", input, other)


def remainder(input, other, *, out=None):
    not_two_numbers("remainder", input, other)
    return _modulo("remainder", input, other)


# ---- more binary functions ---------------------------------------------------------------------------
class Atan2Backward0(Node):
    """z = atan2(a, b)   ->   da = g b / (a^2 + b^2),   db = -g a / (a^2 + b^2)   (0 where a^2 + b^2 is 0)"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        denom = a * a + b * b
        # torch multiplies by the reciprocal (not a division), taken as 0 where the denominator is 0 (at the
        # origin, or where a^2 + b^2 underflows): zero gradients there, signed, instead of nan
        if isinstance(denom, (np.ndarray, np.generic)):
            recip = np.where(denom == 0, 0.0, 1 / denom)
        else:       # create_graph: torch's reciprocal, then masked_fill (MaskedFillBackward0)
            recip = denom.reciprocal().masked_fill(denom == 0, 0.0)
        return g * b * recip, g * -a * recip


class HypotBackward0(Node):
    """z = sqrt(a^2 + b^2)   ->   da = g a / z,   db = g b / z"""
    __slots__ = ()

    def backward(self, g):
        a, b, z = self.saved()
        return g * a / z, g * b / z


class LogaddexpBackward0(Node):
    """z = log(exp(a) + exp(b))   ->   da = g / (1 + exp(b - a)),   db = g / (1 + exp(a - b))"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        e = self.m.exp
        return g / (1 + e(b - a)), g / (1 + e(a - b))


class XlogyBackward0(Node):
    """z = a log(b) (0 where a = 0)   ->   da = xlogy(g, b), zeroed where a = 0 and b <= 0,   db = g a / b

    torch's formula: at a = 0 the a-gradient is still log(b) (the Dirichlet log-density's gradient in a
    concentration of 1 needs it); only where log(b) is -inf or nan does a = 0 give 0."""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        with np.errstate(divide="ignore", invalid="ignore"):
            if isinstance(g, np.ndarray):     # xlogy(g, b) is xlogy's own kernel: the C library's log
                da = np.where((a == 0) & (b <= 0), 0.0, _xlogy(g, b)).astype(g.dtype, copy=False)
                return da, g * a / b
            return self.m.xlogy(g, b).masked_fill((a == 0) & (b <= 0), 0.0), g * a / b


class XlogyBackward1(XlogyBackward0):
    """xlogy(number, b): as XlogyBackward0"""
    __slots__ = ()


class XlogyBackward2(XlogyBackward0):
    """xlogy(a, number): as XlogyBackward0"""
    __slots__ = ()


class CopysignBackward0(Node):
    """z = |a| sign(b)   ->   da = g * (z / a) (0 at a = 0; nan at a = +-inf, as torch),   db = 0"""
    __slots__ = ()

    def backward(self, g):
        # torch's copysign_tensor_self_backward, op for op (so its nodes under create_graph)
        a, z = self.saved()
        m = self.m
        if m is np:
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = z / a
            ratio = np.where(a == 0, ratio.dtype.type(0), ratio)
        else:
            ratio = (z / a).masked_fill(a == 0, 0)
        return g * ratio, m.zeros_like(g)


class CopysignBackward1(CopysignBackward0):
    """copysign(a, number): the scalar overload, one input"""
    __slots__ = ()

    def backward(self, g):
        return CopysignBackward0.backward(self, g)[:1]


def _float_pair(ufunc, node_cls, input, other, save_result=False, kernel=None):
    check_pair(input, other)
    x, y, dt = binary_operands(input, other)
    if dt._cat == 3 and ufunc is np.logaddexp:
        ufunc = _logaddexp_complex
    elif dt._cat != 2:
        refuse_dt(kernel or _KERNELS[ufunc], dt)
        if ufunc in _NO_INTEGER_KERNEL:          # torch dispatches these on the inputs' (integral) dtype
            from ._complex_refuse import not_implemented
            raise not_implemented(_KERNELS[ufunc], dt.np)
        from .._dtype import DEFAULT
        dt = DEFAULT.float
        x, y = ints_in_float(input, other, x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        if ufunc is np.logaddexp and dt.np in (np.float32, np.float64):   # (SLEEF's exp, log1p: _sleef_loop)
            from ._sleef_loop import logaddexp as _logaddexp
            r = _wrap(_ti(_logaddexp(x, y, dt.np), x, y))
        elif ufunc is np.arctan2 and dt.np == np.float32:      # (SLEEF's atan2 in the vector blocks)
            from ._sleef_atan2f import atan2_kernel
            r = _wrap(_ti(atan2_kernel(x, y, dt.np), x, y))
        elif ufunc is np.arctan2 and dt.np == np.float64:
            from ._sleef_atan2d import atan2_kernel as atan2_kernel64
            r = _wrap(_ti(atan2_kernel64(x, y), x, y))
        elif ufunc is np.hypot and dt.np == np.float64:       # (SLEEF's hypot in the vector blocks)
            from ._sleef_hypotd import hypot_kernel
            r = _wrap(_ti(hypot_kernel(x, y), x, y))
        else:
            r = _wrap(compute(ufunc, x, y, dt))
    if needs_grad(input, other):
        node = node_cls()
        a = input if is_tensor(input) else _wrap(np.asarray(x))
        b = other if is_tensor(other) else _wrap(np.asarray(y, dt.np))
        node.save(a, b, r, result_at=2) if save_result else node.save(a, b)
        record(node, r, input, other)
    return r


def atan2(input, other, *, out=None):
    tensors_only("atan2", input, other)
    return _float_pair(np.arctan2, Atan2Backward0, input, other)


def arctan2(input, other, *, out=None):
    tensors_only("arctan2", input, other)
    return _float_pair(np.arctan2, Atan2Backward0, input, other)


def hypot(input, other, *, out=None):
    tensors_only("hypot", input, other)
    return _float_pair(np.hypot, HypotBackward0, input, other, save_result=True)


def logaddexp(input, other, *, out=None):
    tensors_only("logaddexp", input, other)
    return _float_pair(np.logaddexp, LogaddexpBackward0, input, other)


def _xlogy(x, y):
    """torch's scalar kernel: nan where y is nan, 0 where x == 0, else x * log(y), with the C library's
    log in the dtype (glibc's logf for float32, not the correctly rounded value), then one rounded
    product."""
    from ._libm import log
    from .special_fns import _log_as_libm
    dt = np.result_type(x, y)
    x, y = np.asarray(x, dt), np.asarray(y, dt)
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = _log_as_libm(y, dt.type) if dt == np.float32 or dt == np.float64 else log(y)
        return np.where((x == 0) & ~np.isnan(y), 0.0, x * lg).astype(dt)


def _logaddexp_complex(x, y):
    """torch's complex kernel: with hi the operand of larger real part, hi + log1p(exp(lo - hi))."""
    x, y = np.asarray(x), np.asarray(y)
    swap = x.real < y.real
    hi, lo = np.where(swap, y, x), np.where(swap, x, y)
    with np.errstate(all="ignore"):
        return (hi + np.log1p(np.exp(lo - hi))).astype(np.result_type(x, y), copy=False)


_KERNELS = {np.arctan2: "atan2_cpu", np.hypot: "hypot_cpu", np.logaddexp2: "logaddexp2_cpu", _xlogy: "xlogy_cpu",
            np.logaddexp: "logaddexp_cpu"}
_NO_INTEGER_KERNEL = (np.hypot, np.logaddexp, np.logaddexp2)   # atan2 and xlogy promote integers to float


def xlogy(input, other, *, out=None):
    not_two_numbers("xlogy", input, other)
    # torch's Scalar overloads have their own nodes (self_scalar: 1, other_scalar: 2)
    node = XlogyBackward0 if is_tensor(input) and is_tensor(other) else \
        XlogyBackward1 if is_tensor(other) else XlogyBackward2
    return _float_pair(_xlogy, node, input, other)


def copysign(input, other, *, out=None):
    tensor_input("copysign", input)
    check_pair(input, other)
    x, y, dt = binary_operands(input, other)
    from .._dtype import DEFAULT
    if dt._cat == 2:
        fdt = dt
    else:
        refuse_dt("copysign_cpu", dt)
        fdt = DEFAULT.float
        x, y = ints_in_float(input, other, x, y)
    r = _wrap(_ti(as_array(np.copysign(np.asarray(x, fdt.np), np.asarray(y, fdt.np))), x, y))
    if needs_grad(input, other):
        scalar = not is_tensor(other)
        node = CopysignBackward1() if scalar else CopysignBackward0()
        node.save(input, r, result_at=1)
        if scalar:
            record1(node, r, input)
        else:
            record(node, r, input, other)
    return r


# ---- in-place forms ------------------------------------------------------------------------------
def fmod_(input, other):
    return commit(input, lambda: fmod(original(input), other), "fmod", inputs=(other,))


def remainder_(input, other):
    return commit(input, lambda: remainder(original(input), other), "remainder", inputs=(other,))


def atan2_(input, other, name="atan2_"):
    tensors_only(name, input, other, method=True)
    return commit(input, lambda: atan2(original(input), other), "atan2", inputs=(other,))


__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmax", "fmin", "fmod", "remainder",
           "atan2", "arctan2", "hypot", "logaddexp", "xlogy", "copysign", "lerp", "addcmul", "addcdiv", "clamp_",
           "clip_", "clamp_min_", "clamp_max_"]
