"""``torch.jit``: the decorators and queries eager code calls so that it *could* be scripted.

glasstorch runs everything eagerly, as torch does outside TorchScript, so ``@torch.jit.ignore``,
``@torch.jit.unused``, ``@torch.jit.export`` and ``@torch.jit.interface`` hand the function back
unchanged, ``is_scripting()`` / ``is_tracing()`` are False and ``annotate(type, value)`` is the
value.  Compiling (``script``, ``trace``, ``save`` / ``load`` of TorchScript archives) is not
implemented and fails naming the API.
"""
import typing
import warnings

Final = typing.Final

__all__ = ["ignore", "unused", "export", "interface", "is_scripting", "is_tracing", "annotate", "Final",
           "script_if_tracing"]


def ignore(drop=False, **kwargs):
    """``@torch.jit.ignore`` or ``@torch.jit.ignore(drop=...)``: the function itself, eagerly."""
    if callable(drop):
        return drop
    if not isinstance(drop, bool):
        raise RuntimeError(f"Argument to @torch.jit.ignore must be a bool or a function but got {drop}")
    if kwargs.pop("drop_on_export", None):
        warnings.warn("ignore(drop_on_export=True) has been deprecated. TorchScript will now drop the function call "
                      "on compilation. Use torch.jit.unused now. {}", category=FutureWarning, stacklevel=2)
    elif drop:
        warnings.warn("ignore(True) has been deprecated. TorchScript will now drop the function call on "
                      "compilation. Use torch.jit.unused now. {}", category=FutureWarning, stacklevel=2)
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def interface(obj):
    return obj


def script_if_tracing(fn):
    return fn


def is_scripting():
    """False: glasstorch code always runs eagerly, never as TorchScript."""
    return False


def is_tracing():
    return False


def annotate(the_type, the_value):
    return the_value


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"module 'torch.jit' has no attribute '{name}': torch.jit.{name} (TorchScript) is not "
                         f"implemented in glasstorch")
