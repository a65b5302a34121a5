"""Time glasstorch's NumPy generator against torch's CPU generator.

    python bench/bench_random.py

Prints the best-of-N time of the public ``glasstorch.rand`` / ``randn`` / ``randperm`` (and a
few in-place fills) for 1,000,000 elements and the ratio to torch
(targets: <= 3x for rand / randn, <= 10x for randperm). torch runs on one thread, since its
random kernels are serial anyway.
"""

import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import glasstorch  # noqa: E402

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
    torch.manual_seed(0)
    glasstorch.manual_seed(0)
    cases = [(name, (lambda f=f: f(torch)), (lambda f=f: f(glasstorch)), target) for name, f, target in [
        ("rand(1e6)", lambda t: t.rand(N), 3),
        ("randn(1e6)", lambda t: t.randn(N), 3),
        ("randn(1e6, float64)", lambda t: t.randn(N, dtype=t.float64), 3),
        ("uniform_(-1, 2)(1e6)", lambda t: t.empty(N).uniform_(-1, 2), None),
        ("normal_(2, 3)(1e6)", lambda t: t.empty(N).normal_(2.0, 3.0), None),
        ("randint(1e6)", lambda t: t.randint(0, 1000, (N,)), None),
        ("bernoulli_(0.3)(1e6)", lambda t: t.empty(N).bernoulli_(0.3), None),
        ("randperm(1e6)", lambda t: t.randperm(N), 10),
    ]]
    print(f"{'case':<22}{'torch ms':>10}{'ours ms':>10}{'ratio':>8}  target")
    for name, theirs, ours, target in cases:
        t_ms = best_ms(theirs, 7)
        o_ms = best_ms(ours, 5)
        ratio = o_ms / t_ms
        mark = "" if target is None else (f"<= {target}x " + ("ok" if ratio <= target else "MISSED"))
        print(f"{name:<22}{t_ms:>10.2f}{o_ms:>10.2f}{ratio:>8.2f}  {mark}")


if __name__ == "__main__":
    main()
