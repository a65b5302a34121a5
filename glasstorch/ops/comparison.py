"""Comparisons: eq, ne, lt, le, gt, ge.  They give bool tensors and no gradient."""
import numpy as np
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

from ._common import Tensor, _canonical_operands, _wrap, as_array, binary_operands, broadcast_error, tensor_input
from ._complex_refuse import not_implemented
from .._arg_refuse import not_a_tensor


def _compare(ufunc, kernel, input, other):
    """A comparison; ``kernel`` names torch's kernel for the ordering ones, which torch has no
    complex version of (NumPy would order complex numbers lexicographically)."""
    if other is None:
        from .._arg_refuse import refuse
        refuse(TypeError(f"{ufunc.__name__}() received an invalid combination of arguments - got (Tensor, NoneType)"))
    x, y, dt = binary_operands(input, other)
    if kernel is not None and dt._cat == 3:
        from ._common import check_pair         # TensorIterator sizes the operands before the dtype check
        check_pair(input, other)
        raise not_implemented(kernel, dt.np)
    try:
        r = as_array(ufunc(x, y))
        if (x.__class__ is not np.ndarray or x.flags.c_contiguous) and \
                (y.__class__ is not np.ndarray or y.flags.c_contiguous) and r.size and \
                (1 not in r.shape or _canonical_operands(x, y)):
            return _wrap(r)         # contiguous inputs: a contiguous result, torch's layout too
        return _wrap(_ti(r, x, y))
    except ValueError:
        raise broadcast_error(np.shape(x), np.shape(y)) from None


# (each a function of its own, named as torch names it: a wrong first argument is refused by name)
def eq(input, other, *, out=None):
    if input.__class__ is not Tensor:
        tensor_input("eq", input)
    return _compare(np.equal, None, input, other)


def ne(input, other, *, out=None):
    if input.__class__ is not Tensor:
        tensor_input("ne", input)
    return _compare(np.not_equal, None, input, other)


def lt(input, other, *, out=None):
    if input.__class__ is not Tensor:
        tensor_input("lt", input)
    return _compare(np.less, "lt_cpu", input, other)


def le(input, other, *, out=None):
    if input.__class__ is not Tensor:
        tensor_input("le", input)
    return _compare(np.less_equal, "le_cpu", input, other)


def gt(input, other, *, out=None):
    if input.__class__ is not Tensor:
        tensor_input("gt", input)
    return _compare(np.greater, "gt_cpu", input, other)


def ge(input, other, *, out=None):
    if input.__class__ is not Tensor:
        tensor_input("ge", input)
    return _compare(np.greater_equal, "ge_cpu", input, other)


not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def _refuse_sparse_equal(input, other):
    """torch has no ``equal`` kernel for sparse layouts: its dispatcher error, for the first sparse operand."""
    for t in (input, other):
        name = getattr(getattr(t, "layout", None), "name", "strided")
        if name != "strided":
            from ..sparse._coo import not_on_sparse
            raise not_on_sparse("aten::equal", "SparseCPU" if name == "sparse_coo" else "SparseCsrCPU")


def equal(input, other):
    """True when both have the same shape and elements."""
    try:
        x, y = input._data, other._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if input.__class__ is not Tensor or other.__class__ is not Tensor:
        _refuse_sparse_equal(input, other)
    from .._vmap_dynamic import note
    note("equal", input)
    note("equal", other)
    return x.shape == y.shape and bool(np.all(x == y))


__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "equal", "Tensor"]
