"""``torch._C._get_tracing_state()`` and the ``TracingState`` it hands out.

Libraries test it to skip Python-value shortcuts that a trace would freeze into constants (pyro's
``is_identically_zero`` reads ``x.item()`` only when no trace is under way)."""


class TracingState:
    """The tracer's state while ``torch.jit.trace`` records (in glasstorch also while a trace runs its
    Python again, where ``torch.jit.is_tracing()`` is True as well); truthy, as torch's object is."""


def _get_tracing_state(*args, **kwargs):
    """None unless a trace is under way, else a ``TracingState``."""
    if args or kwargs:
        shown = ", ".join(repr(a) for a in args)       # pybind11's listing: positionals, then "; kwargs: k=v"
        if kwargs:
            shown += ("; " if args else "") + "kwargs: " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        raise TypeError("_get_tracing_state(): incompatible function arguments. The following argument types are "
                        "supported:\n    1. () -> torch._C.TracingState\n\nInvoked with: " + shown)
    from . import _jit_state
    return None if _jit_state.mode is None else TracingState()
