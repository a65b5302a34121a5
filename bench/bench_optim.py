"""Optimizer timings, glasstorch against torch in the same run, printed as ratios.

1. Adam.step() over 1,000 float32 parameters of 1,000 elements each (target: <= 1.5x torch).
2. The seed loop per iteration: zero_grad; loss = (15 - a*b)**2; backward; SGD step.
"""
import time

import numpy as np
import torch

import glasstorch


def _best(fn, repeat=5, number=1):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def adam_step(mod, n_params=1000, size=1000):
    rng = np.random.default_rng(0)
    params = []
    for _ in range(n_params):
        p = mod.from_numpy(rng.standard_normal(size).astype(np.float32)).requires_grad_(True)
        p.grad = mod.from_numpy(rng.standard_normal(size).astype(np.float32))
        params.append(p)
    opt = mod.optim.Adam(params, lr=1e-3)
    opt.step()                               # state is made on the first step
    return _best(opt.step, repeat=5, number=3)


def seed_loop(mod, iters=2000):
    a, b = mod.tensor(3.0, requires_grad=True), mod.tensor(4.0, requires_grad=True)
    opt = mod.optim.SGD([a, b], lr=3e-3)

    def run():
        for _ in range(iters):
            opt.zero_grad()
            loss = (15 - a * b) ** 2
            loss.backward()
            opt.step()
    return _best(run, repeat=3) / iters


def main():
    torch.set_num_threads(1)
    for name, fn, unit, scale in [("Adam step, 1000 x 1000 float32", adam_step, "ms", 1e3),
                                  ("seed loop (SGD), per iteration", seed_loop, "us", 1e6)]:
        t_t, t_g = fn(torch), fn(glasstorch)
        print(f"{name:36s} torch {t_t * scale:8.2f} {unit}   glasstorch {t_g * scale:8.2f} {unit}   "
              f"ratio {t_g / t_t:.2f}x")


if __name__ == "__main__":
    main()
