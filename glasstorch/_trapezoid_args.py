"""The argument check of ``trapezoid``/``trapz``/``cumulative_trapezoid``: torch binds either
``(Tensor y, Tensor x, *, int dim)`` or ``(Tensor y, *, Number dx, int dim)``; anything else (a number
passed as ``x``, ``x`` and ``dx`` together, ``x=None``) is its "invalid combination of arguments"
TypeError listing the two overloads."""
import numbers

from ._kwarg_order import torch_kwarg_order
from ._tensor import Tensor

MISSING = object()          # "not given", told apart from an explicit None


def _shown(v):
    from ._arg_parser import tp_name
    return tp_name(v)


def _is_number(v):
    return (isinstance(v, numbers.Number) and not isinstance(v, bool)) or (isinstance(v, Tensor) and v.dim() == 0)


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def check(name, y, args, x, dx, dim):
    """Raise torch's TypeError unless the call binds one of the overloads; returns (x, dx, dim) with None
    for an x or dx not given and -1 for a dim not given."""
    if len(args) > 1:
        args, extra = args[:1], args[1:]
    else:
        extra = ()
    xp = args[0] if args else MISSING
    x_val = xp if xp is not MISSING else x
    ok = not extra and (xp is MISSING or x is MISSING) and (dim is MISSING or _is_int(dim))
    if ok and x_val is not MISSING:
        ok = isinstance(x_val, Tensor) and dx is MISSING
    elif ok and dx is not MISSING:
        ok = _is_number(dx)
    if ok:
        return (None if x_val is MISSING else x_val), (None if dx is MISSING else dx), (-1 if dim is MISSING else dim)
    got = [_shown(y)] + [_shown(a) for a in args + tuple(extra)]
    kw = {"x": x, "dx": dx, "dim": dim}
    given = [k for k, v in kw.items() if v is not MISSING]
    got += [f"{k}={_shown(kw[k])}" for k in torch_kwarg_order(given)]
    if name == "trapz":
        overloads = " * (Tensor y, *, float dx = 1, int dim = -1)\n * (Tensor y, Tensor x, *, int dim = -1)\n"
    else:
        overloads = " * (Tensor y, Tensor x, *, int dim = -1)\n * (Tensor y, *, Number dx = 1, int dim = -1)\n"
    raise TypeError(f"{name}() received an invalid combination of arguments - got ({', '.join(got)}), but expected "
                    f"one of:\n{overloads}")


def no_bool(name, y, x):
    """torch refuses bool samples (and bool coordinates)."""
    if y._data.dtype == bool or (isinstance(x, Tensor) and x._data.dtype == bool):
        which = "`y`" if x is None else "`x` or `y`"
        raise RuntimeError(f"{name}: received a bool input for {which}, but bool is not supported")
