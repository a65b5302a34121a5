"""Where a training step of bench_nn.py spends its time: cProfile of glasstorch's steps, busiest first.

    python bench/profile_step.py [--threads K] [--only TEXT] [--steps N] [--top N]

A tool for finding what to speed up next (no torch needed); the timings to report come from
bench_nn.py, which runs torch beside it.
"""
import argparse
import cProfile
import os
import pstats
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import glasstorch as m  # noqa: E402
from bench_nn import CASES, make_step  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--only", default="")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    if args.threads:
        m.set_num_threads(args.threads)
    for name, factory, shape in CASES:
        if args.only not in name:
            continue
        step = make_step(m, factory, shape)
        for _ in range(3):
            step()
        t = time.perf_counter()
        for _ in range(args.steps):
            step()
        print(f"\n##### {name}: {(time.perf_counter() - t) / args.steps * 1e3:.2f} ms/step, "
              f"{m.get_num_threads()} threads")
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.steps):
            step()
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
