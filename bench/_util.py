"""Small timing helpers shared by the benchmarks (timings live here, never in tests)."""
import os
import subprocess
import sys
import time


def best_of(fn, repeat=5, number=None, min_time=0.2):
    """Best time per call of ``fn`` over ``repeat`` rounds (calls per round chosen to last ``min_time``)."""
    if number is None:
        number = 1
        while True:
            t = time.perf_counter()
            for _ in range(number):
                fn()
            if time.perf_counter() - t >= min_time / 5 or number >= 1 << 20:
                break
            number *= 2
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t) / number)
    return best


def best_of_pair(fa, fb, repeat=9, min_time=0.2):
    """``best_of`` for two functions, measured in alternating rounds, so that a burst of load from
    elsewhere on the machine falls on both rather than on one (the ratio is what is reported)."""
    ta = tb = float("inf")
    for _ in range(repeat):
        ta = min(ta, best_of(fa, repeat=1, min_time=min_time / 3))
        tb = min(tb, best_of(fb, repeat=1, min_time=min_time / 3))
    return ta, tb


def fresh_interpreter(code, repeat=5):
    """(best wall seconds, peak RSS in MiB) of running ``code`` in a new interpreter."""
    best, peak = float("inf"), 0.0
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent through fork and exec, so a
    # child of a process that has torch loaded would report torch's memory as its own
    wrapper = ("import time, sys\nt0 = time.perf_counter()\n" + code +
               "\nhwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]"
               "\nprint(time.perf_counter() - t0, int(hwm) / 1024)")
    # an installed package has its bytecode cached, so let the child write it (the first run does)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", wrapper], capture_output=True, env=env, check=True)
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, check=True,
                             env=env).stdout
        t, rss = map(float, out.split()[-2:])
        best, peak = min(best, t), max(peak, rss)
    return best, peak


def report(rows, title):
    print(f"\n{title}")
    print(f"  {'case':44s} {'glasstorch':>12s} {'torch':>12s} {'ratio':>8s}  target")
    for name, g, t, target in rows:
        ratio = g / t
        ok = "" if target is None else ("ok" if ratio <= target else "MISSED")
        tgt = "" if target is None else f"<= {target}x {ok}"
        print(f"  {name:44s} {g * 1e6:10.1f}us {t * 1e6:10.1f}us {ratio:7.3f}x  {tgt}")
