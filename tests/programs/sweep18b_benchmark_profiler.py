"""torch.utils.benchmark and torch.profiler as the recipes use them: Timer.timeit / blocked_autorange
and the Measurement they return, Compare tables; torch.profiler.profile with record_function regions,
a schedule and key_averages.  Times vary from run to run, so only types, counts, names and fields
are printed."""
import torch
import torch.utils.benchmark as benchmark
from torch.autograd.profiler import record_function as ag_record_function
from torch.profiler import ProfilerActivity, profile, record_function, schedule

torch.manual_seed(0)
x = torch.randn(64, 64)


def batched_dot_mul_sum(a, b):
    return a.mul(b).sum(-1)


def batched_dot_bmm(a, b):
    a = a.reshape(-1, 1, a.shape[-1])
    b = b.reshape(-1, b.shape[-1], 1)
    return torch.bmm(a, b).flatten(-3)


print("-- Timer")
print(torch.allclose(batched_dot_mul_sum(x, x), batched_dot_bmm(x, x), atol=1e-4))
t0 = benchmark.Timer(stmt="batched_dot_mul_sum(x, x)", setup="from __main__ import batched_dot_mul_sum",
                     globals={"x": x})
t1 = benchmark.Timer(stmt="batched_dot_bmm(x, x)", globals={"x": x, "batched_dot_bmm": batched_dot_bmm},
                     label="Batched dot", sub_label="bmm", description="64x64")
m0 = t0.timeit(20)
print(type(m0).__name__, type(m0).__module__, m0.number_per_run, len(m0.times), m0.stmt, m0.num_threads)
print(m0.task_spec.stmt, m0.task_spec.setup, m0.task_spec.label, m0.task_spec.num_threads)
print(m0.median > 0, m0.mean > 0, m0.iqr >= 0, isinstance(m0.significant_figures, int), m0.has_warnings in (True, False))
print(m0.title, "|", m0.as_row_name)
print(repr(m0).splitlines()[0].startswith("<torch.utils.benchmark.utils.common.Measurement object at"))
print(repr(m0).splitlines()[1:3])
m1 = t1.blocked_autorange(min_run_time=0.05)
print(type(m1).__name__, m1.label, m1.sub_label, m1.description, m1.number_per_run >= 1, len(m1.times) >= 1)
print(m1.title, "|", m1.as_row_name, "|", m1.env)
print(repr(m1).splitlines()[1:3])
m2 = t1.adaptive_autorange(threshold=0.5, min_run_time=0.01, max_run_time=0.2)
print(type(m2).__name__, len(m2.times) >= 1, m2.meets_confidence(1e9))
print(sorted(k for k in vars(m0) if not k.startswith("_")))
merged = benchmark.Measurement.merge([m0, t0.timeit(10)])
print(len(merged), type(merged[0]).__name__, len(merged[0].times))
print(benchmark.select_unit(3e-6), benchmark.select_unit(0.5), benchmark.unit_to_english("us"))
print(benchmark.trim_sigfig(123.456, 2), benchmark.ordered_unique([3, 1, 3, 2, 1]))
spec = benchmark.TaskSpec("f(x)", "pass", label="L", sub_label="s", description="d", num_threads=2)
print(spec.title, "|", spec.summarize().splitlines()[0], spec.setup_str())
try:
    t0.repeat()
except NotImplementedError as e:
    print("NotImplementedError", e)

print("-- Compare")
results = []
for n in [1, 2]:
    for label, fn in [("mul/sum", "batched_dot_mul_sum(x, x)"), ("bmm", "batched_dot_bmm(x, x)")]:
        t = benchmark.Timer(stmt=fn, globals={"x": torch.randn(8 * n, 8), "batched_dot_mul_sum": batched_dot_mul_sum,
                                              "batched_dot_bmm": batched_dot_bmm},
                            label="Batched dot", sub_label=f"[{8 * n}, 8]", description=label, num_threads=1)
        results.append(t.timeit(5))
cmp = benchmark.Compare(results)
cmp.trim_significant_figures()
table = str(cmp).splitlines()
print(len(table), [line.split("|")[0].strip() for line in table if "|" in line])
# a table of fixed times prints the same everywhere
fixed = []
for i, (sub, desc) in enumerate([("[8, 8]", "mul/sum"), ("[8, 8]", "bmm"), ("[16, 8]", "mul/sum"), ("[16, 8]", "bmm")]):
    times = [(6.6 + 3.1 * i + 0.05 * k) * 1e-6 for k in range(7)]
    for threads in (1, 4):
        spec = benchmark.TaskSpec("f(x)", "pass", label="Batched dot", sub_label=sub, description=desc,
                                  num_threads=threads)
        fixed.append(benchmark.Measurement(1, [t / threads for t in times], spec))
print(repr(fixed[0]).splitlines()[1:])
print(fixed[3].median, fixed[3].mean, fixed[3].iqr, fixed[3].significant_figures)
cmp = benchmark.Compare(fixed)
print(cmp)
cmp.trim_significant_figures()
cmp.colorize(rowwise=True)
print(cmp)
cmp.highlight_warnings()
print(cmp)

print("-- profiler")
model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
inp = torch.randn(4, 8)
with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    with record_function("model_inference"):
        model(inp)
    with record_function("loss"):
        model(inp).sum()
print(type(prof).__name__, type(prof).__module__)
ev = prof.events()
print(type(ev).__name__, type(ev).__module__)
ours = sorted(e.name for e in ev if not e.name.startswith("aten::"))
print(ours)
ka = prof.key_averages()
print(type(ka).__name__, sorted(a.key for a in ka if a.key in ("model_inference", "loss")))
print([a.count for a in ka if a.key == "model_inference"], hasattr(ka[0], "cpu_time_total"))
tab = prof.key_averages().table(sort_by="cpu_time_total", row_limit=5)
print(tab.splitlines()[1].split())
print(ProfilerActivity.CPU, [a.name for a in torch.profiler.supported_activities()][:1])

print("-- schedule")
sched = schedule(wait=1, warmup=1, active=2, repeat=1)
print([str(sched(i)) for i in range(6)])
traces = []
with profile(activities=[ProfilerActivity.CPU], schedule=sched,
             on_trace_ready=lambda p: traces.append(sorted(e.name for e in p.events() if e.name.startswith("Prof")))) as p:
    for step in range(5):
        with record_function(f"step_body"):
            model(inp)
        p.step()
print(traces, p.step_num)

print("-- autograd.profiler")
with torch.autograd.profiler.profile() as aprof:
    with ag_record_function("outer"):
        with ag_record_function("inner"):
            torch.mm(x, x)
names = sorted(e.name for e in aprof.function_events if not e.name.startswith("aten::"))
print(names, type(aprof.function_events).__name__)
outer = [e for e in aprof.function_events if e.name == "outer"][0]
print([c.name for c in outer.cpu_children if not c.name.startswith("aten::")], outer.cpu_parent)
print(type(aprof.total_average()).__name__, aprof.self_cpu_time_total >= 0)


@record_function("decorated")
def work():
    return torch.ones(3).sum()


with profile() as p2:
    work()
    work()
print(sorted(a.key for a in p2.key_averages() if a.key == "decorated"), [a.count for a in p2.key_averages() if a.key == "decorated"])
rf = record_function("manual")
print(type(rf).__name__)
with profile() as p3:
    rf.__enter__()
    torch.zeros(2).add_(1)
    rf.__exit__(None, None, None)
print([e.name for e in p3.events() if e.name == "manual"])
