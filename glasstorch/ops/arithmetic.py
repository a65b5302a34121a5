"""Arithmetic: add, sub, rsub, mul, div, floor_divide, pow, neg — forward and backward side by side.

Backward formulas never un-broadcast or cast: the engine fits each gradient to its input.
What each node saves follows torch's derivatives.yaml, so a second backward fails exactly
where torch's does: ``(w + 1).sum()`` saves nothing, ``(w * 2).sum()`` saves the 2.
"""
import numpy as np
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

from .._dtype import DEFAULT, float16 as _float16, float32 as _float32, float64 as _float64
from ..autograd.graph import Node
from .._rng_fma import fma64
from ._common import check_pair
from ._common import (GRAD, Tensor, _wrap, as_array, binary_operands, compute, float_arrays, fma32, ints_in_float,
                      needs_grad, record, record1, record2)
from .._arg_parser import _is_scalar
from .._arg_refuse import not_a_tensor
from ._scalar_cast import checked_scalar
from ._scalar_tail import after_fma as _tail  # a scalar `other`: torch's unfused tail elements
from ._half_scalar import original_second, rounded as _h16
from ._half_grad_scalar import over as _over, times as _times  # float16 grad with a number: torch's float32 scalar
from ._half_axpy import half_axpy
from ._inputs import two_numbers as _two_numbers
from ._div_mode import UNSET

_PY_NUMBERS = frozenset((int, float, complex, bool))     # (one test on the tensor path)


def _is_t(x):
    return x.__class__ is Tensor or isinstance(x, Tensor)


def _rg(x):
    return (x.__class__ is Tensor or isinstance(x, Tensor)) and x._rg


def _alpha(alpha):
    """An ``alpha`` other than 1: torch's parser takes a number (or a 0-d tensor) only."""
    if not _is_scalar(alpha) and not hasattr(alpha, "_data"):
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    return alpha


def _grad_alpha(name, alpha):
    """torch's parser reads a tensor as the Scalar ``alpha`` only when it is 0-d and does not require grad
    (a differentiable optimizer step with an lr tensor that requires grad meets this)."""
    if hasattr(alpha, "_data") and (alpha._rg or alpha._data.ndim != 0):
        raise TypeError(f"{name}(): argument 'alpha' must be Number, not Tensor")


def _num(alpha):
    """``alpha`` as the backward uses it: a 0-d tensor's number (torch's parser reads it as a Scalar)."""
    return alpha.item() if hasattr(alpha, "_data") else alpha


def _axpy(x, y, alpha, dt, out=None):
    """x + alpha * y, fused as torch's kernels compute it."""
    if alpha.__class__ is bool and dt._cat != 0:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if alpha == 1:
        return compute(np.add, x, y, dt)
    if dt._cat == 2:
        checked_scalar(_num(alpha), dt.np)      # torch's checked cast: alpha=1e300 overflows float32
        if dt is _float32:
            if y.__class__ is float or y.__class__ is int:
                y = np.float32(y)   # torch casts a number operand to the tensor's dtype first
            if x.__class__ is float or x.__class__ is int:
                x = np.float32(x)   # (rsub: the number is `self`)
            return _tail(fma32(np.float32(alpha), y, x), x, y, alpha, out)
        if dt is _float64:          # fused in float64 too (checked against torch)
            x, y = np.asarray(x), np.asarray(y)
            r = np.asarray(fma64(np.float64(alpha), y, x)).reshape(np.broadcast_shapes(x.shape, y.shape))
            return _tail(r, x, y, alpha, out)
        # float16: alpha and a number operand rounded to float16; fused in vector blocks only (_half_axpy.py)
        return as_array(half_axpy(x, y, checked_scalar(_num(alpha), dt.np)))
    if dt._cat == 0:        # bool: x or (alpha and y)
        if isinstance(alpha, float):
            raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
        return as_array(np.logical_or(x, np.logical_and(y, bool(alpha))))
    if dt._cat == 3:        # alpha as a complex number of the result's precision, a full complex product
        return as_array(np.asarray(x + dt.np.type(alpha) * np.asarray(y)).astype(dt.np, copy=False))
    if isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    # integers: alpha must fit the result dtype (torch's checked cast); a number operand is cast (wrapping)
    # to it, and x + alpha * y wraps in it
    a = dt.np.type(checked_scalar(_num(alpha), dt.np))
    x, y = np.asarray(x).astype(dt.np, copy=False), np.asarray(y).astype(dt.np, copy=False)
    with np.errstate(over="ignore"):
        return as_array(x + a * y)


# ---- add -----------------------------------------------------------------------------------
class AddBackward0(Node):
    """z = a + alpha * b   ->   da = g,   db = alpha * g"""
    __slots__ = ("alpha",)

    def backward(self, g):
        return g, (g if self.alpha == 1 else _times(g, self.alpha))


def left_number(v):
    """``v``, a number on the left (``2 * a``); anything else is torch's parser error for the call, raised
    before the operands are swapped (which would make the error name 'other')."""
    if not isinstance(v, (int, float, complex, np.generic)):
        from .._arg_refuse import refuse
        refuse()
    return v


def add(input, other, *deprecated, alpha=1, out=None):
    if deprecated:      # torch.add(input, alpha, other), the 0.4-era overload
        from .._deprecated_overloads import rebind
        alpha, other = rebind("add", False, (other,) + deprecated)
    if input.__class__ in _PY_NUMBERS:
        input = _two_numbers(input, other)
    if alpha.__class__ is not int:
        _grad_alpha("add", alpha)
    r = float_arrays(np.add, input, other) if alpha == 1 and alpha is not True else None
    if r is None:
        if not _is_t(input):
            left_number(input)
            if alpha == 1:          # a number on the left: `2 + a`
                input, other = other, input
        check_pair(input, other)
        x, y, dt = binary_operands(input, other)        # (torch.add(2, a, alpha=3): 2 + 3 * a)
        r = compute(np.add, x, y, dt) if alpha == 1 and alpha is not True else \
            _axpy(x, y, _alpha(alpha), dt, getattr(out, "_data", None))
    r = _wrap(r)
    if GRAD.enabled and (_rg(input) or getattr(other, "_rg", False)):
        node = AddBackward0()
        node.alpha = _num(alpha)
        record2(node, r, input, other)
    return r if out is None else _out(r, out, "add", (input, other))


# ---- sub / rsub --------------------------------------------------------------------------------
class SubBackward0(Node):
    """z = a - alpha * b   ->   da = g,   db = -alpha * g"""
    __slots__ = ("alpha",)

    def backward(self, g):
        return g, (-g if self.alpha == 1 else _times(-g, self.alpha))


def _is_bool(x):
    c = x.__class__
    if c is float or c is int:
        return False
    if c is Tensor:
        return x._data.dtype.kind == "b"
    # (a NumPy bool is no bool here: torch's parser reads it as a float, see _dtype.number_dtype)
    return isinstance(x, bool) or (isinstance(x, Tensor) and x._data.dtype.kind == "b")


SUB_BOOLS = ("Subtraction, the `-` operator, with two bool tensors is not supported. "
             "Use the `^` or `logical_xor()` operator instead.")
NEG_BOOL = ("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead.")


def _check_sub(a, b):
    """torch refuses subtraction involving bools (it is ambiguous between xor and not)."""
    ba, bb = _is_bool(a), _is_bool(b)
    if ba and bb:
        raise RuntimeError(SUB_BOOLS)
    if ba or bb:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def sub(input, other, *deprecated, alpha=1, out=None):
    if deprecated:      # torch.sub(input, alpha, other)
        from .._deprecated_overloads import rebind
        alpha, other = rebind("sub", False, (other,) + deprecated)
    if input.__class__ in _PY_NUMBERS:
        input = _two_numbers(input, other)
    if alpha.__class__ is not int:
        _grad_alpha("sub", alpha)
    r = float_arrays(np.subtract, input, other) if alpha == 1 and alpha is not True else None
    if r is None:
        x, y, dt = binary_operands(input, other)
        if _is_bool(input) or _is_bool(other):
            _check_sub(input, other)
        check_pair(input, other)                 # (torch's sub_check comes before the sizes)
        if alpha.__class__ is bool and dt._cat != 0:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        r = compute(np.subtract, x, y, dt) if alpha == 1 else \
            _axpy(x, y, -_alpha(alpha), dt, getattr(out, "_data", None))
    r = _wrap(r)
    if GRAD.enabled and (getattr(input, "_rg", False) or getattr(other, "_rg", False)):
        node = SubBackward0()
        node.alpha = _num(alpha)
        record2(node, r, input, other)
    return r if out is None else _out(r, out, "sub", (input, other))


subtract = sub


class RsubBackward0(Node):
    """z = b - alpha * a   ->   da = -alpha * g,   db = g"""
    __slots__ = ("alpha",)

    def backward(self, g):
        return (-g if self.alpha == 1 else _times(-g, self.alpha)), g


def _rsub_args_error(input, other, alpha):
    from .._arg_parser import parser_error
    return parser_error(("rsub(Tensor input, Tensor other, *, Scalar alpha=1)",
                         "rsub(Tensor input, Scalar other, Scalar alpha=1)"), (input, other),
                        {"alpha": alpha} if alpha != 1 else {})


class RsubBackward1(Node):
    """z = c - alpha * a  (c a number)   ->   da = -alpha * g"""
    __slots__ = ("alpha",)

    def backward(self, g):
        return ((-g if self.alpha == 1 else _times(-g, self.alpha)),)


def rsub(input, other, *, alpha=1):
    """other - alpha * input  (``2 - a`` is ``rsub(a, 2)``)."""
    if not _is_t(input):
        raise _rsub_args_error(input, other, alpha)
    x, y, dt = binary_operands(input, other)
    if _is_bool(input) or _is_bool(other):
        _check_sub(input, other)
    r = _wrap(compute(np.subtract, y, x, dt) if alpha == 1 else _axpy(y, x, -alpha, dt))
    if GRAD.enabled and (input._rg or _rg(other)):
        if _is_t(other):
            node = RsubBackward0()
            node.alpha = _num(alpha)
            record2(node, r, input, other)
        else:
            node = RsubBackward1()
            node.alpha = _num(alpha)
            record1(node, r, input)
    return r


# ---- mul ----------------------------------------------------------------------------------
class MulBackward0(Node):
    """z = a * b   ->   da = g * b,   db = g * a"""
    __slots__ = ()
    _saved_names = ("other", "self")

    def backward(self, g):
        other, self_ = self.saved()
        return (None if other is None else _times(g, other)), (None if self_ is None else _times(g, self_))


def mul(input, other, *, out=None):
    if input.__class__ in _PY_NUMBERS:
        input = _two_numbers(input, other)
    r = float_arrays(np.multiply, input, other)
    if r is None:
        first = not _is_t(input)
        if first:
            input, other = other, left_number(input)
        x, y, dt = binary_operands(input, other)
        if dt is _float16:      # a number first is cast to float16, a 0-d tensor second read as it is
            y = _h16(y) if first else original_second(other, y)
        r = compute(np.multiply if dt._cat else np.logical_and, x, y, dt)
    r = _wrap(r)
    if GRAD.enabled:
        arg = getattr(input, "_rg", False)      # torch.mul(2, 3): two numbers, neither a tensor
        brg = getattr(other, "_rg", False)
        if arg or brg:
            node = MulBackward0()
            node.save(other if arg else None, input if brg else None)
            record2(node, r, input, other)
    return r if out is None else _out(r, out, "mul", (input, other))


multiply = mul


# ---- div ----------------------------------------------------------------------------------
class DivBackward0(Node):
    """z = a / b   ->   da = g / b,   db = -g * (a / b) / b"""
    __slots__ = ()
    _saved_names = ("other", "self")

    def backward(self, g):
        other, self_ = self.saved()
        da = None if other is None else _over(g, other)
        db = None if self_ is None else -g * ((self_ / other) / other)
        return da, db


class DivBackward2(Node):
    """z = div(a, b, rounding_mode=m)   ->   m None (written out): as DivBackward0;  m floor/trunc: no
    gradient flows (zeros), as torch"""
    __slots__ = ("rounding_mode",)
    _saved_names = ("attr:rounding_mode", "other", "self")

    def backward(self, g):
        if self.rounding_mode is None:
            return DivBackward0.backward(self, g)
        self.saved()        # unpacked as torch does: an operand changed in place since is an error
        z = self.m.zeros_like(g)
        return z, z


def div(input, other, *, rounding_mode=UNSET, out=None):
    if rounding_mode is not None and rounding_mode is not UNSET:
        return _out(_div_mode(input, other, rounding_mode), out, "div", (input, other))
    if input.__class__ in _PY_NUMBERS:
        input = _two_numbers(input, other)
    r = float_arrays(np.true_divide, input, other)
    if r is None:
        # (torch.div(number, t) divides by t: a wrapped-number operand; only ``number / t`` is reciprocal * number)
        x, y, dt = binary_operands(input, other)
        if dt._cat < 2:                      # integers divide in the default float (complex stays complex)
            dt = DEFAULT.float
            x, y = ints_in_float(input, other, x, y)
        if dt is _float16:      # as mul: a number first is cast to float16, a 0-d tensor second read as it is
            x, y = _h16(x), original_second(other, y)
        r = compute(np.true_divide, x, y, dt)
    r = _wrap(r)
    if GRAD.enabled and (getattr(input, "_rg", False) or getattr(other, "_rg", False)):
        if rounding_mode is UNSET:
            node = DivBackward0()
        else:                                   # rounding_mode=None written out: torch's div.Tensor_mode
            node = DivBackward2()
            node.rounding_mode = None
        if _rg(other):
            node.save(other, input)
        else:
            node.save(other, None)
        record(node, r, input, other)
    return _out(r, out, "div", (input, other))


divide = true_divide = div


def _rdiv(a, number):
    """``number / a`` is ``reciprocal(a) * number`` in torch (so its node is MulBackward0)."""
    from .unary import reciprocal
    return mul(reciprocal(a), number)


def _div_mode(input, other, mode):
    if mode not in ("floor", "trunc"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '"
                           + str(mode) + "'")
    check_pair(input, other)
    x, y, dt = binary_operands(input, other)
    if dt._cat == 2:
        q = compute(np.floor_divide if mode == "floor" else _trunc_div, x, y, dt)
    else:
        if dt._cat == 0:
            from ._complex_refuse import not_implemented
            raise not_implemented(f"div_{mode}_cpu", dt.np)
        if dt._cat == 3:
            from ._complex_refuse import not_implemented
            raise not_implemented(f"div_{mode}_cpu", dt.np)
        if np.any(np.asarray(y) == 0):
            raise RuntimeError("ZeroDivisionError")
        q = as_array(np.floor_divide(x, y) if mode == "floor" else _int_trunc_div(x, y))
    r = _wrap(as_array(q))
    if needs_grad(input, other):
        node = DivBackward2()
        node.rounding_mode = mode
        node.save(other, input if _rg(other) else None)     # torch keeps them, though its gradient is zero
        record(node, r, input, other)
    return r


def _trunc_div(x, y):
    return np.trunc(np.true_divide(x, y))


def _int_trunc_div(x, y):
    q = np.floor_divide(x, y)
    fix = (q < 0) & (np.remainder(x, y) != 0)
    return q + fix


def floor_divide(input, other, *, out=None):
    return _out(_floor_divide(input, other, "floor_divide"), out, "floor_divide", (input, other))


def _floor_divide(input, other, op):
    """floor_divide has no derivative in torch: its grad_fn is NotImplemented, whose backward raises
    naming ``op`` (``floor_divide_`` in place)."""
    check_pair(input, other)
    x, y, dt = binary_operands(input, other)
    if dt._cat == 2:
        q = compute(np.floor_divide, x, y, dt)
    else:
        if dt._cat != 1:
            from ._complex_refuse import refuse_dt
            refuse_dt("div_floor_cpu", dt, bools=True)
        if np.any(np.asarray(y) == 0):
            raise RuntimeError("ZeroDivisionError")
        q = np.floor_divide(x, y) if dt._cat == 1 else np.floor_divide(np.asarray(x, np.int8), y).astype(bool)
    from ._no_derivative import record_not_implemented
    return record_not_implemented(op, _wrap(as_array(q)), input, other)


# ---- neg --------------------------------------------------------------------------------------
class NegBackward0(Node):
    """z = -a   ->   da = -g"""
    __slots__ = ()

    def backward(self, g):
        return (-g,)


def neg(input, *, out=None):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if x.dtype.kind == "b":
        raise RuntimeError(NEG_BOOL)
    if out is not None:
        from ._out import check_out_dtype
        from ._out_grad import refuse_first     # torch's autograd refusal comes before out's dtype check
        refuse_first("neg", (input,), out)
        check_out_dtype("neg", input, out)
    r = _wrap(_ti(as_array(np.negative(x)), x))
    if GRAD.enabled and input._rg:
        record1(NegBackward0(), r, input)
    return _out(r, out, "neg", (input,))


negative = neg


def positive(input):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if x.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def _out(r, out, name="add", inputs=()):
    """Support ``out=``: copy the result into the given tensor (no graph, as torch requires; the
    result's dtype must be castable to out's, as ``write_out`` checks; an ``out`` sharing part of an
    input's memory is torch's error)."""
    if out is None:
        return r
    from ._out import write_out, check_out_overlap
    check_out_overlap(name, out, inputs)
    return write_out(name, r, out)


# pow lives in its own file (power.py); imported here so `arithmetic.pow` keeps working
from .power import pow, PowBackward0, PowBackward1, PowBackward2, _pow_values  # noqa: E402,F401

# the in-place forms live in arithmetic_inplace.py; imported here so `arithmetic.add_` keeps working
from .arithmetic_inplace import add_, sub_, mul_, div_, floor_divide_, pow_, neg_  # noqa: E402,F401
