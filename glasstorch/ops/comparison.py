"""Comparisons: eq, ne, lt, le, gt, ge.  They give bool tensors and no gradient."""
import numpy as np

from ._common import Tensor, _wrap, as_array, binary_operands, broadcast_error
from ._complex_refuse import not_implemented


def _compare(ufunc):
    def op(input, other, *, out=None):
        if other is None:
            raise TypeError(f"{ufunc.__name__}() received an invalid combination of arguments - got (Tensor, NoneType)")
        x, y, _ = binary_operands(input, other)
        try:
            return _wrap(as_array(ufunc(x, y)))
        except ValueError:
            raise broadcast_error(np.shape(x), np.shape(y)) from None
    op.__name__ = ufunc.__name__
    return op


def _order(ufunc, kernel):
    """An ordering comparison: torch has no complex kernel for it (NumPy orders lexicographically)."""
    def op(input, other, *, out=None):
        if other is None:
            raise TypeError(f"{ufunc.__name__}() received an invalid combination of arguments - got (Tensor, NoneType)")
        x, y, dt = binary_operands(input, other)
        if dt._cat == 3:
            raise not_implemented(kernel, dt.np)
        try:
            return _wrap(as_array(ufunc(x, y)))
        except ValueError:
            raise broadcast_error(np.shape(x), np.shape(y)) from None
    op.__name__ = ufunc.__name__
    return op


eq = _compare(np.equal)
ne = _compare(np.not_equal)
lt = _order(np.less, "lt_cpu")
le = _order(np.less_equal, "le_cpu")
gt = _order(np.greater, "gt_cpu")
ge = _order(np.greater_equal, "ge_cpu")
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def equal(input, other):
    """True when both have the same shape and elements."""
    return input._data.shape == other._data.shape and bool(np.all(input._data == other._data))


__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "equal", "Tensor"]
