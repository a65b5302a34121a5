"""Refusing a wrongly typed argument with the TypeError of torch's argument parser.

An op that meets an argument its fast path does not take (``x.sum(1.0)``, ``x.unsqueeze('a')``) calls
``int_arg`` / ``refuse``; only then is the user's call recovered, from the outermost glasstorch frame
on the stack (the method or function the user called, or the ``*args, **kwargs`` wrapper in front of
it, which holds the call exactly), and replayed through torch's parser rules (``_arg_parser``) with
the signatures of ``_signatures.py``.  Plain ints never come here: callers test ``x.__class__ is int``.

A method written with named parameters (``def unsqueeze(self, dim)``) cannot tell how its arguments
were passed: they are taken as positional, up to the last one that is not its default.
"""
import sys

from ._arg_alias import alias_name
from ._arg_parser import is_long, parser_error, tp_name
from ._signatures import FUNCTIONS, METHODS
from ._signatures_more import FUNCTIONS as _MORE_FUNCTIONS, METHODS as _MORE_METHODS
from ._signatures_pointwise import FUNCTIONS as _PW_FUNCTIONS, METHODS as _PW_METHODS
from ._signatures_random import FUNCTIONS as _RAND_FUNCTIONS, METHODS as _RAND_METHODS

METHODS = {**_RAND_METHODS, **_PW_METHODS, **_MORE_METHODS, **METHODS}
FUNCTIONS = {**_RAND_FUNCTIONS, **_PW_FUNCTIONS, **_MORE_FUNCTIONS, **FUNCTIONS}

_CO_VARARGS = 0x04
_CO_VARKEYWORDS = 0x08


def _ours(frame):
    return frame.f_globals.get("__name__", "").startswith("glasstorch")


# code objects of wrappers that only pass a call on (_meta_factories.py): the call to read is the one inside
PASS_THROUGH = set()


def _entry_frame():
    """The outermost frame of glasstorch's before the user's code."""
    f, frames = sys._getframe(1), []
    while f is not None and _ours(f):
        frames.append(f)
        f = f.f_back
    i = len(frames) - 1
    while i >= 0 and frames[i].f_code in PASS_THROUGH:     # wrappers can wrap wrappers (sparse, then quantized)
        i -= 1
    return frames[i] if i >= 0 else None


def _function_of(frame):
    """The function object running in ``frame`` (a Tensor method or a module-level function)."""
    code, loc = frame.f_code, frame.f_locals
    candidates = []
    if code.co_varnames[:1] == ("self",) and "self" in loc:
        candidates.append(getattr(type(loc["self"]), code.co_name, None))
    candidates.append(frame.f_globals.get(code.co_name))
    for fn in candidates:
        while fn is not None:
            if getattr(fn, "__code__", None) is code:
                return fn
            fn = getattr(fn, "__wrapped__", None)
    return None


def _call_of(frame):
    """``(name, is_method, args, kwargs)`` of the call running in ``frame``, or None."""
    loc, code = frame.f_locals, frame.f_code
    if code.co_name == "call" and "fn" in loc and "args" in loc:        # a *args, **kwargs wrapper
        fn, args, kwargs = loc["fn"], tuple(loc["args"]), dict(loc.get("kwargs") or {})
        if loc.get("out") is not None:
            kwargs["out"] = loc["out"]
        qual = fn.__qualname__.rsplit("<locals>.", 1)[-1]      # ``_bitwise.<locals>.op`` is a function
        # (a Tensor method's qualname may be its bare name, see _tensor_qualnames.py: ``self`` tells too)
        is_method = "." in qual and not qual.startswith("<") or \
            getattr(getattr(fn, "__code__", None), "co_varnames", ())[:1] == ("self",)
        return alias_name(frame, fn.__name__, fn, is_method), is_method, args[1:] if is_method else args, kwargs
    fn = _function_of(frame)
    if fn is None:
        return None
    n = code.co_argcount
    names = code.co_varnames[:n]
    defaults = fn.__defaults__ or ()
    values = [loc[v] for v in names]
    first_default = n - len(defaults)
    last = len(values)
    while last > first_default and last > 0 and values[last - 1] is defaults[last - 1 - first_default]:
        last -= 1
    args = values[:last]
    if code.co_flags & _CO_VARARGS:
        args = values + list(loc[code.co_varnames[n + code.co_kwonlyargcount]])
    kwdefaults = fn.__kwdefaults__ or {}
    kwargs = {k: loc[k] for k in code.co_varnames[n:n + code.co_kwonlyargcount]
              if not k.startswith("_") and loc[k] is not kwdefaults.get(k)}
    if code.co_flags & _CO_VARKEYWORDS:     # ``sum(self, ..., **numpy_names)``: the keywords as passed
        kwargs.update(loc[code.co_varnames[n + code.co_kwonlyargcount + bool(code.co_flags & _CO_VARARGS)]])
    passed = None if code.co_name in _PASSED_ON else _keywords_passed(frame)
    if passed and not code.co_flags & _CO_VARARGS:      # ``x.sum(dim='a')``: dim is a keyword, as torch shows it
        cut = min((names.index(k) for k in passed if k in names), default=len(args))
        kwargs = {**{k: loc[k] for k in names[cut:] if k in passed}, **kwargs}
        args = args[:cut]
        while len(args) > max(first_default, 1) and args[-1] is defaults[len(args) - 1 - first_default]:
            args = args[:-1]        # ``x.transpose(dim1=1)``: dim0 was not passed at all
    is_method = names[:1] == ("self",)
    return alias_name(frame, code.co_name, fn, is_method), is_method, tuple(args[1:] if is_method else args), kwargs


_PASSED_ON = {"unflatten"}      # torch's Python method calls its C one with the arguments positional


def _keywords_passed(frame):
    """The names the user's code passed by keyword to the call running in ``frame`` (CPython 3.11: the
    ``KW_NAMES`` before the caller's last ``CALL``), or None where that cannot be read."""
    user = frame.f_back
    while user is not None and user.f_code in PASS_THROUGH:     # a wrapper passed the user's keywords on
        user = user.f_back
    if sys.version_info[:2] != (3, 11) or user is None or _ours(user):
        return None
    import dis
    names = last = None
    for ins in dis.get_instructions(user.f_code):
        if ins.offset > user.f_lasti:
            break
        if ins.opname == "KW_NAMES":
            names = user.f_code.co_consts[ins.arg]
        elif ins.opname == "CALL":
            last, names = names or (), None
    return last


def _as_torch(name, is_method, args, kwargs, module, tensor):
    """The parser call torch makes for this one: ``F.softmax`` is ``input.softmax(dim)``, ``split``
    with sizes is ``split_with_sizes`` ..."""
    if ".nn." in module and name in ("softmax", "log_softmax"):
        full = dict(zip(("input", "dim", "_stacklevel", "dtype"), args), **kwargs)
        kw = {"dtype": full["dtype"]} if full.get("dtype") is not None else {}
        return METHODS.get(name), (full.get("dim"),), kw
    if name == "split":     # torch's Tensor.split (Python) calls split or split_with_sizes(self, sizes, dim)
        names = ("split_size", "dim") if is_method else ("tensor", "split_size_or_sections", "dim")
        full = dict(zip(names, args), **kwargs)
        size = full.get("split_size", full.get("split_size_or_sections"))
        self = tensor if is_method else full.get("tensor")
        size = _tensor_split_size(size)
        which = "split" if isinstance(size, int) else "split_with_sizes"
        return FUNCTIONS.get(which), (self, size, full.get("dim", 0)), {}
    if ".nn." in module and name in _NN_NAMES:     # F.logsigmoid is torch._C._nn.log_sigmoid
        if name in ("cross_entropy", "nll_loss"):   # torch's Python passes its C function these, positionally
            full = dict(zip(("input", "target", "weight", "size_average", "ignore_index", "reduce", "reduction",
                             "label_smoothing"), args), **kwargs)
            args = (full.get("input"), full.get("target"), full.get("weight"), 1, full.get("ignore_index", -100))
            args += (full.get("label_smoothing", 0.0),) if name == "cross_entropy" else ()
            kwargs = {}
        name = _NN_NAMES[name]
    if name in _PYTHON_FUNCTIONS and not is_method:   # torch's is Python: no parser sees the call
        return None, args, kwargs
    table = METHODS if is_method else FUNCTIONS
    if name in _ALIASES and name not in table:    # an alias torch parses under its own name
        sigs = table.get(_ALIASES[name])
        return tuple(s.replace(_ALIASES[name] + "(", name + "(", 1) for s in sigs or ()), args, kwargs
    if is_method and name.endswith("_") and name not in table and name[:-1] in table:
        # an in-place method (round_) takes the out-of-place one's signatures, under its own name
        return tuple(s.replace(name[:-1] + "(", name + "(", 1) for s in table[name[:-1]]), args, kwargs
    return table.get(name), args, kwargs


_ALIASES = {"moveaxis": "movedim", "swapdims": "transpose"}
_NN_NAMES = {"logsigmoid": "log_sigmoid", "nll_loss": "nll_loss_nd", "cross_entropy": "cross_entropy_loss"}
_PYTHON_FUNCTIONS = {"norm"}    # torch.norm reads ``input.layout`` first (an AttributeError on a non-tensor)


def refusal():
    """torch's TypeError for the user's call now on the stack, or None when torch's parser takes it."""
    try:
        return _refusal()
    except Exception:           # an error report must never fail in its turn
        return None


def refused(fallback):
    """torch's parser TypeError for the call on the stack, else ``fallback`` (an exception to raise)."""
    return refusal() or fallback


def ints(seq, what="dims"):
    """The items of ``seq`` as ints, each checked as ``int_arg`` checks it."""
    return tuple(v if v.__class__ is int else int_arg(v, what) for v in seq)


def int_or_ints(x, what="dims"):
    """An int, or a tuple/list of them (``roll(x, 1, 0)``, ``movedim(x, (0, 1), (1, 0))``), checked."""
    return ints(x, what) if isinstance(x, (tuple, list)) else int_arg(x, what)


def _tensor_split_size(n):
    from ._tensor import Tensor
    if isinstance(n, Tensor):
        try:
            return int(n)
        except (ValueError, RuntimeError):
            pass
    return n


def split_size(n):
    """torch's ``Tensor.split`` (Python): a Tensor becomes ``int(tensor)``; then a Python int is a split
    size and anything else goes to ``split_with_sizes`` as a list of sizes (a NumPy int is refused)."""
    n = _tensor_split_size(n)
    if isinstance(n, int) and not isinstance(n, bool):
        return int(n)
    refuse(TypeError(f"split(): argument 'split_size' must be int, not {tp_name(n)}"))


def _refusal():
    frame = _entry_frame()
    if frame is None:
        return None
    call = _call_of(frame)
    if call is None:
        return None
    name, is_method, args, kwargs = call
    module, tensor = frame.f_globals.get("__name__", ""), frame.f_locals.get("self")
    if tensor is None and "args" in frame.f_locals and frame.f_locals["args"]:
        tensor = frame.f_locals["args"][0]
    sigs, args, kwargs = _as_torch(name, is_method, args, kwargs, module, tensor)
    if not sigs:
        return None
    err = parser_error(sigs, tuple(args), kwargs)
    if err is not None:
        err.__traceback__ = None
    return err


def _frames():
    """glasstorch's frames on the stack, the outermost (the user's call) first."""
    f, out = sys._getframe(2), []
    while f is not None and _ours(f):
        out.append(f)
        f = f.f_back
    return out[::-1]


def not_a_tensor():
    """Called in an op's ``except AttributeError`` after its argument had no ``_data``: raise torch's parser
    TypeError for the call (``not_tensor``), else re-raise the AttributeError being handled."""
    not_tensor()
    raise


def not_tensor():
    """Raise torch's parser TypeError where an op meets a non-tensor in a tensor's place (its read of
    ``input._data`` failed): for the user's call, else -- where that call is glasstorch's Python (a
    module's forward, ``F.mse_loss``) -- for the first call inside it that torch's parser reads
    (``nn.ReLU()(array)`` is ``relu(): argument 'input' ...``, as torch's ``F.relu`` calls ``torch.relu``).
    Returns when none refuses; the caller then re-raises its AttributeError."""
    try:
        for frame in _frames():
            call = _call_of(frame)
            if call is None:
                continue
            name, is_method, args, kwargs = call
            module, tensor = frame.f_globals.get("__name__", ""), frame.f_locals.get("self")
            sigs, args, kwargs = _as_torch(name, is_method, args, kwargs, module, tensor)
            if sigs:
                err = parser_error(sigs, tuple(args), kwargs)
                break
        else:
            return
    except Exception:           # an error report must never fail in its turn
        return
    if err is not None:
        err.__traceback__ = None
        raise err


def no_attribute(x, name):
    """Python's AttributeError for ``x.<name>``: what torch's Python functions give a non-tensor
    (``F.softmax(array)`` calls ``input.softmax(...)``)."""
    return AttributeError(f"'{tp_name(x)}' object has no attribute '{name}'")


def refuse(fallback=None):
    """Raise torch's parser TypeError for the call on the stack (or ``fallback``, when torch would
    take the call)."""
    err = refusal()
    if err is not None:
        raise err
    if fallback is not None:
        raise fallback


def int_arg(x, what="dim"):
    """``x`` as an int where torch's parser takes an int (``int64_t``): NumPy integers and 0-d integer
    tensors pass; anything else (bools too) is torch's TypeError for the call."""
    if is_long(x):
        return int(x)
    from ._tensor import Tensor
    if isinstance(x, Tensor) and x._data.ndim == 0 and x._data.dtype.kind in "iu" and not x.requires_grad:
        return int(x._data)
    err = refusal()
    if err is not None:
        raise err
    try:                        # torch's parser took it: an item of an int list (a bool, a 1-element tensor)
        return x.__index__()
    except Exception:
        raise TypeError(f"argument '{what}' must be int, not {tp_name(x)}") from None
