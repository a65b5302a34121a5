"""torch's Python argument parser for the number parameters of an ATen function
(python_arg_parser.cpp: ParameterType::DOUBLE, ParameterType::SCALAR).

A loss such as ``torch.margin_ranking_loss(Tensor, Tensor, Tensor, float margin, int reduction)`` takes
its margin as a C++ double, so ``x + margin`` is the Scalar overload with a *floating* scalar: integer
inputs come out in the default float dtype, whatever Python number (0, True, numpy.int64(2)) was given.
Both kinds take a 0-d tensor that needs no grad (its value); anything else is the parser's TypeError.
"""
import numpy as np

_REAL = (bool, int, float, np.integer, np.floating, np.bool_)


def _zero_dim(value):
    from ..._tensor import Tensor
    return isinstance(value, Tensor) and value.dim() == 0 and not value.requires_grad


def _refuse(value, fn, name, position, kind):
    from ..._arg_parser import tp_name
    raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be {kind}, not {tp_name(value)}")


def double_arg(value, fn, name, position):
    """``value`` as torch's parser binds a ``double``: a real number (a bool, NumPy bool or number too) or a 0-d
    tensor (a complex one only without imaginary part: c10's checked cast to double)."""
    if isinstance(value, _REAL + (np.complexfloating,)):
        return float(value)         # (a NumPy complex: its own float(), which warns and drops the imaginary part)
    if _zero_dim(value):
        v = value.item()
        if isinstance(v, complex):
            if v.imag != 0:
                raise RuntimeError("value cannot be converted to type double without overflow")
            v = v.real
        return float(v)
    _refuse(value, fn, name, position, "float")


def scalar_arg(value, fn, name, position):
    """``value`` as torch's parser binds a ``Scalar`` ("Number"): any Python or NumPy number, complex
    included, or a 0-d tensor's value; the kernel converts it to its dtype later (checked_scalar)."""
    if isinstance(value, _REAL + (complex, np.complexfloating)):
        return value.item() if isinstance(value, np.generic) else value
    if _zero_dim(value):
        return value.item()
    _refuse(value, fn, name, position, "Number")


def bool_arg(value, fn, name, position):
    """``value`` as torch's parser binds a ``bool``: a Python bool only (not 1, numpy.bool, a tensor)."""
    if isinstance(value, bool):
        return value
    _refuse(value, fn, name, position, "bool")


def int_arg(value, fn, name, position):
    """``value`` as torch's parser binds an ``int64_t``: a Python or NumPy integer (not a bool) or a 0-d
    integer tensor (not a bool one)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    from ..._tensor import Tensor
    if isinstance(value, Tensor) and value.dim() == 0 and value.dtype._cat == 1:
        return int(value.item())
    _refuse(value, fn, name, position, "int")


def reduction_arg(value, fn, position):
    """A top-level loss's ``int64_t reduction``: 1 'mean', 2 'sum', any other integer no reduction
    (apply_loss_reduction's fall-through)."""
    return {1: "mean", 2: "sum"}.get(int_arg(value, fn, "reduction", position), "none")
