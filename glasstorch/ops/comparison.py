"""Comparisons: eq, ne, lt, le, gt, ge.  They give bool tensors and no gradient."""
import numpy as np

from ._common import Tensor, _wrap, as_array, binary_operands, broadcast_error
from ._complex_refuse import not_implemented


def _compare(ufunc, kernel=None):
    """A comparison; ``kernel`` names torch's kernel for the ordering ones, which torch has no
    complex version of (NumPy would order complex numbers lexicographically)."""
    def op(input, other, *, out=None):
        if other is None:
            raise TypeError(f"{ufunc.__name__}() received an invalid combination of arguments - got (Tensor, NoneType)")
        x, y, dt = binary_operands(input, other)
        if kernel is not None and dt._cat == 3:
            raise not_implemented(kernel, dt.np)
        try:
            return _wrap(as_array(ufunc(x, y)))
        except ValueError:
            raise broadcast_error(np.shape(x), np.shape(y)) from None
    op.__name__ = ufunc.__name__
    return op


eq = _compare(np.equal)
ne = _compare(np.not_equal)
lt = _compare(np.less, "lt_cpu")
le = _compare(np.less_equal, "le_cpu")
gt = _compare(np.greater, "gt_cpu")
ge = _compare(np.greater_equal, "ge_cpu")
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def equal(input, other):
    """True when both have the same shape and elements."""
    return input._data.shape == other._data.shape and bool(np.all(input._data == other._data))


__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "equal", "Tensor"]
