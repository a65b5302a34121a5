"""``torch.utils.benchmark``: Measurements built from the same times print and compute the same on
both libraries; real timings can only match in layout, so their reprs are compared as shapes
(numbers and units masked).  Timing runs are tiny statements with small ``min_run_time``."""
import random
import re

import pytest
import torch
import torch.utils.benchmark  # noqa: F401  (torch does not import it with torch.utils)

import glasstorch

from ._helpers import MODS, same_error


def spec(m, stmt="x + 1", **kw):
    return m.utils.benchmark.utils.common.TaskSpec(stmt, kw.pop("setup", "pass"), **kw)


def measurement(m, number, times, **kw):
    return m.utils.benchmark.Measurement(number, list(times), spec(m, **kw))


def body(r):
    """A repr without its first line's address; the class path must be torch's under our name."""
    first, _, rest = repr(r).partition("\n")
    path = re.fullmatch(r"<(\S+) object at 0x[0-9a-f]+>", first).group(1)
    return path.split(".", 1)[1], rest


CASES = [
    dict(number=100, times=[1.2e-4, 1.3e-4, 1.1e-4, 1.25e-4, 1.9e-4], label="add", sub_label="float"),
    dict(number=10, times=[3e-3], stmt="y = x\ny += 1", setup="x = 1\nz = 2", description="big"),
    dict(number=1, times=[2.0, 2.1, 2.05], num_threads=4, setup="import math"),
    dict(number=1000, times=[5e-6, 9e-6, 5.5e-6, 6e-6, 1.4e-5, 5.1e-6], stmt="a\nb", sub_label="s"),
    dict(number=7, times=[1e-7, 1.01e-7, 1.02e-7, 0.99e-7], env="A", description="d"),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_measurement_statistics_and_repr(case):
    kw = dict(CASES[case])
    number, times = kw.pop("number"), kw.pop("times")
    t, g = (measurement(m, number, times, **kw) for m in MODS)
    assert body(t) == body(g)
    for name in ("median", "iqr", "times", "number_per_run", "raw_times", "significant_figures", "title",
                 "has_warnings", "label", "sub_label", "description", "env", "num_threads", "as_row_name"):
        assert getattr(t, name) == getattr(g, name), name
    assert g.mean == pytest.approx(t.mean, rel=1e-15)
    assert t.meets_confidence(0.05) == g.meets_confidence(0.05)


def _random_measurements(m, seed, envs=("A",)):
    rng = random.Random(seed)
    out = []
    for label in ("add", "mul"):
        for threads in (1, 4):
            for sub in ("float", "int"):
                for desc in ("n=1", "n=100"):
                    if rng.random() < 0.15:
                        continue                 # a hole in the table
                    base = rng.uniform(1e-7, 5e-2)
                    times = [base * rng.uniform(0.8, 1.6) for _ in range(rng.choice([1, 3, 8]))]
                    out.append(measurement(m, 10, times, label=label, sub_label=sub, description=desc,
                                           num_threads=threads, env=rng.choice(envs)))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("style", ["plain", "trim", "highlight", "colorize", "rowwise", "all"])
def test_compare_prints_the_same_table(seed, style):
    outs = []
    for m in MODS:
        c = m.utils.benchmark.Compare(_random_measurements(m, seed, envs=("A", "B") if seed == 2 else ("A",)))
        if style in ("trim", "all"):
            c.trim_significant_figures()
        if style in ("highlight", "all"):
            c.highlight_warnings()
        if style in ("colorize", "all"):
            c.colorize()
        if style == "rowwise":
            c.colorize(rowwise=True)
        outs.append(str(c))
    assert outs[0] == outs[1]


def test_compare_print_and_replicates_merged(capsys):
    for m in MODS:
        ms = [measurement(m, 10, [1e-3, 1.1e-3], label="L", description="c"),
              measurement(m, 5, [0.9e-3], label="L", description="c")]
        m.utils.benchmark.Compare(ms).print()
    got = capsys.readouterr().out
    half = len(got) // 2
    assert got[:half] == got[half:] and "110.0" in got     # median of 1e-4, 1.1e-4, 1.8e-4 in us


def test_merge_and_helpers():
    for fn in (lambda b: [(r.number_per_run, r.raw_times, r.title) for r in b.Measurement.merge(
                   [b.Measurement(2, [1.0, 3.0], spec_of(b)), b.Measurement(4, [2.0], spec_of(b)),
                    b.Measurement(1, [7.0], spec_of(b, label="other"))])],
               lambda b: [b.select_unit(x) for x in (3e-10, 2e-9, 5e-7, 1e-6, 0.02, 0.999, 1.0, 120.0)],
               lambda b: [b.trim_sigfig(x, n) for x in (3.14159, 0.000123456, 98765.4, 1.5) for n in (1, 2, 4)],
               lambda b: [b.unit_to_english(u) for u in ("ns", "us", "ms", "s")],
               lambda b: b.ordered_unique([3, 1, 3, 2, 1]),
               lambda b: [(x.name, x.value) for x in b.Language] + [(x.name, x.value) for x in b.Colorize]):
        assert fn(torch.utils.benchmark) == fn(glasstorch.utils.benchmark)


def spec_of(b, label="L"):
    return b.utils.common.TaskSpec("x", "pass", label=label)


def shape(text, one_or_many=False):
    """The layout of a repr: addresses, numbers and units masked, noise warnings dropped.  With
    ``one_or_many`` the wording that depends on how many blocks fitted in the time is masked too
    (the exact wording for each count is checked in test_measurement_statistics_and_repr)."""
    lines = [ln for ln in text.splitlines()[1:] if "WARNING" not in ln and not ln.startswith("           ")]
    masked = [re.sub(r"\b(ns|us|ms|s)\b", "U", re.sub(r"\d+(\.\d+)?", "N", ln)) for ln in lines]
    if one_or_many:
        masked = [ln for ln in masked if not ln.startswith("  IQR:")]
        masked = [re.sub(r"^  (Median: )?N U$", "  M", ln) for ln in masked]
        masked = [re.sub(r"N measurements?, N runs (per measurement,|,) ", "C ", ln) for ln in masked]
    return "\n".join(masked)


@pytest.mark.parametrize("how", ["timeit", "blocked", "adaptive"])
def test_timer_measurements_have_torch_layout(how):
    shapes = []
    for m in MODS:
        t = m.utils.benchmark.Timer("y = x * 2", setup="x = torch.ones(3)", label="scale", sub_label="ones(3)",
                                    description="cpu")
        if how == "timeit":
            r = t.timeit(50)
            assert r.number_per_run == 50 and len(r.raw_times) == 1
        elif how == "blocked":
            r = t.blocked_autorange(min_run_time=0.01)
            assert sum(r.raw_times) >= 0.01
        else:
            r = t.adaptive_autorange(threshold=0.5, min_run_time=0.01, max_run_time=0.05)
        assert r.median > 0 and r.title == "scale: ones(3)"
        assert type(r).__name__ == "Measurement"
        shapes.append(shape(repr(r), one_or_many=how != "timeit"))
    assert shapes[0] == shapes[1], f"torch:\n{shapes[0]}\nglasstorch:\n{shapes[1]}"


def test_blocked_autorange_calls_back_per_block():
    for m in MODS:
        seen = []
        r = m.utils.benchmark.Timer("pass").blocked_autorange(callback=lambda n, t: seen.append(n),
                                                              min_run_time=0.005)
        assert len(seen) == len(r.raw_times) and set(seen) == {r.number_per_run}


def test_num_threads_set_for_the_run_and_restored():
    for m in MODS:
        before = m.get_num_threads()
        seen = []
        m.utils.benchmark.Timer("seen.append(torch.get_num_threads())", globals={"seen": seen},
                                num_threads=3).timeit(4)
        assert set(seen) == {3}
        assert m.get_num_threads() == before


def test_globals_and_torch_name():
    for m in MODS:
        r = m.utils.benchmark.Timer("torch.add(a, 1)", globals={"a": m.ones(2)}).timeit(3)
        assert r.task_spec.stmt == "torch.add(a, 1)"


@pytest.mark.parametrize("fn", [
    lambda b: b.Timer(stmt=lambda: None),
    lambda b: b.Timer("x", global_setup="#include <x>"),
    lambda b: b.Timer("x", language="fortran"),
    lambda b: b.Timer("pass").repeat(),
    lambda b: b.Timer("pass").autorange(),
    lambda b: b.Compare([1.0]),
    lambda b: b.trim_sigfig(1.0, 1.5),
], ids=["stmt", "global_setup", "language", "repeat", "autorange", "compare", "sigfig"])
def test_errors(fn):
    same_error(lambda m: fn(m.utils.benchmark))


def test_module_paths():
    for name in ("Timer", "Measurement", "Compare", "TaskSpec"):
        mod = getattr(torch.utils.benchmark, name).__module__
        assert getattr(glasstorch.utils.benchmark, name).__module__ == "glasstorch" + mod[len("torch"):]
    assert glasstorch.utils.benchmark.utils.common.Measurement is glasstorch.utils.benchmark.Measurement
    assert callable(glasstorch.utils.benchmark.timer)
