"""Time glasstorch's NumPy generator against torch's CPU generator.

    python bench/bench_random.py

Prints the best-of-N time of each producer for 1,000,000 elements and the ratio to torch
(targets: <= 3x for rand / randn, <= 10x for randperm). torch runs on one thread, since its
random kernels are serial anyway.
"""

import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from glasstorch._generator import Generator  # noqa: E402

N = 1_000_000


def best_ms(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * min(times)


def main():
    torch.set_num_threads(1)
    g = Generator(0)
    torch.manual_seed(0)
    cases = [
        ("rand(1e6)", lambda: torch.rand(N), lambda: g.uniform(N), 3),
        ("randn(1e6)", lambda: torch.randn(N), lambda: g.normal(N), 3),
        ("randn(1e6, float64)", lambda: torch.randn(N, dtype=torch.float64),
         lambda: g.normal(N, np.float64), 3),
        ("uniform_(-1, 2)(1e6)", lambda: torch.empty(N).uniform_(-1, 2),
         lambda: g.uniform(N, np.float32, -1, 2), None),
        ("randperm(1e6)", lambda: torch.randperm(N), lambda: g.randperm(N), 10),
    ]
    print(f"{'case':<22}{'torch ms':>10}{'ours ms':>10}{'ratio':>8}  target")
    for name, theirs, ours, target in cases:
        t_ms = best_ms(theirs, 7)
        o_ms = best_ms(ours, 5)
        ratio = o_ms / t_ms
        mark = "" if target is None else (f"<= {target}x " + ("ok" if ratio <= target else "MISSED"))
        print(f"{name:<22}{t_ms:>10.2f}{o_ms:>10.2f}{ratio:>8.2f}  {mark}")


if __name__ == "__main__":
    main()
