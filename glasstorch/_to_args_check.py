"""Which of ``Tensor.to``'s three overloads a call matches, as torch's argument parser decides it.

torch parses ``t.to(...)`` against

* ``(Device device=None, ScalarType dtype=None, bool non_blocking=False, bool copy=False, *, MemoryFormat? memory_format=None)``
* ``(ScalarType dtype, bool non_blocking=False, bool copy=False, *, MemoryFormat? memory_format=None)``
* ``(Tensor tensor, bool non_blocking=False, bool copy=False, *, MemoryFormat? memory_format=None)``

and a call none of them takes (an unknown keyword such as ``requires_grad=True``, ``non_blocking=1``, a
dtype where a device goes) raises its "received an invalid combination of arguments" TypeError rather
than a Python keyword error.  The flags are strictly Python bools there (``1`` is refused), and a
Python number passes for the third overload's tensor (``t.to(1.5)`` is ``t.to(torch.float64)``).
The parsing itself is ``_arg_parser``'s model of torch's PythonArgParser.
"""
import numpy as np

from . import _dtype as _dt
from ._arg_parser import _parsed, parse, parser_error

# python_variable_methods.cpp's parser for Tensor.to
SIGNATURES = (
    "to(Device device=None, ScalarType dtype=None, bool non_blocking=False, bool copy=False, *, "
    "MemoryFormat? memory_format=None)",
    "to(ScalarType dtype, bool non_blocking=False, bool copy=False, *, MemoryFormat? memory_format=None)",
    "to(Tensor tensor, bool non_blocking=False, bool copy=False, *, MemoryFormat? memory_format=None)",
)


def _number_dtype(v):
    """The parser takes a number for the third overload's tensor (``to`` is among the functions whose
    Tensor parameters accept numbers), wrapping it as a 0-d tensor: a Python bool a bool one, a Python
    complex a complex128 one, anything else float() reads a float64 one (NumPy's bools and complexes
    too)."""
    if isinstance(v, bool):
        return _dt.bool_
    if isinstance(v, complex):
        return _dt.complex128
    return _dt.float64


def _bound(args, kwargs):
    for raw in SIGNATURES:
        b = parse(_parsed(raw), args, kwargs, False)
        if b is not None:
            return raw, b
    return None, None


def checked_to_args(args, kwargs):
    """``(args, kwargs)`` for ``ops.conversion.to`` once torch's parser has taken the call: the tensor
    of the third overload positional, everything else by name (a leading number read as its dtype, a
    NumPy integer device index as an int); raises torch's TypeError when no overload takes it."""
    if not kwargs and len(args) == 1 and type(args[0]) is _dt.dtype:
        return (), {"dtype": args[0]}           # t.float(), t.to(torch.float64): the common call
    raw, b = _bound(args, kwargs)
    if raw is None:
        raise parser_error(SIGNATURES, args, kwargs)
    named = {p.name: v for p, v in b.items()}
    if isinstance(named.get("device"), np.integer):
        named["device"] = int(named["device"])
    tensor = named.pop("tensor", None)
    if tensor is None:
        return (), named
    from ._tensor import Tensor
    if not isinstance(tensor, Tensor):
        named["dtype"] = _number_dtype(tensor)
        return (), named
    return (tensor,), named
