"""Pointwise ops of three tensors: lerp, addcmul, addcdiv, with their in-place forms.

lerp computes from the nearer end, as torch's kernel does, so ``lerp(a, b, 1)`` is exactly b.
"""
import numpy as np
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

from .._dtype import result_type
from .._rng_fma import fma64
from ._fma32 import fma32
from ..autograd.graph import Node
from ._common import _wrap, as_array, data_as, is_tensor, record, needs_grad, check_broadcast
from ._common import tensors_only
from .inplace import commit
from .inplace_more import original
from ._half_grad_scalar import times as _times   # float16 t * value: value read in float32, as torch


class LerpBackward0(Node):
    """z = a + w (b - a) (w a number)   ->   da = g (1 - w),   db = g w"""
    __slots__ = ("w",)

    def backward(self, g):
        w = self.w
        if getattr(g, "dtype", None) == np.float16:     # torch multiplies half by a number in float32
            g32 = g.astype(np.float32)
            return (g32 * np.float32(1 - w)).astype(np.float16), (g32 * np.float32(w)).astype(np.float16)
        return g * (1 - w), g * w


class LerpBackward1(Node):
    """z = a + w (b - a)   ->   da = g (1 - w),   db = g w,   dw = g (b - a)"""
    __slots__ = ()

    def backward(self, g):
        a, b, w = self.saved()
        if w.ndim == 0 and g.ndim and w.dtype != g.dtype and w.dtype.kind == g.dtype.kind:
            # a 0-dim weight of another float dtype: torch computes 1 - w in w's dtype, then
            # the product in g's (a 0-dim operand does not promote a dimensioned one)
            return g * (1 - w).astype(g.dtype), g * w.astype(g.dtype), g * (b - a)
        return g * (1 - w), g * w, g * (b - a)


def _lerp_values(a, b, w):
    """torch's kernel: from the nearer end, as one fused multiply-add, so lerp(a, b, 1) is exactly b:
    z = fma(c, b - a, e) with (c, e) = (w, a) where |w| < 0.5, else (w - 1, b).  Half precision
    computes in float32 and rounds once at the end."""
    dt = a.dtype
    if dt.kind != "f":              # complex: the plain formula
        w = np.asarray(w, dt) if not isinstance(w, np.ndarray) else w
        d = b - a
        return as_array(np.where(np.abs(w) < 0.5, a + w * d, b - d * (1 - w)).astype(dt, copy=False))
    op = np.float64 if dt == np.float64 else np.float32
    a, b, w = a.astype(op, copy=False), b.astype(op, copy=False), np.asarray(w, op)
    small = np.abs(w) < 0.5
    c, e = np.where(small, w, w - op(1)), np.where(small, a, b)
    d = b - a
    if op is np.float32:
        z = fma32(c, d, e)
    else:
        plain = c * d + e           # (fma64's error terms are NaN at infinities)
        z = np.where(np.isfinite(plain), fma64(c, d, e).reshape(plain.shape), plain)   # (fma64 is >= 1-d)
    return as_array(np.asarray(z, op).astype(dt, copy=False))


def lerp(input, end, weight, *, out=None):
    tensors_only("lerp", input, end)
    x, y = input._data, end._data
    if x.dtype != y.dtype:
        raise RuntimeError(f"expected dtype {_c(x)} for `end` but got dtype {_c(y)}")
    w = weight._data if is_tensor(weight) else weight
    if is_tensor(weight) and weight._data.dtype != x.dtype:
        if weight.dim() != 0:
            raise RuntimeError(f"expected dtype {_c(x)} for `weight` but got dtype {_c(weight._data)}")
        common = result_type(input, end, weight).np     # a 0-dim weight joins the type promotion
        x, y = x.astype(common, copy=False), y.astype(common, copy=False)
        w = weight._data.astype(common, copy=False)
    check_broadcast(x.shape, y.shape, *((weight._data.shape,) if is_tensor(weight) else ()))
    if x.dtype.kind not in "fc":
        from ._complex_refuse import not_implemented
        raise not_implemented("lerp_kernel_tensor" if is_tensor(weight) else "lerp_kernel_scalar", x.dtype)
    if not is_tensor(weight):
        # a number weight is read as the kernel's type (float for half), checked: 2j, 1e40 overflow float
        from ._scalar_cast import checked_scalar
        if x.dtype.kind == "f":
            weight = w = checked_scalar(weight, np.dtype(np.float64 if x.dtype == np.float64 else np.float32))
        else:                   # complex: each part must fit (complex<float>: 1 + 1e40j overflows)
            for part in (weight.real, weight.imag) if isinstance(weight, complex) else (weight,):
                checked_scalar(part, x.dtype)
    r = _wrap(_ti(_lerp_values(x, y, w), *(v for v in (x, y, w) if v.__class__ is np.ndarray)))
    if is_tensor(weight):
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
        return g, (None if t2 is None else g * _times(t2, v)), (None if t1 is None else g * _times(t1, v))


class AddcdivBackward0(Node):
    """z = x + v t1 / t2   ->   dx = g,   dt1 = g v / t2,   dt2 = -g v t1 / t2^2

    grouped as torch's formula, ``-grad * (value * tensor1 / (tensor2 * tensor2))``: the last bits follow
    the grouping."""
    __slots__ = ("value",)

    def backward(self, g):
        t1, t2 = self.saved()
        v = self.value
        return g, g * (v / t2), -g * (_times(t1, v) / (t2 * t2))


def _addcmul_fused(x, t1, t2, value, npdt):
    """torch's kernel: fmadd(value * t1, t2, self) -- ``value * t1`` rounded, then one fused
    multiply-add; 0-d operands leave no unfused tail here (checked against torch)."""
    p = t1 if value == 1 else npdt.type(value) * t1
    shape = np.broadcast_shapes(np.shape(x), np.shape(p), np.shape(t2))
    if np.ndim(t2) == 0 and np.ndim(x) == 0:
        p, t2 = t2, p               # (fma32's all-numbers path wants a number first)
    if npdt == np.float32:
        z = np.asarray(fma32(p, t2, x), np.float32)
    else:
        plain = np.asarray(p * t2 + x, np.float64)      # (fma64's error terms are NaN at infinities)
        z = np.where(np.isfinite(plain), np.asarray(fma64(p, t2, x)).reshape(plain.shape), plain)
    return z if z.shape == shape else np.broadcast_to(z, shape).copy()


def _number_value(name, value):
    """``value`` is a Scalar: torch's argument parser takes a 0-d tensor that does not require grad as
    its number (optimizers pass ``1 - beta2`` as one) and refuses any other tensor."""
    if is_tensor(value):
        if value.dim() != 0 or value.requires_grad:
            raise TypeError(f"{name}(): argument 'value' must be Number, not Tensor")
        return value.item()
    return value


def _check_sizes3(*ts):
    """torch's TensorIterator error for operands that do not broadcast (NumPy's would be a ValueError)."""
    shapes = [t._data.shape for t in ts if is_tensor(t)]
    if any(s != shapes[0] for s in shapes):
        check_broadcast(*shapes)


def addcmul(input, tensor1, tensor2, *deprecated, value=1, out=None):
    if deprecated:      # torch.addcmul(input, value, tensor1, tensor2), the 0.4-era overload
        from .._deprecated_overloads import rebind
        value, tensor1, tensor2 = rebind("addcmul", False, (tensor1, tensor2) + deprecated)
    value = _number_value("addcmul", value)
    _check_sizes3(input, tensor1, tensor2)
    dt = result_type(input, tensor1, tensor2)
    if dt.np in (np.float32, np.float64):
        r = _addcmul_fused(data_as(input, dt.np), data_as(tensor1, dt.np), data_as(tensor2, dt.np), value, dt.np)
    elif dt.np == np.float16:       # torch's reduced-float kernel: the float32 one (value unrounded), then rounded
        f = [np.asarray(data_as(a, dt.np), np.float32) for a in (input, tensor1, tensor2)]
        r = as_array(_addcmul_fused(*f, value, np.dtype(np.float32)).astype(np.float16))
    else:
        p = np.multiply(data_as(tensor1, dt.np), data_as(tensor2, dt.np))
        r = as_array(data_as(input, dt.np) + (p if value == 1 else dt.np.type(value) * p)).astype(dt.np, copy=False)
    r = _wrap(_ti(r, data_as(input, dt.np), data_as(tensor1, dt.np), data_as(tensor2, dt.np)))
    if needs_grad(input, tensor1, tensor2):
        node = AddcmulBackward0()
        node.value = value
        node.save(tensor1 if tensor2._rg else None, tensor2 if tensor1._rg else None)
        record(node, r, input, tensor1, tensor2)
    return r


def addcdiv(input, tensor1, tensor2, *deprecated, value=1, out=None):
    if deprecated:      # torch.addcdiv(input, value, tensor1, tensor2)
        from .._deprecated_overloads import rebind
        value, tensor1, tensor2 = rebind("addcdiv", False, (tensor1, tensor2) + deprecated)
    value = _number_value("addcdiv", value)
    dt = result_type(input, tensor1, tensor2)
    if dt._cat < 2:                 # floating (2) and complex (3) divide truly
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
                           "tensor2), for all dtypes.")
    _check_sizes3(input, tensor1, tensor2)
    t1 = data_as(tensor1, dt.np)      # torch's kernel: self + (value * t1) / t2, each step rounded
    if dt.np == np.float16:           # (float16: those steps in float32, value unrounded, one rounding at the end)
        f = [np.asarray(data_as(a, dt.np), np.float32) for a in (input, tensor1, tensor2)]
        r = as_array((np.float32(value) * f[1] / f[2] + f[0]).astype(np.float16))
    else:
        q = np.divide(t1 if value == 1 else dt.np.type(value) * t1, data_as(tensor2, dt.np))
        r = as_array(data_as(input, dt.np) + q).astype(dt.np, copy=False)
    r = _wrap(_ti(r, data_as(input, dt.np), data_as(tensor1, dt.np), data_as(tensor2, dt.np)))
    if needs_grad(input, tensor1, tensor2):
        node = AddcdivBackward0()
        node.value = value
        node.save(tensor1, tensor2)
        record(node, r, input, tensor1, tensor2)
    return r


# ---- in-place forms ------------------------------------------------------------------------------
def lerp_(input, end, weight):
    return commit(input, lambda: lerp(original(input), end, weight), "lerp", inputs=(end, weight))


def addcmul_(input, tensor1, tensor2, *, value=1):
    value = _number_value("addcmul_", value)
    return commit(input, lambda: addcmul(original(input), tensor1, tensor2, value=value), "addcmul",
                  inputs=(tensor1, tensor2))


def addcdiv_(input, tensor1, tensor2, *, value=1):
    value = _number_value("addcdiv_", value)
    return commit(input, lambda: addcdiv(original(input), tensor1, tensor2, value=value), "addcdiv")


__all__ = ["lerp", "addcmul", "addcdiv", "lerp_", "addcmul_", "addcdiv_"]
