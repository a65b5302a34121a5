"""``torch.ops.profiler``: the operators behind ``record_function``.

FX tracers (pytorch/examples' ``fx/profiling_tracer.py``) emit these as graph nodes so that a
traced module still opens and closes its profiler ranges: ``_record_function_enter(name)``
starts a range and returns a handle, ``_record_function_exit(handle)`` ends it.

torch's legacy ``_record_function_enter`` returns the C++ object's raw bytes as a uint8 tensor;
glasstorch returns the same handle object as ``_record_function_enter_new`` for both (a
``ScriptObject`` of ``profiler._RecordFunction``), which ``_record_function_exit`` accepts.
"""
from ._op_namespaces import OpOverloadPacket
from .autograd.profiler import record_function


class ScriptObject:
    """The handle of one open range (torch: ``torch.classes.profiler._RecordFunction``)."""
    __slots__ = ("_record",)

    def __init__(self, record):
        self._record = record

    def __str__(self):
        return "ScriptObject <__torch__.torch.classes.profiler._RecordFunction>"


ScriptObject.__module__ = "torch"


def _enter(name, args=None):
    """Open a profiler range called ``name``; return its handle."""
    record = record_function(name, args)
    record.__enter__()
    return ScriptObject(record)


def _exit(handle):
    """Close the range that ``handle`` opened."""
    if not isinstance(handle, ScriptObject):
        kind, rf = type(handle).__name__, "__torch__.torch.classes.profiler._RecordFunction"
        raise RuntimeError(
            "Overloaded torch operator invoked from Python failed to match any schema:\n"
            f"profiler::_record_function_exit() Expected a value of type 'Tensor' for argument 'handle' but instead "
            f"found type '{kind}'.\nPosition: 0\nValue: {handle!r}\n"
            "Declaration: profiler::_record_function_exit(Tensor handle) -> ()\n"
            f"Cast error details: Unable to cast {handle!r} to Tensor\n\n"
            f"profiler::_record_function_exit() Expected a value of type '{rf} (of Python compilation unit at: 0)' "
            f"for argument 'record' but instead found type '{kind}'.\nPosition: 0\nValue: {handle!r}\n"
            f"Declaration: profiler::_record_function_exit._RecordFunction({rf} record) -> ()\n"
            f"Cast error details: Tried to cast object to type {rf} (of Python compilation unit at: 0) but object "
            "was missing attribute capsule")
    handle._record.__exit__(None, None, None)


_OPS = {
    "_record_function_enter": {"default": _enter},
    "_record_function_enter_new": {"default": _enter},
    "_record_function_exit": {"default": _exit, "_RecordFunction": _exit},
}


def packet(op_name):
    """The ``OpOverloadPacket`` of ``torch.ops.profiler.<op_name>``, or None."""
    overloads = _OPS.get(op_name)
    return None if overloads is None else OpOverloadPacket("profiler", op_name, overloads)
