"""Argument checks shared by the ops: torch's parser errors for non-tensor arguments, the float
dtype an integer input is computed in, and ``zero_where`` (a branch-free masked zero for the
backward of ReLU-like ops). Re-exported by ``ops/_common.py``."""
import numpy as np

from .._dtype import DEFAULT
from .._tensor import Tensor
from .._arg_refuse import not_a_tensor


def is_tensor(x):
    return isinstance(x, Tensor)


_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def zero_where(drop, g):
    """``g`` with +0 where ``drop``: ``np.where(drop, 0, g)`` without a branch per element.

    np.where mispredicts on the random masks ReLU makes (several times slower than arithmetic);
    here the mask becomes all-zeros or all-ones bits (1 - 1, 0 - 1) and is ANDed with ``g``'s bits."""
    if g.size < 4096 or g.dtype.kind != "f" or g.shape != drop.shape:
        return np.where(drop, g.dtype.type(0), g)
    u = _UINT[g.dtype.itemsize]
    bits = drop.astype(u)
    np.subtract(bits, u(1), out=bits)
    np.bitwise_and(bits, g.view(u), out=bits)
    return bits.view(g.dtype)


def tensor_input(name, input):
    """torch's parser error when a function whose first argument must be a tensor gets something else
    (``torch.eq(2, x)``, ``torch.fmod(2, x)``; ``torch.add(2, x)`` has an overload for it)."""
    if not is_tensor(input):
        tensors_only(name, input, input)


def tensors_only(name, input, other, method=False):
    """torch's parser error for ops that take only tensors (atan2, logical_and, gcd, kron ...) when one
    argument is not: torch's signatures replayed on the user's call (``_arg_refuse``); the fallback
    counts arguments from 1, ``self`` not counted in the method form."""
    if is_tensor(input) and is_tensor(other):
        return
    from .._arg_refuse import refusal
    from .._arg_parser import tp_name
    err = refusal()                 # the user's call, read off the stack, through torch's parser rules
    if err is not None:
        raise err
    if not is_tensor(input):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {tp_name(input)}")
    if not is_tensor(other):
        raise TypeError(f"{name}(): argument 'other' (position {1 if method else 2}) must be Tensor, not "
                        f"{tp_name(other)}")


def float_of(dt):
    """The dtype an integer input is computed in by ops that need floats (exp, div ...)."""
    return dt if dt._cat == 2 else DEFAULT.float


def ints_in_float(a, b, x, y):
    """``binary_operands``' (x, y) of an integer or bool op, moved to the default float dtype by an op
    that computes there (div, xlogy, atan2, copysign). A number operand keeps its own value: torch
    casts it to the float dtype, whereas ``binary_operands`` wrapped it into the integer dtype's
    range (``uint8_tensor / -4`` divides by -4, not by 252)."""
    npdt = DEFAULT.float.np
    # (each tensor from its own values too: an int8 -3 next to uint8 data is -3.0, not 253.0)
    x = np.asarray(a._data, npdt) if isinstance(a, Tensor) else \
        np.asarray(x, npdt) if isinstance(a, np.ndarray) else float(a)
    y = np.asarray(b._data, npdt) if isinstance(b, Tensor) else \
        np.asarray(y, npdt) if isinstance(b, np.ndarray) else float(b)
    return x, y


def unary_float_input(a):
    """``a``'s data as the float dtype a transcendental op works in (ints become float32)."""
    try:
        x = a._data
    except AttributeError:          # not a tensor (an ndarray, a list, a number): torch's parser error
        not_a_tensor()
    if x.dtype.kind in "biu":
        x = x.astype(DEFAULT.float.np)
    return x


def not_two_numbers(name, input, other, special=False, out=None):
    """torch's parser TypeError when neither operand is a tensor. Only add/sub/mul/div (and their
    aliases) let a number stand for a tensor (``torch.mul(2, 3)`` is ``tensor(6)``); the others have a
    ``Scalar self`` overload that still needs a Tensor second (``torch.pow(2, 3)`` is refused).
    ``special``: a torch.special function, parsed under the name ``special_<name>``."""
    if is_tensor(input) or is_tensor(other):
        return
    from .._arg_parser import parser_error
    from .._arg_refuse import FUNCTIONS, refusal
    if special:
        n = f"special_{name}"
        call = None
        try:                # the user's call as made (an out= the out wrapper took off included)
            from .._arg_refuse import _call_of, _entry_frame
            frame = _entry_frame()
            call = _call_of(frame) if frame is not None else None
        except Exception:   # noqa: BLE001 - an error report must not fail in its turn
            pass
        args, kwargs = (call[2], call[3]) if call else ((input, other), {} if out is None else {"out": out})
        err = parser_error((f"{n}(Tensor input, Tensor other, *, Tensor out=None)",
                            f"{n}(Scalar self, Tensor other, *, Tensor out=None)",
                            f"{n}(Tensor input, Scalar other, *, Tensor out=None)"), args, kwargs)
    else:       # the user's call as made (keywords too); else the two operands, positionally
        err = refusal() or (parser_error(FUNCTIONS[name], (input, other)) if name in FUNCTIONS else None)
    if err is not None:
        raise err
    tensors_only(name, input, other)


def two_numbers(input, other):
    """torch lets a number stand for the tensor of add/sub/mul/div: a wrapped number, cast to the
    result's dtype before the op runs. Given two numbers, the first becomes a 0-d tensor of its own
    dtype here, so ``torch.mul(3, 1.02+0j)`` rounds the complex operand to complex64 first, as torch."""
    if input.__class__ in (int, float, complex, bool) and other.__class__ in (int, float, complex, bool) \
            and (input.__class__ is not int or -2 ** 63 <= input < 2 ** 63):
        from .._dtype import scalar_dtype
        from .._tensor import _wrap
        return _wrap(np.asarray(input, scalar_dtype(input).np))
    return input
