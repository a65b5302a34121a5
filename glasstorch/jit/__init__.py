"""``torch.jit``, emulated eagerly: TorchScript's Python surface without its compiler.

glasstorch runs everything eagerly, as torch does outside TorchScript.  The decorators
(``@torch.jit.ignore``, ``unused``, ``export``) hand the function back unchanged,
``is_scripting()`` is False, ``is_tracing()`` True only while a trace is recorded or run
(``glasstorch/_jit_state.py``) and ``annotate(type, value)`` is the value.

``script`` and ``trace`` return objects of torch's classes (``RecursiveScriptModule``,
``TopLevelTracedModule``, ``ScriptFunction``) that print, save, load, freeze and train like torch's
but run the original Python ``forward`` (``_script.py``, ``_trace.py``).  What cannot be had without
the TorchScript compiler (``.code``, ``.graph``, loading archives torch wrote) raises an error that
says so; docs/differences.md lists the rest.
"""
import typing
import warnings

from .. import _jit_state

from ._script import (ScriptModule, RecursiveScriptModule, ScriptFunction, script,  # noqa: F401
                      script_method)
from ._trace import TracerWarning, TracedModule, TopLevelTracedModule, TracingCheckError, trace, \
    trace_module  # noqa: F401
from ._serialization import save, load  # noqa: F401
from ._freeze import freeze, optimize_for_inference, run_frozen_optimizations  # noqa: F401
from .._jit_overload import _overload, _overload_method  # noqa: F401  (torch.jit's, from torch._jit_internal)

Final = typing.Final

__all__ = ["ignore", "unused", "export", "interface", "is_scripting", "is_tracing", "annotate", "Final",
           "script_if_tracing", "script", "trace", "trace_module", "save", "load", "freeze",
           "optimize_for_inference", "ScriptModule", "ScriptFunction", "RecursiveScriptModule", "TracerWarning",
           "Error", "script_method", "TracedModule", "TopLevelTracedModule"]


class Error(Exception):
    """``torch.jit.Error``: what the TorchScript interpreter raises for ``raise`` in scripted code.  Eager
    emulation runs the Python code itself, so its own exceptions surface unchanged; this class exists
    for ``except torch.jit.Error`` clauses."""


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


_script_if_tracing = script_if_tracing      # torch's private name, which torchvision decorates with


def is_scripting():
    """False: glasstorch code always runs eagerly, never as TorchScript."""
    return False


def is_tracing():
    """True while ``torch.jit.trace`` records a function and while a trace runs (``_jit_state``)."""
    return _jit_state.mode is not None


def annotate(the_type, the_value):
    return the_value


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    if name == "Future":            # torch.futures.Future is torch.jit.Future
        from ..futures import Future
        return Future
    raise AttributeError(f"module 'torch.jit' has no attribute '{name}': torch.jit.{name} (TorchScript) is not "
                         f"implemented in glasstorch")
