"""Training-step benchmarks, glasstorch vs torch, in one run.

One step = forward, cross-entropy loss, backward, SGD step.  Prints the median time per step of
each library and the ratio glasstorch / torch (below 1: glasstorch is faster), at the default
thread count and at 1 thread.  Usage: python bench/bench_nn.py [--steps N] [--threads-only-one]
"""
import argparse
import statistics
import time

import numpy as np
import torch

import glasstorch


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


CASES = [
    ("MLP 784-128-128-10 @64", mlp([784, 128, 128, 10]), (64, 784)),
    ("MLP 784-512-512-10 @256", mlp([784, 512, 512, 10]), (256, 784)),
    ("MLP 784-1024-1024-10 @1024", mlp([784, 1024, 1024, 10]), (1024, 784)),
    ("LeNet CNN 1x28x28 @64", lenet, (64, 1, 28, 28)),
    ("LSTM h128 seq32 @32", _LSTMHead, (32, 32, 64)),
]


def time_steps(m, factory, shape, steps):
    m.manual_seed(0)
    net = factory(m)
    opt = m.optim.SGD(net.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x = m.from_numpy(rng.standard_normal(shape).astype(np.float32))
    y = m.from_numpy(rng.integers(0, 10, shape[1] if factory is _LSTMHead else shape[0]))
    times = []
    for i in range(steps + 3):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = m.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        if i >= 3:                               # the first steps warm caches and allocators
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def set_threads(n):
    torch.set_num_threads(n)
    glasstorch.set_num_threads(n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--only", default="", help="run only the cases whose name contains this text")
    args = ap.parse_args()
    default_threads = torch.get_num_threads()
    for label, threads in (("default threads", default_threads), ("1 thread", 1)):
        set_threads(threads)
        print(f"== {label} ({threads}) ==")
        print(f"{'case':32s} {'torch ms':>10s} {'glass ms':>10s} {'ratio':>7s}")
        for name, factory, shape in CASES:
            if args.only not in name:
                continue
            tt = time_steps(torch, factory, shape, args.steps)
            tg = time_steps(glasstorch, factory, shape, args.steps)
            print(f"{name:32s} {tt * 1e3:10.2f} {tg * 1e3:10.2f} {tg / tt:7.2f}")
    set_threads(default_threads)


if __name__ == "__main__":
    main()
