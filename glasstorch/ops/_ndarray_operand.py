"""A tensor meeting a NumPy array in a binary op (``t * np.ones(2)``): what torch leaves to NumPy
(the operators) and what its parser refuses (the function forms)."""
import sys

import numpy as np

from .._dtype import FROM_NP
from .._tensor import Tensor


def _is_binary_op(frame):
    """Whether ``frame`` is running an operator instruction (``a ** b``) rather than a call."""
    import dis
    return dis.opname[frame.f_code.co_code[frame.f_lasti]] in ("BINARY_OP", "BINARY_POWER", "INPLACE_POWER")


def _own(a, b):
    """The arrays of ``a == b`` for torch's own eq: the array read as a tensor of its dtype."""
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else b
    dt = FROM_NP.get(np.result_type(x, y))
    if dt is None:
        raise TypeError(f"unsupported NumPy dtype {np.result_type(x, y)} in an operation with a tensor")
    return x, y, dt


def with_ndarray(a, b):
    """A tensor with a NumPy array (``t * np.ones(2)``): torch gives the operation to NumPy, which
    reads the tensor through ``.numpy()`` (refused while it requires grad) and promotes as NumPy
    does; the result comes back as a tensor.  The function forms (``torch.add(t, array)``, ``t.add(array)``)
    are torch's parser error: only the operators take an array."""
    f = top = sys._getframe(1)
    names = set()
    while f is not None and f.f_globals.get("__name__", "").startswith("glasstorch"):
        names.add(f.f_code.co_name)
        top, f = f, f.f_back            # the user's call: an operator (``__add__``, fast_operator's) or not
    name = top.f_code.co_name
    if name == "pow" and f is not None and _is_binary_op(f):
        name = "__pow__"                # ``t ** array``: Tensor.__pow__ is pow itself, so ask the bytecode
    if name != "operator" and name[:2] != "__":
        from .._arg_refuse import refuse
        refuse()
    if "__eq__" in names:
        return _own(a, b)               # torch's own comparison takes the array: no NumPy, no warning
    # torch's operators decline the array, so NumPy's reflected operator runs: it reads the tensor through
    # __array__ (.numpy(): refused while it requires grad), promotes, divides, raises and warns as NumPy
    # (its __array_wrap__ DeprecationWarning too) and hands the result to Tensor.__array_wrap__
    raise TypeError("an operator with a NumPy array is left to NumPy")

