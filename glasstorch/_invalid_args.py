"""torch's "received an invalid combination of arguments" message (torch/csrc/utils/invalid_arguments.cpp).

It works on the *printed* overloads (``"(tuple of ints dim, bool keepdim = False, *, torch.dtype dtype =
None)"``): each is split at ", " into arguments (so ``*`` and ``keepdim = False`` count as arguments too,
and an argument's type is everything before its last space: ``bool keepdim =`` never matches anything).
An overload whose argument count equals the call's gets a "didn't match" line, marking with ``!...!``
the arguments whose type name (tp_name) is not the one expected; keywords are printed in the order of
libstdc++'s hash table (``_kwarg_order``).
"""
from ._arg_parser import tp_name
from ._kwarg_order import torch_kwarg_order


class _Option:
    __slots__ = ("args", "variadic")

    def __init__(self, printed):
        body = printed[1:-1]
        self.args = []
        for arg in body.split(", "):
            nullable = arg.startswith("[")
            if nullable:
                arg = arg[1:-len(" or None]")]
            cut = arg.rfind(" ")
            name = arg[cut + 1:]
            end = cut if cut >= 0 else len(arg)
            if "..." in arg:
                end -= 4
            self.args.append((name, arg[:end], nullable))
        self.variadic = "..." in body


def _matches(type_name, nullable, obj):
    if nullable and obj is None:
        return True
    got = tp_name(obj)
    if type_name == "float":
        return got in ("float", "int", "long")
    if type_name == "int":
        return got in ("int", "long")
    if type_name.startswith("tuple["):
        types = type_name[6:-1].split(",")
        return (isinstance(obj, tuple) and len(obj) == len(types)
                and all(_matches(t, False, v) for t, v in zip(types, obj)))
    if type_name.startswith("sequence["):
        sub = type_name[9:-1]
        return hasattr(obj, "__len__") and hasattr(obj, "__getitem__") and all(_matches(sub, False, v) for v in obj)
    return got == type_name


def _count_match(option, args, kwargs):
    got = len(args) + len(kwargs)
    return got == len(option.args) or (option.variadic and got > len(option.args))


def _described(obj):
    if isinstance(obj, (tuple, list)):
        items = ", ".join(tp_name(v) for v in obj)
        if isinstance(obj, tuple):
            return f"{tp_name(obj)} of ({items}{',' if len(obj) == 1 else ''})"
        return f"{tp_name(obj)} of [{items}]"
    return tp_name(obj)


def _formatted(option, args, kwargs):
    """_formattedArgDesc: each argument's type, ``!marked!`` where it does not match."""
    out = []
    for i in range(len(args) + len(kwargs)):
        is_kw = i >= len(args)
        name = option.args[i][0] if i < len(option.args) else None
        obj = kwargs[name] if is_kw else args[i]
        if i < len(option.args):
            ok = _matches(option.args[i][1], option.args[i][2], obj)
        else:
            ok = option.variadic and _matches(option.args[-1][1], option.args[-1][2], obj)
        text = (f"{name}=" if is_kw else "") + _described(obj)
        out.append(text if ok else f"!{text}!")
    body = "".join(o + ", " for o in out)
    return "(" + (body[:-2] if args else body) + ")"


def _got(args, kw_order, kwargs):
    body = "".join(tp_name(a) + ", " for a in args) + "".join(f"{k}={tp_name(kwargs[k])}, " for k in kw_order)
    return "(" + (body[:-2] if args else body) + ")"


def _unmatched_kwargs(option, kw_order):
    start = max(len(option.args) - len(kw_order), 0)
    names = {a[0] for a in option.args[start:]}
    return [k for k in kw_order if k not in names]


def format_invalid_args(args, kwargs, function_name, options):
    """The message for ``function_name`` (``"sum()"``) called with ``args``/``kwargs``, given its printed
    overloads ``options``."""
    kw_order = torch_kwarg_order(list(kwargs))
    kwargs = {k: kwargs[k] for k in kw_order}
    msg = f"{function_name} received an invalid combination of arguments - "
    if len(options) == 1:
        option = _Option(options[0])
        unmatched = _unmatched_kwargs(option, kw_order) if kwargs else []
        if unmatched:
            return msg + "got unrecognized keyword arguments: " + ", ".join(unmatched)
        desc = _formatted(option, args, kwargs) if _count_match(option, args, kwargs) else _got(args, kw_order, kwargs)
        return msg + f"got {desc}, but expected {options[0]}"
    msg += f"got {_got(args, kw_order, kwargs)}, but expected one of:\n"
    for printed in options:
        option = _Option(printed)
        msg += f" * {printed}\n"
        if _count_match(option, args, kwargs):
            unmatched = _unmatched_kwargs(option, kw_order) if kwargs else []
            if unmatched:
                msg += "      didn't match because some of the keywords were incorrect: " + ", ".join(unmatched) + "\n"
            else:
                msg += "      didn't match because some of the arguments have invalid types: "
                msg += _formatted(option, args, kwargs) + "\n"
    return msg
