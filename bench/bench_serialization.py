"""Save and load a ~100 MB state_dict with glasstorch and with torch, in one run.

    python bench/bench_serialization.py [--mb 100] [--repeat 3]

Prints the best-of-N time of each library, the ratio glasstorch / torch (target <= 1.5x), and the
peak Python memory allocated while glasstorch loads (tracemalloc; target <= 2x the file size).
Both libraries save the same arrays (a model-like mix of matrices, vectors and int buffers) to
files in a temporary directory; each load is verified against the source arrays.
"""
import argparse
import gc
import os
import tempfile
import time
import tracemalloc
from collections import OrderedDict

import numpy as np
import torch

import glasstorch as gt
from glasstorch import serialization as gser


def make_arrays(mb):
    """A state_dict-like mix: big float32 matrices, bias vectors, int64 counters (about ``mb`` MB)."""
    rng = np.random.default_rng(0)
    arrays, total, i = OrderedDict(), 0, 0
    while total < mb * 2 ** 20:
        arrays[f"layer{i}.weight"] = rng.standard_normal((1024, 1024), dtype=np.float32)
        arrays[f"layer{i}.bias"] = rng.standard_normal(1024, dtype=np.float32)
        arrays[f"layer{i}.num_batches_tracked"] = np.array(i, dtype=np.int64)
        total += arrays[f"layer{i}.weight"].nbytes + 4096 + 8
        i += 1
    return arrays


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    arrays = make_arrays(args.mb)
    sd_gt = OrderedDict((k, gt.from_numpy(v)) for k, v in arrays.items())
    sd_torch = OrderedDict((k, torch.from_numpy(v)) for k, v in arrays.items())
    with tempfile.TemporaryDirectory() as d:
        p_gt, p_t = os.path.join(d, "gt.pt"), os.path.join(d, "torch.pt")
        save_gt = best_of(lambda: gser.save(sd_gt, p_gt), args.repeat)
        save_t = best_of(lambda: torch.save(sd_torch, p_t), args.repeat)
        load_gt = best_of(lambda: gser.load(p_gt), args.repeat)
        load_t = best_of(lambda: torch.load(p_t), args.repeat)
        size = os.path.getsize(p_gt)

        gc.collect()
        tracemalloc.start()
        loaded = gser.load(p_gt)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        for k, v in arrays.items():
            assert np.array_equal(loaded[k]._data, v), k
        assert torch.load(p_gt)["layer0.weight"].numpy().tobytes() == arrays["layer0.weight"].tobytes()

    print(f"checkpoint: {len(arrays)} tensors, {size / 2 ** 20:.1f} MiB")
    print(f"save: glasstorch {save_gt * 1e3:7.1f} ms   torch {save_t * 1e3:7.1f} ms   ratio {save_gt / save_t:.2f}x")
    print(f"load: glasstorch {load_gt * 1e3:7.1f} ms   torch {load_t * 1e3:7.1f} ms   ratio {load_gt / load_t:.2f}x")
    print(f"peak memory during glasstorch load: {peak / 2 ** 20:.1f} MiB = {peak / size:.2f}x the checkpoint "
          f"(target <= 2x)")


if __name__ == "__main__":
    main()
