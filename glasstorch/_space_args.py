"""The argument check of ``linspace``/``logspace``: ``steps`` is required and an int; anything else is
torch's "invalid combination of arguments" TypeError, which lists the four overloads."""
import numpy as np

from ._kwarg_order import torch_kwarg_order
from ._tensor import Tensor

_TAIL = ("*, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
         "bool pin_memory = False, bool requires_grad = False)")


def _shown(x):
    """A value's type as torch's argument parser names it."""
    from ._arg_parser import tp_name
    return tp_name(x)


def check_steps(name, start, end, steps, **options):
    """Raise torch's TypeError unless ``steps`` is an int (``end`` or ``steps`` ``...``: not given)."""
    if end is not ... and isinstance(steps, (int, np.integer, Tensor)) and not isinstance(steps, bool):
        return
    got = [_shown(a) for a in (start, end, steps) if a is not ...]
    given = [k for k, v in options.items() if v is not None and v is not False]
    got += [f"{k}={_shown(options[k])}" for k in torch_kwarg_order(given)]   # torch's C++ hash-map order
    base = "float base = 10.0, " if name == "logspace" else ""
    overloads = "".join(f" * ({a} start, {b} end, int steps, {base}{_TAIL}\n"
                        for a, b in (("Tensor", "Tensor"), ("Number", "Tensor"), ("Tensor", "Number"),
                                     ("Number", "Number")))
    raise TypeError(f"{name}() received an invalid combination of arguments - got ({', '.join(got)}), but expected "
                    f"one of:\n{overloads}")
