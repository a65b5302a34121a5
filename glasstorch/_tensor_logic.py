"""Tensor methods that test and combine bits: isnan/isinf, logical_*, bitwise_* and their operators, isclose.

Each method is a one-line call of an op in ``glasstorch/ops/``; ``Tensor`` inherits them through
``TensorSurface``.  ``O`` (glasstorch/_ops_index.py) loads each op module on first use.
"""
from . import _ops_index as O


class TensorLogic:
    __slots__ = ()

    # ---- tests and logic -------------------------------------------------------------------------
    def isnan(self):
        return O.logical.isnan(self)

    def isinf(self):
        return O.logical.isinf(self)

    def isfinite(self):
        return O.logical.isfinite(self)

    def isposinf(self):
        return O.logical.isposinf(self)

    def isneginf(self):
        return O.logical.isneginf(self)

    def isreal(self):
        return O.logical.isreal(self)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return O.logical.nan_to_num(self, nan, posinf, neginf)

    def logical_and(self, other):
        return O.logical.logical_and(self, other)

    def logical_or(self, other):
        return O.logical.logical_or(self, other)

    def logical_xor(self, other):
        return O.logical.logical_xor(self, other)

    def logical_not(self):
        return O.logical.logical_not(self)

    def logical_not_(self):
        return O.logical.logical_not_(self)

    def bitwise_and(self, other):
        return O.logical.bitwise_and(self, other)

    def bitwise_or(self, other):
        return O.logical.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return O.logical.bitwise_xor(self, other)

    def bitwise_not(self):
        return O.logical.bitwise_not(self)

    def __and__(self, other):
        return O.logical.bitwise_and(self, other)

    def __rand__(self, other):
        return O.logical.bitwise_and(self, other)

    def __iand__(self, other):
        return O.logical.bitwise_and_(self, other)

    def __or__(self, other):
        return O.logical.bitwise_or(self, other)

    def __ror__(self, other):
        return O.logical.bitwise_or(self, other)

    def __ior__(self, other):
        return O.logical.bitwise_or_(self, other)

    def __xor__(self, other):
        return O.logical.bitwise_xor(self, other)

    def __rxor__(self, other):
        return O.logical.bitwise_xor(self, other)

    def __ixor__(self, other):
        return O.logical.bitwise_xor_(self, other)

    def __invert__(self):
        return O.logical.invert(self)

    def __lshift__(self, other):
        return O.logical.bitwise_left_shift(self, other)

    def __rshift__(self, other):
        return O.logical.bitwise_right_shift(self, other)

    def __rlshift__(self, other):           # 1 << x
        return O.logical.bitwise_left_shift(other, self)

    def __rrshift__(self, other):           # 16 >> x
        return O.logical.bitwise_right_shift(other, self)

    def __ilshift__(self, other):
        return self.bitwise_left_shift_(other)

    def __irshift__(self, other):
        return self.bitwise_right_shift_(other)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return O.logical.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return O.logical.allclose(self, other, rtol, atol, equal_nan)
