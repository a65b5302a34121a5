"""torch's argument parser for ``hamming_window`` and ``kaiser_window``: the optional window
parameters are positional-or-keyword but each needs the ones before it (``kaiser_window(6, beta=8.0)``
is a TypeError in torch, since no overload takes ``beta`` without ``periodic``)."""

from ._kwarg_order import torch_kwarg_order

UNSET = object()

_OPTS = ("torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
         "bool pin_memory = False, bool requires_grad = False")
_SIGNATURES = {
    "hamming_window": ("periodic", "alpha", "beta"),
    "kaiser_window": ("periodic", "beta"),
}
_KINDS = {"periodic": "bool", "alpha": "float", "beta": "float"}


def _type_name(v):
    from ._arg_parser import tp_name
    return tp_name(v)


def check(name, window_length, given, options):
    """``given``: the optional window parameters in signature order (UNSET when not passed);
    ``options``: the keyword-only options passed as keywords (name -> value, None when not passed)."""
    names = _SIGNATURES[name]
    seen_gap = False
    bad = False
    for n, v in zip(names, given):
        if v is UNSET:
            seen_gap = True
        elif seen_gap:
            bad = True
    if not bad:
        return
    # torch prints positional arguments bare and keywords as name=type; a value after a gap can only
    # have come as a keyword, and so can every value after it
    pos, kw, gap = [], [], False
    for n, v in zip(names, given):
        if v is UNSET:
            gap = True
        elif gap:
            kw.append(f"{n}={_type_name(v)}")
        else:
            pos.append(_type_name(v))
    kw += [f"{k}={_type_name(v)}" for k, v in options.items() if v is not None]
    # torch lists keywords in its C++ hash-map order (taking them as passed in signature order)
    kw_at = {k.split("=")[0]: k for k in kw}
    kw = [kw_at[k] for k in torch_kwarg_order(list(kw_at))]
    lines = [f" * (int window_length, *, {_OPTS})"]
    for i in range(1, len(names) + 1):
        params = ", ".join(f"{_KINDS[n]} {n}" for n in names[:i])
        lines.append(f" * (int window_length, {params}, *, {_OPTS})")
    raise TypeError(f"{name}() received an invalid combination of arguments - got "
                    f"({', '.join([_type_name(window_length)] + pos + kw)}), but expected one of:\n"
                    + "\n".join(lines) + "\n")
