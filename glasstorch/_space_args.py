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


_OPTS = ("*, Tensor? out=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
         "bool? pin_memory=False, bool? requires_grad=False")
_ENDS = (("Tensor", "Tensor"), ("Scalar", "Tensor"), ("Tensor", "Scalar"), ("Scalar", "Scalar"))
_SIGNATURES = {
    "linspace": tuple(f"linspace({a} start, {b} end, int64_t steps, {_OPTS})" for a, b in _ENDS),
    "logspace": tuple(f"logspace({a} start, {b} end, int64_t steps, double base=10.0, {_OPTS})" for a, b in _ENDS),
}

_MAX_ARGS = {"linspace": 3, "logspace": 4}
_KNOWN = {"start", "end", "steps", "base", "out", "dtype", "layout", "device", "requires_grad"}


def parsed_steps(fn):
    """Wrap ``linspace``/``logspace`` so that a ``steps`` that is not a plain int goes through torch's
    parser as called: its message names keyword arguments as keywords (``torch.signal.windows`` passes
    every argument by keyword), and a 0-dim integer tensor binds to ``int steps`` as in torch."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        steps = args[2] if len(args) > 2 else kwargs.get("steps", ...)
        if kwargs.get("pin_memory", 0).__class__ in (bool, type(None)):   # (no pinned memory here, as ones)
            kwargs.pop("pin_memory")
        known = _KNOWN if fn.__name__ == "logspace" else _KNOWN - {"base"}
        if steps.__class__ is not int or len(args) > _MAX_ARGS[fn.__name__] or not kwargs.keys() <= known:
            from ._arg_parser import parser_error
            err = parser_error(_SIGNATURES[fn.__name__], args, kwargs)
            if err is not None:
                raise err
            if isinstance(steps, Tensor):         # an integer 0-dim tensor: its value
                steps = steps.item()
                if len(args) > 2:
                    args = args[:2] + (steps,) + args[3:]
                else:
                    kwargs["steps"] = steps
        return fn(*args, **kwargs)
    return wrapper
