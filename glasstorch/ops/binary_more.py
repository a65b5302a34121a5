"""More pointwise functions of several tensors: clamp (and clip, clamp_min, clamp_max), minimum,
maximum, fmin, fmax, fmod, remainder (``%``), atan2, hypot, copysign, logaddexp, xlogy, lerp,
addcmul, addcdiv.

At kinks torch's choices hold: clamp passes the gradient when x sits exactly on a bound;
maximum/minimum split it in half between equal inputs.
"""
import numpy as np

from .._dtype import result_type
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, as_array, record, record1, needs_grad, binary_operands, compute
from .shape import is_array
from .inplace import commit
from .inplace_more import original


def _t(x):
    return isinstance(x, Tensor)


def _data_as(x, npdt):
    if _t(x):
        return x._data if x._data.dtype == npdt else x._data.astype(npdt)
    return x


# ---- clamp ---------------------------------------------------------------------------------------
class ClampBackward1(Node):
    """y = clamp(x, lo, hi) (numbers)   ->   dx = g where lo <= x <= hi, else 0"""
    __slots__ = ("lo", "hi")

    def backward(self, g):
        x, = self.saved()
        keep = True
        if self.lo is not None:
            keep = x >= self.lo
        if self.hi is not None:
            keep = (x <= self.hi) if keep is True else keep & (x <= self.hi)
        return (self.m.where(keep, g, 0.0),)


class ClampBackward0(Node):
    """y = clamp(x, lo, hi) (tensors)   ->   dx = g inside [lo, hi],   dlo = g where x < lo,   dhi = g where x > hi"""
    __slots__ = ()

    def backward(self, g):
        x, lo, hi = self.saved()
        w = self.m.where
        inside = True
        if lo is not None:
            inside = x >= lo
        if hi is not None:
            inside = (x <= hi) if inside is True else inside & (x <= hi)
        dx = w(inside, g, 0.0)
        dlo = None if lo is None else w(x < lo, g, 0.0)
        dhi = None if hi is None else w(x > hi, g, 0.0)
        if lo is not None and hi is not None:       # an empty range [lo > hi] gives hi everywhere
            dlo = w(lo > hi, 0.0, dlo)
        return dx, dlo, dhi


def _clamp_values(x, lo, hi):
    r = x
    if lo is not None:
        r = np.maximum(r, lo)
        r = np.where(np.isnan(x), x, r) if r.dtype.kind == "f" else r
    if hi is not None:
        r = np.where(np.isnan(r), r, np.minimum(r, hi)) if r.dtype.kind == "f" else np.minimum(r, hi)
    return as_array(r)


def clamp(input, min=None, max=None, *, out=None):
    lo, hi = min, max
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    ops = [v for v in (input, lo, hi) if v is not None]
    dt = result_type(*ops) if len(ops) > 1 else input.dtype
    x = _data_as(input, dt.np)
    if _t(lo) or _t(hi):
        r = _wrap(_clamp_values(x, _data_as(lo, dt.np), _data_as(hi, dt.np)).astype(dt.np, copy=False))
        if needs_grad(input, lo if _t(lo) else input, hi if _t(hi) else input):
            node = ClampBackward0()
            node.save(input, lo if _t(lo) else _as_t(lo), hi if _t(hi) else _as_t(hi))
            record(node, r, input, lo if _t(lo) else None, hi if _t(hi) else None)
        return r
    r = _wrap(_clamp_values(x, lo, hi).astype(dt.np, copy=False))
    if GRAD.enabled and input._rg:
        node = ClampBackward1()
        node.lo, node.hi = lo, hi
        node.save(input)
        record1(node, r, input)
    return r


def _as_t(v):
    return None if v is None else _wrap(np.asarray(v))


clip = clamp


class ClampMinBackward0(Node):
    """y = max(x, lo) (lo a number)   ->   dx = g where x >= lo"""
    __slots__ = ("lo",)

    def backward(self, g):
        x, = self.saved()
        return (self.m.where(x >= self.lo, g, 0.0),)


class ClampMaxBackward0(Node):
    """y = min(x, hi) (hi a number)   ->   dx = g where x <= hi"""
    __slots__ = ("hi",)

    def backward(self, g):
        x, = self.saved()
        return (self.m.where(x <= self.hi, g, 0.0),)


class ClampMinBackward1(Node):
    """y = max(x, lo) (lo a tensor)   ->   dx = g where x >= lo,   dlo = g where x < lo"""
    __slots__ = ()

    def backward(self, g):
        x, lo = self.saved()
        w = self.m.where
        return w(x >= lo, g, 0.0), w(x < lo, g, 0.0)


class ClampMaxBackward1(Node):
    """y = min(x, hi) (hi a tensor)   ->   dx = g where x <= hi,   dhi = g where x > hi"""
    __slots__ = ()

    def backward(self, g):
        x, hi = self.saved()
        w = self.m.where
        return w(x <= hi, g, 0.0), w(x > hi, g, 0.0)


def _clamp_one(input, bound, is_min):
    dt = result_type(input, bound)
    x, b = _data_as(input, dt.np), _data_as(bound, dt.np)
    r = _wrap(_clamp_values(x, b if is_min else None, None if is_min else b).astype(dt.np, copy=False))
    if _t(bound):
        if needs_grad(input, bound):
            node = (ClampMinBackward1 if is_min else ClampMaxBackward1)()
            node.save(input, bound)
            record(node, r, input, bound)
    elif GRAD.enabled and input._rg:
        node = (ClampMinBackward0 if is_min else ClampMaxBackward0)()
        setattr(node, "lo" if is_min else "hi", bound)
        node.save(input)
        record1(node, r, input)
    return r


def clamp_min(input, min):
    return _clamp_one(input, min, True)


def clamp_max(input, max):
    return _clamp_one(input, max, False)


# ---- maximum / minimum ---------------------------------------------------------------------------
class MaximumBackward0(Node):
    """z = max(a, b)   ->   da = g where a > b, db = g where b > a, g/2 each where a == b"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        w = self.m.where
        half = g / 2
        return w(a == b, half, w(a < b, 0.0, g)), w(a == b, half, w(a > b, 0.0, g))


class MinimumBackward0(Node):
    """z = min(a, b)   ->   da = g where a < b, db = g where b < a, g/2 each where a == b"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
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
        return w(pick_a, g, 0.0), w(pick_a, 0.0, g)


class FminBackward0(Node):
    """z = fmin(a, b) (nan-ignoring)   ->   da = g where a won (or b is nan),   db = g elsewhere"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        w = self.m.where
        pick_a = (a <= b) | (b != b)
        return w(pick_a, g, 0.0), w(pick_a, 0.0, g)


def _pair(ufunc, node_cls, input, other):
    if not _t(other):
        raise TypeError(f"{ufunc.__name__}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    x, y, dt = binary_operands(input, other)
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
    """z = a - b * floor(a / b)   ->   da = g,   db = -g * floor(a / b)"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        return g, -g * self.m.floor(a / b)


def _torch_remainder(x, y):
    """torch's float kernel: fmod, then move into the divisor's sign (keeps -0.0, unlike NumPy)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.fmod(x, y)
        fix = (m != 0) & ((np.asarray(y) < 0) != (m < 0))
        return as_array(np.where(fix, m + y, m).astype(m.dtype, copy=False))


def _modulo(kind, input, other):
    if not _t(input):                          # 5 % t
        input = _wrap(np.asarray(input, dtype=result_type(input, other).np))
    x, y, dt = binary_operands(input, other)
    if dt._cat != 2 and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")
    if dt._cat == 2:
        fn = np.fmod if kind == "fmod" else _torch_remainder
        r = _wrap(compute(fn, x, y, dt) if dt.np == np.float16 else as_array(fn(x, y)).astype(dt.np, copy=False))
    else:
        r = _wrap(as_array((np.fmod if kind == "fmod" else np.remainder)(x, y)).astype(dt.np, copy=False))
    if _t(other):
        if needs_grad(input, other):
            node = (FmodBackward1 if kind == "fmod" else RemainderBackward1)()
            node.save(input, other)
            record(node, r, input, other)
    elif GRAD.enabled and input._rg:
        record1((FmodBackward0 if kind == "fmod" else RemainderBackward0)(), r, input)
    return r


def fmod(input, other, *, out=None):
    return _modulo("fmod", input, other)


def remainder(input, other, *, out=None):
    return _modulo("remainder", input, other)


# ---- more binary functions ---------------------------------------------------------------------------
class Atan2Backward0(Node):
    """z = atan2(a, b)   ->   da = g b / (a^2 + b^2),   db = -g a / (a^2 + b^2)"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        r = a * a + b * b
        return g * b / r, -g * a / r


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
    """z = a log(b) (0 where a = 0)   ->   da = g log(b) (0 where a = 0 and b is not nan),   db = g a / b"""
    __slots__ = ()

    def backward(self, g):
        a, b = self.saved()
        m = self.m
        return g * m.where((a == 0) & (b == b), 0.0, m.log(b)), g * a / b


class CopysignBackward0(Node):
    """z = |a| sign(b)   ->   da = g * sign(a) * sign(z) (0 at a = 0),   db = 0"""
    __slots__ = ()

    def backward(self, g):
        a, z = self.saved()
        m = self.m
        return m.where(a == 0, 0.0, g * m.sign(a) * m.sign(z)), g * 0


def _float_pair(ufunc, node_cls, input, other, save_result=False):
    x, y, dt = binary_operands(input, other)
    if dt._cat != 2:
        from .._dtype import DEFAULT
        dt = DEFAULT.float
        x, y = np.asarray(x, dt.np), np.asarray(y, dt.np)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = _wrap(compute(ufunc, x, y, dt))
    if needs_grad(input, other):
        node = node_cls()
        a = input if _t(input) else _wrap(np.asarray(x))
        b = other if _t(other) else _wrap(np.asarray(y, dt.np))
        node.save(a, b, r, result_at=2) if save_result else node.save(a, b)
        record(node, r, input, other)
    return r


def atan2(input, other, *, out=None):
    return _float_pair(np.arctan2, Atan2Backward0, input, other)


arctan2 = atan2


def hypot(input, other, *, out=None):
    return _float_pair(np.hypot, HypotBackward0, input, other, save_result=True)


def logaddexp(input, other, *, out=None):
    return _float_pair(np.logaddexp, LogaddexpBackward0, input, other)


def _xlogy(x, y):
    return np.where((x == 0) & ~np.isnan(y), 0.0, x * np.log(y)).astype(np.result_type(x, y))


def xlogy(input, other, *, out=None):
    return _float_pair(_xlogy, XlogyBackward0, input, other)


def copysign(input, other, *, out=None):
    x, y, dt = binary_operands(input, other)
    from .._dtype import DEFAULT
    fdt = dt if dt._cat == 2 else DEFAULT.float
    r = _wrap(as_array(np.copysign(np.asarray(x, fdt.np), np.asarray(y, fdt.np))))
    if needs_grad(input, other):
        node = CopysignBackward0()
        node.save(input, r, result_at=1)
        record(node, r, input, other)
    return r


# ---- lerp, addcmul, addcdiv ------------------------------------------------------------------------
class LerpBackward0(Node):
    """z = a + w (b - a) (w a number)   ->   da = g (1 - w),   db = g w"""
    __slots__ = ("w",)

    def backward(self, g):
        return g * (1 - self.w), g * self.w


class LerpBackward1(Node):
    """z = a + w (b - a)   ->   da = g (1 - w),   db = g w,   dw = g (b - a)"""
    __slots__ = ()

    def backward(self, g):
        a, b, w = self.saved()
        return g * (1 - w), g * w, g * (b - a)


def _lerp_values(a, b, w):
    # torch's kernel: from the nearer end, so lerp(a, b, 1) is exactly b
    w = np.asarray(w, a.dtype) if not isinstance(w, np.ndarray) else w
    d = b - a
    return as_array(np.where(np.abs(w) < 0.5, a + w * d, b - d * (1 - w)).astype(a.dtype, copy=False))


def lerp(input, end, weight, *, out=None):
    x, y = input._data, end._data
    if x.dtype != y.dtype:
        raise RuntimeError(f"expected dtype {_c(x)} for `end` but got dtype {_c(y)}")
    w = weight._data if _t(weight) else weight
    r = _wrap(_lerp_values(x, y, w))
    if _t(weight):
        if needs_grad(input, end, weight):
            node = LerpBackward1()
            node.save(input, end, weight)
            record(node, r, input, end, weight)
    elif needs_grad(input, end):
        node = LerpBackward0()
        node.w = weight
        record(node, r, input, end)
    return r


def _c(a):
    return {np.float32: "float", np.float64: "double", np.float16: "c10::Half"}.get(a.dtype.type, str(a.dtype))


class AddcmulBackward0(Node):
    """z = x + v t1 t2   ->   dx = g,   dt1 = g v t2,   dt2 = g v t1"""
    __slots__ = ("value",)

    def backward(self, g):
        t1, t2 = self.saved()
        v = self.value
        return g, (None if t2 is None else g * (t2 * v)), (None if t1 is None else g * (t1 * v))


class AddcdivBackward0(Node):
    """z = x + v t1 / t2   ->   dx = g,   dt1 = g v / t2,   dt2 = -g v t1 / t2^2"""
    __slots__ = ("value",)

    def backward(self, g):
        t1, t2 = self.saved()
        v = self.value
        return g, g * (v / t2), -g * v * t1 / (t2 * t2)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    dt = result_type(input, tensor1, tensor2)
    p = np.multiply(_data_as(tensor1, dt.np), _data_as(tensor2, dt.np))
    r = _wrap(as_array(_data_as(input, dt.np) + (p if value == 1 else dt.np.type(value) * p)).astype(dt.np,
                                                                                                   copy=False))
    if needs_grad(input, tensor1, tensor2):
        node = AddcmulBackward0()
        node.value = value
        node.save(tensor1 if tensor2._rg else None, tensor2 if tensor1._rg else None)
        record(node, r, input, tensor1, tensor2)
    return r


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    dt = result_type(input, tensor1, tensor2)
    if dt._cat != 2:
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
                           "tensor2), for all dtypes.")
    q = np.divide(_data_as(tensor1, dt.np), _data_as(tensor2, dt.np))
    r = _wrap(as_array(_data_as(input, dt.np) + (q if value == 1 else dt.np.type(value) * q)).astype(dt.np,
                                                                                                   copy=False))
    if needs_grad(input, tensor1, tensor2):
        node = AddcdivBackward0()
        node.value = value
        node.save(tensor1, tensor2)
        record(node, r, input, tensor1, tensor2)
    return r


# ---- in-place forms ------------------------------------------------------------------------------
def clamp_(input, min=None, max=None):
    return commit(input, lambda: clamp(original(input), min, max), "clamp")


clip_ = clamp_


def clamp_min_(input, min):
    return commit(input, lambda: clamp_min(original(input), min), "clamp_min")


def clamp_max_(input, max):
    return commit(input, lambda: clamp_max(original(input), max), "clamp_max")


def fmod_(input, other):
    return commit(input, lambda: fmod(original(input), other), "fmod")


def remainder_(input, other):
    return commit(input, lambda: remainder(original(input), other), "remainder")


def lerp_(input, end, weight):
    return commit(input, lambda: lerp(original(input), end, weight), "lerp")


def addcmul_(input, tensor1, tensor2, *, value=1):
    return commit(input, lambda: addcmul(original(input), tensor1, tensor2, value=value), "addcmul")


def addcdiv_(input, tensor1, tensor2, *, value=1):
    return commit(input, lambda: addcdiv(original(input), tensor1, tensor2, value=value), "addcdiv")


def atan2_(input, other):
    return commit(input, lambda: atan2(original(input), other), "atan2")


__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmax", "fmin", "fmod", "remainder",
           "atan2", "arctan2", "hypot", "logaddexp", "xlogy", "copysign", "lerp", "addcmul", "addcdiv", "clamp_",
           "clip_", "clamp_min_", "clamp_max_"]
