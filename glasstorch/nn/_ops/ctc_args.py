"""How torch's argument parser takes ``ctc_loss``'s lengths (``torch.ctc_loss``, which ``F.ctc_loss`` calls
with all seven arguments).

torch has two overloads: both lengths as tuples/lists of ints, or both as Tensors.  A list counts as
a list of ints when it is empty or its *first* item is an int (not a bool; a NumPy integer or an
integral one-element Tensor will do, through ``__index__``); a later item that is not an int is then
a "failed to unpack" TypeError.  Anything else -- an int, a NumPy array, a tuple with a Tensor, a
list and a Tensor mixed -- is the parser's "invalid combination of arguments" TypeError, which lists
both overloads and, for each, the arguments marked ``!...!`` where the overload's type does not match
(torch's ``_formattedArgDesc``: only a Tensor matches ``Tensor``; its "tuple of ints", "int" and
"bool" never match anything there).
"""
import numpy as np

_DEFAULTS = "int blank = 0, int reduction = at::Reduction::Mean, bool zero_infinity = False)"
_OVERLOADS = (
    "(Tensor log_probs, Tensor targets, tuple of ints input_lengths, tuple of ints target_lengths, " + _DEFAULTS,
    "(Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths, " + _DEFAULTS,
)
# the types each overload's positions match in the error message (None: never shown as matching)
_MATCHING = (("Tensor", "Tensor", None, None, None, None, None),
             ("Tensor", "Tensor", "Tensor", "Tensor", None, None, None))
# torch._ctc_loss (which also returns log_alpha) has the same two overloads without the reduction
_PRIVATE_DEFAULTS = "int blank = 0, bool zero_infinity = False)"
_SIGNATURES = {
    "ctc_loss": (("log_probs", "targets", "input_lengths", "target_lengths", "blank", "reduction", "zero_infinity"),
                 {"blank": 0, "reduction": 1, "zero_infinity": False}, _OVERLOADS, _MATCHING),
    "_ctc_loss": (("log_probs", "targets", "input_lengths", "target_lengths", "blank", "zero_infinity"),
                  {"blank": 0, "zero_infinity": False},
                  tuple(o.replace(_DEFAULTS, _PRIVATE_DEFAULTS) for o in _OVERLOADS), tuple(m[:6] for m in _MATCHING)),
}


def _is_tensor(x):
    from ..._tensor import Tensor
    return isinstance(x, Tensor)


def py_typename(x):
    """``Py_TYPE(x)->tp_name``: a Tensor is "Tensor", NumPy's types carry their module, classes
    written in Python just their name (one function for every parser message: ``_arg_parser.tp_name``)."""
    from ..._arg_parser import tp_name
    return tp_name(x)


def _is_index(x):
    """THPUtils_checkIndex: an int that is not a bool, or anything with ``__index__``."""
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (int, np.integer)):
        return True
    if _is_tensor(x):
        return x._data.dtype.kind in "iub" and x._data.size == 1
    return hasattr(type(x), "__index__")


def _is_int_list(x):
    return isinstance(x, (tuple, list)) and (len(x) == 0 or _is_index(x[0]))


def _described(x):
    """An argument as ``_formattedArgDesc`` names it: sequences list their items' types."""
    if isinstance(x, (tuple, list)):
        items = ", ".join(py_typename(v) for v in x)
        return f"tuple of ({items}{',' if len(x) == 1 else ''})" if isinstance(x, tuple) else f"list of [{items}]"
    return py_typename(x)


def check_ctc_args(args, kwargs=None, fn="ctc_loss"):
    """Raise torch's TypeError unless ``args`` (positional) and ``kwargs`` given to ``torch.ctc_loss``
    (or ``torch._ctc_loss``: ``fn``) fit one of its overloads (``F.ctc_loss`` passes all seven positionally)."""
    from ..._kwarg_order import torch_kwarg_order
    from ..._sizes import unpack_error
    kwargs = kwargs or {}
    names, defaults, overloads, matching = _SIGNATURES[fn]
    full = dict(zip(names, args), **kwargs)
    if len(args) <= len(names) and set(kwargs) <= set(names) and all(n in full or n in defaults for n in names):
        log_probs, targets, il, tl, blank, zero_infinity = (full.get(n, defaults.get(n)) for n in names
                                                            if n != "reduction")
        reduction = full.get("reduction", 1)
        scalars_ok = _is_index(blank) and _is_index(reduction) and isinstance(zero_infinity, bool)
        if _is_tensor(log_probs) and _is_tensor(targets) and scalars_ok:
            if _is_int_list(il) and _is_int_list(tl):
                for name, seq in (("input_lengths", il), ("target_lengths", tl)):
                    for pos, v in enumerate(seq):
                        if not (_is_index(v) or isinstance(v, bool)):     # only the first item may not be a bool
                            raise unpack_error(fn, name, pos, py_typename(v))
                return
            if _is_tensor(il) and _is_tensor(tl):
                return
    got = [py_typename(a) for a in args]
    got += [f"{k}={py_typename(kwargs[k])}" for k in torch_kwarg_order(list(kwargs))]
    # torch matches keywords against the last len(kwargs) names of its signature, and never matches those
    # with a default (their parsed names keep the "= ..."): those are "keywords were incorrect"
    tail = names[max(len(names) - len(kwargs), 0):]
    wrong = [k for k in torch_kwarg_order(list(kwargs)) if k not in tail or k in defaults]
    lines = []
    for sig, types in zip(overloads, matching):
        lines.append(f" * {sig}\n")
        if len(args) + len(kwargs) != len(names):       # torch explains only overloads of the right arity
            continue
        if wrong:
            lines[-1] += f"      didn't match because some of the keywords were incorrect: {', '.join(wrong)}\n"
            continue
        given = list(args) + [kwargs[n] for n in names[len(args):]] if all(
            n in kwargs for n in names[len(args):]) else list(args) + list(kwargs.values())
        shown = [(_described(a) if t is not None and py_typename(a) == t else f"!{_described(a)}!")
                 for a, t in zip(given, types)]
        lines[-1] += (f"      didn't match because some of the arguments have invalid types: "
                      f"({', '.join(shown)})\n")
    raise TypeError(f"{fn}() received an invalid combination of arguments - got ({', '.join(got)}), but "
                    f"expected one of:\n" + "".join(lines))
