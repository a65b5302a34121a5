"""Foundation benchmarks: the seed's training loop per iteration, time to first result, and a
long backward chain.  glasstorch and torch in the same run, reported as ratios."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _util import best_of, best_of_pair, fresh_interpreter, report  # noqa: E402


def seed_loop(mod):
    a = mod.tensor(3.0, requires_grad=True)
    b = mod.tensor(4.0, requires_grad=True)
    opt = mod.optim.SGD([a, b], lr=3e-4)

    def step():
        opt.zero_grad()
        loss = (15 - a * b) ** 2
        loss.backward()
        opt.step()
    return step


def chain_backward(mod, n):
    x = mod.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    t = time.perf_counter()
    y.backward()
    return time.perf_counter() - t


def main():
    import torch
    import glasstorch
    rows = []
    g, t = best_of_pair(seed_loop(glasstorch), seed_loop(torch), repeat=15)
    rows.append(("seed loop: zero_grad, (15-a*b)**2, backward, step", g, t, 0.15))
    for name, expr in [("a * b (0-d, requires_grad)", "a * b"), ("a + b (64x64)", "c + d")]:
        setup = {}
        for mod in (glasstorch, torch):
            a = mod.tensor(3.0, requires_grad=True)
            b = mod.tensor(4.0, requires_grad=True)
            c = mod.ones(64, 64)
            d = mod.ones(64, 64)
            code = compile(expr, "<bench>", "eval")
            env = {"a": a, "b": b, "c": c, "d": d}
            setup[mod] = best_of(lambda: eval(code, env), repeat=7)
        rows.append((name, setup[glasstorch], setup[torch], None))
    report(rows, "per-iteration / per-op time")

    first = "import {m}\nx = {m}.tensor([1.0, 2.0, 3.0])\ny = (x * 2).sum()\nprint(y)"
    g_t, g_mem = fresh_interpreter(first.format(m="glasstorch"))
    t_t, t_mem = fresh_interpreter(first.format(m="torch"))
    report([("time to first result (fresh interpreter)", g_t, t_t, 0.15)], "start-up")
    print(f"  peak memory of that run: glasstorch {g_mem:.0f} MiB, torch {t_mem:.0f} MiB "
          f"({g_mem / t_mem:.2f}x)")

    print("\nbackward through a chain of n multiplications (linear time expected)")
    for n in (10_000, 100_000):
        print(f"  n={n:7d}: glasstorch {chain_backward(glasstorch, n) * 1e3:8.1f} ms   "
              f"torch {chain_backward(torch, n) * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
