"""``torch.autograd.profiler``: ``record_function`` regions and the recorder behind
``torch.profiler.profile``.

Only ``record_function`` regions (and the profiler's ``ProfilerStep#N`` steps) are timed;
glasstorch's own ops are not, so that an op costs nothing extra when no profiler runs.  A region
entered while no recorder is active only checks one list.
"""
import contextlib
import threading
import time

from .profiler_util import EventList, FunctionEvent
from ._profiler_emit import emit_itt, emit_nvtx  # noqa: F401  (torch keeps them here)

__all__ = ["profile", "record_function", "EventList", "FunctionEvent"]

_ACTIVE = []               # the recorders now collecting events
_LOCAL = threading.local()  # the open regions of this thread, innermost last


def _now_us():
    return time.perf_counter_ns() / 1000.0


class _Recorder:
    """Collects the regions that close while it is active."""

    def __init__(self, record_shapes=False):
        self.events = []
        self.record_shapes = record_shapes
        self._next_id = 0

    def add(self, name, start, end, depth, shapes):
        ev = FunctionEvent(self._next_id, name, threading.get_ident(), start, end,
                           input_shapes=shapes if self.record_shapes else None, depth=depth)
        self._next_id += 1
        self.events.append(ev)

    def finish(self):
        """Link each event to its enclosing one (same thread, containing time range)."""
        evs = sorted(self.events, key=lambda e: (e.thread, e.time_range_start, -e.time_range_end))
        stack = []
        for ev in evs:
            while stack and (stack[-1].thread != ev.thread or stack[-1].time_range_end < ev.time_range_end):
                stack.pop()
            if stack:
                ev.cpu_parent = stack[-1]
                stack[-1].cpu_children.append(ev)
            stack.append(ev)
        return evs


class record_function(contextlib.ContextDecorator):
    """Times the code inside ``with record_function("name"):`` (or a decorated function) under
    ``name`` when a profiler is running."""

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self.run_callbacks_on_exit = True
        self._start = None

    def __enter__(self):
        if _ACTIVE:
            stack = getattr(_LOCAL, "stack", None)
            if stack is None:
                stack = _LOCAL.stack = []
            self._depth = len(stack)
            stack.append(self)
            self._start = _now_us()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if self._start is None:
            return False
        end = _now_us()
        stack = _LOCAL.stack
        if stack and stack[-1] is self:
            stack.pop()
        for rec in _ACTIVE:
            rec.add(self.name, self._start, end, self._depth, [])
        self._start = None
        return False


class profile:
    """The legacy ``torch.autograd.profiler.profile`` context manager (also what
    ``torch.profiler.profile`` runs for each recording cycle)."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None, **kwargs):
        self.enabled = enabled
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_flops = with_flops
        self.acc_events = acc_events
        self._recorder = None
        self._function_events = None
        self.entered = False

    def __enter__(self):
        if not self.enabled:
            return self
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self.entered = True
        self._start_trace()
        return self

    def _start_trace(self):
        self._recorder = _Recorder(self.record_shapes)
        _ACTIVE.append(self._recorder)

    def __exit__(self, exc_type, exc_value, traceback):
        if not self.enabled:
            return False
        self._stop_trace()
        return False

    def _stop_trace(self):
        if self._recorder is not None and self._recorder in _ACTIVE:
            _ACTIVE.remove(self._recorder)
        if self._recorder is not None:
            evs = self._recorder.finish()
            if self.acc_events and self._function_events is not None:
                evs = list(self._function_events) + evs
            self._function_events = EventList(evs, profile_memory=self.profile_memory, with_flops=self.with_flops)

    def _check_finish(self):
        if self._function_events is None:
            raise RuntimeError("Profiler didn't finish running")

    @property
    def function_events(self):
        return self._function_events

    def events(self):
        self._check_finish()
        return self._function_events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        self._check_finish()
        return self._function_events.key_averages(group_by_input_shape, group_by_stack_n, group_by_overload_name)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None):
        self._check_finish()
        return self._function_events.table(sort_by=sort_by, row_limit=row_limit,
                                           max_name_column_width=max_name_column_width,
                                           max_shapes_column_width=max_shapes_column_width, header=header,
                                           top_level_events_only=top_level_events_only, time_unit=time_unit)

    def total_average(self):
        self._check_finish()
        return self._function_events.total_average()

    @property
    def self_cpu_time_total(self):
        self._check_finish()
        return self._function_events.self_cpu_time_total

    def export_chrome_trace(self, path):
        self._check_finish()
        self._function_events.export_chrome_trace(path)

    def __str__(self):
        return self.table()
