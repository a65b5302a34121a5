"""``torch.cpu.Stream``, ``torch.cpu.Event``, ``torch.cpu.stream`` / ``current_stream``: torch's stand-ins
for device-agnostic code (``getattr(torch, device.type).Stream()``).  They are plain no-op classes, not
``torch.Stream``; a module-level "current stream" is swapped by ``with torch.cpu.stream(s):``.
"""
from . import _class_paths


class Stream:
    """N.B. This class only exists to facilitate device-agnostic code"""

    def __init__(self, priority=-1):
        pass

    def wait_stream(self, stream):
        pass

    def record_event(self):
        pass

    def wait_event(self, event):
        pass


class Event:
    def query(self):
        return True

    def record(self, stream=None):
        pass

    def synchronize(self):
        pass

    def wait(self, stream=None):
        pass


_default_cpu_stream = Stream()
_current_stream = _default_cpu_stream


def current_stream(device=None):
    """The currently selected ``torch.cpu.Stream`` (``device`` is ignored)."""
    return _current_stream


class StreamContext:
    """Context manager selecting a ``torch.cpu.Stream`` as the current one (``None``: no change)."""

    def __init__(self, stream):
        self.stream = stream
        self.prev_stream = _default_cpu_stream

    def __enter__(self):
        global _current_stream
        if self.stream is None:
            return
        self.prev_stream, _current_stream = _current_stream, self.stream

    def __exit__(self, type, value, traceback):
        global _current_stream
        if self.stream is None:
            return
        _current_stream = self.prev_stream


def stream(stream):
    return StreamContext(stream)


def _attach_to_torch_cpu():
    from ._runtime import cpu
    for cls in (Stream, Event, StreamContext):
        _class_paths.place(cls, "torch.cpu")
    cpu.Stream, cpu.Event, cpu.StreamContext = Stream, Event, StreamContext
    cpu.current_stream, cpu.stream = current_stream, stream
    cpu._default_cpu_stream = _default_cpu_stream


_attach_to_torch_cpu()
