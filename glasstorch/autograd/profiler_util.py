"""The profiler's results: events, their per-name averages, torch's summary table and the Chrome
trace.  Times are microseconds, as in torch; the layout of ``table()`` is torch's (column names,
widths, the dashed separators and the "Self CPU time total" footer), so printed tables line up
with torch's even though the numbers never can."""
import json
import os

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg"]


class FunctionEvent:
    """One timed region: ``record_function`` or a profiler step."""

    def __init__(self, id, name, thread, start_us, end_us, input_shapes=None, depth=0):
        # torch names every profiler step "ProfilerStep*" (so they aggregate); the trace keeps "#N"
        self.id, self.thread, self.trace_name = id, thread, name
        self.name = "ProfilerStep*" if name.startswith("ProfilerStep#") else name
        self.time_range_start, self.time_range_end = start_us, end_us
        self.input_shapes = input_shapes
        self.cpu_children = []
        self.cpu_parent = None
        self.depth = depth
        self.count = 1
        self.cpu_memory_usage = 0
        self.is_async = False
        self.is_user_annotation = True
        self.node_id = -1

    @property
    def key(self):
        # torch summarizes every profiler step under one wildcard name
        return self.name

    @property
    def cpu_time_total(self):
        return self.time_range_end - self.time_range_start

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def self_cpu_memory_usage(self):
        return self.cpu_memory_usage - sum(c.cpu_memory_usage for c in self.cpu_children)

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={_format_time(self.cpu_time_total)} "
                f"start_us={self.time_range_start:.3f} end_us={self.time_range_end:.3f} "
                f"cpu_children={[c.id for c in self.cpu_children]} input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """The events of one name (and, when grouped, one input shape) added together."""

    def __init__(self):
        self.key = None
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.input_shapes = None
        self.cpu_parent = None
        self.is_async = False
        self.node_id = -1

    def add(self, other):
        if self.key is None:
            self.key = other.key
            self.input_shapes = other.input_shapes
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        return self

    @property
    def cpu_time(self):
        return 0.0 if self.count == 0 else self.cpu_time_total / self.count

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_format_time(self.self_cpu_time_total)} "
                f"cpu_time={_format_time(self.cpu_time)} input_shapes={self.input_shapes}>")


class EventList(list):
    """A list of events with torch's summaries."""

    def __init__(self, *args, profile_memory=False, with_flops=False, use_device=None, **kwargs):
        super().__init__(*args)
        self._profile_memory = profile_memory
        self._with_flops = with_flops
        self._use_device = use_device

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shapes=False, group_by_stack_n=0, group_by_overload_name=False):
        groups = {}
        for e in self:
            key = (e.key, str(e.input_shapes)) if group_by_input_shapes else e.key
            groups.setdefault(key, FunctionEventAvg()).add(e)
        out = list(groups.values())
        if not group_by_input_shapes:
            for avg in out:
                avg.input_shapes = None
        return EventList(out, profile_memory=self._profile_memory, with_flops=self._with_flops)

    def total_average(self):
        total = FunctionEventAvg()
        for e in self:
            total.add(e)
        total.key = "Total"
        return total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None):
        return _build_table(self, sort_by, header, row_limit, max_name_column_width, max_shapes_column_width,
                            self._profile_memory, top_level_events_only, time_unit)

    def export_chrome_trace(self, path):
        pid = os.getpid()
        trace = [{"ph": "X", "cat": "user_annotation", "name": e.trace_name, "pid": pid, "tid": e.thread,
                  "ts": e.time_range_start, "dur": e.cpu_time_total, "args": {}} for e in self
                 if isinstance(e, FunctionEvent)]
        with open(path, "w") as f:
            json.dump({"schemaVersion": 1, "displayTimeUnit": "ms", "traceEvents": trace}, f, indent=2)


def _format_time(time_us):
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_time_share(time_us, total_us):
    if total_us == 0:
        return "NaN"
    return f"{time_us * 100.0 / total_us:.2f}%"


def _format_memory(nbytes):
    for unit, size in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if abs(nbytes) >= size:
            return f"{nbytes * 1.0 / size:.2f} {unit}"
    return f"{nbytes} B"


def _time(us, unit):
    if unit == "s":
        return f"{us / 1e6:.3f}s"
    if unit == "ms":
        return f"{us / 1e3:.3f}ms"
    if unit == "us":
        return f"{us:.3f}us"
    return _format_time(us)


def _build_table(events, sort_by, header, row_limit, max_name_width, max_shapes_width, profile_memory,
                 top_level_only, time_unit):
    if len(events) == 0:
        return ""
    if sort_by is not None:
        events = sorted(events, key=lambda e: getattr(e, sort_by.replace("cuda", "device")), reverse=True)
    name_width = max(len(e.key) for e in events) + 4
    if max_name_width is not None:
        name_width = min(name_width, max_name_width)
    has_shapes = any(e.input_shapes for e in events)
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if profile_memory:
        headers += ["CPU Mem", "Self CPU Mem"]
    headers.append("# of Calls")
    widths = [name_width] + [12] * (len(headers) - 1)
    if has_shapes:
        headers.append("Input Shapes")
        shapes_width = max(len(str(e.input_shapes)) for e in events) + 4
        widths.append(min(shapes_width, max_shapes_width) if max_shapes_width is not None else shapes_width)
    # every column is right-aligned and followed by two spaces, as torch's row_format
    row_format = "".join("{: >" + str(w) + "}  " for w in widths)
    sep = "".join("-" * w + "  " for w in widths)
    line_length = sum(w + 2 for w in widths) - 2
    total_self = sum(e.self_cpu_time_total for e in events)
    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    if top_level_only:
        lines += ["=" * line_length, "This report only display top-level ops statistics"]
    lines += [sep, row_format.format(*headers), sep]
    shown = 0
    for e in events:
        if shown == row_limit:
            break
        if top_level_only and e.cpu_parent is not None:
            continue
        shown += 1
        name = e.key
        if max_name_width is not None and len(name) >= max_name_width - 3:
            name = name[:max_name_width - 3] + "..."
        row = [name, _format_time_share(e.self_cpu_time_total, total_self), _time(e.self_cpu_time_total, time_unit),
               _format_time_share(e.cpu_time_total, total_self), _time(e.cpu_time_total, time_unit),
               _time(e.cpu_time, time_unit)]
        if profile_memory:
            row += [_format_memory(e.cpu_memory_usage), _format_memory(e.self_cpu_memory_usage)]
        row.append(e.count)
        if has_shapes:
            row.append(str(e.input_shapes)[:widths[-1]])
        lines.append(row_format.format(*row))
    lines += [sep, f"Self CPU time total: {_time(total_self, time_unit)}"]
    return "".join(line + "\n" for line in lines)
