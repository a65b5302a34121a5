"""torch.profiler / torch.autograd.profiler: the same program runs on both; timings differ by
nature, so the tests compare structure: table header line, region names and call counts, the
schedule's actions and on_trace_ready calls, and that the Chrome trace is valid JSON."""
import json
import warnings

import pytest
import torch

import glasstorch

MODS = (torch, glasstorch)


def _program(m, prof_kwargs, steps=6):
    """A tutorial-shaped loop; returns (profiler, the step numbers on_trace_ready saw, its tables)."""
    seen, tables = [], []

    def ready(p):
        seen.append(p.step_num)
        tables.append(p.key_averages())

    x = m.randn(8, 8)
    with m.profiler.profile(activities=[m.profiler.ProfilerActivity.CPU], on_trace_ready=ready,
                            **prof_kwargs) as prof:
        for _ in range(steps):
            with m.profiler.record_function("model_inference"):
                y = x @ x
                with m.profiler.record_function("inner"):
                    y.relu()
            prof.step()
    return prof, seen, tables


def _counts(avgs, names=("model_inference", "inner")):
    return {e.key: e.count for e in avgs if e.key in names or e.key.startswith("ProfilerStep")}


def _header(table):
    return table.splitlines()[1].split()


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("kw", [dict(), dict(record_shapes=True, profile_memory=True),
                                dict(schedule="s"), dict(schedule="s", acc_events=True)])
def test_profile_counts_and_header(kw):
    got = []
    for m in MODS:
        k = dict(kw)
        if k.get("schedule") == "s":
            k["schedule"] = m.profiler.schedule(wait=1, warmup=1, active=2, repeat=2)
        prof, seen, tables = _program(m, k, steps=9)
        avgs = tables[-1] if tables else prof.key_averages()
        table = avgs.table(sort_by="cpu_time_total", row_limit=10)
        got.append((seen, [_counts(t) for t in tables], _counts(avgs), _header(table),
                    table.splitlines()[-1].split(":")[0]))
    assert got[0] == got[1]


def _shape_of(table):
    """The table's lines with numbers stripped: separators and the header exactly."""
    lines = table.splitlines()
    return [lines[0], lines[1], lines[2], lines[-2]]


def test_table_layout_matches_torch():
    out = []
    for m in MODS:
        with m.profiler.profile() as prof:
            with m.profiler.record_function("aten::empty_strided"):   # a name torch's ops also produce
                pass
        avgs = [e for e in prof.key_averages() if e.key == "aten::empty_strided"]
        out.append(prof.key_averages())
    # torch adds rows for its own ops; the header line of a table holding the same names is the same
    t_keys = {e.key for e in out[0]}
    assert "aten::empty_strided" in t_keys
    g_table = out[1].table()
    assert _header(g_table) == ["Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%", "CPU", "total",
                                "CPU", "time", "avg", "#", "of", "Calls"]
    assert g_table.splitlines()[-1].startswith("Self CPU time total: ")
    # column widths: name column is the longest name + 4, the others 12, two spaces after each
    line = g_table.splitlines()[0]
    assert line == "-" * (len("aten::empty_strided") + 4) + "  " + ("-" * 12 + "  ") * 6


def test_header_line_identical_with_same_names():
    """Filtered to the record_function rows, both libraries print the same header and separators."""
    tabs = []
    for m in MODS:
        with m.profiler.profile(profile_memory=True) as prof:
            with m.profiler.record_function("region_with_a_long_name"):
                pass
        from importlib import import_module
        util = import_module(f"{m.__name__}.autograd.profiler_util")
        rows = [e for e in prof.key_averages() if e.key == "region_with_a_long_name"]
        tabs.append(util.EventList(rows, profile_memory=True).table())
    assert _shape_of(tabs[0]) == _shape_of(tabs[1])


def test_record_function_decorator_and_legacy_alias(tmp_path):
    counts = []
    for m in MODS:
        @m.autograd.profiler.record_function("decorated")
        def f(x):
            return x + 1

        with m.autograd.profiler.profile() as prof:
            for _ in range(3):
                f(m.ones(2))
        counts.append(_counts(prof.key_averages(), ("decorated",)))
        path = tmp_path / f"{m.__name__}.json"
        prof.export_chrome_trace(str(path))
        trace = json.loads(path.read_text())
        assert [e["name"] for e in trace["traceEvents"] if e.get("name") == "decorated"] == ["decorated"] * 3
    assert counts[0] == counts[1] == [{"decorated": 3}][0]


def test_tensorboard_handler_and_enums(tmp_path):
    for m in MODS:
        d = tmp_path / m.__name__
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.profiler.profile(schedule=m.profiler.schedule(wait=0, warmup=1, active=1),
                                    on_trace_ready=m.profiler.tensorboard_trace_handler(str(d))) as p:
                for _ in range(2):
                    p.step()
        files = list(d.iterdir())
        assert len(files) == 1 and files[0].name.endswith(".pt.trace.json")
        json.loads(files[0].read_text())
    assert [a.name for a in glasstorch.profiler.ProfilerAction] == [a.name for a in torch.profiler.ProfilerAction]
    fs = [m.profiler.schedule(wait=2, warmup=1, active=2, repeat=1, skip_first=1) for m in MODS]
    assert [fs[0](i).name for i in range(10)] == [fs[1](i).name for i in range(10)]
    assert repr(glasstorch.profiler.ProfilerActivity.CPU) == repr(torch.profiler.ProfilerActivity.CPU)
