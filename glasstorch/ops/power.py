"""Powers: ``a ** e`` (PowBackward0), ``a ** b`` (PowBackward1), ``c ** b`` (PowBackward2).

Forward values use torch's exact fast paths for common exponents (x*x for 2, 1/x for -1 ...).
"""
import numpy as np
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

from .._dtype import float16 as _float16, result_type
from ..autograd.graph import Node
from ._common import (GRAD, Tensor, _wrap, as_array, binary_operands, compute, needs_grad, record, record1,
                      single_result)
from .unary import _sqrt
from . import _libm


def _is_t(x):
    return x.__class__ is Tensor or isinstance(x, Tensor)


class PowBackward0(Node):
    """z = a ** e  (e a number)   ->   da = g * (e * a ** (e - 1))"""
    __slots__ = ("exponent",)
    _saved_names = ("self", "attr:exponent")

    def backward(self, g):
        a, = self.saved()
        e = self.exponent
        if e == 0:
            return (self.m.zeros_like(g),)
        if isinstance(a, Tensor) and a.dtype.is_floating_point:
            # create_graph: torch's C++ formula multiplies by the exponent through mul.Scalar (MulBackward1)
            from .scalar_arith import mul_scalar
            return (g * mul_scalar(_pow_values(a, e - 1), e),)
        if getattr(a, "dtype", None) == np.float16 and not isinstance(e, complex):
            # torch: self.pow(e - 1) as the forward computes it, times e in float, rounded to half
            p = _half_pow(a, e - 1).astype(np.float32)
            return (g * (np.float32(e) * p).astype(np.float16),)
        return (g * (e * _pow_values(a, e - 1)),)


class PowBackward1(Node):
    """z = a ** b   ->   da = g * (b * a ** (b - 1)),   db = g * (z * log(a))  (0 where a = 0, b >= 0)"""
    __slots__ = ()
    _saved_names = ("self", "exponent", "result")

    def backward(self, g):
        a, b, z = self.saved()
        m = self.m
        da = db = None
        if self.next_functions[0][0] is not None:
            if b.__class__ is np.ndarray and b.dtype.kind in "iub" and a.__class__ is np.ndarray \
                    and a.dtype.kind == "f":
                # an integer exponent tensor: torch's pow and mul compute in the base's float dtype
                # (NumPy would take float64 for float32 ** int64)
                b = b.astype(a.dtype)
            # torch: grad * (exponent * self.pow(exponent - 1)), the pow on SLEEF's vector blocks
            da = m.where(b == 0.0, 0.0, g * (b * _pow_pair(a, b - 1)))
        if self.next_functions[1][0] is not None:
            # self.log() is torch's log kernel (as torch.log computes it), not NumPy's float32 log
            lg = _libm.log(a) if a.__class__ is np.ndarray else m.log(a)
            db = g * m.where((a == 0) & (b >= 0), 0.0, z * lg)
        return da, db


class PowBackward2(Node):
    """z = c ** b  (c a number)   ->   db = g * (z * log(c))  (0 where c = 0 and b >= 0)"""
    __slots__ = ("base",)

    def backward(self, g):
        z, b = self.saved()
        c = self.base
        if c == 0:
            return (g * self.m.where(b >= 0, 0.0, z * float("-inf")),)
        if getattr(z, "dtype", None) == np.float16:     # result * log(c) in float (opmath), then half
            return (g * (z.astype(np.float32) * np.float32(np.log(c))).astype(np.float16),)
        return (g * (z * float(np.log(c))),)


def _cpow(x, e):
    """Complex x ** e as torch's std::pow, cexp(e * clog(x)): NumPy agrees except at a zero base, where
    NumPy answers nan (or +0) and C gives inf+nanj for a negative real part, 0-0j for a positive one."""
    y = np.power(x, e)
    zero = (x == 0) & (np.asarray(e) != 0)
    if np.any(zero):
        with np.errstate(all="ignore"):
            c = np.exp(np.asarray(e, y.dtype) * np.log(np.asarray(x, y.dtype))).astype(y.dtype)
        y = np.where(zero, c, y)
    return y


def _pow_pair(a, e):
    """``a ** e`` for a backward's saved arrays as torch's pow_tensor_tensor kernel computes it (one
    float32 / float64 dtype: ``_pow_kernel.pow_arrays``); NumPy's power otherwise (and for tensors)."""
    if isinstance(e, np.generic):       # (a 0-d exponent minus 1 comes back a NumPy scalar)
        e = np.asarray(e)
    if a.__class__ is np.ndarray and e.__class__ is np.ndarray and a.dtype == e.dtype and a.dtype.kind == "f" \
            and a.dtype.itemsize >= 4:
        from ._pow_kernel import pow_arrays
        return pow_arrays(a, e, a.dtype.type)
    return a ** e


def _pow_values(x, e, plain=False, out=None):
    """x ** e for a number e, with torch's exact fast paths (x*x for 2, sqrt for 0.5 ...); other
    exponents of float32 / float64 arrays through torch's SLEEF / glibc kernel (``_pow_kernel``) unless
    ``plain`` (float16's float32 values: NumPy's power); ``out``: an ``out=`` array (its layout)."""
    if isinstance(x, Tensor):
        return x ** e
    if x.dtype.kind == "c" and e in (2, 3, -2):
        # complex products rounded as torch's complex multiply kernel (NumPy's differs by an ulp)
        from ._cabs import complex_multiply
        sq = complex_multiply(x, x)
        return sq if e == 2 else complex_multiply(sq, x) if e == 3 else 1.0 / sq
    if e == 2:
        return x * x
    if e == 3:
        return x * x * x
    if e == 1:
        return x
    if e == 0.5:
        return _sqrt(x)
    if e == -1:
        # (complex: torch's reciprocal kernel, 1 / x, giving 1+0j for 1 and inf+nanj for 0)
        return 1.0 / x if x.dtype.kind == "f" else np.divide(x.dtype.type(1), x) if x.dtype.kind == "c" \
            else np.reciprocal(x)
    if e == -0.5:
        return 1.0 / np.sqrt(x)
    if e == -2:
        return 1.0 / (x * x)
    if not plain and x.dtype.kind == "f" and x.dtype.itemsize >= 4 and not isinstance(e, (bool, np.bool_)) \
            and isinstance(e, (int, float, np.integer, np.floating)):
        from ._pow_kernel import pow_number
        return pow_number(x, e, out)
    return _cpow(x, e) if x.dtype.kind == "c" else np.power(x, e)


def _half_pow(x, e):
    """float16 x ** e for a number e: torch casts the exponent to the tensor's dtype (2.2 becomes
    2.19921875), computes in float, and rounds to half."""
    e = float(np.float16(e)) if isinstance(e, float) else e
    return _pow_values(x.astype(np.float32), e, plain=True).astype(np.float16)


def pow(input, exponent, *, out=None):
    ec = exponent.__class__
    if input.__class__ is not Tensor and not isinstance(exponent, Tensor):
        from ._inputs import not_two_numbers
        not_two_numbers("pow", input, exponent)
    if input.__class__ is Tensor and (ec is int or ec is float) and out is None:
        x = input._data
        if x.dtype.kind == "f" and x.dtype != np.float16:
            # the common case, a float tensor to a number's power, without the general promotion
            if exponent == 2 and not x.ndim:
                # torch's x * x for one value, in Python floats: the loss of every scalar loop
                # (compute() gives the same, at about 100 more interpreter steps a call)
                r = _wrap(single_result(float(x) * float(x), x.dtype))
            else:
                y = _pow_values(x, exponent)
                r = _wrap(y if y.__class__ is np.ndarray and x.flags.c_contiguous else _ti(np.asarray(y, x.dtype), x))
            if GRAD.enabled and input._rg:
                node = PowBackward0()
                node.exponent = exponent
                node.save(input)
                record1(node, r, input)
            return r
    if not _is_t(input) or _is_t(exponent):
        if result_type(input, exponent)._cat == 0:      # bool ** bool: only tensor ** number has a kernel
            from ._common import check_pair             # (the sizes are checked before the dtype)
            check_pair(input, exponent)
            from ._complex_refuse import not_implemented
            raise not_implemented("pow", np.dtype(np.bool_))
        od = getattr(out, "_data", None)
        r = _scalar_pow(input, exponent, od) if not _is_t(input) else _tensor_pow(input, exponent, od)
        if out is not None:
            from .arithmetic import _out
            return _out(r, out, "pow", (input, exponent))
        return r
    x, e, dt = binary_operands(input, exponent)
    if exponent.__class__ is np.ndarray:        # ``t ** array``: NumPy computes it, as under torch
        return _wrap(as_array(np.power(x, e)).astype(dt.np, copy=False))
    if dt._cat == 1 and exponent < 0:          # (e itself has wrapped round for unsigned dtypes)
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if (dt._cat == 1 or dt is _float16) and not isinstance(exponent, Tensor):
        from ._scalar_cast import checked_scalar
        checked_scalar(exponent, dt.np)         # torch's overflow error for an exponent the dtype cannot hold
    if dt is _float16:
        y = _half_pow(x, e)
    elif dt._cat == 0:
        y = np.power(x.astype(np.int64), int(e)).astype(bool) if isinstance(e, bool) else np.power(x, e)
    else:
        y = _pow_values(x, e, out=getattr(out, "_data", None))
    r = _wrap(as_array(y) if y.dtype == dt.np else as_array(y).astype(dt.np))
    if GRAD.enabled and input._rg:
        node = PowBackward0()
        node.exponent = exponent
        node.save(input)
        record1(node, r, input)
    if out is not None:
        from .arithmetic import _out
        return _out(r, out, "pow", (input, exponent))
    return r


def _int_power(x, y, out=None):
    """Integer x ** y with tensor exponents, as torch's powi: a negative exponent gives 1 for a base
    of 1, +-1 for -1 (by the exponent's parity) and 0 for any other base (NumPy refuses them)."""
    neg = np.less(y, 0)
    if not neg.any():
        return np.power(x, y, out=out)
    r = np.asarray(np.power(x, np.where(neg, 0, y), out=out))   # (a Python int base stays weak: x's dtype is y's)
    xb = np.broadcast_to(x, r.shape)
    small = np.where(xb == 1, 1, np.where(xb == -1, np.where(y % 2 == 0, 1, -1), 0))
    np.copyto(r, small, where=np.broadcast_to(neg, r.shape), casting="unsafe")
    return r


def _tensor_pow(a, b, out=None):
    x, y, dt = binary_operands(a, b)
    if dt.np == np.float32 or dt.np == np.float64:
        r = _wrap(_float_pow(x, y, dt, out))
    else:
        power = _int_power if dt._cat == 1 else _cpow if dt.is_complex else np.power
        r = _wrap(compute(power, x, y, dt))
    if needs_grad(a, b):
        node = PowBackward1()
        node.save(a, b, r, result_at=2)
        record(node, r, a, b)
    return r


def _float_pow(x, y, dt, out=None):
    """float32 / float64 x ** y (arrays or numbers) as torch's pow_tensor_tensor kernel (SLEEF's pow on
    the loop's vector blocks, powf / pow on the rest), laid out as ``compute`` lays its results."""
    from ._pow_kernel import pow_arrays
    from ._common import _canonical_operands, check_broadcast
    check_broadcast(np.shape(x), np.shape(y))          # torch's "The size of tensor a ..." error
    r = pow_arrays(x, y, np.dtype(dt.np).type, out)
    if (x.__class__ is not np.ndarray or x.flags.c_contiguous) and \
            (y.__class__ is not np.ndarray or y.flags.c_contiguous) and r.size and \
            (1 not in r.shape or _canonical_operands(x, y)):
        return r
    return _ti(r, x, y)


def _scalar_pow(c, b, out=None):
    """c ** b with c a Python number (torch wraps it as a 0-d tensor: the tensor-tensor kernel)."""
    x, y, dt = binary_operands(c, b)
    if dt is _float16 and isinstance(x, float):
        x = np.float16(x)           # torch casts the number base to half first (2.2 -> 2.19921875)
    if dt.np == np.float32 or dt.np == np.float64:
        # (its output is allocated contiguous, and the loop follows it: a transposed exponent is not
        # vectorised)
        r = _float_pow(x, y, dt, out if out is not None else np.empty(np.shape(y), dt.np))
    else:
        r = compute(_int_power if dt._cat == 1 else np.power, x, y, dt)
    from ._layout import contig         # torch's pow(Scalar, Tensor) allocates a contiguous output
    r = _wrap(contig(r))
    if needs_grad(b):
        node = PowBackward2()
        node.base = c
        node.save(r, b, result_at=0)
        record1(node, r, b)
    return r
