"""Tests and logic: isnan/isinf/isfinite, nan_to_num, logical_* and bitwise_* (the ``& | ^ ~ << >>``
operators), isclose/allclose, signbit, sgn.  Results are bool (or integer for bitwise) and carry
no gradient, except nan_to_num and sgn.
"""
import numpy as np
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)
from ._layout import clone as _empty_like  # (an empty result keeps x's strides: torch's empty_like(x))

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, as_array, record1, binary_operands
from ._common import tensors_only
from ._common import check_pair
from ._inputs import not_two_numbers
from .inplace import commit, type_name
from .._arg_refuse import not_a_tensor


def isnan(input):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    return _wrap(_ti(as_array(np.isnan(x)), x))


def isinf(input):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    return _wrap(as_array(np.isinf(x)))


def isfinite(input):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    return _wrap(as_array(np.isfinite(x)))


def isposinf(input, *, out=None):
    try:
        return _wrap(as_array(np.isposinf(input._data)))
    except TypeError:                     # NumPy refuses complex: say it as torch does
        _no_complex("isposinf", input)
        raise


def isneginf(input, *, out=None):
    try:
        return _wrap(as_array(np.isneginf(input._data)))
    except TypeError:
        _no_complex("isneginf", input)
        raise


def _no_complex(name, input):
    if input._data.dtype.kind == "c":
        raise RuntimeError(f"{name} does not support complex inputs.")


def isreal(input):
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if x.dtype.kind == "c":
        return _wrap(_ti(as_array(x.imag == 0), x))
    from ._layout import preserve
    return _wrap(preserve(np.ones(x.shape, np.bool_), x))      # torch's ones_like(x, bool)


def signbit(input, *, out=None):
    try:
        return _wrap(as_array(np.signbit(input._data)))
    except TypeError:                     # NumPy has no complex signbit, nor has torch
        if input._data.dtype.kind == "c":
            raise NotImplementedError("signbit is not implemented for complex tensors.") from None
        raise


class NanToNumBackward0(Node):
    """y = nan_to_num(x)   ->   dx = g where x is finite, else 0"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        m = self.m
        return (g * m.isfinite(x),)       # a product, as torch: zeros keep g's sign


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    for v in (nan, posinf, neginf):       # torch's parser: each a real number (double?)
        if v is not None and not isinstance(v, (int, float, np.integer, np.floating)):
            from .._arg_refuse import refuse as refuse_call
            refuse_call()
    x = input._data
    if x.dtype.kind not in "fc":          # (complex: the real and imaginary parts each, as NumPy does)
        return _wrap(x.copy())
    info = np.finfo(x.dtype)
    r = _wrap(_ti(np.nan_to_num(x, nan=nan, posinf=info.max if posinf is None else posinf,
                            neginf=info.min if neginf is None else neginf), x) if x.size else _empty_like(x))
    if GRAD.enabled and input._rg:
        node = NanToNumBackward0()
        node.save(input)
        record1(node, r, input)
    return r


class SgnBackward0(Node):
    """y = sgn(x)   ->   dx = 0"""
    __slots__ = ()

    def backward(self, g):
        return (self.m.zeros_like(g),)      # torch's zeros_like: +0 even where g < 0


def sgn(input, *, out=None):
    x = input._data
    if x.dtype.kind == "c":          # z / |z|, with a gradient (ops/_cabs.py)
        from ._cabs import SgnBackward0 as ComplexSgnBackward0, complex_sgn_values
        r = _wrap(complex_sgn_values(x))
        if GRAD.enabled and input._rg:
            node = ComplexSgnBackward0()
            node.save(input, r, result_at=1)
            record1(node, r, input)
        return r
    from .select import real_sign
    r = _wrap(x.copy() if x.dtype.kind == "b" else real_sign(x))    # sgn of a bool is itself
    if GRAD.enabled and input._rg:
        record1(SgnBackward0(), r, input)
    return r


# ---- logical ---------------------------------------------------------------------------------------
def _b(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def logical_and(input, other, *, out=None):
    tensors_only('logical_and', input, other)
    check_pair(input, other)
    a, b = _b(input), _b(other)
    return _wrap(_ti(as_array(np.logical_and(a, b)), a, b))     # TensorIterator's layout: the first operand leads


def logical_or(input, other, *, out=None):
    tensors_only('logical_or', input, other)
    check_pair(input, other)
    a, b = _b(input), _b(other)
    return _wrap(_ti(as_array(np.logical_or(a, b)), a, b))     # TensorIterator's layout: the first operand leads


def logical_xor(input, other, *, out=None):
    tensors_only('logical_xor', input, other)
    check_pair(input, other)
    a, b = _b(input), _b(other)
    return _wrap(_ti(as_array(np.logical_xor(a, b)), a, b))     # TensorIterator's layout: the first operand leads


def logical_not(input, *, out=None):
    return _wrap(_ti(as_array(np.logical_not(input._data)), input._data))


# ---- bitwise -------------------------------------------------------------------------------------
_PUBLIC = {"lshift": "bitwise_left_shift", "rshift": "bitwise_right_shift"}    # torch's names, not the kernels'


def _bitwise(ufunc, name):
    shift = name.endswith("shift")

    def op(input, other, *, out=None):
        not_two_numbers(_PUBLIC.get(name, name), input, other)
        check_pair(input, other)
        x, y, dt = binary_operands(input, other)
        if dt._cat >= 2 or (shift and dt.np == np.bool_):     # float or complex; shifts have no bool kernel
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{type_name(dt.np)}'")
        return _wrap(_ti(as_array(ufunc(x, y)).astype(dt.np, copy=False), x, y))
    op.__name__ = name
    return op


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")
bitwise_left_shift = _bitwise(np.left_shift, "lshift")
bitwise_right_shift = _bitwise(np.right_shift, "rshift")


def bitwise_not(input, *, out=None):
    x = input._data
    if x.dtype.kind in "fc":
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{type_name(x.dtype)}'")
    return _wrap(as_array(np.invert(x)))


def invert(input):
    """``~x``: Python's operator refuses float and complex tensors with a TypeError of its own."""
    if input._data.dtype.kind in "fc":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(input)


def _rbitwise(fn):
    def op(input, other):
        return fn(other, input) if isinstance(other, Tensor) else fn(_wrap(np.asarray(other)), input)
    return op


def bitwise_and_(input, other):
    return commit(input, lambda: bitwise_and(input, other), "bitwise_and")


def bitwise_or_(input, other):
    return commit(input, lambda: bitwise_or(input, other), "bitwise_or")


def bitwise_xor_(input, other):
    return commit(input, lambda: bitwise_xor(input, other), "bitwise_xor")


def logical_not_(input):
    return commit(input, lambda: logical_not(input), "logical_not")


# ---- closeness -------------------------------------------------------------------------------------
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    tensors_only("isclose", input, other)
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if tol < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tol:g}")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{type_name(input._data.dtype)} did not match {type_name(other._data.dtype)}")
    if input._data.shape != other._data.shape:
        try:
            np.broadcast_shapes(input._data.shape, other._data.shape)
        except ValueError:
            from ._common import broadcast_error
            raise broadcast_error(input._data.shape, other._data.shape) from None
    r = as_array(np.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))
    return _wrap(_ti(r, input._data, other._data))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    from .._vmap_dynamic import note
    note("allclose", input)
    note("allclose", other)
    tensors_only("allclose", input, other)      # torch names allclose, not the isclose it calls
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


__all__ = ["isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "signbit", "nan_to_num", "sgn",
           "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor",
           "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "isclose", "allclose"]
