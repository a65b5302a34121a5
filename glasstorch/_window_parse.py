"""torch's argument parser in front of ``torch.hann_window`` and the other window factories: a call
whose arguments are not the plain types (an int length, a bool ``periodic``, numbers for the
parameters) is bound against the overloads as torch's parser binds it, so a float or None length
is torch's "argument 'window_length' (position 1) must be int" TypeError, a wrong type elsewhere its
"invalid combination of arguments", and a 0-dim integer tensor is taken as the int it holds."""
import functools

from . import _dtype as _dt
from ._arg_parser import parser_error, tp_name

_OPTS = ("*, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, "
         "bool? requires_grad=False")
_PARAMS = {"hann_window": ("bool periodic",), "blackman_window": ("bool periodic",),
           "bartlett_window": ("bool periodic",), "hamming_window": ("bool periodic", "double alpha", "double beta"),
           "kaiser_window": ("bool periodic", "double beta")}


def _signatures(name):
    params = _PARAMS[name]
    return tuple(f"{name}(int64_t window_length{''.join(', ' + p for p in params[:i])}, {_OPTS})"
                 for i in range(len(params) + 1))


def _number(x):
    return x.__class__ in (int, float)


def _plain(names, args, kwargs):
    """Whether the call binds without the parser's help (each value of its parameter's plain type)."""
    if len(args) > len(names) + 1 or not args or args[0].__class__ is not int:
        return False
    for name, v in zip(names, args[1:]):
        if not (v.__class__ is bool if name == "periodic" else _number(v)):
            return False
    for k, v in kwargs.items():
        if k in ("periodic", "pin_memory", "requires_grad"):
            ok = v.__class__ is bool or (v is None and k == "pin_memory")
        elif k in ("alpha", "beta"):
            ok = _number(v) and k in names
        elif k == "dtype":           # (bfloat16, which glasstorch names only, goes on to its own error)
            ok = v is None or type(v) in (_dt.dtype, _dt._NameOnly)
        elif k == "layout":
            ok = v is None or tp_name(v) == "torch.layout"
        else:
            ok = k == "device"      # the factory reads it itself
        if not ok:
            return False
    return True


def parsed(fn):
    """Bind a window factory's call as torch's parser does before running it."""
    sigs = _signatures(fn.__name__)
    names = tuple(p.split()[1] for p in _PARAMS[fn.__name__])

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not _plain(names, args, kwargs):
            err = parser_error(sigs, args, kwargs)
            if err is not None:
                raise err
            if args:
                args = (int(args[0]),) + args[1:]         # an integer 0-dim tensor or NumPy integer
            elif "window_length" in kwargs:
                kwargs["window_length"] = int(kwargs["window_length"])
        return fn(*args, **kwargs)
    return wrapper
