"""The name the user called an op by, for torch's parser errors: ``torch.fix(array)`` is refused as
``fix()``, though glasstorch's ``fix`` is ``trunc`` itself (``fix = trunc``, no extra call layer).

Only the error path comes here: the user's frame is stopped at its ``CALL``, whose source position
(CPython 3.11's ``co_positions``) starts where the callee expression starts (``torch.fix(a)`` and
``torch.fix`` both begin at ``torch``); the load of the callee is the instruction that starts there
too and ends last before the call's end.  That name is used only when it names the same function.
"""
import dis
import sys

_LOADS = {"LOAD_ATTR", "LOAD_METHOD", "LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF", "LOAD_FAST"}


def called_name(user):
    """The attribute or variable name the call that ``user`` (a frame) is running was looked up by,
    or None."""
    if sys.version_info[:2] != (3, 11):
        return None
    code = user.f_code
    positions = list(code.co_positions())
    if user.f_lasti // 2 >= len(positions):
        return None
    line, end_line, col, end_col = positions[user.f_lasti // 2]
    if col is None:
        return None
    best = None
    for ins in dis.get_instructions(code):
        p = ins.positions
        if ins.opname in _LOADS and p.lineno == line and p.col_offset == col:
            end = (p.end_lineno, p.end_col_offset)
            if end < (end_line, end_col) and (best is None or end > best[0]):
                best = end, ins.argval
    return best[1] if best else None


def _same(obj, fn, code):
    while obj is not None:
        if obj is fn or getattr(obj, "__code__", None) is code:
            return True
        obj = getattr(obj, "__wrapped__", None)
    return False


def alias_name(frame, name, fn, is_method):
    """``name`` (the function's own), or the alias the user called it by where ``frame`` is the op the
    user called and that alias is the same function (``negative`` for ``neg``)."""
    user = frame.f_back
    from ._arg_refuse import PASS_THROUGH
    while user is not None and user.f_code in PASS_THROUGH:    # a wrapper that passed the call on
        user = user.f_back
    if user is None or user.f_globals.get("__name__", "").startswith("glasstorch"):
        return name
    try:
        called = called_name(user)
    except Exception:
        return name
    if not called or called == name:
        return name
    code = getattr(fn, "__code__", None) if fn is not None else frame.f_code
    if is_method:
        self = frame.f_locals.get("self")
        if self is None and frame.f_locals.get("args"):
            self = frame.f_locals["args"][0]
        owners = (type(self),)
    else:
        import glasstorch
        owners = (glasstorch, glasstorch.nn.functional, glasstorch.special, glasstorch.linalg)
    for owner in owners:
        if _same(getattr(owner, called, None), fn, code):
            return called
    return name

