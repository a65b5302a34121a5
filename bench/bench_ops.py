"""Per-op timings: glasstorch vs torch vs raw NumPy doing the same computation, in one run.

    python bench/bench_ops.py

Prints the median time of each library and the ratios glasstorch/torch and glasstorch/NumPy for a
broadcast elementwise chain, a reduction, a matmul and a batched matmul at a small and a large size.
Targets: large sizes <= 1.5x torch; small sizes <= 1.3x NumPy.
"""
import itertools
import timeit

import numpy as np
import torch

import glasstorch as gt


def _median_times(fns, number, rounds=12):
    """Median time per call of each function, timed in rounds that go through every order of the
    functions in turn (each one equally often first, and equally often right after each other one).

    The order matters on a small machine: torch's OpenMP threads keep spinning for a while after a
    torch call and take cores from whatever runs next, so a library timed more often right after
    torch would be charged for torch's threads."""
    orders = list(itertools.permutations(range(len(fns))))
    runs = [[] for _ in fns]
    for r in range(rounds):
        for i in orders[r % len(orders)]:
            runs[i].append(timeit.timeit(fns[i], number=number) / number)
    return [sorted(t)[len(t) // 2] for t in runs]


CASES = [  # name, shapes, function taking (module or np, *arrays)
    ("elementwise chain", lambda n: [(n, n), (n,)], lambda m, a, b: (a * b + b) * a - b),
    ("sum reduction", lambda n: [(n, n)], lambda m, a: a.sum(1) if m is not np else a.sum(axis=1)),
    ("matmul", lambda n: [(n, n), (n, n)], lambda m, a, b: a @ b),
    ("batched matmul", lambda n: [(*n,), (*n,)], lambda m, a, b: a @ b),
]
SIZES = {"small": {"matmul": 64, "batched matmul": (8, 64, 64)}, "large": {"matmul": 2048,
                                                                         "batched matmul": (16, 512, 512)}}


def run():
    torch.set_num_threads(torch.get_num_threads())
    rng = np.random.default_rng(0)
    print(f"{'case':<28}{'glasstorch':>12}{'torch':>12}{'numpy':>12}{'gt/torch':>10}{'gt/numpy':>10}")
    for size in ("small", "large"):
        for name, shapes_of, fn in CASES:
            n = SIZES[size].get(name, 64 if size == "small" else 2048)
            arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes_of(n)]
            ins = {"np": arrays, "torch": [torch.from_numpy(a) for a in arrays],
                   "gt": [gt.from_numpy(a) for a in arrays]}
            number = 200 if size == "small" else 3
            t_np, t_t, t_g = _median_times([lambda: fn(np, *ins["np"]), lambda: fn(torch, *ins["torch"]),
                                            lambda: fn(gt, *ins["gt"])], number)
            label = f"{name} ({size})"
            print(f"{label:<28}{t_g * 1e6:>10.1f}us{t_t * 1e6:>10.1f}us{t_np * 1e6:>10.1f}us"
                  f"{t_g / t_t:>10.2f}{t_g / t_np:>10.2f}")


if __name__ == "__main__":
    run()
