"""The tracer's state, as torch keeps it: is a trace being recorded, or a recorded trace being run?

torch's ``torch.jit.trace`` records the ops one call of the function makes; while it records,
``torch.jit.is_tracing()`` is True and turning a tensor into a Python value (``bool(t)``,
``t.item()``, ``int(t)`` ...) gives a ``TracerWarning``, since the record keeps that value as a
constant.  Running the trace later replays the record, in which ``is_tracing()`` was True.
glasstorch runs the Python code again instead (``jit/_trace.py``): ``mode`` is ``"record"`` while
the example inputs go through the function, ``"replay"`` while a trace runs, ``None`` otherwise.
Kept free of imports, since ``Tensor`` reads it on every conversion to a Python value.
"""
import contextlib

mode = None
scripting = False       # a scripted module's code runs (TorchScript's float(t) warns nothing)


@contextlib.contextmanager
def tracing(new_mode):
    """Run a block with the tracer in ``new_mode`` ("record", "replay" or None), restored after."""
    global mode
    old, mode = mode, new_mode
    try:
        yield
    finally:
        mode = old


@contextlib.contextmanager
def scripted():
    """Run a block as compiled TorchScript code (``jit/_script.py``'s ``_run``)."""
    global scripting
    old, scripting = scripting, True
    try:
        yield
    finally:
        scripting = old


def warn_conversion(kind):
    """torch's TracerWarning for a tensor turned into a Python ``kind`` while a trace is recorded."""
    from .jit._trace import TracerWarning
    from ._user_warning import warn_at_caller
    warn_at_caller(f"Converting a tensor to a Python {kind} might cause the trace to be incorrect. We can't record "
                   f"the data flow of Python values, so this value will be treated as a constant in the future. "
                   f"This means that the trace might not generalize to other inputs!", TracerWarning)
