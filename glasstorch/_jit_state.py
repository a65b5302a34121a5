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


# the files standing in for torch's C++ conversion (Tensor.__bool__, item, ...) and its __torch_function__ wrapper
_CONVERSION_FILES = ("_jit_state.py", "_tensor_convert.py", "_torch_function.py")


def warn_conversion(kind):
    """torch's TracerWarning for a tensor turned into a Python ``kind`` while a trace is recorded.

    torch warns from C++, naming the Python frame that asked for the value.  Where that frame is torch's own
    Python (a distribution validating its arguments), the filter ``torch.jit`` installs at import
    (``TracerWarning.ignore_lib_warnings``: module ``torch.(?!jit)``) drops it; glasstorch names the frame
    above its conversion code alike, so that its library frames meet the same filter."""
    import os
    import sys
    import warnings
    from .jit._trace import TracerWarning
    from ._user_warning import skipped
    here = os.path.dirname(os.path.abspath(__file__)) + os.sep

    def machinery(f):
        name = f.f_code.co_filename     # the __torch_function__ wrapper's carries a suffix (_torch_function.py)
        return name.startswith(here) and os.path.basename(name).split(" ")[0] in _CONVERSION_FILES
    target = sys._getframe(1)
    while target is not None and machinery(target):
        target = target.f_back
    # the stacklevel warnings.warn needs to name ``target``: frames CPython calls internal (file names with
    # "importlib" and "_bootstrap", as the wrapper's) are stepped over without being counted
    frame, level = sys._getframe(0), 1
    while frame is not None and frame is not target:
        frame = frame.f_back
        level += frame is not None and not skipped(frame)
    warnings.warn(f"Converting a tensor to a Python {kind} might cause the trace to be incorrect. We can't record "
                  f"the data flow of Python values, so this value will be treated as a constant in the future. "
                  f"This means that the trace might not generalize to other inputs!", TracerWarning, stacklevel=level)
