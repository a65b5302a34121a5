"""Elementwise functions that keep zeros zero, as methods of sparse COO tensors (``s.abs()``,
``s.sqrt()``, ``s.pow(2)`` ...): the dense function applied to the values, the result sparse.

torch coalesces the input first (``f(a) + f(b)`` is not ``f(a + b)``), so the result is coalesced.
No autograd history is recorded, as for the other sparse ops here.
"""
from ._coo import SparseTensor, make

ZERO_PRESERVING = ("abs", "sqrt", "sin", "tan", "tanh", "asin", "atan", "sinh", "asinh", "atanh", "ceil", "floor",
                   "round", "trunc", "sign", "sgn", "expm1", "log1p", "relu", "deg2rad", "rad2deg", "erf", "erfinv",
                   "isnan", "isinf", "isposinf", "isneginf", "nan_to_num", "signbit", "frac", "square")


def _on_values(t, name, *args, **kwargs):
    from .._tensor import _wrap
    c = t.coalesce()
    vals = getattr(_wrap(c._vals), name)(*args, **kwargs)._data
    return make(c._idx.copy(), vals, c._size, True)


def _method(name):
    def method(self, *args, **kwargs):
        return _on_values(self, name, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``{name}`` of the stored values (coalesced first); the result stays sparse."
    return method


def pow(self, exponent):
    """``s.pow(scalar)``: sparse; a zero exponent would fill the zeros, which torch refuses."""
    from .._tensor import Tensor
    if isinstance(exponent, Tensor):
        return Tensor.pow(self, exponent)
    if exponent == 0:
        raise RuntimeError("pow: cannot raise to zeroth power on sparse tensor; it would make the result tensor dense")
    return _on_values(self, "pow", exponent)


for _name in ZERO_PRESERVING:
    setattr(SparseTensor, _name, _method(_name))
SparseTensor.pow = pow
