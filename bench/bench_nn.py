"""Training-step benchmarks, glasstorch vs torch, in one run.

One step = forward, cross-entropy loss, backward, SGD step.  Prints the median time per step of
each library and the ratio glasstorch / torch (below 1: glasstorch is faster) -- for the MLPs also a
step written by hand in NumPy (``_numpy_mlp.py``), the floor for glasstorch -- at the default
thread count and at 1 thread; then the peak memory of the MLP runs: each library trains in a
fresh interpreter while a thread samples its resident memory, and the peak above what the process
held before the model was built is reported.
Usage: python bench/bench_nn.py [--steps N] [--only TEXT] [--no-memory]
"""
import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

import numpy as np
import torch

import glasstorch
from _numpy_mlp import numpy_mlp_step


def mlp(sizes):
    def make(m):
        layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers += [m.nn.Linear(a, b), m.nn.ReLU()]
        return m.nn.Sequential(*layers[:-1])
    return make


def lenet(m):
    nn = m.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84),
                         nn.ReLU(), nn.Linear(84, 10))


class _LSTMHead:
    """LSTM(64, 128) over the sequence, then Linear(128, 10) on the last step's output."""

    def __new__(cls, m):
        class LSTMHead(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = m.nn.LSTM(64, 128)
                self.fc = m.nn.Linear(128, 10)

            def forward(self, x):
                out, _ = self.lstm(x)
                return self.fc(out[-1])
        return LSTMHead()


MLP_SIZES = {"MLP 784-128-128-10 @64": ([784, 128, 128, 10], 64), "MLP 784-512-512-10 @256": ([784, 512, 512, 10], 256),
             "MLP 784-1024-1024-10 @1024": ([784, 1024, 1024, 10], 1024)}
CASES = [
    ("MLP 784-128-128-10 @64", mlp([784, 128, 128, 10]), (64, 784)),
    ("MLP 784-512-512-10 @256", mlp([784, 512, 512, 10]), (256, 784)),
    ("MLP 784-1024-1024-10 @1024", mlp([784, 1024, 1024, 10]), (1024, 784)),
    ("LeNet CNN 1x28x28 @64", lenet, (64, 1, 28, 28)),
    ("LSTM h128 seq32 @32", _LSTMHead, (32, 32, 64)),
]


def make_step(m, factory, shape):
    """One training step of the model ``factory`` builds, on fixed data, as a function."""
    m.manual_seed(0)
    net = factory(m)
    opt = m.optim.SGD(net.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x = m.from_numpy(rng.standard_normal(shape).astype(np.float32))
    y = m.from_numpy(rng.integers(0, 10, shape[1] if factory is _LSTMHead else shape[0]))

    def step():
        opt.zero_grad()
        loss = m.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
    return step


def time_steps(m, factory, shape, steps):
    step = make_step(m, factory, shape) if m is not np else numpy_mlp_step(*factory)
    times = []
    for i in range(steps + 3):
        t0 = time.perf_counter()
        step()
        if i >= 3:                               # the first steps warm caches and allocators
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_memory_child(lib, case_name, steps):
    """Run in a fresh interpreter: train ``steps`` steps and print the peak RSS growth in bytes."""
    m = torch if lib == "torch" else glasstorch
    factory, shape = next((f, s) for n, f, s in CASES if n == case_name)
    base = _rss_bytes()
    peak = [base]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            time.sleep(0.0005)
    th = threading.Thread(target=sample, daemon=True)
    th.start()
    time_steps(m, factory, shape, steps)
    done.set()
    th.join()
    peak[0] = max(peak[0], _rss_bytes())
    print(peak[0] - base)


def peak_memory(case_name, steps):
    out = {}
    for lib in ("torch", "glasstorch"):
        res = subprocess.run([sys.executable, os.path.abspath(__file__), "--memory-child", lib, case_name,
                              "--steps", str(steps)], capture_output=True, text=True, check=True)
        out[lib] = int(res.stdout.split()[-1])
    return out


def set_threads(n):
    torch.set_num_threads(n)
    glasstorch.set_num_threads(n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--only", default="", help="run only the cases whose name contains this text")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    ap.add_argument("--memory-child", nargs=2, metavar=("LIB", "CASE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        peak_memory_child(*args.memory_child, args.steps)
        return
    default_threads = torch.get_num_threads()
    for label, threads in (("default threads", default_threads), ("1 thread", 1)):
        set_threads(threads)
        print(f"== {label} ({threads}) ==")
        print(f"{'case':32s} {'torch ms':>10s} {'glass ms':>10s} {'ratio':>7s}   {'NumPy by hand: ms':>17s} {'/torch':>7s}")
        for name, factory, shape in CASES:
            if args.only not in name:
                continue
            tt = time_steps(torch, factory, shape, args.steps)
            tg = time_steps(glasstorch, factory, shape, args.steps)
            floor = ""
            if name in MLP_SIZES:
                tn = time_steps(np, MLP_SIZES[name], None, args.steps)
                floor = f"   {tn * 1e3:17.2f} {tn / tt:7.2f}"
            print(f"{name:32s} {tt * 1e3:10.2f} {tg * 1e3:10.2f} {tg / tt:7.2f}{floor}")
    set_threads(default_threads)
    if args.no_memory:
        return
    print("== peak memory while training (resident memory above the process's before the model) ==")
    print(f"{'case':32s} {'torch MiB':>10s} {'glass MiB':>10s} {'ratio':>7s}")
    for name, _, _ in CASES:
        if name.startswith("MLP") and args.only in name:
            mem = peak_memory(name, args.steps)
            t, g = mem["torch"] / 2**20, mem["glasstorch"] / 2**20
            print(f"{name:32s} {t:10.1f} {g:10.1f} {g / max(t, 1e-9):7.2f}")


if __name__ == "__main__":
    main()
