"""Torch function modes: ``torch.overrides.TorchFunctionMode``.

A mode takes over every torch function called inside its ``with`` block, factories included (which no
Tensor subclass can, having no tensor argument): ``mode.__torch_function__(func, types, args, kwargs)``
is called in place of ``func``.  Modes stack: the innermost goes first, and while its handler runs it is
off the stack, so the torch calls the handler makes (``func(*args, **kwargs)`` to do the real work) go
to the next mode out, or run as usual.  A mode that returns ``NotImplemented`` hands the call on to the
arguments' own ``__torch_function__``; when all decline, torch's TypeError.

glasstorch's checking wrappers (``_torch_function_activate``) carry the hook: entering the first mode
switches them on, and each one looks at ``MODES`` (the stack, innermost last) before anything else.
"""
import contextlib
import warnings

from ._torch_function import MODES, STATE, activate, dispatch, overloaded_args

__all__ = ["TorchFunctionMode", "BaseTorchFunctionMode"]


class TorchFunctionMode:
    """Overrides every torch function called within ``with mode:`` (see the module docstring)."""
    inner: "TorchFunctionMode"

    def __init__(self) -> None:
        pass

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        _push_mode(self)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        _pop_mode()

    @classmethod
    def push(cls, *args, **kwargs):
        warnings.warn("`Mode.push()` is no longer necessary and can be replaced with just `with Mode()`",
                      stacklevel=2)
        return cls(*args, **kwargs)


class BaseTorchFunctionMode(TorchFunctionMode):
    """A mode that runs every function as it is (a base to override a few from)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if kwargs is None:
            kwargs = {}
        return func(*args, **kwargs)


def _push_mode(mode):
    if not STATE.active:
        activate()
    MODES.append(mode)


def _pop_mode():
    if not MODES:
        raise RuntimeError("trying to pop from empty mode stack")
    return MODES.pop()


@contextlib.contextmanager
def _pop_mode_temporarily():
    old = _pop_mode()
    try:
        yield old
    finally:
        _push_mode(old)


def _get_current_function_mode():
    return MODES[-1] if MODES else None


def _get_current_function_mode_stack():
    return list(MODES)


def _get_function_stack_at(i):
    return MODES[i]


def _len_torch_function_stack():
    return len(MODES)


def _is_torch_function_mode_enabled():
    return bool(MODES) and not STATE.disabled


def mode_dispatch(func, name, args, kwargs, types, over=()):
    """``func(*args, **kwargs)`` handed to the innermost mode (off the stack while it runs), then, if it
    declines, to the overloading arguments ``over``."""
    mode = MODES.pop()
    try:
        res = mode.__torch_function__(func, types, args, kwargs)
    finally:
        MODES.append(mode)
    if res is not NotImplemented:
        return res
    if over and not STATE.disabled_subclass:
        return dispatch(func, name, over, args, kwargs)
    raise TypeError(f"Multiple dispatch failed for '{name}'; all __torch_function__ handlers returned "
                    f"NotImplemented:\n\n  - mode object {mode!r}\n\nFor more information, try re-running with "
                    f"TORCH_LOGS=not_implemented")


def types_of(args, kwargs, with_plain):
    """The ``types`` a mode is given: the overloading arguments' types; a torch function written in
    Python (``F.relu``, ``Tensor.__repr__``, a property) also counts plain tensors (``with_plain``)."""
    over = overloaded_args(args, kwargs)
    kinds = [type(a) for a in over]
    if with_plain:
        from ._tensor import Tensor
        plain = any(a.__class__ is Tensor for a in _tensors(args, kwargs))
        if plain and Tensor not in kinds:
            kinds.append(Tensor)
    return over, tuple(kinds)


def _tensors(args, kwargs):
    for a in list(args) + list((kwargs or {}).values()):
        if a.__class__ in (list, tuple):
            yield from a
        else:
            yield a
