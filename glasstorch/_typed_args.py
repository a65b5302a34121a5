"""torch's argument-parser refusal of a bool or str argument of the wrong type, for the linalg entry
points whose arguments glasstorch binds as plain Python parameters.

torch's parser (python_arg_parser.cpp) takes only a Python bool for a ``bool`` parameter (not an int,
a NumPy bool or a 0-d tensor) and only a str (or bytes, which it decodes) for a ``str`` one; anything
else raises, before the op
runs, "<name>(): argument 'upper' (position 2) must be bool, not int" -- the position shown only
when the argument was passed positionally (counted without ``self`` for a Tensor method).
"""
from ._arg_parser import tp_name


def check(fname, name, value, kind="bool", position=None):
    """``value`` as torch's parser reads it (bytes for a str: decoded), or torch's TypeError unless it is
    of ``kind`` ('bool': exactly a bool; 'str': a str or bytes).

    ``position`` is the argument's 1-based place when it can be passed positionally; it is dropped
    when the user's call passed it by keyword."""
    if value.__class__ is bool if kind == "bool" else isinstance(value, (str, bytes)):
        return value.decode() if isinstance(value, bytes) else value
    if position is not None and _by_keyword(name):
        position = None
    where = "" if position is None else f" (position {position})"
    raise TypeError(f"{fname}(): argument '{name}'{where} must be {kind}, not {tp_name(value)}")


def check_all(fname, *named):
    """``check`` for each ``(name, value)`` (or ``(name, value, kind, position)``), in torch's order."""
    for item in named:
        check(fname, *item)


def _by_keyword(name):
    """Whether the user's call on the stack passed ``name`` by keyword (unknown: positional)."""
    from ._arg_refuse import _entry_frame, _keywords_passed
    try:
        passed = _keywords_passed(_entry_frame())
    except Exception:               # an error report must never fail in its turn
        return False
    return bool(passed) and name in passed
