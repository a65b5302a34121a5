"""var / std / var_mean / std_mean over dims bit for bit: torch's WelfordOps pass, one number after
another per output (``mean += d / k``, ``m2 += d (x - mean)``, unfused), in double.

Fixed in glasstorch: float64 reductions over a dim took NumPy's two passes (about 3 in 4 outputs an
ulp off), and var_mean / std_mean's float32 mean was NumPy's pairwise mean in double (about 1 in 20
outputs off); var_mean over a whole tensor also takes the Welford pass in torch."""
import warnings

import numpy as np
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array

FNS = {
    "var": lambda m, x, d, c, k: x.var(d, correction=c, keepdim=k),
    "std": lambda m, x, d, c, k: x.std(d, correction=c, keepdim=k),
    "var_mean": lambda m, x, d, c, k: m.var_mean(x, d, correction=c, keepdim=k),
    "std_mean": lambda m, x, d, c, k: m.std_mean(x, d, correction=c, keepdim=k),
}


@settings(max_examples=80, deadline=None)
@given(shape=st.lists(st.integers(1, 12), min_size=1, max_size=3), how=st.sampled_from(sorted(FNS)),
       dt=st.sampled_from(["float32", "float64"]), correction=st.sampled_from([0, 1, 2]), keepdim=st.booleans(),
       pick=st.integers(0, 7), whole=st.booleans(), seed=st.integers(0, 2**31))
def test_moments_bit_for_bit(shape, how, dt, correction, keepdim, pick, whole, seed):
    x = np.random.default_rng(seed).standard_normal(shape) * 3 + 1
    dims = [i for i in range(len(shape)) if pick >> i & 1] or [len(shape) - 1]
    dim = None if whole else (dims[0] if len(dims) == 1 else tuple(dims))
    got = {}
    for m in MODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # (degrees of freedom <= 0)
            r = FNS[how](m, m.tensor(x, dtype=getattr(m, dt)), dim, correction, keepdim)
        got[m] = r if isinstance(r, tuple) else (r,)
    for a, b in zip(got[torch], got[glasstorch]):
        assert_same_array(a, b)
