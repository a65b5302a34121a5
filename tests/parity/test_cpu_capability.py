"""The suite runs torch and NumPy on their AVX2 code (tests/_cpu_pin.py). These tests check that the
pin holds where it applies, and run, without it, what glasstorch models of a machine's native
capability: arange and grid_sample, whose torch kernels are AVX2 builds on AVX-512 machines too.
On an AVX2 machine the unpinned run is the pinned one; on an AVX-512 machine it is torch's AVX512
capability against glasstorch."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import torch

from tests._cpu_pin import PINS, _has_avx512

UNPINNED = textwrap.dedent("""
    import random
    import numpy as np
    import torch
    import glasstorch as gt

    random.seed(0)
    bad = []
    for k in range(150):
        start = random.uniform(-5, 5)
        step = random.choice([0.1, 0.3, 3.8984, 1 / 3, 0.7, 2.7])
        n = random.randint(2, 200)
        for name in ("float32", "float64"):
            t = torch.arange(start, start + step * n, step, dtype=getattr(torch, name)).numpy()
            g = gt.arange(start, start + step * n, step, dtype=getattr(gt, name)).numpy()
            if t.shape != g.shape or t.tobytes() != g.tobytes():
                bad.append(("arange", start, step, n, name))
    rng = np.random.default_rng(0)
    for mode in ("bilinear", "bicubic"):
        for align in (False, True):
            x0 = rng.standard_normal((2, 3, 5, 6)).astype(np.float32)
            # many points share pixels: the order of the scatter in backward matters
            grid0 = rng.uniform(-1.1, 1.1, (2, 7, 9, 2)).round(1).astype(np.float32)
            out = []
            for m in (torch, gt):
                x = m.from_numpy(x0.copy()).requires_grad_(True)
                y = m.nn.functional.grid_sample(x, m.from_numpy(grid0.copy()), mode=mode, align_corners=align)
                (y * y).sum().backward()
                out.append((y.detach().numpy().tobytes(), x.grad.numpy().tobytes()))
            if out[0] != out[1]:
                bad.append(("grid_sample", mode, align))
    print(torch.backends.cpu.get_cpu_capability(), "mismatches:", bad)
""")


def test_suite_runs_torch_and_numpy_on_avx2_where_the_cpu_has_avx512():
    if not _has_avx512():
        assert torch.backends.cpu.get_cpu_capability() in ("AVX2", "DEFAULT")
        return
    assert all(p in os.environ for p in PINS)
    assert torch.backends.cpu.get_cpu_capability() == "AVX2"
    core = getattr(np, "_core", None) or np.core
    assert not core._multiarray_umath.__cpu_features__.get("AVX512F") or \
        not any(g.startswith("AVX512") or g == "X86_V4" for g in core._multiarray_umath.__cpu_dispatch__
                if core._multiarray_umath.__cpu_features__.get(g))


def test_arange_and_grid_sample_at_the_native_capability():
    env = {k: v for k, v in os.environ.items() if k not in PINS}
    res = subprocess.run([sys.executable, "-c", UNPINNED], capture_output=True, text=True, env=env, timeout=300,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert res.returncode == 0, res.stderr
    capability, _, rest = res.stdout.strip().partition(" ")
    assert capability == ("AVX512" if _has_avx512() else "AVX2") or capability == "DEFAULT"
    assert rest == "mismatches: []", res.stdout
