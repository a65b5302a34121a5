"""Time glasstorch's NumPy generator against torch's CPU generator.

    python bench/bench_random.py [--cpu] [-r REPEAT] [-k NAME] [--threads K]

Prints the best-of-N time of the public ``glasstorch.rand`` / ``randn`` / ``randperm`` (and a
few in-place fills) for 1,000,000 elements and the ratio to torch (targets: <= 3x for rand /
randn, <= 10x for randperm). torch and glasstorch run interleaved, so a loaded machine slows
both alike; ``--cpu`` counts this process's CPU time instead of wall time, which is steadier
still on a shared machine. torch runs on one thread, since its random kernels are serial.
glasstorch draws serially too, but transforms a large ``randn`` on
``glasstorch.get_num_threads()`` threads when that is 4 or more; ``--threads K`` sets it first
(with ``--cpu``, the time of every thread counts).
"""

import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import glasstorch  # noqa: E402

N = 1_000_000


def best_pair_ms(theirs, ours, repeat, clock=time.perf_counter):
    """Best-of-``repeat`` times (ms) of torch and glasstorch, run interleaved (torch, ours,
    torch, ours, ...) so that both see the same load on a shared machine."""
    theirs(), ours()
    t_best = o_best = float("inf")
    for _ in range(repeat):
        start = clock()
        theirs()
        t_best = min(t_best, clock() - start)
        start = clock()
        ours()
        o_best = min(o_best, clock() - start)
    return 1e3 * t_best, 1e3 * o_best


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--repeat", type=int, default=15, help="timed runs per case")
    parser.add_argument("-k", "--filter", default="", help="only cases whose name contains this")
    parser.add_argument("--cpu", action="store_true",
                        help="time CPU seconds of this process (time.process_time) instead of wall "
                             "time: on a busy machine a long run is preempted more often than a "
                             "short one, which inflates wall-time ratios")
    parser.add_argument("--threads", type=int, default=None,
                        help="glasstorch.set_num_threads(K) first (default: leave it as it is)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    if args.threads is not None:
        glasstorch.set_num_threads(args.threads)
    print(f"glasstorch threads: {glasstorch.get_num_threads()}, clock: "
          f"{'CPU time' if args.cpu else 'wall'}")
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
    ] if args.filter in name]
    print(f"{'case':<22}{'torch ms':>10}{'ours ms':>10}{'ratio':>8}  target")
    for name, theirs, ours, target in cases:
        t_ms, o_ms = best_pair_ms(theirs, ours, args.repeat,
                                  time.process_time if args.cpu else time.perf_counter)
        ratio = o_ms / t_ms
        mark = "" if target is None else (f"<= {target}x " + ("ok" if ratio <= target else "MISSED"))
        print(f"{name:<22}{t_ms:>10.2f}{o_ms:>10.2f}{ratio:>8.2f}  {mark}")


if __name__ == "__main__":
    main()
